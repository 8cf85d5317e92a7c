"""Wrong one-use codes are counted once for the whole installation (the catalog), per entry point
and per source, before any empresa's store is searched: a lock holds across empresas, and one
person's slips never lock another person out. Three empresas, real stores, real mails."""

from __future__ import annotations

import pytest

from icsoe_desktop.domain import tokens
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.services.acceso import code_guesses
from tests.empresas.tres import CLIENTES, PASSWORD, activation_code, build
from tests.icsoe_helpers import (
    CURP_ANA,
    CURP_BETO,
    NEW_PASSWORD,
    SYMBOLS,
    enter_contratista,
    form,
    slips,
)

MSG_BLOQUEO = (
    "Se capturaron 5 códigos incorrectos: por seguridad, la captura de códigos se bloqueó por 5 "
    "minutos. Podrás intentarlo de nuevo en 5 minuto(s)."
)
MSG_BLOQUEO_EQUIPO = (
    "Se capturaron demasiados códigos incorrectos en este equipo: por seguridad, la captura de "
    "códigos se bloqueó por 5 minutos. Podrás intentarlo de nuevo en 5 minuto(s)."
)


def other_source(code: str, count: int) -> list[str]:
    """Wrong codes of ``count`` different sources, none the source of ``code``."""
    own = code_guesses.source_of(code)
    starts = [a + b + c for a in SYMBOLS for b in "ABC" for c in "XYZ"]
    return [f"{s}WW-WWWWW" for s in starts if s != own][:count]


@pytest.fixture
def tres(data_dir, clock, smtp_server, tmp_path):
    """The three-empresa installation, opened with the test's clock; Ana's activation code is
    issued by the second empresa, Beto's by the third; the first empresa is open."""
    from icsoe_desktop.services.container import open_services

    ids = build(data_dir)
    uno, dos, tres_ = (ids[c.rfc] for c in CLIENTES)
    services = open_services(data_dir, clock)
    services.settings.save_smtp(smtp_server.settings(), None, "ana@despacho.mx")
    codes = {}
    for empresa, curp, correo in (
        (dos, CURP_ANA, "ana@dos.mx"),
        (tres_, CURP_BETO, "beto@tres.mx"),
    ):
        services.abrir_empresa(empresa)
        rfc = enter_contratista(services, data_dir, tmp_path / str(empresa))
        services.capturistas.alta(rfc, form(curp=curp, correo=correo))
        services.mail.send_pending(force=True)
        codes[curp] = activation_code(smtp_server, correo)
    # Another person's code begins otherwise (1 in 31³ would not): draw Beto's again if not.
    while code_guesses.source_of(codes[CURP_BETO]) == code_guesses.source_of(codes[CURP_ANA]):
        services.capturistas.alta(rfc, form(curp=CURP_BETO, correo="beto@tres.mx"))
        services.mail.send_pending(force=True)
        codes[CURP_BETO] = activation_code(smtp_server, "beto@tres.mx")
    services.abrir_empresa(uno)
    yield services, ids, codes
    services.close()


def _crear(services, code: str, **kw) -> str:
    return services.entrada.crear_contrasena(code, NEW_PASSWORD, NEW_PASSWORD, **kw)


def _refused(services, code: str, **kw) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        _crear(services, code, **kw)
    return info.value


@pytest.mark.slow
def test_the_lock_holds_across_empresas_and_blocks_only_whoever_typed(tres, clock) -> None:
    services, ids, codes = tres
    errors = [_refused(services, wrong) for wrong in slips(codes[CURP_ANA])]
    assert [e.code for e in errors] == ["codigo_invalido"] * 4 + ["codigos_bloqueados"]
    assert errors[-1].message == MSG_BLOQUEO
    # Locked: Ana's real code, issued by another empresa than the open one, is refused; and
    # from the issuer's own store too (the count is the installation's, not the open store's).
    assert _refused(services, codes[CURP_ANA]).message == MSG_BLOQUEO
    services.abrir_empresa(ids[CLIENTES[1].rfc])
    with pytest.raises(ValidationError) as info:
        services.acceso_capturista.crear_contrasena(codes[CURP_ANA], NEW_PASSWORD, NEW_PASSWORD)
    assert info.value.code == "codigos_bloqueados"
    services.abrir_empresa(ids[CLIENTES[0].rfc])
    # Another person still activates, in the meantime.
    assert _crear(services, codes[CURP_BETO]) == CURP_BETO
    # Five minutes later Ana's code works.
    clock.advance(minutes=4, seconds=59)
    assert _refused(services, codes[CURP_ANA]).code == "codigos_bloqueados"
    clock.advance(seconds=1)
    assert _crear(services, codes[CURP_ANA]) == CURP_ANA


@pytest.mark.slow
def test_wrong_codes_and_the_lock_are_audited_in_the_catalog(tres) -> None:
    services, ids, codes = tres
    for wrong in slips(codes[CURP_ANA]):
        _refused(services, wrong)
    source = code_guesses.source_of(codes[CURP_ANA])
    entries = [
        (r.action, r.target, r.detail)
        for r in services.audit_instalacion.recent()
        if r.action.startswith("codigo")
    ]
    assert sorted(entries) == sorted(
        [("codigo_incorrecto", "capturista_activacion", f"fuente {source}")] * 5
        + [
            (
                "codigos_bloqueados",
                "capturista_activacion",
                f"fuente {source}: 5 códigos incorrectos",
            )
        ]
    )
    # No empresa keeps a count or an entry of its own, and no code is written anywhere.
    for cliente in CLIENTES:
        services.abrir_empresa(ids[cliente.rfc])
        assert not [r for r in services.audit.recent() if r.action.startswith("codigo")]
    written = " ".join(r.detail + r.target for r in services.audit_instalacion.recent())
    assert not any(tokens.normalize_code(w)[3:] in written for w in slips(codes[CURP_ANA]))


@pytest.mark.slow
def test_a_guesser_changing_the_first_symbols_locks_the_entry_point(tres, clock) -> None:
    services, _ids, codes = tres
    wrong = other_source(codes[CURP_ANA], code_guesses.MAX_WRONG_PER_ENTRY)
    errors = [_refused(services, w) for w in wrong]
    assert {e.code for e in errors[:-1]} == {"codigo_invalido"}
    assert errors[-1].message == MSG_BLOQUEO_EQUIPO
    # The entry point is locked for every code, a real one included, in every empresa...
    assert _refused(services, codes[CURP_ANA]).message == MSG_BLOQUEO_EQUIPO
    # ... but not the other entry points: recovery (capturista, IDSE) goes on.
    assert (
        _crear(services, codes[CURP_ANA], entrada=code_guesses.CAPTURISTA_RECUPERACION) == CURP_ANA
    )
    actions = [(r.action, r.detail) for r in services.audit_instalacion.recent()]
    assert ("codigos_bloqueados", "todas las fuentes: 25 códigos incorrectos") in actions
    clock.advance(minutes=5)
    assert _crear(services, codes[CURP_BETO]) == CURP_BETO


def _reset_code(services, smtp, usuario: str) -> str:
    from tests.services.test_accounts import CODE_RE

    services.accounts.request_password_reset(usuario)
    services.mail.send_pending(force=True)
    return CODE_RE.search(smtp.to(usuario)[-1].get_content()).group()


@pytest.mark.slow
def test_idse_recovery_locks_the_typist_only(tres, smtp_server, clock) -> None:
    from tests.empresas.tres import ANA, BETO

    services, _ids, _codes = tres
    code = {ANA: _reset_code(services, smtp_server, ANA)}
    code[BETO] = _reset_code(services, smtp_server, BETO)
    while code_guesses.source_of(code[BETO]) == code_guesses.source_of(code[ANA]):
        code[BETO] = _reset_code(services, smtp_server, BETO)  # 1 in 31³: draw again
    for wrong in slips(code[ANA]):
        with pytest.raises(ValidationError):
            services.accounts.reset_password(wrong, NEW_PASSWORD, NEW_PASSWORD)
    with pytest.raises(ValidationError) as info:
        services.accounts.reset_password(code[ANA], NEW_PASSWORD, NEW_PASSWORD)
    assert info.value.message == MSG_BLOQUEO
    assert services.accounts.reset_password(code[BETO], NEW_PASSWORD, NEW_PASSWORD) == BETO
    assert services.accounts.authenticate(ANA, PASSWORD).usuario == ANA
    clock.advance(minutes=5)
    assert services.accounts.reset_password(code[ANA], NEW_PASSWORD, NEW_PASSWORD) == ANA
