"""Builds every service for one data dir: the single entry point of GUI, CLI and tests.

What the login needs (store, settings, mail, accounts) is built at once; the other services at
first use, with their modules (cryptography's x509, openpyxl, the sync client...): together
they took 60 % of the import time before the login could be answered (bench/startup.py).
``preload()`` builds them ahead, in the background, once the login is usable.
"""

from __future__ import annotations

import logging
import threading
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from icsoe_desktop.domain.clock import Clock, utcnow
from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.services.acceso.accounts import AccountsService
from icsoe_desktop.services.acceso.code_guesses import CodeGuesses
from icsoe_desktop.services.acceso.permisos import Permisos
from icsoe_desktop.services.audit import AuditService
from icsoe_desktop.services.correo.colas import ColaEmpresa, MailQueues
from icsoe_desktop.services.correo.mail import MailService
from icsoe_desktop.services.empresas.servicio import CATALOGO_FILE, EmpresaInfo, EmpresasService
from icsoe_desktop.services.secrets import SecretsService
from icsoe_desktop.services.settings import SettingsService
from icsoe_desktop.store.db import Store

if TYPE_CHECKING:
    from icsoe_desktop.services.archivos.mapeos import MapeosService
    from icsoe_desktop.services.capturistas.acceso import AccesoCapturistaService
    from icsoe_desktop.services.capturistas.administracion import CapturistasService
    from icsoe_desktop.services.capturistas.excel import CapturistasExcelService
    from icsoe_desktop.services.catalogos.codigos_postales import CodigosPostalesService
    from icsoe_desktop.services.certificados.servicio import CertificatesService
    from icsoe_desktop.services.contratistas import ContratistasService
    from icsoe_desktop.services.empresas.entrada import EntradaIcsoe
    from icsoe_desktop.services.empresas.primer_uso import PrimerUsoService
    from icsoe_desktop.services.empresas.registros import RegistrosService
    from icsoe_desktop.services.informativa.asignaciones import TrabajadoresContratoService
    from icsoe_desktop.services.informativa.captura import InformativasService
    from icsoe_desktop.services.informativa.firma import FirmaInformativaService
    from icsoe_desktop.services.informativa.presentacion import PresentacionService
    from icsoe_desktop.services.informativa.vencimientos import VencimientosService
    from icsoe_desktop.services.movimientos.importar import MovimientosImporter
    from icsoe_desktop.services.movimientos.lotes import LotesService
    from icsoe_desktop.services.movimientos.servicio import MovimientosService
    from icsoe_desktop.services.preferencias import PreferenciasService
    from icsoe_desktop.services.respaldo.backup import BackupService
    from icsoe_desktop.services.sync.servicio import SyncService

log = logging.getLogger(__name__)

_LAZY = (
    "mapeos",
    "registros",
    "certificates",
    "movimientos",
    "importador",
    "lotes",
    "contratistas",
    "capturistas",
    "capturistas_excel",
    "acceso_capturista",
    "informativas",
    "informativa_trabajadores",
    "informativa_firma",
    "informativa_presentacion",
    "vencimientos",
    "sync",
    "backup",
    "primer_uso",
)


class Services:
    """``catalogo``: the installation (IDSE users, their sign-in and audit, the empresas);
    ``store``: the open empresa (``empresa``), whose data every other service works on.
    ``abrir_empresa`` switches it without restarting (services/empresas/servicio.py). ``avisos``: what
    opening an empresa did that the user must hear of."""

    def __init__(
        self, data_dir: Path, clock: Clock, empresa_rfc: str | None = None, exigir: bool = False
    ) -> None:
        self.data_dir, self.clock = data_dir, clock
        # What the opening did that the user must be told (an interrupted restore finished or
        # undone): the GUI shows them once and empties the list; the CLI prints them.
        self.avisos: list[str] = []
        # preload() builds services in the background while the login may switch empresa: one
        # at a time, so none is cached built on the store being closed.
        self._switching = threading.RLock()
        self.catalogo = Store(data_dir / CATALOGO_FILE, synced=False)  # never synced
        self.audit_instalacion = AuditService(self.catalogo, clock)
        # The role matrix, enforced by every service below (refusals audited in the catalog).
        self.permisos = Permisos(self.catalogo, self.audit_instalacion)
        self.empresas = EmpresasService(
            self.catalogo, self.audit_instalacion, data_dir, self.permisos, clock
        )
        self.empresas.asegurar_primera()  # upgrade: the one-company store becomes the first
        self.secrets = SecretsService()
        self.settings = SettingsService(
            data_dir, self.catalogo, self.audit_instalacion, self.secrets, self.permisos
        )
        settings = self.settings
        self.mail_instalacion = MailService(
            self.catalogo, lambda: settings.current.smtp, self.secrets, clock
        )
        # Wrong one-use codes of every entry point, counted for the whole installation.
        self.codigos = CodeGuesses(self.catalogo, self.audit_instalacion, clock)
        self.accounts = AccountsService(
            self.catalogo,
            self.audit_instalacion,
            self.mail_instalacion,
            self.permisos,
            clock,
            codigos=self.codigos,
        )
        try:  # the CLI names the empresa (exigir); the GUI opens the one opened last
            empresa = (
                self.empresas.elegir(empresa_rfc)
                if empresa_rfc or exigir
                else self.empresas.recordada()
            )
            assert empresa is not None  # asegurar_primera leaves at least one
            self._open(empresa)
        except BaseException:
            self.catalogo.close()
            raise

    def _open(self, empresa: EmpresaInfo) -> None:
        from icsoe_desktop.services.respaldo import restauracion
        from icsoe_desktop.services.settings_empresa import SettingsEmpresa

        path = self.empresas.ruta(empresa)
        # A restore interrupted here is undone, or found done, before the store opens.
        interrumpida = restauracion.revisar(path)
        store = Store(path)  # a damaged file raises: nothing changed yet
        self.empresa, self.store = empresa, store
        self.carpeta = self.empresas.carpeta(empresa)
        self.audit = AuditService(self.store, self.clock)
        # What the services of this store enforce: the role matrix and the user's grant of
        # this empresa, read at every protected action.
        self.permisos_empresa = self.empresas.permisos_de(empresa)
        if interrumpida is not None:
            from icsoe_desktop.services.empresas.respaldo import terminar_interrumpida

            self.avisos.append(
                terminar_interrumpida(interrumpida, store, self.audit, self.empresas, empresa.id)
            )
        # Its own mail and sync server, or the installation's (services/settings_empresa.py).
        self.settings_empresa: SettingsService = (
            self.settings
            if self.carpeta == self.data_dir
            else SettingsEmpresa(
                self.carpeta,
                self.settings,
                self.store,
                self.audit,
                self.secrets,
                self.permisos_empresa,
            )
        )
        settings = self.settings_empresa
        self.mail_empresa = MailService(
            self.store, lambda: settings.current.smtp, self.secrets, self.clock
        )
        self.mail = MailQueues(
            self.mail_instalacion,
            self.mail_empresa,
            otras=lambda: self._otras_colas(empresa.id),
            secrets=self.secrets,
            clock=self.clock,
        )
        self.empresa = self.empresas.nombrar(empresa, self.store)

    def _otras_colas(self, abierta: int) -> list[ColaEmpresa]:
        """Every empresa but the open one, for the mail sender (services/correo/colas.py)."""
        from functools import partial

        from icsoe_desktop.services.settings_empresa import smtp_de_carpeta

        return [
            ColaEmpresa(
                empresa.etiqueta,
                self.empresas.ruta(empresa),
                partial(smtp_de_carpeta, self.empresas.carpeta(empresa), self.settings),
            )
            for empresa in self.empresas.listar()
            if empresa.id != abierta
        ]

    def nombrar_empresa(self) -> EmpresaInfo:
        """After the Configuración inicial: the catalog names the empresa as its store does."""
        self.empresa = self.empresas.nombrar(self.empresa, self.store)
        return self.empresa

    def abrir_empresa(self, empresa_id: int) -> EmpresaInfo:
        """Close the open empresa's store and open another's; the services built on the old
        one are dropped and built again on first use. Whoever calls checked the user's grant."""
        empresa = self.empresas.obtener(empresa_id)
        with self._switching:
            self._registrar_cabeza()
            previous = self.store
            lazy = {n: self.__dict__.pop(n) for n in _LAZY if n in self.__dict__}
            try:
                self._open(empresa)
            except BaseException:
                self.__dict__.update(lazy)  # the open empresa stays as it was
                raise
        previous.close()
        self.empresas.marcar_abierta(empresa.id)
        return empresa

    @cached_property
    def entrada(self) -> EntradaIcsoe:
        """ICSOE's entries without an IDSE user, which find their own empresa."""
        from icsoe_desktop.services.empresas.entrada import EntradaIcsoe

        return EntradaIcsoe(self)

    @cached_property
    def preferencias(self) -> PreferenciasService:
        """How each user left the windows: the installation's, kept when the empresa changes
        (so not in _LAZY)."""
        from icsoe_desktop.services.preferencias import PreferenciasService

        return PreferenciasService(self.data_dir)

    @cached_property
    def codigos_postales(self) -> CodigosPostalesService:
        """SEPOMEX's catalogue: the installation's reference data, kept when the empresa
        changes (so not in _LAZY)."""
        from icsoe_desktop.services.catalogos.codigos_postales import CodigosPostalesService

        return CodigosPostalesService(self.data_dir, self.clock)

    @cached_property
    def mapeos(self) -> MapeosService:
        """How the clerk said this empresa's files read (the import assistant)."""
        from icsoe_desktop.services.archivos.mapeos import MapeosService

        return MapeosService(self.carpeta, self.store, self.audit, self.permisos_empresa)

    @cached_property
    def registros(self) -> RegistrosService:
        from icsoe_desktop.services.empresas.registros import RegistrosService

        return RegistrosService(self.store, self.audit, self.permisos_empresa)

    @cached_property
    def certificates(self) -> CertificatesService:
        from icsoe_desktop.services.certificados.emisores import trusted_folders
        from icsoe_desktop.services.certificados.servicio import CertificatesService

        # Trusted issuers: the ones shipped with the app, plus those the admin adds.
        return CertificatesService(
            self.store,
            self.audit,
            self.secrets,
            trusted_folders(self.data_dir),
            self.permisos_empresa,
            self.clock,
            # Modo de capacitación: the installation's setting, as it is at each check.
            capacitacion=lambda: self.settings.current.capacitacion.activo,
        )

    @cached_property
    def movimientos(self) -> MovimientosService:
        from icsoe_desktop.services.movimientos.servicio import MovimientosService

        return MovimientosService(self.store, self.audit, self.clock, self.permisos_empresa)

    @cached_property
    def importador(self) -> MovimientosImporter:
        from icsoe_desktop.services.movimientos.importar import MovimientosImporter

        return MovimientosImporter(self.store, self.audit, self.movimientos, self.permisos_empresa)

    @cached_property
    def lotes(self) -> LotesService:
        from icsoe_desktop.services.movimientos.lotes import LotesService

        return LotesService(self.store, self.audit, self.clock, self.permisos_empresa)

    @cached_property
    def contratistas(self) -> ContratistasService:
        from icsoe_desktop.services.contratistas import ContratistasService

        return ContratistasService(
            self.store, self.audit, self.certificates, self.carpeta, self.clock
        )

    @cached_property
    def capturistas(self) -> CapturistasService:
        """The contratista's administration of its capturistas."""
        from icsoe_desktop.services.capturistas.administracion import CapturistasService

        return CapturistasService(self.store, self.audit, self.mail_empresa, self.clock)

    @cached_property
    def capturistas_excel(self) -> CapturistasExcelService:
        from icsoe_desktop.services.capturistas.excel import CapturistasExcelService

        return CapturistasExcelService(self.store, self.audit, self.capturistas, self.clock)

    @cached_property
    def acceso_capturista(self) -> AccesoCapturistaService:
        """The capturista's own access: password, sign-in, recovery, choice of contratista."""
        from icsoe_desktop.services.capturistas.acceso import AccesoCapturistaService

        return AccesoCapturistaService(
            self.store, self.audit, self.mail, self.clock, codigos=self.codigos
        )

    @cached_property
    def informativas(self) -> InformativasService:
        """The informativa cuatrimestral: periods, new ones, contratantes and contracts."""
        from icsoe_desktop.services.informativa.captura import InformativasService

        service = InformativasService(self.store, self.audit, self.permisos_empresa, self.clock)
        service.max_complementarias = self.settings.current.informativa.max_complementarias
        return service

    @cached_property
    def informativa_trabajadores(self) -> TrabajadoresContratoService:
        """The workers of each contract: added, picked from the empresa, imported."""
        from icsoe_desktop.services.informativa.asignaciones import TrabajadoresContratoService

        return TrabajadoresContratoService(
            self.store, self.audit, self.permisos_empresa, self.clock
        )

    @cached_property
    def informativa_firma(self) -> FirmaInformativaService:
        """Revisar, Firmar with the contratista's e.firma, the acuse and its verification."""
        from icsoe_desktop.services.informativa.firma import FirmaInformativaService

        return FirmaInformativaService(
            self.store,
            self.audit,
            self.permisos_empresa,
            self.clock,
            contratistas=self.contratistas,
            emisores=self.certificates.emisores,
            capacitacion=self._capacitacion_activa,
        )

    @cached_property
    def informativa_presentacion(self) -> PresentacionService:
        """The IMSS acuse de presentación registered; the archive for a client."""
        from icsoe_desktop.services.informativa.presentacion import PresentacionService

        return PresentacionService(self.store, self.audit, self.permisos_empresa, self.clock)

    def _capacitacion_activa(self, rfc: str | None) -> bool:
        from icsoe_desktop.services.capacitacion import capacitacion_activa

        return capacitacion_activa(self.settings.current, rfc)

    @cached_property
    def vencimientos(self) -> VencimientosService:
        """ICSOE › Vencimientos: the informativas still to sign in every empresa the user may
        open (their stores read apart; the open empresa stays)."""
        from icsoe_desktop.services.informativa.vencimientos import VencimientosService

        return VencimientosService(self.empresas, self.clock)

    @cached_property
    def sync(self) -> SyncService:
        from icsoe_desktop.services.sync.servicio import SyncService

        return SyncService(
            self.store, self.settings_empresa, self.secrets, self.permisos_empresa, self.clock
        )

    @cached_property
    def backup(self) -> BackupService:
        from icsoe_desktop.services.empresas.respaldo import BackupEmpresa

        return BackupEmpresa(
            self.store, self.audit, self.empresas, self.empresa.id, self.permisos_empresa
        )

    @cached_property
    def primer_uso(self) -> PrimerUsoService:
        from icsoe_desktop.services.empresas.primer_uso import PrimerUsoService

        settings = self.settings_empresa
        return PrimerUsoService(
            self.store,
            self.audit,
            registros=lambda: len(self.registros.listar()),
            correo=lambda: settings.current.smtp.host if settings.current.smtp.configured else "",
            certificados_pendientes=lambda: self.certificates.pending(),
            servidor=lambda: settings.current.sync.url if self.sync.is_configured() else "",
            permisos=self.permisos_empresa,
        )

    def preload(self) -> None:
        """Build every service not built yet (their imports), e.g. in the background."""
        for name in _LAZY:
            with self._switching:
                getattr(self, name)
        # A catalogue shipped with the app is loaded here, not when a clerk types the first
        # código postal (seconds, once); outside the lock: it touches no empresa.
        self.codigos_postales.preparar()

    def _registrar_cabeza(self) -> None:
        """The open store's last audit link into the catalog, as the store is left (a store
        that cannot be read now is left all the same: the catalog keeps the link it had)."""
        try:
            self.empresas.registrar_cabeza(self.empresa.id, self.audit.cabeza())
        except DomainError as exc:
            log.warning("No se registró la bitácora de %s: %s", self.empresa.etiqueta, exc)

    def close(self) -> None:
        try:
            self._registrar_cabeza()
        finally:
            self.store.close()
            self.catalogo.close()


def open_services(
    data_dir: Path, clock: Clock = utcnow, empresa_rfc: str | None = None, exigir: bool = False
) -> Services:
    """Open (creating or migrating) the stores in ``data_dir`` and wire the services: the
    empresa ``empresa_rfc``, or the one opened last; ``exigir``: without ``empresa_rfc``, only
    when there is a single empresa (else a ValidationError naming the choices)."""
    return Services(data_dir, clock, empresa_rfc, exigir)


__all__ = ["Services", "open_services"]
