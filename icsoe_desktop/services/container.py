"""Builds every service for one data dir: the single entry point of GUI, CLI and tests.

What the login needs (store, settings, mail, accounts) is built at once; the other services at
first use, with their modules (cryptography's x509, openpyxl, the sync client...): together
they took 60 % of the import time before the login could be answered (bench/startup.py).
``preload()`` builds them ahead, in the background, once the login is usable.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from icsoe_desktop.config import load_settings
from icsoe_desktop.domain.clock import Clock, utcnow
from icsoe_desktop.services.accounts import AccountsService
from icsoe_desktop.services.audit import AuditService
from icsoe_desktop.services.mail import MailService
from icsoe_desktop.services.secrets import SecretsService
from icsoe_desktop.services.settings import SettingsService
from icsoe_desktop.store.db import Store

if TYPE_CHECKING:
    from icsoe_desktop.services.backup import BackupService
    from icsoe_desktop.services.capturistas.acceso import AccesoCapturistaService
    from icsoe_desktop.services.capturistas.administracion import CapturistasService
    from icsoe_desktop.services.capturistas.excel import CapturistasExcelService
    from icsoe_desktop.services.certificates import CertificatesService
    from icsoe_desktop.services.contratistas import ContratistasService
    from icsoe_desktop.services.lotes import LotesService
    from icsoe_desktop.services.movimientos import MovimientosService
    from icsoe_desktop.services.movimientos_import import MovimientosImporter
    from icsoe_desktop.services.primer_uso import PrimerUsoService
    from icsoe_desktop.services.registros import RegistrosService
    from icsoe_desktop.services.sync import SyncService

_LAZY = (
    "registros",
    "certificates",
    "movimientos",
    "importador",
    "lotes",
    "contratistas",
    "capturistas",
    "capturistas_excel",
    "acceso_capturista",
    "sync",
    "backup",
    "primer_uso",
)


class Services:
    def __init__(self, data_dir: Path, clock: Clock) -> None:
        self.data_dir, self.clock = data_dir, clock
        self.store = Store(load_settings(data_dir).database_path)
        self.audit = AuditService(self.store, clock)
        self.secrets = SecretsService()
        self.settings = SettingsService(data_dir, self.store, self.audit, self.secrets)
        settings = self.settings
        self.mail = MailService(self.store, lambda: settings.current.smtp, self.secrets, clock)
        self.accounts = AccountsService(self.store, self.audit, self.mail, clock)

    @cached_property
    def registros(self) -> RegistrosService:
        from icsoe_desktop.services.registros import RegistrosService

        return RegistrosService(self.store, self.audit)

    @cached_property
    def certificates(self) -> CertificatesService:
        from icsoe_desktop.services.certificates import CertificatesService
        from icsoe_desktop.services.emisores import trusted_folders

        # Trusted issuers: the ones shipped with the app, plus those the admin adds.
        return CertificatesService(
            self.store, self.audit, self.secrets, trusted_folders(self.data_dir), self.clock
        )

    @cached_property
    def movimientos(self) -> MovimientosService:
        from icsoe_desktop.services.movimientos import MovimientosService

        return MovimientosService(self.store, self.audit, self.clock)

    @cached_property
    def importador(self) -> MovimientosImporter:
        from icsoe_desktop.services.movimientos_import import MovimientosImporter

        return MovimientosImporter(self.store, self.audit, self.movimientos)

    @cached_property
    def lotes(self) -> LotesService:
        from icsoe_desktop.services.lotes import LotesService

        return LotesService(self.store, self.audit, self.clock)

    @cached_property
    def contratistas(self) -> ContratistasService:
        from icsoe_desktop.services.contratistas import ContratistasService

        return ContratistasService(
            self.store, self.audit, self.certificates, self.data_dir, self.clock
        )

    @cached_property
    def capturistas(self) -> CapturistasService:
        """The contratista's administration of its capturistas."""
        from icsoe_desktop.services.capturistas.administracion import CapturistasService

        return CapturistasService(self.store, self.audit, self.mail, self.clock)

    @cached_property
    def capturistas_excel(self) -> CapturistasExcelService:
        from icsoe_desktop.services.capturistas.excel import CapturistasExcelService

        return CapturistasExcelService(self.store, self.audit, self.capturistas, self.clock)

    @cached_property
    def acceso_capturista(self) -> AccesoCapturistaService:
        """The capturista's own access: password, sign-in, recovery, choice of contratista."""
        from icsoe_desktop.services.capturistas.acceso import AccesoCapturistaService

        return AccesoCapturistaService(self.store, self.audit, self.mail, self.clock)

    @cached_property
    def sync(self) -> SyncService:
        from icsoe_desktop.services.sync import SyncService

        return SyncService(self.store, self.settings, self.secrets, self.clock)

    @cached_property
    def backup(self) -> BackupService:
        from icsoe_desktop.services.backup import BackupService

        return BackupService(self.store, self.audit)

    @cached_property
    def primer_uso(self) -> PrimerUsoService:
        from icsoe_desktop.services.primer_uso import PrimerUsoService

        settings = self.settings
        return PrimerUsoService(
            self.store,
            self.audit,
            registros=lambda: len(self.registros.list()),
            correo=lambda: settings.current.smtp.host if settings.current.smtp.configured else "",
            certificados_pendientes=lambda: self.certificates.pending(),
            servidor=lambda: settings.current.sync.url if self.sync.is_configured() else "",
        )

    def preload(self) -> None:
        """Build every service not built yet (their imports), e.g. in the background."""
        for name in _LAZY:
            getattr(self, name)

    def close(self) -> None:
        self.store.close()


def open_services(data_dir: Path, clock: Clock = utcnow) -> Services:
    """Open (creating or migrating) the store in ``data_dir`` and wire the services."""
    return Services(data_dir, clock)


__all__ = ["Services", "open_services"]
