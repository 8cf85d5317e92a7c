"""Reading and changing the settings; the SMTP password goes to the keyring only."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from icsoe_desktop.config import (
    SMTP_SECURITY,
    CapacitacionSettings,
    SelloTiempoSettings,
    Settings,
    SmtpSettings,
    SyncSettings,
    load_settings,
    save_settings,
)
from icsoe_desktop.domain.emails import is_valid_email
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.roles import Accion
from icsoe_desktop.services.acceso.permisos import Permisos
from icsoe_desktop.services.audit import AuditService
from icsoe_desktop.services.correo.mail import SMTP_SECRET_SCOPE, smtp_secret_key
from icsoe_desktop.services.secrets import SecretsService
from icsoe_desktop.store.db import Store


def validate_smtp(smtp: SmtpSettings) -> SmtpSettings:
    host = smtp.host.strip()
    if not host:
        raise ValidationError("campo_obligatorio", "Captura el servidor de correo (SMTP).", "host")
    if any(c.isspace() for c in host):
        raise ValidationError(
            "servidor_invalido", "El servidor de correo no debe tener espacios.", "host"
        )
    if not 1 <= smtp.port <= 65535:
        raise ValidationError(
            "puerto_invalido", "El puerto debe ser un número entre 1 y 65535.", "port"
        )
    if smtp.seguridad not in SMTP_SECURITY:
        raise ValidationError(
            "seguridad_invalida", "Elige el tipo de seguridad de la conexión.", "seguridad"
        )
    if not is_valid_email(smtp.remitente):
        raise ValidationError(
            "remitente_invalido", "El remitente debe ser un correo electrónico válido.", "remitente"
        )
    return replace(smtp, host=host, usuario=smtp.usuario.strip(), remitente=smtp.remitente.strip())


def validate_sello_tiempo(url: str) -> str:
    """The time-stamp server's address as typed: empty (none), or http(s)://host[:port]/path."""
    from urllib.parse import urlsplit

    url = url.strip()
    if not url:
        return ""
    if any(c.isspace() for c in url):
        raise ValidationError(
            "sello_tiempo_invalido", "La dirección del servidor no debe tener espacios.", "url"
        )
    try:
        partes = urlsplit(url)
        valida = (
            partes.scheme.lower() in ("http", "https")
            and bool(partes.hostname)
            and partes.port != 0
        )
    except ValueError:  # a port that is no number
        valida = False
    if not valida:
        raise ValidationError(
            "sello_tiempo_invalido",
            "Escribe la dirección completa del servidor de sellos de tiempo, por ejemplo "
            "http://sellos.ejemplo.com/tsa.",
            "url",
        )
    if partes.username or partes.password:
        # It would be kept in clear in settings.toml and in the audit trail.
        raise ValidationError(
            "sello_tiempo_invalido",
            "La dirección del servidor de sellos de tiempo no debe llevar usuario ni contraseña: "
            "se guardaría sin cifrar. Usa un servidor que no pida autenticación.",
            "url",
        )
    return url


class SettingsService:
    def __init__(
        self,
        data_dir: Path,
        store: Store,
        audit: AuditService,
        secrets: SecretsService,
        permisos: Permisos,
    ) -> None:
        self._data_dir = data_dir
        self._permisos = permisos
        self._store = store
        self._audit = audit
        self._secrets = secrets
        self.current: Settings = load_settings(data_dir)

    def _to_save(self) -> Settings:
        """What the file holds before a change (an empresa's own file: settings_empresa.py)."""
        return self.current

    def smtp_password_stored(self) -> bool:
        smtp = self.current.smtp
        return (
            bool(smtp.usuario)
            and self._secrets.get(SMTP_SECRET_SCOPE, smtp_secret_key(smtp)) is not None
        )

    def save_smtp(self, smtp: SmtpSettings, password: str | None, actor: str | None) -> None:
        """Validate and save. ``password`` None keeps the stored one; "" removes it."""
        self._permisos.exigir(actor, Accion.CORREO_SALIENTE, smtp.host)
        smtp = validate_smtp(smtp)
        if password and smtp.usuario:
            self._secrets.set(SMTP_SECRET_SCOPE, smtp_secret_key(smtp), password)
        elif password == "":
            self._secrets.delete(SMTP_SECRET_SCOPE, smtp_secret_key(smtp))
        new = replace(self._to_save(), smtp=smtp)
        save_settings(new)
        self.current = new
        with self._store.session() as session:
            self._audit.record(
                session,
                actor,
                "configuracion_smtp",
                f"{smtp.host}:{smtp.port}",
                f"seguridad={smtp.seguridad}",
            )

    def save_capacitacion(self, activo: bool, actor: str | None) -> bool:
        """Turn the modo de capacitación on or off for the installation (an administrator or
        the command line); audited in the installation's log when it changes. Returns whether
        it changed."""
        self._permisos.exigir(
            actor, Accion.MODO_CAPACITACION, "activar" if activo else "desactivar"
        )
        if self.current.capacitacion.activo == activo:
            return False
        new = replace(self._to_save(), capacitacion=CapacitacionSettings(activo=activo))
        save_settings(new)
        self.current = new
        with self._store.session() as session:
            self._audit.record(
                session,
                actor,
                "modo_capacitacion_activado" if activo else "modo_capacitacion_desactivado",
                "emisores de prueba del SAT",
            )
        return True

    def save_sello_tiempo(self, url: str, actor: str | None) -> bool:
        """Set (or, with "", remove) the installation's time-stamp server (an administrator or
        the command line); audited when it changes. Returns whether it changed."""
        url = validate_sello_tiempo(url)  # first: a password in it never reaches the audit
        self._permisos.exigir(actor, Accion.SELLO_DE_TIEMPO, url or "ninguno")
        if self.current.sello_tiempo.url == url:
            return False
        exigir = self.current.sello_tiempo.exigir
        new = replace(self._to_save(), sello_tiempo=SelloTiempoSettings(url, exigir))
        save_settings(new)
        self.current = new
        with self._store.session() as session:
            self._audit.record(session, actor, "configuracion_sello_tiempo", url or "ninguno")
        return True

    def save_exigir_sello(self, exigir: bool, actor: str | None) -> bool:
        """Whether a real informativa is signed only with the time-stamp server's stamp (an
        administrator or the command line); audited when it changes. Returns whether it did."""
        texto = "exigido" if exigir else "no exigido"
        self._permisos.exigir(actor, Accion.SELLO_DE_TIEMPO, f"sello de tiempo {texto}")
        if self.current.sello_tiempo.exigir == exigir:
            return False
        sello = replace(self.current.sello_tiempo, exigir=exigir)
        new = replace(self._to_save(), sello_tiempo=sello)
        save_settings(new)
        self.current = new
        with self._store.session() as session:
            self._audit.record(session, actor, "configuracion_sello_tiempo_exigido", texto)
        return True

    def save_sync(self, sync: SyncSettings, actor: str | None) -> None:
        """Save the (already validated, see services.sync) sync server settings."""
        self._permisos.exigir(actor, Accion.SINCRONIZACION, sync.url)
        new = replace(self._to_save(), sync=sync)
        save_settings(new)
        self.current = new
        with self._store.session() as session:
            self._audit.record(
                session,
                actor,
                "configuracion_sincronizacion",
                sync.url,
                f"verificar_tls={sync.verify_tls} cada_min={sync.interval_min}",
            )
