"""Settings: the data dir, the SMTP server, the optional sync and time-stamp servers, from a
TOML file in the data dir plus env vars.

Secrets never live here: the SMTP password goes to the OS keyring (services.secrets).
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from icsoe_desktop.paths import (
    DATABASE_FILE,
    LOG_FILE,
    SETTINGS_FILE,
)

SMTP_SECURITY = ("ninguna", "starttls", "ssl")


@dataclass(frozen=True)
class SmtpSettings:
    host: str = ""
    port: int = 587
    usuario: str = ""
    seguridad: str = "starttls"  # one of SMTP_SECURITY
    remitente: str = ""
    timeout_s: float = 20.0

    @property
    def configured(self) -> bool:
        return bool(self.host and self.remitente)


@dataclass(frozen=True)
class SyncSettings:
    """The optional sync server; its token lives in the keyring (services.sync)."""

    url: str = ""
    verify_tls: bool = True
    interval_min: int = 0  # automatic sync every N minutes; 0 = only «Sincronizar ahora»
    timeout_s: float = 30.0

    @property
    def configured(self) -> bool:
        return bool(self.url)


@dataclass(frozen=True)
class InformativaSettings:
    """The ICSOE informativa's limits that no public source states for sure."""

    max_complementarias: int = 4  # per period, Corrección and Sin efectos (not Actualización)


@dataclass(frozen=True)
class CapacitacionSettings:
    """Modo de capacitación: the SAT's test authorities («AC UAT») are trusted, so clerks can
    train with the SAT's published test e.firma. Off unless an administrator turns it on; read
    from the installation's file only."""

    activo: bool = False


@dataclass(frozen=True)
class SelloTiempoSettings:
    """The time-stamp server (TSA, RFC 3161) that seals the time of every constancia de firma
    signed on this installation (PAdES B-T); none: the signature carries the signer's clock
    alone (B-B). The installation's, set by an administrator. ``exigir``: a real (not
    practice) informativa is not signed while that server does not answer; off, it is signed
    without the stamp (its date then unproven)."""

    url: str = ""
    exigir: bool = True

    @property
    def configured(self) -> bool:
        return bool(self.url)


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    sync: SyncSettings = field(default_factory=SyncSettings)
    informativa: InformativaSettings = field(default_factory=InformativaSettings)
    capacitacion: CapacitacionSettings = field(default_factory=CapacitacionSettings)
    sello_tiempo: SelloTiempoSettings = field(default_factory=SelloTiempoSettings)

    @property
    def database_path(self) -> Path:
        return self.data_dir / DATABASE_FILE

    @property
    def log_path(self) -> Path:
        return self.data_dir / LOG_FILE

    @property
    def settings_path(self) -> Path:
        return self.data_dir / SETTINGS_FILE


_SMTP_ENV = {
    "host": "ICSOE_SMTP_HOST",
    "port": "ICSOE_SMTP_PORT",
    "usuario": "ICSOE_SMTP_USER",
    "seguridad": "ICSOE_SMTP_SECURITY",
    "remitente": "ICSOE_SMTP_FROM",
}


class SettingsFileError(Exception):
    """``settings.toml`` exists but cannot be read or is not valid TOML."""


def read_settings_file(data_dir: Path) -> dict:
    """The parsed ``settings.toml``; ``{}`` when there is none."""
    import tomllib

    path = data_dir / SETTINGS_FILE
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SettingsFileError(f"No se pudo leer {path}: {exc}") from exc


def load_settings(data_dir: Path) -> Settings:
    """Read ``settings.toml`` (missing or unreadable → defaults) and apply env overrides."""
    try:
        raw = read_settings_file(data_dir)
    except SettingsFileError:
        import logging

        logging.getLogger(__name__).exception("Se usan valores por omisión")
        raw = {}
    section = raw.get("smtp", {})
    if not isinstance(section, dict):  # e.g. `smtp = "x"` in a hand-edited file
        section = {}
    smtp_raw = {k: v for k, v in section.items() if k in _SMTP_ENV}
    for key, env in _SMTP_ENV.items():
        if os.environ.get(env):
            smtp_raw[key] = os.environ[env]
    smtp = SmtpSettings()
    try:
        smtp = replace(
            smtp,
            host=str(smtp_raw.get("host", smtp.host)),
            port=int(smtp_raw.get("port", smtp.port)),
            usuario=str(smtp_raw.get("usuario", smtp.usuario)),
            seguridad=str(smtp_raw.get("seguridad", smtp.seguridad)),
            remitente=str(smtp_raw.get("remitente", smtp.remitente)),
        )
    except (TypeError, ValueError):
        smtp = SmtpSettings()
    if smtp.seguridad not in SMTP_SECURITY:
        smtp = replace(smtp, seguridad="starttls")
    return Settings(
        data_dir=data_dir,
        smtp=smtp,
        sync=_load_sync(raw.get("sync")),
        informativa=_load_informativa(raw.get("informativa")),
        capacitacion=_load_capacitacion(raw.get("capacitacion")),
        sello_tiempo=_load_sello_tiempo(raw.get("sello_tiempo")),
    )


def _load_capacitacion(section: object) -> CapacitacionSettings:
    section = section if isinstance(section, dict) else {}
    # Only a true boolean turns it on: a hand-edited "sí" or 1 leaves the production trust.
    return CapacitacionSettings(activo=section.get("activo") is True)


def _load_sello_tiempo(section: object) -> SelloTiempoSettings:
    section = section if isinstance(section, dict) else {}
    url = section.get("url", "")
    # A hand-edited wrong type: none, and the signature says so (B-B) rather than guess; only
    # a literal false stops requiring the stamp.
    return SelloTiempoSettings(
        url=url.strip() if isinstance(url, str) else "",
        exigir=section.get("exigir", True) is not False,
    )


def _load_informativa(section: object) -> InformativaSettings:
    section = section if isinstance(section, dict) else {}
    maximo = section.get("max_complementarias", InformativaSettings.max_complementarias)
    if not isinstance(maximo, int) or isinstance(maximo, bool) or maximo < 0:
        return InformativaSettings()  # a hand-edited file with a wrong value: the default
    return InformativaSettings(max_complementarias=maximo)


def _load_sync(section: object) -> SyncSettings:
    section = section if isinstance(section, dict) else {}
    url = os.environ.get("ICSOE_SYNC_URL") or section.get("url", "")
    verify = section.get("verify_tls", True)
    interval = section.get("interval_min", 0)
    if not isinstance(url, str) or not isinstance(verify, bool) or not isinstance(interval, int):
        return SyncSettings()  # a hand-edited file with wrong types: defaults, TLS verified
    return SyncSettings(url=url.strip(), verify_tls=verify, interval_min=max(0, interval))


def save_settings(settings: Settings) -> None:
    """Write the file atomically so a crash never leaves half a settings file."""
    import tomli_w

    smtp = asdict(settings.smtp)
    smtp.pop("timeout_s")
    sync = asdict(settings.sync)
    sync.pop("timeout_s")
    data = {"smtp": smtp, "sync": sync, "informativa": asdict(settings.informativa)}
    if settings.capacitacion.activo:  # written only while on: an empresa's file never has it
        data["capacitacion"] = asdict(settings.capacitacion)
    if settings.sello_tiempo != SelloTiempoSettings():  # likewise: the installation's alone
        data["sello_tiempo"] = asdict(settings.sello_tiempo)
    text = tomli_w.dumps(data)
    from icsoe_desktop.files import write_bytes_atomic

    write_bytes_atomic(settings.settings_path, text.encode("utf-8"))
