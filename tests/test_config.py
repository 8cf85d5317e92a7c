"""Where the data lives and how the settings file is read."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from icsoe_desktop.config import (
    SETTINGS_FILE,
    Settings,
    SmtpSettings,
    load_settings,
    save_settings,
)
from icsoe_desktop.paths import DATA_DIR_ENV, resolve_data_dir
from icsoe_desktop.services.container import open_services


def test_data_dir_option_wins_over_the_env_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "desde-env"))
    chosen = resolve_data_dir(str(tmp_path / "desde-opcion"))
    assert chosen == (tmp_path / "desde-opcion").resolve()
    assert chosen.is_dir()  # created on first use
    assert not (tmp_path / "desde-env").exists()


def test_env_variable_is_used_without_the_option(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "desde-env"))
    assert resolve_data_dir(None) == (tmp_path / "desde-env").resolve()
    assert (tmp_path / "desde-env").is_dir()


def test_default_is_the_users_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import platformdirs

    monkeypatch.delenv(DATA_DIR_ENV)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "datos-usuario"))  # Linux only
    chosen = resolve_data_dir()
    assert chosen == Path(platformdirs.user_data_dir("icsoe-desktop", appauthor=False)).resolve()
    assert chosen.name == "icsoe-desktop" and chosen.is_dir()
    if sys.platform.startswith("linux"):
        assert chosen == (tmp_path / "datos-usuario" / "icsoe-desktop").resolve()


def test_option_with_home_tilde_is_expanded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The user's home: HOME on Linux, USERPROFILE on Windows (which ignores HOME).
    monkeypatch.setenv("USERPROFILE" if sys.platform == "win32" else "HOME", str(tmp_path / "casa"))
    monkeypatch.setenv("HOME" if sys.platform == "win32" else "USERPROFILE", str(tmp_path / "no"))
    assert resolve_data_dir("~/icsoe") == (tmp_path / "casa" / "icsoe").resolve()


def test_no_settings_file_gives_defaults(data_dir: Path) -> None:
    settings = load_settings(data_dir)
    assert settings.smtp == SmtpSettings()
    assert not settings.smtp.configured
    assert settings.database_path == data_dir / "icsoe.sqlite3"


def test_settings_round_trip_through_the_file(data_dir: Path) -> None:
    smtp = SmtpSettings(
        host="smtp.empresa.com",
        port=2525,
        usuario="nóminas@empresa.com",
        seguridad="ninguna",
        remitente="rh@empresa.com",
    )
    save_settings(Settings(data_dir=data_dir, smtp=smtp))
    assert load_settings(data_dir).smtp == smtp
    assert [p.name for p in data_dir.iterdir()] == [SETTINGS_FILE]  # no temp file left


@pytest.mark.parametrize(
    "content",
    [
        b"[smtp\nhost = ",  # broken TOML
        b"\xff\xfe\x00[smtp]",  # not UTF-8
        b'smtp = "texto"',  # a section that is not a table
        b"smtp = 5",
        b'[smtp]\nhost = "smtp.empresa.com"\nport = "quinientos"\n',
        b"",
    ],
)
def test_corrupt_settings_file_gives_defaults_without_raising(
    data_dir: Path, clock, content: bytes
) -> None:
    (data_dir / SETTINGS_FILE).write_bytes(content)
    assert load_settings(data_dir).smtp == SmtpSettings()
    services = open_services(data_dir, clock)  # the app still starts
    try:
        assert services.settings.current.smtp == SmtpSettings()
    finally:
        services.close()


def test_unknown_security_falls_back_to_starttls(data_dir: Path) -> None:
    (data_dir / SETTINGS_FILE).write_text(
        '[smtp]\nhost = "smtp.empresa.com"\nseguridad = "magia"\n', encoding="utf-8"
    )
    smtp = load_settings(data_dir).smtp
    assert (smtp.host, smtp.seguridad) == ("smtp.empresa.com", "starttls")


def test_env_variables_override_each_smtp_value(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (data_dir / SETTINGS_FILE).write_text(
        '[smtp]\nhost = "smtp.archivo.com"\nport = 25\nremitente = "a@empresa.com"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("ICSOE_SMTP_HOST", "smtp.entorno.com")
    monkeypatch.setenv("ICSOE_SMTP_PORT", "2525")
    monkeypatch.setenv("ICSOE_SMTP_USER", "usuario@empresa.com")
    monkeypatch.setenv("ICSOE_SMTP_SECURITY", "ssl")
    monkeypatch.setenv("ICSOE_SMTP_FROM", "b@empresa.com")
    smtp = load_settings(data_dir).smtp
    assert (smtp.host, smtp.port, smtp.usuario, smtp.seguridad, smtp.remitente) == (
        "smtp.entorno.com",
        2525,
        "usuario@empresa.com",
        "ssl",
        "b@empresa.com",
    )
