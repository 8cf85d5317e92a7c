"""An empresa's own settings: ``settings.toml`` in its folder (``empresas/<RFC>/``), over the
installation's (``<data dir>/settings.toml``), the shared default.

Outgoing mail: the empresa's server when it has one, else the shared one. Sync server: the
empresa's when it has one, else the shared URL — with this store's own token (the server tells
companies apart by token, services/sync/servicio.py keys the token by store). The first empresa's folder
is the data dir itself, so its settings are the shared ones, as before there were several."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from icsoe_desktop.config import Settings, SmtpSettings, load_settings, save_settings
from icsoe_desktop.domain.roles import Accion
from icsoe_desktop.services.acceso.permisos import Permisos
from icsoe_desktop.services.audit import AuditService
from icsoe_desktop.services.correo.mail import SMTP_SECRET_SCOPE, smtp_secret_key
from icsoe_desktop.services.secrets import SecretsService
from icsoe_desktop.services.settings import SettingsService
from icsoe_desktop.store.db import Store


class SettingsEmpresa(SettingsService):
    def __init__(
        self,
        folder: Path,
        shared: SettingsService,
        store: Store,
        audit: AuditService,
        secrets: SecretsService,
        permisos: Permisos,
    ) -> None:
        self._shared = shared
        super().__init__(folder, store, audit, secrets, permisos)

    @property
    def current(self) -> Settings:
        own, shared = self._own, self._shared.current
        return replace(
            own,
            smtp=own.smtp if own.smtp.configured else shared.smtp,
            sync=own.sync if own.sync.configured else shared.sync,
            capacitacion=shared.capacitacion,  # the installation's trust, never an empresa's
            sello_tiempo=shared.sello_tiempo,  # the installation's too
        )

    @current.setter
    def current(self, value: Settings) -> None:
        self._own = value

    def _to_save(self) -> Settings:
        return self._own  # never copies the shared sections into the empresa's file

    def save_capacitacion(self, activo: bool, actor: str | None) -> bool:
        return self._shared.save_capacitacion(activo, actor)  # the installation's setting

    def save_sello_tiempo(self, url: str, actor: str | None) -> bool:
        return self._shared.save_sello_tiempo(url, actor)  # the installation's setting

    def save_exigir_sello(self, exigir: bool, actor: str | None) -> bool:
        return self._shared.save_exigir_sello(exigir, actor)  # the installation's setting

    @property
    def smtp_propio(self) -> SmtpSettings:
        """The empresa's own server; not ``configured`` while it uses the installation's."""
        return self._own.smtp

    def quitar_smtp(self, actor: str | None) -> None:
        """Back to the installation's server: the empresa's own leaves its file (audited)."""
        self._permisos.exigir(actor, Accion.CORREO_SALIENTE)
        old = self._own.smtp
        if not old.configured:
            return
        new = replace(self._own, smtp=SmtpSettings())
        save_settings(new)
        self._own = new
        # Its password too, unless the installation's server uses the same account.
        if old.usuario and smtp_secret_key(old) != smtp_secret_key(self._shared.current.smtp):
            self._secrets.delete(SMTP_SECRET_SCOPE, smtp_secret_key(old))
        with self._store.session() as session:
            self._audit.record(
                session, actor, "configuracion_smtp_quitada", f"{old.host}:{old.port}"
            )


def smtp_de_carpeta(folder: Path, shared: SettingsService) -> SmtpSettings:
    """The outgoing mail server of the empresa whose folder is ``folder``, read from its file
    now (it is not open: mail_colas.py): its own, or the installation's."""
    own = load_settings(folder).smtp
    return own if own.configured else shared.current.smtp
