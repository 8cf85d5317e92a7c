"""Guessing: wrong one-use codes lock their source's code entry like wrong passwords lock a
usuario (tests/empresas/test_codigos.py: across empresas, per entry point and source); sign-in
failures decay; a failed sign-in costs the same whether or not the usuario exists."""

from __future__ import annotations

import hashlib
import re

import pytest

from icsoe_desktop.domain import passwords
from icsoe_desktop.domain.errors import AuthenticationError, ValidationError
from tests.icsoe_helpers import CURP_ANA, CURP_BETO, enter_contratista, form, slips
from tests.services.test_accounts import ANA, CODE_RE, NEW_PASSWORD, PASSWORD, fail_login
from tests.services.test_accounts import form as registro

MSG_BLOQUEO = (
    "Se capturaron 5 códigos incorrectos: por seguridad, la captura de códigos se bloqueó por 5 "
    "minutos. Podrás intentarlo de nuevo en 5 minuto(s)."
)


def test_five_wrong_reset_codes_lock_code_entry_for_five_minutes(
    services, smtp_configured, clock
) -> None:
    services.accounts.register(registro())
    services.accounts.request_password_reset(ANA)
    services.mail.send_pending()
    code = CODE_RE.search(smtp_configured.to(ANA)[-1].get_content()).group()

    errors = []
    for wrong in slips(code):
        with pytest.raises(ValidationError) as info:
            services.accounts.reset_password(wrong, NEW_PASSWORD, NEW_PASSWORD)
        errors.append(info.value)
    assert [e.code for e in errors] == ["codigo_invalido"] * 4 + ["codigos_bloqueados"]
    assert errors[-1].message == MSG_BLOQUEO and errors[-1].field == "codigo"
    # Locked: even the right code is refused, and nothing changes.
    with pytest.raises(ValidationError) as info:
        services.accounts.reset_password(code, NEW_PASSWORD, NEW_PASSWORD)
    assert info.value.code == "codigos_bloqueados"
    assert services.accounts.authenticate(ANA, PASSWORD).usuario == ANA

    clock.advance(minutes=5)
    assert services.accounts.reset_password(code, NEW_PASSWORD, NEW_PASSWORD) == ANA


def test_five_wrong_activation_codes_lock_crear_contrasena(
    services, smtp_configured, data_dir, tmp_path, clock
) -> None:
    rfc = enter_contratista(services, data_dir, tmp_path)
    services.capturistas.alta(rfc, form())
    services.mail.send_pending(force=True)
    text = smtp_configured.to("ana@capturas.mx")[-1].get_content()
    code = re.search(r"código de activación es: (\S+)", text).group(1)

    wrong_codes = slips(code)
    for wrong in wrong_codes[:4]:
        with pytest.raises(ValidationError) as info:
            services.acceso_capturista.crear_contrasena(wrong, NEW_PASSWORD, NEW_PASSWORD)
        assert info.value.code == "codigo_invalido"
    clock.advance(minutes=14)  # still in the window: the fifth locks
    with pytest.raises(ValidationError) as info:
        services.acceso_capturista.crear_contrasena(wrong_codes[4], NEW_PASSWORD, NEW_PASSWORD)
    assert info.value.message == MSG_BLOQUEO
    with pytest.raises(ValidationError) as info:
        services.acceso_capturista.crear_contrasena(code, NEW_PASSWORD, NEW_PASSWORD)
    assert info.value.code == "codigos_bloqueados"
    clock.advance(minutes=5)
    assert services.acceso_capturista.crear_contrasena(code, NEW_PASSWORD, NEW_PASSWORD) == CURP_ANA


def test_sign_in_failures_older_than_the_window_do_not_count(services, clock) -> None:
    services.accounts.register(registro())
    fail_login(services, ANA, 4)
    clock.advance(days=7)  # four slips last week, one today: not locked
    error = fail_login(services, ANA, 1)
    assert error.code == "credenciales_incorrectas"
    assert services.accounts.authenticate(ANA, PASSWORD).usuario == ANA

    fail_login(services, ANA, 4)
    clock.advance(minutes=14)  # five within the window still lock
    assert fail_login(services, ANA, 1).code == "usuario_bloqueado"


class ScryptCalls:
    """Counts the real hashlib.scrypt calls (work factor included) and lets each run."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: list[tuple[int, int, int]] = []
        real = hashlib.scrypt

        def counted(password, *, salt, n, r, p, maxmem=0, dklen=64):
            self.calls.append((n, r, p))
            return real(password, salt=salt, n=n, r=r, p=p, maxmem=maxmem, dklen=dklen)

        monkeypatch.setattr(hashlib, "scrypt", counted)

    def during(self, action) -> list[tuple[int, int, int]]:
        self.calls.clear()
        action()
        return list(self.calls)


def _refused(call) -> None:
    with pytest.raises(AuthenticationError) as info:
        call()
    assert info.value.code == "credenciales_incorrectas"


def test_unknown_usuario_costs_the_same_scrypt_as_a_wrong_password(services, monkeypatch) -> None:
    monkeypatch.delenv(passwords.COST_ENV)  # the app's own cost, not the suite's lower one
    services.accounts.register(registro())
    scrypt = ScryptCalls(monkeypatch)
    known = scrypt.during(
        lambda: _refused(lambda: services.accounts.authenticate(ANA, "Mala#1234"))
    )
    unknown = scrypt.during(
        lambda: _refused(lambda: services.accounts.authenticate("nadie@empresa.com", "Mala#1234"))
    )
    assert known == unknown == [(2**15, 8, 1)]


def test_capturista_without_password_or_unknown_costs_one_scrypt(
    services, smtp_configured, data_dir, tmp_path, monkeypatch
) -> None:
    monkeypatch.delenv(passwords.COST_ENV)  # the app's own cost, not the suite's lower one
    rfc = enter_contratista(services, data_dir, tmp_path)
    services.capturistas.alta(rfc, form())  # registrada: no password yet
    scrypt = ScryptCalls(monkeypatch)
    for curp in (CURP_ANA, CURP_BETO):
        calls = scrypt.during(
            lambda curp=curp: _refused(
                lambda: services.acceso_capturista.iniciar_sesion(curp, "Mala#1234")
            )
        )
        assert calls == [(2**15, 8, 1)], curp
