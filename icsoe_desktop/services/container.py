"""Builds every service for one data dir: the single entry point of GUI, CLI and tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from icsoe_desktop.config import load_settings
from icsoe_desktop.domain.clock import Clock, utcnow
from icsoe_desktop.services.accounts import AccountsService
from icsoe_desktop.services.audit import AuditService
from icsoe_desktop.services.backup import BackupService
from icsoe_desktop.services.capturistas import CapturistasService
from icsoe_desktop.services.certificates import CertificatesService
from icsoe_desktop.services.contratistas import ContratistasService
from icsoe_desktop.services.emisores import trusted_folders
from icsoe_desktop.services.lotes import LotesService
from icsoe_desktop.services.mail import MailService
from icsoe_desktop.services.movimientos import MovimientosService
from icsoe_desktop.services.movimientos_import import MovimientosImporter
from icsoe_desktop.services.primer_uso import PrimerUsoService
from icsoe_desktop.services.registros import RegistrosService
from icsoe_desktop.services.secrets import SecretsService
from icsoe_desktop.services.settings import SettingsService
from icsoe_desktop.services.sync import SyncService
from icsoe_desktop.store.db import Store


@dataclass
class Services:
    settings: SettingsService
    store: Store
    audit: AuditService
    secrets: SecretsService
    mail: MailService
    accounts: AccountsService
    registros: RegistrosService
    certificates: CertificatesService
    movimientos: MovimientosService
    importador: MovimientosImporter
    lotes: LotesService
    contratistas: ContratistasService
    capturistas: CapturistasService
    sync: SyncService
    backup: BackupService
    primer_uso: PrimerUsoService

    def close(self) -> None:
        self.store.close()


def open_services(data_dir: Path, clock: Clock = utcnow) -> Services:
    """Open (creating or migrating) the store in ``data_dir`` and wire the services."""
    store = Store(load_settings(data_dir).database_path)
    audit = AuditService(store, clock)
    secrets = SecretsService()
    settings = SettingsService(data_dir, store, audit, secrets)
    mail = MailService(store, lambda: settings.current.smtp, secrets, clock)
    accounts = AccountsService(store, audit, mail, clock)
    registros = RegistrosService(store, audit)
    # Trusted issuers: the ones shipped with the app, plus those the admin adds in the data dir.
    certificates = CertificatesService(store, audit, secrets, trusted_folders(data_dir), clock)
    movimientos = MovimientosService(store, audit, clock)
    contratistas = ContratistasService(store, audit, certificates, data_dir, clock)
    capturistas = CapturistasService(store, audit, mail, clock)
    sync = SyncService(store, settings, secrets, clock)
    primer_uso = PrimerUsoService(
        store,
        audit,
        registros=lambda: len(registros.list()),
        correo=lambda: settings.current.smtp.host if settings.current.smtp.configured else "",
        certificados_pendientes=certificates.pending,
        servidor=lambda: settings.current.sync.url if sync.is_configured() else "",
    )
    return Services(
        settings,
        store,
        audit,
        secrets,
        mail,
        accounts,
        registros,
        certificates,
        movimientos,
        MovimientosImporter(store, audit, movimientos),
        LotesService(store, audit, clock),
        contratistas,
        capturistas,
        sync,
        BackupService(store, audit),
        primer_uso,
    )


__all__ = ["Services", "open_services"]
