"""IDSE module users: registration rules, enabling, sign-in lock, password recovery."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from icsoe_desktop.domain.errors import AuthenticationError, ValidationError
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.acceso.accounts import Registration
from icsoe_desktop.services.container import open_services
from icsoe_desktop.store import cifrado
from tests.en_claro import copia_en_claro

if TYPE_CHECKING:
    import sqlite3

PASSWORD = "Nomina#2026x"
NEW_PASSWORD = "Pl4neta$Sol"
ANA = "ana.lopez@empresa.com"
LUIS = "luis.perez@empresa.com"
MSG_CREDENCIALES = (
    "El usuario o la contraseña son incorrectos o no corresponden entre sí. "
    "Verifica la información e intenta nuevamente."
)
CODE_RE = re.compile(r"\b[A-Z2-9]{5}-[A-Z2-9]{5}\b")


def form(**changes: object) -> Registration:
    base = Registration(
        nombre="Ana",
        primer_apellido="López",
        segundo_apellido="Ruiz",
        usuario=ANA,
        contrasena=PASSWORD,
        confirmacion=PASSWORD,
        acepta_aviso=True,
    )
    return replace(base, **changes)


@contextmanager
def raw_db(services) -> Iterator[sqlite3.Connection]:
    """The SQLite file of the users (the installation's catalog) read with plain sqlite3, as
    anyone with the file could."""
    conn = cifrado.conectar(services.catalogo.path)
    try:
        yield conn
    finally:
        conn.close()


def dump(services) -> str:
    """The catalog as SQL text (of a copy in clear: SQLCipher's connections have no dump)."""
    import sqlite3
    import tempfile

    with tempfile.TemporaryDirectory() as carpeta:
        copia = copia_en_claro(services.catalogo.path, Path(carpeta) / "copia.sqlite3")
        with closing(sqlite3.connect(copia)) as conn:
            return "\n".join(conn.iterdump())


def actions(services) -> list[str]:
    return [r.action for r in reversed(services.audit_instalacion.recent())]


def fail_login(services, usuario: str, times: int) -> AuthenticationError:
    error = None
    for _ in range(times):
        with pytest.raises(AuthenticationError) as info:
            services.accounts.authenticate(usuario, "Equivocada#99")
        error = info.value
    assert error is not None
    return error


# --- registration ---------------------------------------------------------------------------


def test_registration_creates_an_enabled_user(services) -> None:
    row = services.accounts.register(form(usuario="  Ana.Lopez@Empresa.com "))
    assert row.usuario == ANA
    [listed] = services.accounts.listar()
    assert listed.usuario == ANA
    assert listed.estado == "Habilitado"
    assert listed.nombre_completo == "Ana López Ruiz"
    assert services.accounts.authenticate(ANA, PASSWORD).nombre_completo == "Ana López Ruiz"


@pytest.mark.parametrize(
    ("changes", "code", "message", "field"),
    [
        ({"nombre": ""}, "campo_obligatorio", "El campo «Nombre(s)» es obligatorio.", "nombre"),
        ({"nombre": "   "}, "campo_obligatorio", "El campo «Nombre(s)» es obligatorio.", "nombre"),
        (
            {"primer_apellido": ""},
            "campo_obligatorio",
            "El campo «Primer apellido» es obligatorio.",
            "primerApellido",
        ),
        ({"usuario": " "}, "campo_obligatorio", "El campo «Usuario» es obligatorio.", "usuario"),
        (
            {"contrasena": ""},
            "campo_obligatorio",
            "El campo «Contraseña» es obligatorio.",
            "contrasena",
        ),
        (
            {"confirmacion": ""},
            "campo_obligatorio",
            "El campo «Confirmar contraseña» es obligatorio.",
            "confirmacion",
        ),
        (
            {"usuario": "ana.lopez"},
            "correo_invalido",
            "El usuario debe ser un correo electrónico válido (por ejemplo, nombre@empresa.com).",
            "usuario",
        ),
        (
            {"confirmacion": "Nomina#2026y"},
            "contrasenas_distintas",
            "La contraseña y la confirmación de la contraseña no coinciden.",
            "confirmacion",
        ),
        (
            {"contrasena": "Qwer#2026x", "confirmacion": "Qwer#2026x"},
            "contrasena_patron",
            "La contraseña no debe utilizar patrones de teclado (qwerty) ni números en secuencia (1234).",
            "contrasena",
        ),
        (
            {"acepta_aviso": False},
            "aviso_no_aceptado",
            "Para continuar debes aceptar el Aviso de privacidad y el Acuerdo de servicio.",
            "aviso",
        ),
    ],
)
def test_each_registration_rule_has_its_own_message(
    services, changes: dict, code: str, message: str, field: str
) -> None:
    with pytest.raises(ValidationError) as info:
        services.accounts.register(form(**changes))
    assert (info.value.code, info.value.message, info.value.field) == (code, message, field)
    assert services.accounts.listar() == []  # nothing half-saved


def test_segundo_apellido_is_optional(services) -> None:
    row = services.accounts.register(form(segundo_apellido=""))
    assert row.nombre_completo == "Ana López"


@pytest.mark.parametrize("again", [ANA, "ANA.LOPEZ@EMPRESA.COM", " Ana.Lopez@empresa.com"])
def test_duplicate_usuario_is_refused_whatever_the_letter_case(services, again: str) -> None:
    services.accounts.register(form())
    with pytest.raises(ValidationError) as info:
        services.accounts.register(form(usuario=again, nombre="Otra"))
    assert info.value.code == "usuario_duplicado"
    assert info.value.message == (
        f"El usuario {ANA} ya está registrado. Captura un correo electrónico diferente."
    )
    assert [u.nombre for u in services.accounts.listar()] == ["Ana"]


# --- default usuario, enabling ---------------------------------------------------------------


def test_default_usuario_is_the_single_enabled_user(services) -> None:
    assert services.accounts.default_usuario() == ""
    services.accounts.register(form())
    assert services.accounts.default_usuario() == ANA
    services.accounts.register(form(usuario=LUIS, nombre="Luis"))
    assert services.accounts.default_usuario() == ""  # two enabled: the user chooses
    services.accounts.set_administrador(LUIS, True, actor=ANA)
    services.accounts.set_enabled(ANA, False, actor=LUIS)
    assert services.accounts.default_usuario() == LUIS
    services.accounts.register(form(usuario="beto@empresa.com", nombre="Beto"))
    services.accounts.set_enabled("beto@empresa.com", False, actor=LUIS)
    assert services.accounts.default_usuario() == LUIS


def test_disabled_user_cannot_sign_in_until_enabled_again(services) -> None:
    services.accounts.register(form(usuario=LUIS, nombre="Luis"))  # the administrator
    services.accounts.register(form())
    row = services.accounts.set_enabled(ANA.upper(), False, actor=LUIS)
    assert row.estado == "Deshabilitado"
    assert [u.estado for u in services.accounts.listar()] == ["Deshabilitado", "Habilitado"]
    with pytest.raises(AuthenticationError) as info:
        services.accounts.authenticate(ANA, PASSWORD)
    assert info.value.code == "usuario_deshabilitado"
    assert "deshabilitado" in info.value.message and ANA in info.value.message

    services.accounts.set_enabled(ANA, True, actor=LUIS)
    assert services.accounts.listar()[0].estado == "Habilitado"
    assert services.accounts.authenticate(ANA, PASSWORD).usuario == ANA


def test_enabling_an_unknown_user_is_an_error(services) -> None:
    with pytest.raises(ValidationError) as info:
        services.accounts.set_enabled("nadie@empresa.com", True, CLI_ACTOR)
    assert info.value.code == "usuario_inexistente"


# --- sign-in --------------------------------------------------------------------------------


def test_sign_in_accepts_the_usuario_in_any_letter_case(services) -> None:
    services.accounts.register(form())
    assert services.accounts.authenticate(" ANA.Lopez@Empresa.com ", PASSWORD).usuario == ANA


def test_wrong_password_and_unknown_usuario_get_the_same_message(services) -> None:
    services.accounts.register(form())
    with pytest.raises(AuthenticationError) as wrong:
        services.accounts.authenticate(ANA, "Nomina#2026y")
    with pytest.raises(AuthenticationError) as unknown:
        services.accounts.authenticate("nadie@empresa.com", PASSWORD)
    assert wrong.value.code == unknown.value.code == "credenciales_incorrectas"
    assert wrong.value.message == unknown.value.message
    assert wrong.value.message.startswith(MSG_CREDENCIALES)
    assert "Te quedan 4 intentos" in wrong.value.message


def test_empty_credentials_are_asked_for(services) -> None:
    with pytest.raises(AuthenticationError) as info:
        services.accounts.authenticate("", "")
    assert info.value.code == "credenciales_vacias"
    assert info.value.message == "Captura el usuario (correo electrónico) y la contraseña."


def test_five_failures_lock_the_user_for_five_minutes(services, clock) -> None:
    services.accounts.register(form())
    remaining = []
    for _ in range(4):
        with pytest.raises(AuthenticationError) as info:
            services.accounts.authenticate(ANA, "Equivocada#99")
        remaining.append(re.search(r"Te quedan? (\d) intento", info.value.message).group(1))
    assert remaining == ["4", "3", "2", "1"]

    fifth = fail_login(services, ANA, 1)
    assert fifth.code == "usuario_bloqueado"
    assert "se bloqueó por 5 minutos" in fifth.message

    # Even the right password is refused while locked; the message counts the minutes down.
    with pytest.raises(AuthenticationError) as locked:
        services.accounts.authenticate(ANA, PASSWORD)
    assert locked.value.code == "usuario_bloqueado"
    assert "Podrás intentarlo de nuevo en 5 minutos" in locked.value.message
    clock.advance(minutes=2, seconds=30)
    with pytest.raises(AuthenticationError) as later:
        services.accounts.authenticate(ANA, PASSWORD)
    assert "Podrás intentarlo de nuevo en 3 minutos" in later.value.message

    clock.advance(minutes=2, seconds=30)
    assert services.accounts.authenticate(ANA, PASSWORD).usuario == ANA


def test_a_successful_sign_in_resets_the_failure_count(services) -> None:
    services.accounts.register(form())
    fail_login(services, ANA, 4)
    services.accounts.authenticate(ANA, PASSWORD)
    assert fail_login(services, ANA, 4).code == "credenciales_incorrectas"
    assert services.accounts.authenticate(ANA, PASSWORD).usuario == ANA


def test_unknown_usuario_is_locked_like_a_known_one(services) -> None:
    error = fail_login(services, "nadie@empresa.com", 5)
    assert error.code == "usuario_bloqueado"


def test_failures_and_lock_survive_a_restart(data_dir: Path, clock, services) -> None:
    services.accounts.register(form())
    fail_login(services, ANA, 3)
    services.close()

    second = open_services(data_dir, clock)
    try:
        assert fail_login(second, ANA, 2).code == "usuario_bloqueado"
    finally:
        second.close()

    third = open_services(data_dir, clock)
    try:
        with pytest.raises(AuthenticationError) as info:
            third.accounts.authenticate(ANA, PASSWORD)
        assert info.value.code == "usuario_bloqueado"
        clock.advance(minutes=5)
        assert third.accounts.authenticate(ANA, PASSWORD).usuario == ANA
    finally:
        third.close()


def test_password_is_stored_only_as_a_scrypt_hash(services, data_dir: Path) -> None:
    services.accounts.register(form())
    with raw_db(services) as conn:
        [(stored,)] = conn.execute("SELECT password_hash FROM idse_users").fetchall()
    assert stored.startswith("scrypt$")
    assert PASSWORD not in stored
    services.close()  # checkpoint the WAL into the file
    for path in data_dir.iterdir():
        assert PASSWORD.encode() not in path.read_bytes(), path.name


def test_audit_trail_of_the_whole_life_of_a_user(services, smtp_configured, clock) -> None:
    services.accounts.register(form(usuario="admin@empresa.com", nombre="Admin"))
    services.accounts.register(form(), actor="admin@empresa.com")
    services.accounts.set_enabled(ANA, False, actor="admin@empresa.com")
    services.accounts.set_enabled(ANA, True, actor="admin@empresa.com")
    services.accounts.authenticate(ANA, PASSWORD)
    fail_login(services, ANA, 5)
    clock.advance(minutes=5)
    services.accounts.request_password_reset(ANA)
    code = mailed_code(services, smtp_configured, ANA)
    services.accounts.reset_password(code, NEW_PASSWORD, NEW_PASSWORD)

    recorded = actions(services)
    for action in (
        "usuario_idse_alta",
        "usuario_idse_deshabilitado",
        "usuario_idse_habilitado",
        "inicio_sesion",
        "inicio_sesion_fallido",
        "usuario_bloqueado",
        "recuperacion_solicitada",
        "contrasena_restablecida",
    ):
        assert action in recorded
    assert recorded.count("inicio_sesion_fallido") == 5
    entries = {r.action: r for r in services.audit_instalacion.recent()}
    assert entries["usuario_idse_deshabilitado"].actor == "admin@empresa.com"
    assert entries["usuario_idse_deshabilitado"].target == ANA


def test_no_password_or_code_reaches_audit_outbox_or_log(
    services, smtp_configured, clock, caplog
) -> None:
    caplog.set_level(logging.DEBUG, logger="icsoe_desktop")
    services.accounts.register(form())
    services.accounts.authenticate(ANA, PASSWORD)
    fail_login(services, ANA, 2)
    services.accounts.request_password_reset(ANA)
    code = mailed_code(services, smtp_configured, ANA)
    services.accounts.reset_password(code, NEW_PASSWORD, NEW_PASSWORD)
    services.mail.send_pending()

    with raw_db(services) as conn:
        audit = conn.execute("SELECT actor, action, target, detail FROM audit_log").fetchall()
        outbox = conn.execute("SELECT to_addr, subject, body, last_error FROM outbox").fetchall()
    assert len(audit) >= 6 and len(outbox) == 2
    app_log = "\n".join(
        r.getMessage() for r in caplog.records if r.name.startswith("icsoe_desktop")
    )
    for secret in (PASSWORD, NEW_PASSWORD, "Equivocada#99"):
        assert secret not in repr(audit)
        assert secret not in repr(outbox)
        assert secret not in app_log
        for message in smtp_configured.messages:
            assert secret not in message.as_string()
    # The code travels only in its own mail, never in the audit log or the log file.
    assert code not in repr(audit)
    assert code not in app_log


# --- password recovery -----------------------------------------------------------------------


def mailed_code(services, sink, usuario: str) -> str:
    """Deliver the outbox to the real SMTP server and read the code from the last mail."""
    services.mail.send_pending()
    messages = [m for m in sink.to(usuario) if "Recuperación" in str(m["Subject"])]
    assert messages, "no llegó el correo de recuperación"
    match = CODE_RE.search(messages[-1].get_content())
    assert match, messages[-1].get_content()
    return match.group()


def test_an_unknown_correo_gets_the_same_answer_and_no_mail(services, smtp_configured) -> None:
    """¿Olvidó su contraseña? no tells which e-mails are users: an unknown one is answered as
    a known one (no error), nothing is mailed, and the request is audited."""
    services.accounts.register(form())
    assert services.accounts.request_password_reset("nadie@empresa.com") is None
    assert services.mail.pending_count() == 0
    assert services.accounts.request_password_reset(ANA) is None
    assert services.mail.pending_count() == 1
    actions = [(r.action, r.target) for r in services.audit_instalacion.recent()]
    assert ("recuperacion_correo_desconocido", "nadie@empresa.com") in actions


@pytest.mark.parametrize(
    ("correo", "code"), [("", "campo_obligatorio"), ("ana.lopez@", "correo_invalido")]
)
def test_recovery_asks_for_a_valid_correo(services, correo: str, code: str) -> None:
    with pytest.raises(ValidationError) as info:
        services.accounts.request_password_reset(correo)
    assert info.value.code == code


def test_recovery_code_by_mail_sets_a_new_password(services, smtp_configured) -> None:
    services.accounts.register(form())
    services.accounts.request_password_reset(ANA.upper())
    code = mailed_code(services, smtp_configured, ANA)
    [mail] = smtp_configured.to(ANA)
    assert mail["Subject"] == "Recuperación de contraseña - Conexión en línea con IDSE"
    assert "válido durante 24 horas" in mail.get_content()

    assert services.accounts.reset_password(code, NEW_PASSWORD, NEW_PASSWORD) == ANA
    assert services.accounts.authenticate(ANA, NEW_PASSWORD).usuario == ANA
    with pytest.raises(AuthenticationError) as old:
        services.accounts.authenticate(ANA, PASSWORD)
    assert old.value.code == "credenciales_incorrectas"


def test_password_change_is_notified_by_mail(services, smtp_configured) -> None:
    services.accounts.register(form())
    services.accounts.request_password_reset(ANA)
    code = mailed_code(services, smtp_configured, ANA)
    services.accounts.reset_password(code, NEW_PASSWORD, NEW_PASSWORD)
    services.mail.send_pending()
    subjects = [str(m["Subject"]) for m in smtp_configured.to(ANA)]
    assert subjects == [
        "Recuperación de contraseña - Conexión en línea con IDSE",
        "Contraseña actualizada - Conexión en línea con IDSE",
    ]
    notice = smtp_configured.to(ANA)[-1].get_content()
    assert "se actualizó" in notice
    assert NEW_PASSWORD not in notice and code not in notice


def test_code_typed_lowercase_without_dash_works(services, smtp_configured) -> None:
    services.accounts.register(form())
    services.accounts.request_password_reset(ANA)
    code = mailed_code(services, smtp_configured, ANA)
    typed = code.replace("-", "").lower()
    assert services.accounts.reset_password(typed, NEW_PASSWORD, NEW_PASSWORD) == ANA


def test_a_code_works_only_once(services, smtp_configured) -> None:
    services.accounts.register(form())
    services.accounts.request_password_reset(ANA)
    code = mailed_code(services, smtp_configured, ANA)
    services.accounts.reset_password(code, NEW_PASSWORD, NEW_PASSWORD)
    with pytest.raises(ValidationError) as info:
        services.accounts.reset_password(code, "Otra$Clave26", "Otra$Clave26")
    assert info.value.code == "codigo_usado"
    assert "ya fue utilizado" in info.value.message
    assert services.accounts.authenticate(ANA, NEW_PASSWORD).usuario == ANA


def test_code_is_valid_for_24_hours(services, smtp_configured, clock) -> None:
    services.accounts.register(form())
    services.accounts.request_password_reset(ANA)
    code = mailed_code(services, smtp_configured, ANA)
    clock.advance(hours=23, minutes=59)
    assert services.accounts.reset_password(code, NEW_PASSWORD, NEW_PASSWORD) == ANA


def test_code_expires_after_24_hours(services, smtp_configured, clock) -> None:
    services.accounts.register(form())
    services.accounts.request_password_reset(ANA)
    code = mailed_code(services, smtp_configured, ANA)
    clock.advance(hours=24, seconds=1)
    with pytest.raises(ValidationError) as info:
        services.accounts.reset_password(code, NEW_PASSWORD, NEW_PASSWORD)
    assert info.value.code == "codigo_expirado"
    assert "expiró" in info.value.message
    assert services.accounts.authenticate(ANA, PASSWORD).usuario == ANA  # unchanged


def test_a_newer_request_replaces_the_earlier_code(services, smtp_configured, clock) -> None:
    services.accounts.register(form())
    services.accounts.request_password_reset(ANA)
    first = mailed_code(services, smtp_configured, ANA)
    clock.advance(minutes=10)
    services.accounts.request_password_reset(ANA)
    second = mailed_code(services, smtp_configured, ANA)
    assert first != second
    with pytest.raises(ValidationError) as info:
        services.accounts.reset_password(first, NEW_PASSWORD, NEW_PASSWORD)
    assert info.value.code == "codigo_reemplazado"
    assert "reemplazado por uno más reciente" in info.value.message
    assert services.accounts.reset_password(second, NEW_PASSWORD, NEW_PASSWORD) == ANA


def test_wrong_code_is_refused(services, smtp_configured) -> None:
    services.accounts.register(form())
    services.accounts.request_password_reset(ANA)
    code = mailed_code(services, smtp_configured, ANA)
    wrong = "AAAAA-BBBBB" if code != "AAAAA-BBBBB" else "CCCCC-DDDDD"
    with pytest.raises(ValidationError) as info:
        services.accounts.reset_password(wrong, NEW_PASSWORD, NEW_PASSWORD)
    assert info.value.code == "codigo_invalido"
    assert info.value.message == (
        "El código no es válido. Verifica el código que recibiste por correo."
    )


def test_weak_new_password_is_refused_and_the_code_still_works(services, smtp_configured) -> None:
    services.accounts.register(form())
    services.accounts.request_password_reset(ANA)
    code = mailed_code(services, smtp_configured, ANA)
    with pytest.raises(ValidationError) as weak:
        services.accounts.reset_password(code, "nomina2026", "nomina2026")
    assert weak.value.code == "contrasena_composicion"
    with pytest.raises(ValidationError) as differ:
        services.accounts.reset_password(code, NEW_PASSWORD, NEW_PASSWORD + "x")
    assert differ.value.code == "contrasenas_distintas"
    assert services.accounts.authenticate(ANA, PASSWORD).usuario == ANA
    assert services.accounts.reset_password(code, NEW_PASSWORD, NEW_PASSWORD) == ANA


def test_reset_unlocks_a_locked_user(services, smtp_configured) -> None:
    services.accounts.register(form())
    fail_login(services, ANA, 5)
    services.accounts.request_password_reset(ANA)
    code = mailed_code(services, smtp_configured, ANA)
    services.accounts.reset_password(code, NEW_PASSWORD, NEW_PASSWORD)
    assert services.accounts.authenticate(ANA, NEW_PASSWORD).usuario == ANA


def test_tokens_table_keeps_no_plain_code(services, smtp_configured) -> None:
    services.accounts.register(form())
    services.accounts.request_password_reset(ANA)
    code = mailed_code(services, smtp_configured, ANA)
    with raw_db(services) as conn:
        rows = conn.execute("SELECT * FROM one_time_tokens").fetchall()
    assert len(rows) == 1
    text = repr(rows).upper()
    assert code not in text
    assert code.replace("-", "") not in text
    for half in code.split("-"):
        assert half not in text
