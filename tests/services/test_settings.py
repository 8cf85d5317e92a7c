"""SMTP settings: validation, persistence across restarts, the password only in the keyring."""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest

from icsoe_desktop.config import SETTINGS_FILE, SmtpSettings, load_settings
from icsoe_desktop.domain.errors import DomainError, ValidationError
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.container import open_services

PASSWORD = "Clave#Smtp26"
SMTP = SmtpSettings(
    host="smtp.empresa.com",
    port=465,
    usuario="nominas@empresa.com",
    seguridad="ssl",
    remitente="nominas@empresa.com",
)
KEYRING_SERVICE = "icsoe-desktop/smtp"
KEYRING_KEY = "nominas@empresa.com@smtp.empresa.com:465"


def smtp(**changes: object) -> SmtpSettings:
    values = {
        "host": SMTP.host,
        "port": SMTP.port,
        "usuario": SMTP.usuario,
        "seguridad": SMTP.seguridad,
        "remitente": SMTP.remitente,
    }
    values.update(changes)
    return SmtpSettings(**values)


@pytest.mark.parametrize(
    ("changes", "code", "message", "field"),
    [
        ({"host": ""}, "campo_obligatorio", "Captura el servidor de correo (SMTP).", "host"),
        ({"host": "   "}, "campo_obligatorio", "Captura el servidor de correo (SMTP).", "host"),
        (
            {"host": "smtp empresa.com"},
            "servidor_invalido",
            "El servidor de correo no debe tener espacios.",
            "host",
        ),
        ({"port": 0}, "puerto_invalido", "El puerto debe ser un número entre 1 y 65535.", "port"),
        (
            {"port": 65536},
            "puerto_invalido",
            "El puerto debe ser un número entre 1 y 65535.",
            "port",
        ),
        (
            {"seguridad": "tls"},
            "seguridad_invalida",
            "Elige el tipo de seguridad de la conexión.",
            "seguridad",
        ),
        (
            {"remitente": ""},
            "remitente_invalido",
            "El remitente debe ser un correo electrónico válido.",
            "remitente",
        ),
        (
            {"remitente": "nominas@empresa"},
            "remitente_invalido",
            "El remitente debe ser un correo electrónico válido.",
            "remitente",
        ),
    ],
)
def test_invalid_smtp_settings_are_refused_and_nothing_is_saved(
    services, data_dir: Path, changes: dict, code: str, message: str, field: str
) -> None:
    with pytest.raises(ValidationError) as info:
        services.settings.save_smtp(smtp(**changes), PASSWORD, actor=CLI_ACTOR)
    assert (info.value.code, info.value.message, info.value.field) == (code, message, field)
    assert not (data_dir / SETTINGS_FILE).exists()
    assert services.settings.current.smtp == SmtpSettings()
    assert keyring.get_password(KEYRING_SERVICE, KEYRING_KEY) is None


def test_saved_settings_survive_a_restart(services, data_dir: Path, clock) -> None:
    services.settings.save_smtp(
        smtp(host="  smtp.empresa.com ", remitente=" nominas@empresa.com"),
        PASSWORD,
        actor=CLI_ACTOR,
    )
    assert services.settings.current.smtp == SMTP  # blanks trimmed
    services.close()

    reopened = open_services(data_dir, clock)
    try:
        assert reopened.settings.current.smtp == SMTP
        assert reopened.settings.smtp_password_stored()
    finally:
        reopened.close()


def test_smtp_password_goes_to_the_keyring_not_to_a_file(services, data_dir: Path) -> None:
    services.settings.save_smtp(SMTP, PASSWORD, actor=CLI_ACTOR)
    assert keyring.get_password(KEYRING_SERVICE, KEYRING_KEY) == PASSWORD
    text = (data_dir / SETTINGS_FILE).read_text(encoding="utf-8")
    assert "smtp.empresa.com" in text
    assert PASSWORD not in text
    services.close()
    for path in data_dir.iterdir():  # nor the database, nor anything else in the data dir
        assert PASSWORD.encode() not in path.read_bytes(), path.name


def test_password_none_keeps_it_and_empty_removes_it(services) -> None:
    services.settings.save_smtp(SMTP, PASSWORD, actor=CLI_ACTOR)
    services.settings.save_smtp(smtp(remitente="rh@empresa.com"), None, actor=CLI_ACTOR)
    assert keyring.get_password(KEYRING_SERVICE, KEYRING_KEY) == PASSWORD
    assert services.settings.smtp_password_stored()

    services.settings.save_smtp(SMTP, "", actor=CLI_ACTOR)
    assert keyring.get_password(KEYRING_SERVICE, KEYRING_KEY) is None
    assert not services.settings.smtp_password_stored()


def test_saving_is_audited_without_the_password(services) -> None:
    services.settings.save_smtp(SMTP, PASSWORD, actor=CLI_ACTOR)
    [entry] = [  # the shared settings: the installation's audit
        e for e in services.audit_instalacion.recent() if e.action == "configuracion_smtp"
    ]
    assert (entry.actor, entry.action, entry.target) == (
        CLI_ACTOR,
        "configuracion_smtp",
        "smtp.empresa.com:465",
    )
    assert PASSWORD not in entry.detail


def test_without_an_os_keyring_the_password_is_not_kept_anywhere(
    services, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import keyring.core

    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    keyring.core._keyring_backend = None  # pick the backend again, as a fresh start would
    with pytest.raises(DomainError) as info:
        services.settings.save_smtp(SMTP, PASSWORD, actor=CLI_ACTOR)
    assert info.value.code == "sin_llavero"
    assert "la contraseña no se guardó" in info.value.message
    assert not (data_dir / SETTINGS_FILE).exists()


def test_env_variable_overrides_the_file(
    services, data_dir: Path, clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    services.settings.save_smtp(SMTP, None, actor=CLI_ACTOR)
    services.close()
    monkeypatch.setenv("ICSOE_SMTP_HOST", "smtp.entorno.com")

    assert load_settings(data_dir).smtp.host == "smtp.entorno.com"
    reopened = open_services(data_dir, clock)
    try:
        current = reopened.settings.current.smtp
    finally:
        reopened.close()
    assert current.host == "smtp.entorno.com"
    assert (current.port, current.remitente) == (465, "nominas@empresa.com")  # rest from the file
