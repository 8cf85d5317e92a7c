"""Before and after signing: *Revisar* (the IMSS's seven published inconsistencies and the
worker checks), *Firmar* with the contratista's e.firma (the cadena original, with the signing
time, sealed; the constancia de firma signed as a PDF; the informativa frozen as signed, all
kept in the store), the constancia and its later verification, and the exports for the portal.
Once signed, everything here reads the frozen informativa."""

from __future__ import annotations

import gc
import hashlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import orjson
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from icsoe_desktop.config import SelloTiempoSettings
from icsoe_desktop.domain.cambios import ICSOE, anuncia
from icsoe_desktop.domain.clock import Clock, hora_del_centro, utcnow
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.informativa.cadena import ContratoEnCadena
from icsoe_desktop.domain.informativa.firmada import Congelando, congelar
from icsoe_desktop.domain.informativa.modelo import (
    EN_CAPTURA,
    FIRMADA,
    FIRMADAS,
    LISTA_PARA_FIRMA,
    Informativa,
    Problema,
    Trabajador,
)
from icsoe_desktop.domain.practica import autoridad_de_practica
from icsoe_desktop.domain.roles import Accion
from icsoe_desktop.domain.texts import plural
from icsoe_desktop.services import memoria_libre
from icsoe_desktop.services.acceso.contratista import AccesoContratista
from icsoe_desktop.services.acceso.permisos import Permisos
from icsoe_desktop.services.audit import AuditService
from icsoe_desktop.services.informativa.asignaciones import curps_de_la_empresa, sbcs_registrados
from icsoe_desktop.services.informativa.base import InformativaBase
from icsoe_desktop.store import al_dia, cifrado
from icsoe_desktop.store import movimientos as movs_sql
from icsoe_desktop.store.db import Store, StoreError, small_page_cache
from icsoe_desktop.store.models import Contratista, ContratoRow, InformativaRow

if TYPE_CHECKING:
    from icsoe_desktop.domain.credentials import Credential
    from icsoe_desktop.services.certificados.emisores import EmisoresService
    from icsoe_desktop.services.informativa.constancia import (
        ConstanciaLeida,
        Guardada,
        Verificacion,
    )

Progreso = Callable[[int, int], None]
log = logging.getLogger(__name__)

MSG_SELLO_FALLIDO = (
    "La informativa no se firmó: el servidor de sellos de tiempo ({url}) no respondió con un "
    "sello válido, y en este equipo se exige el sello de tiempo para las firmas reales. Revisa "
    "la conexión a internet e intenta de nuevo; si se repite, el administrador puede revisar el "
    "servidor en Configuración › Emisores confiables (el detalle quedó en el registro de la "
    "aplicación)."
)


MSG_RELOJ_DESFASADO = (
    "La informativa no se firmó: el reloj de este equipo dice {equipo} y el sello de tiempo de "
    "{url} dice {sello}; difieren en más de {minutos} minutos, y una constancia con esa fecha "
    "de firma no sería válida. Pon en hora el reloj del equipo (fecha, hora y zona horaria) y "
    "firma de nuevo."
)


MSG_EFIRMA_REVOCADA = (
    "La informativa no se firmó: según su emisor, {que} fue revocado el {fecha}. Con ella ya no "
    "se puede firmar: tramita una e.firma nueva en el SAT."
)
LA_EFIRMA, SU_AUTORIDAD = "el certificado de la e.firma", "el de la autoridad que la emitió"


MSG_EFIRMA_PRACTICA = (
    "Esta e.firma es de capacitación (de una autoridad de práctica o de pruebas del SAT): sólo "
    "firma en la empresa de práctica, nunca la informativa de otra empresa."
)


class Credenciales(Protocol):
    def credencial_fiel(
        self, rfc: str, cer: Path | None, key: Path | None, contrasena: str
    ) -> Credential:
        """The contratista's e.firma opened to sign (ContratistasService.credencial_fiel)."""


class FirmaInformativaService(InformativaBase):
    def __init__(
        self,
        store: Store,
        audit: AuditService,
        permisos: Permisos,
        clock: Clock = utcnow,
        *,
        contratistas: Credenciales,
        emisores: EmisoresService,
        capacitacion: Callable[[str | None], bool] = lambda _rfc: False,
        sello_tiempo: Callable[[], SelloTiempoSettings] = SelloTiempoSettings,
        otras_empresas: Callable[[], list[tuple[str, Path]]] = list,
        empresa_de_practica: Callable[[], bool] = lambda: False,
        acceso: AccesoContratista | None = None,
    ) -> None:
        super().__init__(store, audit, permisos, clock, acceso)
        self._contratistas = contratistas
        # Whether the open empresa is the practice one: the only one a practice e.firma signs in.
        self._empresa_de_practica = empresa_de_practica
        self._emisores = emisores
        # Whether what is done for a contratista is training: the practice empresa or
        # contratista (domain/practica.capacitacion_activa), never the installation's mode.
        self._capacitacion = capacitacion
        # The installation's time-stamp server, as it is at each signing.
        self._sello_tiempo = sello_tiempo
        # (label, store file) of the installation's other empresas: where else ``verificar``
        # looks for the informativa of a constancia.
        self._otras_empresas = otras_empresas

    # --- Revisar -------------------------------------------------------------------------------

    @anuncia(ICSOE)
    def revisar(self, informativa: str, actor: str | None) -> list[Problema]:
        """Every inconsistency, then the warnings (``Problema.aviso``: listed, they block
        nothing): a contratante's RFC whose check digit does not match, a worker's SBC that
        differs from the one its movimientos registered in the period. No inconsistency moves
        the informativa to «Lista para firma» (and one found later moves it back to «En
        captura»); warnings do not count."""
        from icsoe_desktop.domain.informativa.revision import (
            avisos,
            avisos_recibos,
            avisos_revision,
            avisos_sbc,
            revisar,
        )
        from icsoe_desktop.services.informativa.repse import registro_de
        from icsoe_desktop.services.nomina.consulta import recibos_para_revisar

        with self._store.session() as session:
            row, contratista = self._informativa(session, informativa, actor)
            snapshot = self._snapshot(session, row, contratista)
            problemas = revisar(snapshot, self._curps(session, snapshot))
            nss = [t.nss for c in snapshot.contratos for t in c.trabajadores]
            sbc = avisos_sbc(snapshot, sbcs_registrados(session, nss, snapshot.periodo))
            rfcs = [c.contratante.rfc for c in snapshot.contratos]
            recibos = recibos_para_revisar(session, snapshot.periodo, rfcs)
            if recibos is not None:  # the payroll's receipts of the period, when imported
                sbc += avisos_recibos(snapshot, *recibos)
            if (registro := registro_de(session, contratista.id)) is not None:
                row_repse, servicios = registro
                sbc += avisos_revision(snapshot, row_repse.aviso, row_repse.vence, servicios)
            if row.estado not in FIRMADAS:
                row.estado = EN_CAPTURA if problemas else LISTA_PARA_FIRMA
            self._audit.record(
                session, actor, "icsoe_informativa_revisada", contratista.rfc, str(len(problemas))
            )
            return problemas + avisos(snapshot) + sbc  # the warnings (last) block nothing

    @staticmethod
    def _curps(session: Session, snapshot: Informativa) -> dict[str, str]:
        return curps_de_la_empresa(
            session, [t.nss for c in snapshot.contratos for t in c.trabajadores]
        )

    # --- Firmar --------------------------------------------------------------------------------

    @anuncia(ICSOE)
    def firmar(
        self,
        informativa: str,
        actor: str | None,
        cer: Path | None,
        key: Path | None,
        contrasena: str,
    ) -> bytes:
        """The contratista (``actor``: its RFC) seals the informativa with its e.firma. Slow
        (the key is decrypted): call it off the GUI thread. Returns the acuse (a PDF). After it
        nothing can be added or changed."""
        from icsoe_desktop.services.sin_recolector import sin_recolector

        with sin_recolector():
            return self._firmar(informativa, actor, cer, key, contrasena)

    def _firmar(
        self,
        informativa: str,
        actor: str | None,
        cer: Path | None,
        key: Path | None,
        contrasena: str,
    ) -> bytes:
        from icsoe_desktop.domain.informativa.cadena import cadena_de_contratos
        from icsoe_desktop.domain.informativa.sello import sellar
        from icsoe_desktop.services.informativa.constancia import TOLERANCIA, preparar_constancia
        from icsoe_desktop.services.informativa.constancia_pdf import fecha_hora
        from icsoe_desktop.services.pades.firmar import (
            EfirmaRevocada,
            RelojDesfasado,
            SelloDeTiempoFallido,
        )

        self._permisos.exigir(actor, Accion.FIRMAR_INFORMATIVA, informativa)
        # The signing time, to the second, taken before the cadena, which seals it: naive UTC
        # for the row, and in Central Mexico time (with its offset) in what is sealed and frozen.
        ahora = self._clock().replace(microsecond=0)
        firmada = hora_del_centro(ahora)
        # Both sessions with a small page cache: the workers' pages are read once each time
        # (more than the kept cache holds: it would give none back) and the cache's 64 MiB
        # would sit under the constancia drawn and the write (store/db.py).
        with self._store.session() as session, small_page_cache(session.connection()):
            # One read transaction: the informativa and its SHA-256 of the same rows, whatever
            # another window commits meanwhile (pysqlite would read each SELECT on its own).
            session.connection().exec_driver_sql("BEGIN")
            row, contratista = self._informativa(session, informativa, actor)
            rfc = contratista.rfc  # the actor itself (checked by _informativa)
            if row.estado in FIRMADAS:
                raise ValidationError("informativa_firmada", "La informativa ya está firmada.")
            leida = self._leer_para_firmar(session, row, contratista, firmada)
        if leida.problemas:
            raise ValidationError(
                "informativa_con_problemas",
                f"La informativa tiene {plural(len(leida.problemas), 'inconsistencia')}: usa "
                "Revisar, corrígelas y fírmala después.",
            )
        credencial = self._contratistas.credencial_fiel(rfc, cer, key, contrasena)
        info = credencial.info
        capacitacion = self._capacitacion(rfc)
        # The issuers up to the trusted root go inside the signature: any reader builds the path.
        ruta = self._emisores.trust_store().chain(info.certificado_der)
        if any(map(autoridad_de_practica, ruta)) and not self._empresa_de_practica():
            # Trusted here only because the modo de capacitación is on: never on real work,
            # nor in a real empresa (the practice contratista entered there is no trainee's
            # sandbox: its informativas would sit among the real ones unmarked).
            raise ValidationError("efirma_de_practica", MSG_EFIRMA_PRACTICA)
        # The workers' names too, in the cadena's order: the constancia shows and signs them.
        cadena, nombres = cadena_de_contratos(
            leida.cabecera, firmada, capacitacion, leida.contratos
        )
        firmado = leida.huella
        # From now on the informativa is its frozen copy (and its header, what its window
        # reads): its exports, acuse and verification never read the contratante's or the
        # contratista's live rows again. The constancia's signature covers both, by their
        # SHA-256.
        congeladas = leida.congelada, congelar(leida.cabecera, firmada)
        del leida  # its contracts' text is in the cadena now
        sello = sellar(cadena, credencial.private_key)
        emisores = [e.der for e in ruta]
        servidor = self._sello_tiempo()
        # Training never waits on a server; real work does when the administrator says so.
        exigido = servidor.exigir and not capacitacion
        sin_firmar = preparar_constancia(
            cadena, sello, info.certificado_der, firmada, nombres, congeladas
        )
        del nombres  # neither are the names, once drawn and written in its attachment

        sin_sello = ""
        try:
            hecha = sin_firmar.firmar(emisores, credencial.private_key, servidor.url, TOLERANCIA)
        except EfirmaRevocada as exc:
            que = LA_EFIRMA if exc.propia else SU_AUTORIDAD
            fecha = fecha_hora(hora_del_centro(exc.fecha.astimezone(UTC).replace(tzinfo=None)))
            raise ValidationError(
                "efirma_revocada", MSG_EFIRMA_REVOCADA.format(que=que, fecha=fecha)
            ) from None
        except RelojDesfasado as exc:
            # The signing time would be the wrong clock's, proven false by the token: nothing
            # is kept, signed or not (a verification would refuse that constancia).
            log.warning("Reloj desfasado, la informativa no se firmó: %s", exc)
            raise ValidationError(
                "reloj_desfasado",
                MSG_RELOJ_DESFASADO.format(
                    equipo=fecha_hora(firmada),
                    url=servidor.url,
                    sello=fecha_hora(exc.sello.astimezone(firmada.tzinfo)),
                    minutos=int(TOLERANCIA.total_seconds() // 60),
                ),
            ) from None
        except SelloDeTiempoFallido as exc:
            if exigido:
                # Nothing was kept: the informativa stays as it was, to be signed again.
                log.warning("Sin sello de tiempo, la informativa no se firmó: %s", exc)
                raise ValidationError(
                    "sello_tiempo_fallido", MSG_SELLO_FALLIDO.format(url=servidor.url)
                ) from None
            # Not required: signed as without a server (its date then says it is unproven).
            log.warning("Sin sello de tiempo, la informativa se firma sin él: %s", exc)
            hecha = sin_firmar.firmar(emisores, credencial.private_key)
            sin_sello = f" (sin sello de tiempo: {servidor.url} no respondió)"
        acuse = hecha.pdf
        # The signing time kept is the one the token proves, when there is one (the computer's
        # clock, within TOLERANCIA of it, is only what the cadena seals).
        if hecha.sellado is not None:
            ahora = hecha.sellado.astimezone(UTC).replace(tzinfo=None)
        # The unsigned pages and attachment, and the PDF's object graphs (reportlab's,
        # pyHanko's: cycles), freed before the write, and what all that freed given back: the
        # write copies tens of MB at once.
        del sin_firmar
        gc.collect()
        memoria_libre.devolver()
        # Compared and written under the write lock: nothing can change in between.
        with (
            self._store.session(immediate=True) as session,
            small_page_cache(session.connection()),
        ):
            row, contratista = self._informativa(session, informativa, rfc)
            # Someone may have captured meanwhile (another window, a sync): sign what was read.
            if row.estado in FIRMADAS or self._huella(session, row, contratista) != firmado:
                raise ValidationError(
                    "informativa_cambio",
                    "La informativa cambió mientras se firmaba: revísala y fírmala de nuevo.",
                )
            row.estado = FIRMADA
            row.firmada_at = ahora
            row.no_certificado = info.no_certificado
            row.cadena, row.sello = cadena, sello
            row.certificado_der = info.certificado_der
            row.acuse_pdf = acuse
            row.congelada, row.congelada_cabecera = congeladas
            self._audit.record(
                session,
                rfc,
                "icsoe_informativa_firmada",
                row.periodo,
                info.no_certificado + sin_sello,
            )
            session.flush()  # with the small cache: its pages spill to the WAL as written
        return acuse

    def _leer_para_firmar(
        self, session: Session, row: InformativaRow, contratista: Contratista, firmada: datetime
    ) -> _Leida:
        """The informativa read for *Firmar* a contract at a time (a staffing firm's holds
        hundreds of thousands of workers: never all at once): each contract revisado, written
        as the cadena writes it and frozen, its rows hashed as read (``_huella``)."""
        from icsoe_desktop.domain.informativa.cadena import contrato_en_cadena
        from icsoe_desktop.domain.informativa.revision import (
            revisar_contrato,
            revisar_declaracion,
        )

        cabecera = self._en_captura(session, row, contratista, trabajadores=False)
        completa = replace(cabecera, otras=self._otras(session, row))
        problemas = revisar_declaracion(completa)
        huella = _huella_de(cabecera)
        ids = self._contratos(session, row)
        curps = movs_sql.curps_by_nss_of_contratos(session, list(ids.values()))
        grupos = _grupos(session, list(ids.values()), huella)
        congelando = Congelando(cabecera, firmada)
        contratos = []
        grupo: tuple[int, list[Fila]] | None = next(grupos, None)
        for contrato in cabecera.contratos:
            propio = ids[contrato.uuid]
            filas: list[Fila] = []
            while grupo is not None and grupo[0] <= propio:  # both by contract id
                filas = grupo[1] if grupo[0] == propio else filas
                grupo = next(grupos, None)
            columnas = [list(c) for c in zip(*filas, strict=True)] if filas else [[]] * 5
            _, nss, curp, sbc, nombre = columnas
            con_trabajadores = replace(
                contrato, trabajadores=tuple(map(Trabajador, nss, curp, sbc, nombre))
            )
            problemas += revisar_contrato(completa, con_trabajadores, curps)
            if not problemas:  # else only the inconsistencies are of use
                congelando.agregar(con_trabajadores)
                contratos.append(contrato_en_cadena(contrato, nss, curp, sbc, nombre))
        for _ in grupos:  # the foreign contracts' workers after the last one: in the huella
            pass
        return _Leida(cabecera, problemas, contratos, congelando.cerrar(), huella.digest())

    def _contratos(self, session: Session, row: InformativaRow) -> dict[str, int]:
        """uuid → row id of the informativa's contracts (foreign ones included), by id."""
        return dict(
            session.execute(
                select(ContratoRow.uuid, ContratoRow.id)
                .where(ContratoRow.informativa_id == row.id, ContratoRow.deleted.is_(False))
                .order_by(ContratoRow.id)
            ).all()
        )

    def _huella(self, session: Session, row: InformativaRow, contratista: Contratista) -> bytes:
        """The SHA-256 of the informativa as its rows are now: what of it the cadena and the
        frozen copy hold (not its estado, nor the other declarations of its period), its
        workers hashed as read, without building them (hundreds of thousands)."""
        huella = _huella_de(self._en_captura(session, row, contratista, trabajadores=False))
        for _ in _grupos(session, list(self._contratos(session, row).values()), huella):
            pass
        return huella.digest()

    def de_practica(self, rfc: str) -> bool:
        """Whether the contratista's informativas here are training (the practice empresa's)."""
        return self._capacitacion(rfc)

    def nombre_constancia(self, rfc: str, periodo: str) -> str:
        """The constancia's file name (ASCII: it travels through any system)."""
        from icsoe_desktop.services.informativa.exportar import PREFIJO_CAPACITACION, seguro

        prefijo = PREFIJO_CAPACITACION if self.de_practica(rfc) else ""
        return f"{prefijo}Constancia_firma_ICSOE_{seguro(rfc)}_{periodo}.pdf"

    # --- the constancia ---------------------------------------------------------------------------

    def acuse(self, informativa: str, actor: str | None) -> bytes:
        with self._store.session() as session:
            row, _ = self._informativa(session, informativa, actor)
            if row.estado not in FIRMADAS or not row.acuse_pdf:
                raise ValidationError(
                    "sin_acuse",
                    "La informativa aún no está firmada: no tiene constancia de firma.",
                )
            return row.acuse_pdf

    def guardar_constancia(self, informativa: str, actor: str | None, path: Path) -> Path:
        """The constancia de firma written to ``path`` (whole or not at all), audited with
        what and where; an OSError when the folder refuses it."""
        from icsoe_desktop.files import write_bytes_atomic

        path = Path(path)
        datos = self.acuse(informativa, actor)
        write_bytes_atomic(path, datos)
        self._audit.anotar(
            actor,
            "icsoe_constancia_guardada",
            informativa,
            f"constancia de firma ({len(datos):,} bytes) en «{path.resolve()}»",
        )
        return path

    def verificar(self, pdf: bytes, cer: bytes | None = None) -> Verificacion:
        """A constancia de firma checked (services/informativa/constancia.py) against this
        installation's trusted authorities; given, the signer's .cer file (DER or PEM). When
        this store holds the informativa of its identifier (RFC, periodo, tipo, uuid), it must
        be the one signed with that very sello."""
        from icsoe_desktop.domain.credentials.files import certificate_file_der
        from icsoe_desktop.services.informativa.constancia import verificar_constancia
        from icsoe_desktop.services.informativa.fecha_firma import huella_autoridades

        certificado_der = None if cer is None else certificate_file_der(cer)
        sellos = self._emisores.autoridades_sello()
        resultado = verificar_constancia(
            pdf,
            self._emisores.trust_store(),
            # Practice authorities are trusted here only while the modo de capacitación is on.
            self._emisores.capacitacion(),
            certificado_der,
            self._guardada,
            # Without a trusted time-stamp the certificate is judged at this computer's time.
            self._clock().replace(tzinfo=UTC),
            sellos,
        )
        return replace(resultado, autoridades_sello=huella_autoridades(sellos))

    def autoridades_sello(self) -> str:
        """The time-stamp authorities trusted now, as ``Verificacion.autoridades_sello``
        names them: a signing date noted as proven under others is not (fecha_firma.py)."""
        from icsoe_desktop.services.informativa.fecha_firma import huella_autoridades

        return huella_autoridades(self._emisores.autoridades_sello())

    def _guardada(self, leida: ConstanciaLeida) -> Guardada | None:
        """The informativa of the constancia's identifier as it was signed: in this store, or
        else in whichever other empresa of the installation holds it."""
        inf = leida.informativa
        with self._store.session() as session:
            filas = _filas(session, inf.uuid)
        encontrada = _comparar(leida, filas, None)
        for etiqueta, path in self._otras_empresas() if encontrada is None else ():
            try:
                encontrada = _comparar(leida, _filas_de(path, inf.uuid), etiqueta)
            # Damaged, locked, its upgrade refused: it cannot say, others may.
            except (StoreError, DBAPIError, cifrado.Error, ValueError):
                log.warning("No se pudo buscar la informativa en %s", path, exc_info=True)
                continue
            if encontrada is not None:
                break
        return encontrada

    # --- exports -------------------------------------------------------------------------------

    def exportar(
        self, informativa: str, actor: str | None, carpeta: Path, progreso: Progreso | None = None
    ) -> list[Path]:
        """The portal's files: one worker CSV per contract (split at 3,000 rows / 15 MB) and
        the capture sheet (.xlsx) with every field in the portal's order. A signed informativa
        writes what was signed, whatever changed in its contratantes or contratista since."""
        from icsoe_desktop.services.informativa.exportar import exportar

        with self._store.session() as session:
            row, contratista = self._informativa(session, informativa, actor)
            snapshot = self._snapshot(session, row, contratista)
            creada = self._firmada(row).firmada if row.estado in FIRMADAS else None
            self._audit.record(
                session,
                actor,
                "icsoe_informativa_exportada",
                contratista.rfc,
                f"periodo {row.periodo}: {plural(snapshot.numero_trabajadores, 'trabajador', 'trabajadores')} de "
                f"{plural(len(snapshot.contratos), 'contrato')} en «{Path(carpeta).resolve()}»",
            )
        capacitacion = self._capacitacion(snapshot.contratista.rfc)
        return exportar(snapshot, Path(carpeta), progreso, creada, capacitacion=capacitacion)


Fila = tuple[int, str, str, int, str]  # a worker as read: contrato_id, nss, curp, sbc, nombre


@dataclass(frozen=True)
class _Leida:
    """What *Firmar* read of the informativa (``_leer_para_firmar``)."""

    cabecera: Informativa  # its contracts without their workers
    problemas: list[Problema]
    contratos: list[ContratoEnCadena] = field(repr=False)  # empty when there are problemas
    congelada: bytes = field(repr=False)
    huella: bytes


def _huella_de(cabecera: Informativa) -> hashlib._Hash:
    """``_huella``'s SHA-256 begun: what of the informativa the cadena and the frozen copy
    hold but its workers (``cabecera``: without them)."""
    inf = cabecera
    lo_firmado = (inf.uuid, inf.periodo, inf.tipo, inf.complementa, inf.contratista)
    return hashlib.sha256(orjson.dumps((*lo_firmado, inf.contratos)))


def _grupos(
    session: Session, contratos: list[int], huella: hashlib._Hash
) -> Iterator[tuple[int, list[Fila]]]:
    """The live workers of the contracts ``contratos`` (row ids), one contract's at a time (by
    id), ``huella`` updated with each as read."""
    from icsoe_desktop.store.queries import trabajadores_de_contratos

    for contrato, filas in groupby(trabajadores_de_contratos(session, contratos), itemgetter(0)):
        grupo = list(filas)
        huella.update(orjson.dumps(grupo))
        yield contrato, grupo


# What ``verificar`` compares of a stored informativa, in this order.
_COLUMNAS = (
    InformativaRow.estado,
    InformativaRow.cadena,
    InformativaRow.sello,
    InformativaRow.congelada,
    InformativaRow.congelada_cabecera,
    InformativaRow.firmada_at,
    Contratista.rfc,
    InformativaRow.periodo,
    InformativaRow.tipo,
    InformativaRow.acuse_pdf,
)


def _filas(session: Session, uuid: str) -> list[tuple[Any, ...]]:
    """``_COLUMNAS`` of the informativas ``uuid`` in the store of ``session``."""
    return [
        tuple(f)
        for f in session.execute(
            select(*_COLUMNAS)
            .join(Contratista, Contratista.id == InformativaRow.contratista_id)
            .where(InformativaRow.uuid == uuid, InformativaRow.deleted.is_(False))
        )
    ]


def _filas_de(path: Path, uuid: str) -> list[tuple[Any, ...]]:
    """``_filas`` in another empresa's store, brought to this version's schema and read as the
    deadline board reads it (store/al_dia.py): that empresa is not opened as the app's."""
    if not path.is_file():
        return []  # an empresa never opened has no store, hence no informativa
    with al_dia.leer(path) as session:
        return _filas(session, uuid)


def _comparar(
    leida: ConstanciaLeida, filas: list[tuple[Any, ...]], empresa: str | None
) -> Guardada | None:
    """The stored informativa of the constancia's identifier (RFC, periodo, tipo, uuid) among
    ``filas`` (those of its uuid in one store), as signed; None: the store has not its uuid."""
    from icsoe_desktop.services.informativa.constancia import Guardada

    inf = leida.informativa
    identificador = (inf.contratista.rfc, inf.periodo.clave, inf.tipo)
    fila = next((f for f in filas if tuple(f[6:9]) == identificador), None)
    if fila is None:
        # The uuid alone: the same informativa under another RFC, periodo or tipo.
        return Guardada("", "", empresa=empresa) if filas else None
    estado, cadena, sello, congelada, cabecera, firmada_at = fila[:6]
    if estado not in FIRMADAS:
        return Guardada(None, None, empresa=empresa)
    return Guardada(cadena, sello, congelada, cabecera, firmada_at, empresa, fila[9] or None)


__all__ = ["FirmaInformativaService"]
