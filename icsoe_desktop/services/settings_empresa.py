"""An empresa's own settings: ``settings.toml`` in its folder (``empresas/<RFC>/``), over the
installation's (``<data dir>/settings.toml``), the shared default.

Outgoing mail: the empresa's server when it has one, else the shared one. Sync server: the
empresa's when it has one, else the shared URL — with this store's own token (the server tells
companies apart by token, services/sync.py keys the token by store). The first empresa's folder
is the data dir itself, so its settings are the shared ones, as before there were several."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from icsoe_desktop.config import Settings
from icsoe_desktop.services.audit import AuditService
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
    ) -> None:
        self._shared = shared
        super().__init__(folder, store, audit, secrets)

    @property
    def current(self) -> Settings:
        own, shared = self._own, self._shared.current
        return replace(
            own,
            smtp=own.smtp if own.smtp.configured else shared.smtp,
            sync=own.sync if own.sync.configured else shared.sync,
        )

    @current.setter
    def current(self, value: Settings) -> None:
        self._own = value

    def _to_save(self) -> Settings:
        return self._own  # never copies the shared sections into the empresa's file
