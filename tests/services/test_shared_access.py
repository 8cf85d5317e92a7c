"""The pieces IDSE users and ICSOE capturistas share (services/acceso/sign_in.py, one_time_codes.redeem,
passwords.check_new_password) behave the same for both actors, each in its own guide's words:
driven through the real AccountsService and AccesoCapturistaService on a real SQLite file, with
the codes read from mails received by a real SMTP server."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from icsoe_desktop.domain.errors import AuthenticationError, ValidationError
from tests.icsoe_helpers import CURP_ANA, enter_contratista, form
from tests.services.test_accounts import ANA, CODE_RE, PASSWORD
from tests.services.test_accounts import form as registro

WRONG = "Equivocada#99"
OTHER_PASSWORD = "Otra$Clave9"


@dataclass
class Actor:
    """One actor's doors, and the texts its guide gives."""

    usuario: str
    password: str
    sign_in: Callable[[str, str], object]
    request_code: Callable[[], str]  # a recovery code, as read in the mail received
    set_password: Callable[[str, str, str], str]  # code, contraseña, confirmación → usuario
    credenciales: str
    usado: str
    distintas: str
    confirmacion_vacia: tuple[str, str]  # (error code, message) of an empty confirmation
    audit_failure: str
    audit: Callable[[], list]  # the audit entries where its sign-in failures are kept


def _received_code(smtp, services, correo: str, pattern: re.Pattern[str]) -> str:
    """The code of the newest mail to ``correo`` that carries one."""
    report = services.mail.send_pending(force=True)
    assert report.failed == 0, report
    found = [m.group(0) for mail in smtp.to(correo) if (m := pattern.search(mail.get_content()))]
    return found[-1]


def idse(services, smtp) -> Actor:
    services.accounts.register(registro())

    def request_code() -> str:
        services.accounts.request_password_reset(ANA)
        return _received_code(smtp, services, ANA, CODE_RE)

    return Actor(
        usuario=ANA,
        password=PASSWORD,
        sign_in=services.accounts.authenticate,
        request_code=request_code,
        set_password=services.accounts.reset_password,
        credenciales=(
            "El usuario o la contraseña son incorrectos o no corresponden entre sí. "
            "Verifica la información e intenta nuevamente."
        ),
        usado="Este código ya fue utilizado. Solicita uno nuevo en «¿Olvidó su contraseña?».",
        distintas="La contraseña y la confirmación de la contraseña no coinciden.",
        confirmacion_vacia=(
            "contrasenas_distintas",
            "La contraseña y la confirmación de la contraseña no coinciden.",
        ),
        audit_failure="inicio_sesion_fallido",
        audit=services.audit_instalacion.recent,  # IDSE users are the installation's
    )


def capturista(services, smtp, data_dir, tmp_path) -> Actor:
    rfc = enter_contratista(services, data_dir, tmp_path)
    services.capturistas.alta(rfc, form())
    acceso = services.acceso_capturista
    activation = _received_code(
        smtp, services, "ana@capturas.mx", re.compile(r"(?<=código de activación es: )\S+")
    )
    password = "Cap7ur!sta#"
    assert acceso.crear_contrasena(activation, password, password) == CURP_ANA

    def request_code() -> str:
        acceso.solicitar_recuperacion(CURP_ANA)
        return _received_code(
            smtp, services, "ana@capturas.mx", re.compile(r"(?<=Tu código es: )\S+")
        )

    return Actor(
        usuario=CURP_ANA,
        password=password,
        sign_in=acceso.iniciar_sesion,
        request_code=request_code,
        set_password=acceso.crear_contrasena,
        credenciales="El usuario o la contraseña son incorrectos. Verifica la información.",
        usado=(
            "Esta liga (código) ya fue utilizada. Si no recuerdas tu contraseña, usa "
            "«¿Olvidaste tu contraseña?»."
        ),
        distintas="La contraseña nueva y la confirmación de la contraseña no coinciden.",
        confirmacion_vacia=("campo_obligatorio", "El campo «Confirmar contraseña» es obligatorio."),
        audit_failure="icsoe_inicio_sesion_fallido",
        audit=services.audit.recent,  # capturistas are the empresa's
    )


@pytest.fixture(params=["idse", "capturista"])
def actor(request, services, smtp_configured, data_dir, tmp_path) -> Actor:
    if request.param == "idse":
        return idse(services, smtp_configured)
    return capturista(services, smtp_configured, data_dir, tmp_path)


def fail(actor: Actor, times: int, usuario: str | None = None) -> AuthenticationError:
    error = None
    for _ in range(times):
        with pytest.raises(AuthenticationError) as info:
            actor.sign_in(usuario or actor.usuario, WRONG)
        error = info.value
    assert error is not None
    return error


def fail_message(actor: Actor, left: int) -> str:
    quedan = "queda 1 intento" if left == 1 else f"quedan {left} intentos"
    return f"{actor.credenciales}\n\nTe {quedan} antes de que el usuario se bloquee por 5 minutos."


def test_five_failures_lock_the_sign_in_for_five_minutes(actor, services, clock) -> None:
    error = fail(actor, 4)
    assert (error.code, error.message) == ("credenciales_incorrectas", fail_message(actor, 1))
    error = fail(actor, 1)
    assert error.code == "usuario_bloqueado"
    assert error.message.startswith(actor.credenciales + "\n\n")
    assert "se bloqueó por 5 minutos después de 5 intentos fallidos" in error.message
    # Locked: the right password is refused too, and is not counted as a failure.
    with pytest.raises(AuthenticationError) as info:
        actor.sign_in(actor.usuario, actor.password)
    assert info.value.code == "usuario_bloqueado"
    assert "Podrás intentarlo de nuevo en 5 minutos." in info.value.message
    failures = [r for r in actor.audit() if r.action == actor.audit_failure]
    assert len(failures) == 5 and {r.target for r in failures} == {actor.usuario}

    clock.advance(minutes=5, seconds=1)
    assert actor.sign_in(actor.usuario, actor.password) is not None


@pytest.mark.slow
def test_a_right_password_ends_the_count(actor) -> None:
    fail(actor, 4)
    actor.sign_in(actor.usuario, actor.password)
    assert fail(actor, 4).code == "credenciales_incorrectas"  # a new count: not locked


def test_an_unknown_usuario_locks_like_a_known_one(actor) -> None:
    """A guesser learns nothing from the lock: a usuario nobody has is locked the same."""
    unknown = "nadie@empresa.com" if "@" in actor.usuario else "PEMA800101HDFRRN09"
    assert fail(actor, 1, unknown).message == fail_message(actor, 4)
    assert fail(actor, 3, unknown).message == fail_message(actor, 1)
    assert fail(actor, 1, unknown).code == "usuario_bloqueado"
    actor.sign_in(actor.usuario, actor.password)  # the real usuario's count is apart


def test_a_code_sets_a_password_once(actor) -> None:
    code = actor.request_code()
    assert actor.set_password(code, OTHER_PASSWORD, OTHER_PASSWORD) == actor.usuario
    with pytest.raises(ValidationError) as info:
        actor.set_password(code, "Tercera#Clave8", "Tercera#Clave8")
    assert (info.value.code, info.value.message, info.value.field) == (
        "codigo_usado",
        actor.usado,
        "codigo",
    )
    # The second try changed nothing: the password is the one the code set.
    with pytest.raises(AuthenticationError):
        actor.sign_in(actor.usuario, "Tercera#Clave8")
    actor.sign_in(actor.usuario, OTHER_PASSWORD)


def test_a_refused_new_password_leaves_the_code_usable(actor) -> None:
    code = actor.request_code()
    for contrasena, confirmacion in [
        ("", ""),
        (OTHER_PASSWORD, "Otra$Clave8"),
        (OTHER_PASSWORD, ""),
        ("qwerty1111", "qwerty1111"),  # the policy
    ]:
        with pytest.raises(ValidationError):
            actor.set_password(code, contrasena, confirmacion)
    assert actor.set_password(code, OTHER_PASSWORD, OTHER_PASSWORD) == actor.usuario


def test_the_new_password_checks_speak_each_guide(actor) -> None:
    code = actor.request_code()
    cases = [
        (
            ("", OTHER_PASSWORD),
            ("campo_obligatorio", "El campo «Contraseña nueva» es obligatorio.", "contrasena"),
        ),
        (
            (OTHER_PASSWORD, "Otra$Clave8"),
            ("contrasenas_distintas", actor.distintas, "confirmacion"),
        ),
        ((OTHER_PASSWORD, ""), (*actor.confirmacion_vacia, "confirmacion")),
    ]
    for (contrasena, confirmacion), expected in cases:
        with pytest.raises(ValidationError) as info:
            actor.set_password(code, contrasena, confirmacion)
        assert (info.value.code, info.value.message, info.value.field) == expected


def test_a_code_of_one_actor_is_no_code_for_the_other(
    services, smtp_configured, data_dir, tmp_path
) -> None:
    ana_idse = idse(services, smtp_configured)
    ana_capturista = capturista(services, smtp_configured, data_dir, tmp_path)
    idse_code, capturista_code = ana_idse.request_code(), ana_capturista.request_code()
    for setter, code in [
        (ana_capturista.set_password, idse_code),
        (ana_idse.set_password, capturista_code),
    ]:
        with pytest.raises(ValidationError) as info:
            setter(code, OTHER_PASSWORD, OTHER_PASSWORD)
        assert info.value.code == "codigo_invalido"
    assert ana_idse.set_password(idse_code, OTHER_PASSWORD, OTHER_PASSWORD) == ANA
    assert ana_capturista.set_password(capturista_code, OTHER_PASSWORD, OTHER_PASSWORD) == CURP_ANA
