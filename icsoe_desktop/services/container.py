"""Builds every service for one data dir: the single entry point of GUI, CLI and tests.

``open_services`` is the start-up, in order, in one place: the catalog opened (and migrated),
the upgrade of a one-company data dir, the empresa chosen and opened (services/empresas/
abrir.py: an interrupted restore finished or undone, its audit chain checked, its store
migrated). This module only wires. Services are built on first use and their
constructors only hold references; the business services' modules (cryptography's x509,
openpyxl, the sync client...) took 60 % of the import time before the login could be answered
(bench/startup.py), so ``preload()`` builds them ahead, in the background, once the login is
usable.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from functools import cached_property, partial
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from icsoe_desktop.domain.cambios import MOVIMIENTOS, Avisador
from icsoe_desktop.domain.clock import Clock, utcnow
from icsoe_desktop.domain.practica import capacitacion_activa, es_de_practica
from icsoe_desktop.services import llave_almacen, llave_bitacora
from icsoe_desktop.services.acceso.accounts import AccountsService
from icsoe_desktop.services.acceso.code_guesses import CodeGuesses
from icsoe_desktop.services.acceso.contratista import AccesoContratista
from icsoe_desktop.services.acceso.permisos import Permisos
from icsoe_desktop.services.acceso.puerta import Puerta
from icsoe_desktop.services.audit import AuditService
from icsoe_desktop.services.correo.colas import ColaEmpresa, MailQueues
from icsoe_desktop.services.correo.mail import MailService
from icsoe_desktop.services.empresas.abrir import (
    AperturaEmpresas,
    marcar_llave,
    sincronizar_reparada,
)
from icsoe_desktop.services.empresas.accesos import AccesosService
from icsoe_desktop.services.empresas.bitacora import CabezasBitacora
from icsoe_desktop.services.empresas.primera import asegurar_primera
from icsoe_desktop.services.empresas.servicio import CATALOGO_FILE, EmpresaInfo, EmpresasService
from icsoe_desktop.services.recuperacion_almacen import CodigoRecuperacion
from icsoe_desktop.services.secrets import SecretsService
from icsoe_desktop.services.settings import SettingsService
from icsoe_desktop.store import en_claro
from icsoe_desktop.store.db import Store

if TYPE_CHECKING:
    from icsoe_desktop.domain.nomina import Verificador
    from icsoe_desktop.services.archivos.mapeos import MapeosService
    from icsoe_desktop.services.capturistas.acceso import AccesoCapturistaService
    from icsoe_desktop.services.capturistas.administracion import CapturistasService
    from icsoe_desktop.services.capturistas.excel import CapturistasExcelService
    from icsoe_desktop.services.catalogos.codigos_postales import CodigosPostalesService
    from icsoe_desktop.services.certificados.servicio import CertificatesService
    from icsoe_desktop.services.contratistas import ContratistasService
    from icsoe_desktop.services.documentos_del_periodo import DocumentosDelPeriodo
    from icsoe_desktop.services.empresas.entrada import EntradaIcsoe
    from icsoe_desktop.services.empresas.primer_uso import PrimerUsoService
    from icsoe_desktop.services.empresas.registros import RegistrosService
    from icsoe_desktop.services.en_curso import EnCurso
    from icsoe_desktop.services.evidencias.archivo import ArchivoEvidencias
    from icsoe_desktop.services.evidencias.paquete import Firmar
    from icsoe_desktop.services.evidencias.servicio import EvidenciasService
    from icsoe_desktop.services.informativa.asignaciones import TrabajadoresContratoService
    from icsoe_desktop.services.informativa.captura import InformativasService
    from icsoe_desktop.services.informativa.firma import FirmaInformativaService
    from icsoe_desktop.services.informativa.presentacion import PresentacionService
    from icsoe_desktop.services.informativa.rechazos import RechazosPortalService
    from icsoe_desktop.services.informativa.repse import RepseService
    from icsoe_desktop.services.informativa.vencimientos import VencimientosService
    from icsoe_desktop.services.movimientos.exportar import ExportadorMovimientos
    from icsoe_desktop.services.movimientos.importar import MovimientosImporter
    from icsoe_desktop.services.movimientos.lotes import LotesService
    from icsoe_desktop.services.movimientos.servicio import MovimientosService
    from icsoe_desktop.services.nomina.consulta import NominaConsulta
    from icsoe_desktop.services.nomina.importar import NominaImporter
    from icsoe_desktop.services.preferencias import PreferenciasService
    from icsoe_desktop.services.respaldo.backup import BackupService
    from icsoe_desktop.services.respaldo.reparacion import ArchivoRevisado, ReparacionService
    from icsoe_desktop.services.sisub.aparte import SisubAparte
    from icsoe_desktop.services.sisub.exportar import SisubArchivosService
    from icsoe_desktop.services.sisub.pdfs import SisubPdfsService
    from icsoe_desktop.services.sisub.presentacion import SisubPresentacionService
    from icsoe_desktop.services.sisub.reporte import SisubService
    from icsoe_desktop.services.sync.actualizacion import ActualizacionService
    from icsoe_desktop.services.sync.conflictos import ConflictosService
    from icsoe_desktop.services.sync.servicio import SyncService

log = logging.getLogger(__name__)
T = TypeVar("T")


def _vigilado(build: Callable[[Services], T]) -> cached_property[T]:
    """A service of the open empresa, built on first use, behind the session's gate
    (services/acceso/puerta.py): every call of it, read or write, asks the role matrix."""

    def get(self: Services) -> T:
        return self.puerta.vigilar(build(self))

    get.__name__, get.__doc__ = build.__name__, build.__doc__
    return cached_property(get)


_LAZY = (
    "settings_empresa",
    "mail_empresa",
    "mail",
    "mapeos",
    "registros",
    "certificates",
    "movimientos",
    "exportador",
    "importador",
    "nomina",
    "nomina_consulta",
    "lotes",
    "contratistas",
    "capturistas",
    "capturistas_excel",
    "acceso_capturista",
    "informativas",
    "informativa_trabajadores",
    "informativa_firma",
    "informativa_rechazos",
    "informativa_presentacion",
    "repse",
    "evidencias",
    "vencimientos",
    "sisub",
    "sisub_archivos",
    "sisub_aparte",
    "sisub_pdfs",
    "sisub_presentacion",
    "sync",
    "conflictos",
    "actualizacion",
    "backup",
    "reparacion",
    "primer_uso",
)


class Services:
    """``catalogo``: the installation (IDSE users, their sign-in and audit, the empresas);
    ``store``: the open empresa (``empresa``), whose data every other service works on.
    ``abrir_empresa`` switches it without restarting (services/empresas/servicio.py). ``avisos``: what
    opening an empresa did that the user must hear of."""

    def __init__(self, data_dir: Path, clock: Clock, catalogo: Store) -> None:
        """Wires the installation's services on the opened ``catalogo``; they hold references
        only. ``open_services`` runs the start-up around it."""
        self.data_dir, self.clock, self.catalogo = data_dir, clock, catalogo
        # What the opening did that the user must be told (an interrupted restore finished or
        # undone): the GUI shows them once and empties the list; the CLI prints them.
        self.avisos: list[str] = []
        # preload() builds services in the background while the login may switch empresa: one
        # at a time, so none is cached built on the store being closed.
        self._switching = threading.RLock()
        # What the operations on the open empresa's store changed, whichever store is open
        # (domain/cambios.py): the GUI's notifier listens here once.
        self.cambios = Avisador()
        # The signed-in session's gate, in front of every service of the open empresa.
        self.puerta = Puerta(lambda: self.permisos_empresa, lambda: self.store, lambda: self.audit)
        # The empresa's file checked, and rescued, before it opened (open_services(reparar=…)).
        self.rescatado: ArchivoRevisado | None = None

    # The installation's services, built on first use (their constructors hold references).

    @cached_property
    def audit_instalacion(self) -> AuditService:
        return AuditService(self.catalogo, self.clock)

    @cached_property
    def permisos(self) -> Permisos:
        """The role matrix, enforced by every service (refusals audited in the catalog)."""
        return Permisos(self.catalogo, self.audit_instalacion)

    @cached_property
    def empresas(self) -> EmpresasService:
        return EmpresasService(
            self.catalogo, self.audit_instalacion, self.data_dir, self.permisos, self.clock
        )

    @cached_property
    def accesos(self) -> AccesosService:
        return AccesosService(self.catalogo, self.audit_instalacion, self.permisos, self.empresas)

    @cached_property
    def secrets(self) -> SecretsService:
        return SecretsService()

    @cached_property
    def codigo_recuperacion(self) -> CodigoRecuperacion:
        """The stores' recovery code, shown again to an administrator (audited)."""
        return CodigoRecuperacion(
            self.catalogo, self.audit_instalacion, self.permisos, self.secrets
        )

    @cached_property
    def cabezas(self) -> CabezasBitacora:
        """Each empresa's last audit link, kept in the catalog and the keyring."""
        return CabezasBitacora(self.empresas, self.secrets, self.audit_instalacion)

    @cached_property
    def settings(self) -> SettingsService:
        return SettingsService(
            self.data_dir, self.catalogo, self.audit_instalacion, self.secrets, self.permisos
        )

    @cached_property
    def mail_instalacion(self) -> MailService:
        settings = self.settings
        return MailService(self.catalogo, lambda: settings.current.smtp, self.secrets, self.clock)

    @cached_property
    def codigos(self) -> CodeGuesses:
        """Wrong one-use codes of every entry point, counted for the whole installation."""
        return CodeGuesses(self.catalogo, self.audit_instalacion, self.clock)

    @cached_property
    def accounts(self) -> AccountsService:
        return AccountsService(
            self.catalogo,
            self.audit_instalacion,
            self.mail_instalacion,
            self.permisos,
            self.clock,
            codigos=self.codigos,
        )

    @cached_property
    def apertura(self) -> AperturaEmpresas:
        """Opening an empresa and leaving it (services/empresas/abrir.py)."""
        return AperturaEmpresas(
            self.empresas,
            self.accesos,
            self.cabezas,
            self.audit_instalacion,
            self.clock,
            self.cambios.anunciar,
            self.avisos,
        )

    def _open(self, empresa: EmpresaInfo) -> None:
        """``empresa`` opened (services/empresas/abrir.py) and made the open one."""
        abierta = self.apertura.abrir(empresa)
        self.empresa, self.store, self.audit = abierta.empresa, abierta.store, abierta.audit
        self.permisos_empresa, self.carpeta = abierta.permisos, abierta.carpeta
        # Who may act for a contratista: one check, handed to every obligation's services
        # (the informativa, the REPSE, the SISUB), which compose it instead of inheriting it.
        self.acceso_contratista = AccesoContratista(abierta.store, abierta.audit, abierta.permisos)
        # What a pulled or restored constancia de firma is judged with, as filing judges it.
        abierta.store.verificar_constancia = lambda pdf: self.informativa_firma.verificar(pdf)

    def mirar_fuera(self) -> None:
        """What another program (the command line beside the app) wrote in the open empresa
        announced here, kind by kind, as this process's writes are: the windows' wake-up
        (store/vigencia.py); asked by the GUI every few seconds."""
        store: Store | None = getattr(self, "store", None)
        if store is None:
            return
        clases = store.vigencia.clases_de_fuera(store.escritor.proceso)
        if store.vigencia.de_fuera(store.cambios.anuncios):
            clases.add(MOVIMIENTOS)
        if clases:
            store.cambios.anunciar(clases)

    @property
    def bitacora_alterada(self) -> str:
        """Why the open empresa is read-only ("" when its audit chain is whole)."""
        return self.store.solo_lectura

    @cached_property
    def settings_empresa(self) -> SettingsService:
        """Its own mail and sync server, or the installation's (services/settings_empresa.py)."""
        from icsoe_desktop.services.settings_empresa import SettingsEmpresa

        if self.carpeta == self.data_dir:
            return self.settings
        return SettingsEmpresa(
            self.carpeta, self.settings, self.store, self.audit, self.secrets, self.permisos_empresa
        )

    @cached_property
    def mail_empresa(self) -> MailService:
        settings = self.settings_empresa
        return MailService(self.store, lambda: settings.current.smtp, self.secrets, self.clock)

    @cached_property
    def mail(self) -> MailQueues:
        """The catalog's, the open empresa's and every other empresa's mail, sent as one."""
        abierta = self.empresa.id
        return MailQueues(
            self.mail_instalacion,
            self.mail_empresa,
            otras=lambda: self._otras_colas(abierta),
            secrets=self.secrets,
            clock=self.clock,
        )

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
        from icsoe_desktop.paths import asset_dir
        from icsoe_desktop.services.catalogos.codigos_postales import (
            INCLUIDO_DIR,
            CodigosPostalesService,
        )

        try:
            incluidos: Path | None = asset_dir("resources") / INCLUIDO_DIR
        except FileNotFoundError:
            incluidos = None
        return CodigosPostalesService(self.data_dir, self.clock, incluidos, self.permisos)

    @_vigilado
    def mapeos(self) -> MapeosService:
        """How the clerk said this empresa's files read (the import assistant)."""
        from icsoe_desktop.services.archivos.mapeos import MapeosService

        return MapeosService(self.carpeta, self.store, self.audit, self.permisos_empresa)

    @_vigilado
    def registros(self) -> RegistrosService:
        from icsoe_desktop.services.empresas.registros import RegistrosService

        return RegistrosService(self.store, self.audit, self.permisos_empresa)

    @_vigilado
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

    @_vigilado
    def movimientos(self) -> MovimientosService:
        from icsoe_desktop.services.movimientos.servicio import MovimientosService

        return MovimientosService(self.store, self.audit, self.clock, self.permisos_empresa)

    @cached_property
    def en_curso(self) -> EnCurso:
        """The marks of the long work running (services/en_curso.py): the GUI names at start
        what a previous run left cut short."""
        from icsoe_desktop.services.en_curso import EnCurso

        return EnCurso(self.data_dir, self.clock)

    def marcar(self, que: str) -> AbstractContextManager[None]:
        """``en_curso.marcar`` for the open empresa."""
        return self.en_curso.marcar(que, self.empresa.etiqueta)

    @_vigilado
    def exportador(self) -> ExportadorMovimientos:
        from icsoe_desktop.services.movimientos.exportar import ExportadorMovimientos

        return ExportadorMovimientos(self.movimientos)

    @_vigilado
    def importador(self) -> MovimientosImporter:
        from icsoe_desktop.services.movimientos.importar import MovimientosImporter

        return MovimientosImporter(
            self.store, self.audit, self.movimientos, self.permisos_empresa, self.marcar
        )

    @_vigilado
    def nomina(self) -> NominaImporter:
        """CFDI de nómina in: each verified against the emisores confiables as they are when
        an import starts, and the SAT's timbre certificates IT put beside them."""
        from icsoe_desktop.services.nomina.importar import NominaImporter

        return NominaImporter(
            self.store,
            self.audit,
            self.permisos_empresa,
            self.verificador_nomina,
            lambda: self.empresa.rfc,
            archivo_xml=self.archivo_evidencias.escritor_de_recibos,
            xml_guardados=self.archivo_evidencias.recibos,
        )

    def verificador_nomina(self, rfc: str) -> Verificador:
        """The checks of the CFDI de nómina of ``rfc``: against the emisores confiables as they
        are now, and the SAT's timbre certificates shipped and those IT put beside them."""
        from icsoe_desktop.domain.nomina import Verificador
        from icsoe_desktop.paths import asset_dir
        from icsoe_desktop.services.nomina.certificados_sat import carpetas
        from icsoe_desktop.services.nomina.importar import certificados_sat

        recursos = asset_dir("resources")
        return Verificador(
            recursos / "cfdi",
            self.certificates.emisores.trust_store(),
            rfc,
            certificados_sat(carpetas(recursos, self.data_dir)),
        )

    def reverificar_sello_sat(self) -> int:
        """The receipts kept with their timbre's SAT seal unverified checked again with the
        SAT certificates now at hand (services/nomina/reverificar.py); how many now verify."""
        from icsoe_desktop.services.nomina.reverificar import reverificar

        rfc = (self.empresa.rfc or "").strip().upper()
        if not rfc:
            return 0
        archivo = self.archivo_evidencias
        return reverificar(
            self.store, self.verificador_nomina(rfc), archivo.recibos, archivo.leer_varios
        )

    def certificados_sat_del_servidor(self, ders: list[bytes]) -> int:
        """The SAT's timbre certificates the sync server serves, kept when trusted; with any
        new, the receipts kept unverified checked again. How many receipts now verify."""
        from icsoe_desktop.services.nomina import certificados_sat

        confianza = self.certificates.emisores.trust_store()
        if not certificados_sat.recibidos(self.data_dir, ders, confianza):
            return 0
        return self.reverificar_sello_sat()

    def _firma_de_paquete(self, rfc: str, cer: Path, key: Path, contrasena: str) -> Firmar:
        """The contratista's e.firma opened and checked as ``informativa firmar`` does; signs
        a pack's list of SHA-256 with the issuers up to the trusted root inside."""
        from icsoe_desktop.services.evidencias import firma_paquete

        credencial = self.contratistas.credencial_fiel(rfc, cer, key, contrasena)
        der = credencial.info.certificado_der
        cadena = [e.der for e in self.certificates.emisores.trust_store().chain(der)]
        return partial(
            firma_paquete.firmar, llave=credencial.private_key, certificado_der=der, cadena=cadena
        )

    @property
    def archivo_evidencias(self) -> ArchivoEvidencias:
        """The open empresa's evidence archive (the receipts' XML, the month's documents)."""
        from icsoe_desktop.services.evidencias.archivo import ArchivoEvidencias, ruta_de

        return ArchivoEvidencias(ruta_de(self.store.path))

    @_vigilado
    def evidencias(self) -> EvidenciasService:
        """Evidencias del cliente: the month's documents, what each client lacks, its pack."""
        from icsoe_desktop.services.evidencias.servicio import EvidenciasService

        return EvidenciasService(
            self.store,
            self.audit,
            self.permisos_empresa,
            self.clock,
            self.archivo_evidencias,
            lambda: self.empresa.rfc,
            verificador=self.verificador_nomina,
            efirma=self._firma_de_paquete,
        )

    @_vigilado
    def nomina_consulta(self) -> NominaConsulta:
        from icsoe_desktop.services.nomina.consulta import NominaConsulta

        return NominaConsulta(self.store, self.permisos_empresa)

    @_vigilado
    def lotes(self) -> LotesService:
        from icsoe_desktop.services.movimientos.lotes import LotesService

        return LotesService(self.store, self.audit, self.clock, self.permisos_empresa, self.marcar)

    @_vigilado
    def contratistas(self) -> ContratistasService:
        from icsoe_desktop.services.contratistas import ContratistasService

        return ContratistasService(
            self.store, self.audit, self.certificates, self.carpeta, self.clock
        )

    @_vigilado
    def capturistas(self) -> CapturistasService:
        """The contratista's administration of its capturistas."""
        from icsoe_desktop.services.capturistas.administracion import CapturistasService

        return CapturistasService(self.store, self.audit, self.mail_empresa, self.clock)

    @_vigilado
    def capturistas_excel(self) -> CapturistasExcelService:
        from icsoe_desktop.services.capturistas.excel import CapturistasExcelService

        return CapturistasExcelService(
            self.store, self.audit, self.capturistas, self.clock, self.marcar
        )

    @cached_property
    def acceso_capturista(self) -> AccesoCapturistaService:
        """The capturista's own access: password, sign-in, recovery, choice of contratista."""
        from icsoe_desktop.services.capturistas.acceso import AccesoCapturistaService

        return AccesoCapturistaService(
            self.store, self.audit, self.mail, self.clock, codigos=self.codigos
        )

    @_vigilado
    def informativas(self) -> InformativasService:
        """The informativa cuatrimestral: periods, new ones, contratantes and contracts."""
        from icsoe_desktop.services.informativa.captura import InformativasService

        service = InformativasService(
            self.store, self.audit, self.permisos_empresa, self.clock, self.acceso_contratista
        )
        service.max_complementarias = self.settings.current.informativa.max_complementarias
        # Which signing dates noted as proven still are: the time-stamp authorities of now.
        service.autoridades_sello = lambda: self.informativa_firma.autoridades_sello()
        return service

    @_vigilado
    def informativa_trabajadores(self) -> TrabajadoresContratoService:
        """The workers of each contract: added, picked from the empresa, imported."""
        from icsoe_desktop.services.informativa.asignaciones import TrabajadoresContratoService

        return TrabajadoresContratoService(
            self.store,
            self.audit,
            self.permisos_empresa,
            self.clock,
            self.marcar,
            acceso=self.acceso_contratista,
        )

    @_vigilado
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
            sello_tiempo=lambda: self.settings.current.sello_tiempo,
            empresa_de_practica=lambda: es_de_practica(self.empresa.rfc),
            otras_empresas=self._otras_empresas,
            acceso=self.acceso_contratista,
        )

    def _otras_empresas(self) -> list[tuple[str, Path]]:
        """(label, store file) of every empresa of the installation but the open one."""
        return [
            (empresa.etiqueta, self.empresas.ruta(empresa))
            for empresa in self.empresas.listar()
            if empresa.id != self.empresa.id
        ]

    @_vigilado
    def informativa_rechazos(self) -> RechazosPortalService:
        """The IMSS portal's file of rejected workers: marks, and their export once corrected."""
        from icsoe_desktop.services.informativa.rechazos import RechazosPortalService

        return RechazosPortalService(
            self.store,
            self.audit,
            self.permisos_empresa,
            self.clock,
            capacitacion=self._capacitacion_activa,
            marcar=self.marcar,
            acceso=self.acceso_contratista,
        )

    @_vigilado
    def repse(self) -> RepseService:
        """The contratistas' REPSE registrations and the services they authorised."""
        from icsoe_desktop.services.informativa.repse import RepseService

        return RepseService(
            self.store, self.audit, self.permisos_empresa, self.clock, self.acceso_contratista
        )

    @_vigilado
    def informativa_presentacion(self) -> PresentacionService:
        """The IMSS acuse de presentación registered; the archive for a client."""
        from icsoe_desktop.services.informativa.presentacion import PresentacionService

        return PresentacionService(
            self.store,
            self.audit,
            self.permisos_empresa,
            self.clock,
            otras_empresas=self._otras_empresas,
            capacitacion=self._capacitacion_activa,
            verificar=lambda pdf: self.informativa_firma.verificar(pdf),
            documentos=self._documentos_sisub(),
            autoridades_sello=lambda: self.informativa_firma.autoridades_sello(),
            acceso=self.acceso_contratista,
        )

    def _documentos_sisub(self) -> DocumentosDelPeriodo:
        """The SISUB's documents of the period, registered for the client's archive (the
        informativa reads no SISUB row itself)."""
        from icsoe_desktop.services.sisub.del_periodo import DocumentosSisub

        return DocumentosSisub(lambda: self.sisub_archivos)

    @_vigilado
    def sisub(self) -> SisubService:
        """The INFONAVIT's SISUB of the same contracts: prepared, completed, checked."""
        from icsoe_desktop.services.sisub.reporte import SisubService

        return SisubService(
            self.store,
            self.audit,
            self.permisos_empresa,
            self.clock,
            codigos_postales=lambda: self.codigos_postales,
            acceso=self.acceso_contratista,
        )

    @_vigilado
    def sisub_archivos(self) -> SisubArchivosService:
        """The SISUB's files: the office's guide read and kept, the CSVs and PDFs exported."""
        from icsoe_desktop.services.sisub.exportar import SisubArchivosService

        return SisubArchivosService(
            self.store,
            self.audit,
            self.permisos_empresa,
            self.clock,
            sisub=self.sisub,
            capacitacion=self._capacitacion_activa,
            acceso=self.acceso_contratista,
        )

    @_vigilado
    def sisub_aparte(self) -> SisubAparte:
        """The SISUB window's Preparar, Revisar and Exportar, each by a process of its own."""
        from icsoe_desktop.services.sisub.aparte import Empresa, SisubAparte

        empresa = Empresa(self.catalogo.path, self.empresa.rfc)
        return SisubAparte(self.store, empresa, self.clock)

    @_vigilado
    def sisub_pdfs(self) -> SisubPdfsService:
        """The SISUB's escritura and contracts' PDFs, kept once for every period."""
        from icsoe_desktop.services.sisub.pdfs import SisubPdfsService

        return SisubPdfsService(
            self.store, self.audit, self.permisos_empresa, self.clock, self.acceso_contratista
        )

    @_vigilado
    def sisub_presentacion(self) -> SisubPresentacionService:
        """Registrar presentación of a SISUB with the INFONAVIT's acuse."""
        from icsoe_desktop.services.sisub import inhabiles
        from icsoe_desktop.services.sisub.presentacion import SisubPresentacionService

        return SisubPresentacionService(
            self.store,
            self.audit,
            self.permisos_empresa,
            self.clock,
            lambda: inhabiles.lista(self.data_dir),
            capacitacion=self._capacitacion_activa,
            acceso=self.acceso_contratista,
        )

    def _capacitacion_activa(self, rfc: str | None) -> bool:
        return capacitacion_activa(rfc, self.empresa.rfc)

    @cached_property
    def vencimientos(self) -> VencimientosService:
        """ICSOE › Vencimientos: the informativas still to sign in every empresa the user may
        open (their stores read apart; the open empresa stays)."""
        from icsoe_desktop.services.evidencias import vencimientos as evidencias
        from icsoe_desktop.services.informativa import vencimientos_repse as repse
        from icsoe_desktop.services.informativa.vencimientos import VencimientosService
        from icsoe_desktop.services.sisub import inhabiles
        from icsoe_desktop.services.sisub import vencimientos as sisub

        # Each obligation's deadline source (services/plazos.py), in the board's order.
        return VencimientosService(
            self.empresas,
            self.clock,
            lambda: inhabiles.lista(self.data_dir),
            fuentes=(repse.FUENTE, sisub.FUENTE, evidencias.FUENTE),
        )

    @_vigilado
    def sync(self) -> SyncService:
        from icsoe_desktop.services.sisub import inhabiles
        from icsoe_desktop.services.sync.identidad import IdentidadArchivo
        from icsoe_desktop.services.sync.servicio import SyncService

        # The store's file identity, recorded as its audit chain's last link is (cabezas).
        clave = f"{self.empresas.catalogo_path.resolve()}#{self.empresa.id}"
        return SyncService(
            self.store,
            self.settings_empresa,
            self.secrets,
            self.permisos_empresa,
            self.clock,
            codigos_postales=self.codigos_postales,
            identidad=IdentidadArchivo(self.store, self.secrets, self.catalogo, clave),
            inhabiles=self.data_dir / inhabiles.ARCHIVO,
            certificados_sat=self.certificados_sat_del_servidor,
        )

    @cached_property
    def conflictos(self) -> ConflictosService:
        """Configuración > Conflictos de sincronización (the sync's own: a sync closes what
        «Resolver todos así» could undo)."""
        return self.sync.conflictos

    @cached_property
    def actualizacion(self) -> ActualizacionService:
        """New versions from the empresa's sync server (installed for the whole installation:
        recorded in its audit)."""
        from icsoe_desktop.services.sync.actualizacion import CARPETA, ActualizacionService

        return ActualizacionService(
            self.sync,
            self.permisos_empresa,
            self.catalogo,
            self.audit_instalacion,
            self.data_dir / CARPETA,
        )

    @_vigilado
    def backup(self) -> BackupService:
        from icsoe_desktop.services.empresas.respaldo import BackupEmpresa

        return BackupEmpresa(
            self.store,
            self.audit,
            self.empresas,
            self.empresa.id,
            self.permisos_empresa,
            self.cabezas,
            self.secrets,
        )

    @_vigilado
    def reparacion(self) -> ReparacionService:
        """``reparar``: the store checked, rescued and recounted, then synced when it can."""
        from icsoe_desktop.services.respaldo.reparacion import ReparacionService

        empresa = self.empresa
        return ReparacionService(
            self.store,
            self.audit,
            self.permisos_empresa,
            lambda: sincronizar_reparada(self.sync),
            lambda path, actor: self.apertura.tras_rescate(empresa, path, actor),
        )

    @_vigilado
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
            sello_tiempo=lambda: self.settings.current.sello_tiempo.url,
            autoridades_sello=lambda: len(self.certificates.emisores.autoridades_sello()),
        )

    def preload(self) -> None:
        """Build every service not built yet (their imports), e.g. in the background."""
        for name in _LAZY:
            with self._switching:
                getattr(self, name)
        # A catalogue shipped with the app is loaded here, not when a clerk types the first
        # código postal (seconds, once); outside the lock: it touches no empresa.
        self.codigos_postales.preparar()
        self.sync.preparar()

    def _registrar_cabeza(self) -> None:
        self.apertura.registrar_cabeza(self.empresa, self.store)

    def close(self) -> None:
        try:
            self._registrar_cabeza()
        finally:
            self.store.close()
            self.catalogo.close()


def open_services(
    data_dir: Path,
    clock: Clock = utcnow,
    empresa_rfc: str | None = None,
    exigir: bool = False,
    reparar: str | None = None,
) -> Services:
    """The start-up, in order: open the catalog (created or migrated), encrypt the files in
    clear left beside the stores (store/en_claro.py), make a one-company data dir its first
    empresa, wire the services, choose the empresa (``empresa_rfc``, or the one
    opened last; ``exigir``: without ``empresa_rfc``, only when there is a single empresa, else
    a ValidationError naming the choices) and open it: an interrupted restore finished or
    undone, its store migrated, named in the catalog. ``reparar`` (an actor): its file, when
    damaged, rescued first (``Services.rescatado``; ``reparacion.reparar`` does the rest)."""
    # The installation's store key, then its audit key, before anything is opened, written or
    # checked: a key missing from the keyring stops here, saying so (services/llave_almacen.py,
    # services/llave_bitacora.py).
    llave_almacen.usar(data_dir)()
    llave_bitacora.usar(data_dir / CATALOGO_FILE)()
    catalogo = Store(data_dir / CATALOGO_FILE, synced=False)  # never synced
    try:
        # No company data left in clear beside the stores: the asides and copies of before
        # encryption, the empresas not opened since (store/en_claro.py).
        en_claro.cifrar_restos(data_dir)
        asegurar_primera(catalogo, data_dir, clock)
        services = Services(data_dir, clock, catalogo)
        marcar_llave(services.audit_instalacion, catalogo.path, vacia=True)
        empresas = services.empresas
        empresa = empresas.elegir(empresa_rfc) if empresa_rfc or exigir else empresas.recordada()
        assert empresa is not None  # asegurar_primera leaves at least one
        if reparar is not None:
            services.rescatado = services.apertura.rescatar_antes(empresa, reparar)
        services._open(empresa)
    except BaseException:
        catalogo.close()
        raise
    return services


__all__ = ["Services", "open_services"]
