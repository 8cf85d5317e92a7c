"""Import CFDI de nómina: each receipt verified (domain/nomina), stored once by its timbre's
UUID, in batches of ``LOTE`` receipts each committed whole: a run killed halfway leaves every
batch it committed complete and nothing of the one it was writing; importing the same set
again stores only what is missing (the rest are duplicates). Cancelar stops between receipts:
what was committed stays, the receipts read since the last commit are not stored.

A receipt that fails a check is kept out and listed with its file and reason (never counted
silently). A receipt that substitutes others (CFDI relacionado, TipoRelacion «04») replaces
them: the substituted ones are marked deleted if stored, and their UUIDs remembered (both
synced) so that importing them later on any desktop stores nothing (they count as
«sustituidos»).
"""

from __future__ import annotations

import gc
import json
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from hashlib import sha256
from pathlib import Path

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from icsoe_desktop.domain.cambios import EVIDENCIAS, NOMINA
from icsoe_desktop.domain.clock import utcnow
from icsoe_desktop.domain.errors import OperacionCancelada, ValidationError
from icsoe_desktop.domain.nomina import (
    SAT_VERIFICADO,
    Recibo,
    ReciboRechazado,
    Verificado,
    Verificador,
)
from icsoe_desktop.domain.roles import Accion
from icsoe_desktop.domain.texts import plural
from icsoe_desktop.services.acceso.permisos import Permisos
from icsoe_desktop.services.audit import AuditService
from icsoe_desktop.services.en_curso import Cancelado, Progreso, cancelable
from icsoe_desktop.services.nomina import fuentes
from icsoe_desktop.store import cambiados, evidencia_conteo, plain
from icsoe_desktop.store.db import Store, checkpoint, rare_checkpoints
from icsoe_desktop.store.models import (
    IncapacidadNomina,
    NominaXml,
    PercepcionNomina,
    ReciboNomina,
    SubcontratacionNomina,
    SustituidoNomina,
)
from icsoe_desktop.store.sin_disparadores import insert_untriggered

LOTE = 2_000  # receipts per commit: a kill loses at most these, re-read at the next import
MAX_LISTADOS = 10_000  # refusals and duplicates named one by one; beyond, only counted
LOTE_AUDITADO = "nomina_lote_guardado"  # each committed batch's audit entry, in its transaction
CERTIFICADOS_SAT_DIR = "certificados_sat"  # the SAT's certificates that seal timbres (.cer)
# Each receipt's XML kept by its UUID: (UUID, XML, the XML as a zlib stream or None).
GuardarXml = Callable[[Iterable[tuple[str, bytes, bytes | None]]], None]
# The SHA-256 of the XML kept for those of the UUIDs that have one.
XmlGuardados = Callable[[list[str]], dict[str, str]]


@dataclass(frozen=True, slots=True)
class Rechazo:
    archivo: str
    codigo: str
    motivo: str


@dataclass
class ReporteNomina:
    leidos: int = 0
    guardados: int = 0
    duplicados: int = 0
    sustituidos: int = 0  # stored receipts removed, or older ones not stored, by a substitute
    rechazados: int = 0
    sin_sello_sat: int = 0  # stored with the timbre's SAT seal read, not verified
    cancelado: bool = False
    rechazos: list[Rechazo] = field(default_factory=list)
    repetidos: list[tuple[str, str]] = field(default_factory=list)  # (file, UUID)
    # The last day paid by a receipt read whole (saved or already there): the window shows
    # that period once the import ends.
    ultima_fecha: date | None = None

    @property
    def verificados(self) -> int:
        return self.leidos - self.rechazados

    def rechazar(self, archivo: str, codigo: str, motivo: str) -> None:
        self.rechazados += 1
        if len(self.rechazos) < MAX_LISTADOS:
            self.rechazos.append(Rechazo(archivo, codigo, motivo))

    def repetido(self, archivo: str, uuid: str) -> None:
        self.duplicados += 1
        if len(self.repetidos) < MAX_LISTADOS:
            self.repetidos.append((archivo, uuid))

    def resumen(self) -> str:
        partes = [
            f"{plural(self.leidos, 'recibo leído', 'recibos leídos')}",
            f"{self.verificados:,} verificados",
            f"{plural(self.guardados, 'guardado', 'guardados')}",
            f"{self.duplicados:,} ya estaban",
            f"{plural(self.rechazados, 'rechazado')}",
        ]
        if self.sustituidos:
            partes.append(f"{self.sustituidos:,} sustituidos")
        texto = ", ".join(partes)
        return texto + (" (importación cancelada)" if self.cancelado else "")


def certificados_sat(carpetas: Iterable[Path]) -> dict[str, bytes]:
    """The SAT's timbre certificates IT put in ``carpetas``, by their number."""
    from icsoe_desktop.domain.credentials import CredentialError, load_certificate

    encontrados: dict[str, bytes] = {}
    for carpeta in carpetas:
        if not carpeta.is_dir():
            continue
        for path in sorted(carpeta.iterdir()):
            if path.suffix.lower() not in (".cer", ".crt", ".pem", ".der"):
                continue
            try:
                info = load_certificate(path.read_bytes())
            except (OSError, CredentialError):
                continue  # a stray file must not hide the others
            encontrados[info.no_certificado] = info.certificado_der
    return encontrados


class NominaImporter:
    def __init__(
        self,
        store: Store,
        audit: AuditService,
        permisos: Permisos,
        verificador: Callable[[str], Verificador],
        rfc_empresa: Callable[[], str],
        archivo_xml: Callable[[], AbstractContextManager[GuardarXml]] | None = None,
        xml_guardados: XmlGuardados | None = None,
    ) -> None:
        """``verificador(rfc)``: the checks of that empresa's receipts, built for each import
        (the emisores confiables as they are then); ``archivo_xml()``: for one import, where
        each verified receipt's XML is kept by its UUID (the client's evidence), before its
        batch is saved (with the XML as a zlib stream when the ZIP had it compressed; None: not
        at hand); ``xml_guardados(uuids)``: the SHA-256 of the XML kept for those UUIDs (a
        receipt already stored comes again only with the same bytes)."""
        self._store = store
        self._audit = audit
        self._permisos = permisos
        self._verificador = verificador
        self._rfc_empresa = rfc_empresa
        self._archivo_xml = archivo_xml
        self._xml_guardados = xml_guardados

    def importar(
        self,
        rutas: Sequence[Path],
        actor: str | None,
        progreso: Progreso | None = None,
        cancelado: Cancelado | None = None,
    ) -> ReporteNomina:
        """Folders, ZIPs or XML files. ``ValidationError`` (nothing read) for a path that does
        not exist, an empresa without RFC, a ZIP refused whole or nothing to import."""
        nombres = ", ".join(Path(r).name for r in rutas)
        self._permisos.exigir(actor, Accion.IMPORTAR_NOMINA, nombres)
        rfc = self._rfc_empresa().strip().upper()
        if not rfc:
            raise ValidationError(
                "empresa_sin_rfc",
                "La empresa no tiene RFC: captúralo en la Configuración inicial para importar "
                "sus recibos de nómina.",
            )
        for ruta in rutas:
            if not Path(ruta).exists():
                raise ValidationError("nomina_no_encontrado", f"No se encontró «{ruta}».")
        with fuentes.abrir(rutas) as origen:
            total = origen.total
            if total == 0:
                raise ValidationError(
                    "nomina_sin_xml",
                    f"«{nombres}» no contiene archivos .xml de recibos de nómina.",
                )
            verificador = self._verificador(rfc)
            with self._store.session() as session:
                self._audit.record(
                    session,
                    actor,
                    "nomina_importacion",
                    nombres,
                    f"{plural(total, 'archivo XML', 'archivos XML')}",
                )
            reporte = ReporteNomina()
            # Each batch is its own transaction: a stop by the session's gate leaves those saved.
            avance = cancelable(
                progreso,
                cancelado,
                f"La importación de recibos de nómina de «{nombres}»",
                deja=lambda: (
                    "se detuvo; "
                    + (
                        "queda 1 recibo ya guardado"
                        if reporte.guardados == 1
                        else f"quedan los {reporte.guardados:,} recibos ya guardados"
                    )
                ),
            )
            archivo = self._archivo_xml() if self._archivo_xml is not None else nullcontext()
            # The objects alive before (the application's) are left out of the collector's
            # walks while the batches come and go: each full collection walked them all.
            gc.freeze()
            try:
                with archivo as guardar_xml:
                    lector = _Lector(
                        self._store,
                        verificador,
                        reporte,
                        guardar_xml,
                        self._xml_guardados,
                        partial(self._audit.record, actor=actor, target=nombres),
                    )
                    lector.leer(origen, lambda hechos: avance(hechos, total))
            except OperacionCancelada:
                reporte.cancelado = True
            finally:
                gc.unfreeze()
        if reporte.guardados or reporte.sustituidos:
            with self._store.session() as session:  # the batches' WAL, before a user's save
                checkpoint(session.connection())
        with self._store.session() as session:
            self._audit.record(session, actor, "nomina_importada", nombres, reporte.resumen())
        if reporte.guardados or reporte.sustituidos:
            self._store.cambios.anunciar({NOMINA})
        if progreso is not None and not reporte.cancelado:
            progreso(total, total)
        return reporte


class _Lector:
    """One import's reading and saving: the receipts verified, saved a batch at a time.
    ``auditar(session, action=…, detail=…)``: the audit entry written in a batch's own
    transaction, so that a run killed after some batches leaves each stored receipt audited."""

    def __init__(
        self,
        store: Store,
        verificador: Verificador,
        reporte: ReporteNomina,
        guardar_xml: GuardarXml | None,
        xml_guardados: XmlGuardados | None = None,
        auditar: Callable[..., None] | None = None,
    ) -> None:
        self._store = store
        self._verificador = verificador
        self._reporte = reporte
        self._guardar_xml = guardar_xml
        self._xml_guardados = xml_guardados
        self._auditar = auditar

    def leer(self, origen: fuentes.Origen, avance: Callable[[int], None]) -> None:
        """Every receipt of ``origen`` verified, saved a batch at a time."""
        reporte = self._reporte
        lote: list[tuple[Verificado, fuentes.Pieza]] = []
        for pieza in origen.piezas():
            avance(reporte.leidos)  # Cancelar stops here, between receipts
            reporte.leidos += 1
            if pieza.motivo is not None:
                reporte.rechazar(pieza.nombre, pieza.motivo.code, pieza.motivo.message)
                continue
            try:
                lote.append((self._verificador.verificar(pieza.datos), pieza))
            except ReciboRechazado as exc:
                reporte.rechazar(pieza.nombre, exc.code, exc.message)
                continue
            final = lote[-1][0].recibo.fecha_final
            if reporte.ultima_fecha is None or final > reporte.ultima_fecha:
                reporte.ultima_fecha = final
            if len(lote) >= LOTE:
                self._guardar(lote)
                lote = []
        avance(reporte.leidos)  # the last batch: Cancelar, or the gate, first
        self._guardar(lote)

    def _guardar(self, lote: list[tuple[Verificado, fuentes.Pieza]]) -> None:
        """One batch, one transaction: all of it or none. The XML are kept first (those
        already stored too: importing again keeps the XML of receipts imported before)."""
        lote, huellas = self._sin_conflictos(lote)
        if not lote:
            return
        uuids = [_uuid(v.recibo.timbre.uuid) for v, _ in lote]
        if self._guardar_xml is not None:
            self._guardar_xml(
                (u, p.datos, p.comprimidos) for u, (_, p) in zip(uuids, lote, strict=True)
            )
        with self._store.session(immediate=True) as session:
            conn = session.connection()
            with rare_checkpoints(conn):
                sustituidos = self._reporte.sustituidos
                quedan = self._escribir(session, lote, uuids, huellas)
                quitados = self._reporte.sustituidos - sustituidos
                if self._auditar is not None and (quedan or quitados):
                    self._auditar(
                        session, action=LOTE_AUDITADO, detail=_detalle_lote(quedan, quitados)
                    )
                session.flush()
                # Committed here, without a checkpoint: each batch rewrites most pages of the
                # indexes by UUID, NSS and CURP, copied into the database once at the end.
                conn.exec_driver_sql("COMMIT")
        self._reporte.guardados += len(quedan)
        self._reporte.sin_sello_sat += sum(1 for h in quedan if h.sello_sat != SAT_VERIFICADO)

    def _sin_conflictos(
        self, lote: list[tuple[Verificado, fuentes.Pieza]]
    ) -> tuple[list[tuple[Verificado, fuentes.Pieza]], dict[str, bytes]]:
        """The batch without the receipts whose UUID is kept (or read earlier in the batch)
        with other bytes — in the archive, or as the store's row recorded them: a conflicting
        copy is refused, never put in place of the XML the client gets; the same bytes again go
        on (to «ya estaba»). With the SHA-256 of each one that goes on, by UUID."""
        if not lote:
            return lote, {}
        huellas = [sha256(p.datos).digest() for _, p in lote]
        uuids = [_uuid(v.recibo.timbre.uuid) for v, _ in lote]
        conocidos = self._registrados(uuids)
        if self._xml_guardados is not None:
            conocidos.update(self._xml_guardados(uuids))
        quedan = []
        suyas: dict[str, bytes] = {}
        for (hecho, pieza), uuid, huella in zip(lote, uuids, huellas, strict=True):
            previo = conocidos.setdefault(uuid, huella.hex())
            if previo != huella.hex():
                error = _conflicto(hecho)
                self._reporte.rechazar(pieza.nombre, error.code, error.message)
                continue
            quedan.append((hecho, pieza))
            suyas[uuid] = huella
        return quedan, suyas

    def _registrados(self, uuids: list[str]) -> dict[str, str]:
        """The SHA-256 of the XML verified here that the store's rows of ``uuids`` recorded."""
        with self._store.session() as session:
            filas = plain.driver(session.connection()).execute(
                f"SELECT uuid, xml_sha256 FROM {ReciboNomina.__tablename__} "
                f"WHERE xml_sha256 IS NOT NULL AND uuid IN ({', '.join('?' * len(uuids))})",
                uuids,
            )
            return {uuid: bytes(huella).hex() for uuid, huella in filas}

    def _escribir(
        self,
        session: Session,
        lote: list[tuple[Verificado, fuentes.Pieza]],
        uuids: list[str],
        huellas: dict[str, bytes],
    ) -> list[Verificado]:
        """The batch's new receipts written with the SHA-256 of the XML verified (those
        already stored or substituted counted; one stored without it, from another desktop or
        of before it was recorded, records it now); returns them."""
        reporte = self._reporte
        conn = session.connection()
        if self._guardar_xml is not None:
            # Before the receipts: their clients are counted with their XML at once
            # (store/evidencia_conteo.py); one imported again to keep its XML counts now.
            conn.exec_driver_sql(
                f"INSERT OR IGNORE INTO {NominaXml.__tablename__} (uuid) VALUES (?)",
                [(u,) for u in uuids],
            )
        existentes = _entre(conn, ReciboNomina.__tablename__, uuids)
        sustituidos = _entre(conn, SustituidoNomina.__tablename__, uuids)
        nuevos: list[Verificado] = []
        vistos: set[str] = set()
        copias = _Copias(conn, [h for h, _ in lote])
        verificados: list[str] = []  # kept unverified, their SAT seal verified now
        verificado_aqui: list[tuple[bytes, str]] = []  # stored already: (its XML's SHA-256, UUID)
        for (hecho, pieza), uuid in zip(lote, uuids, strict=True):
            if uuid in sustituidos:
                reporte.sustituidos += 1
            elif uuid in existentes or uuid in vistos:
                reporte.repetido(pieza.nombre, hecho.recibo.timbre.uuid)
                if uuid in existentes:
                    verificado_aqui.append((huellas[uuid], uuid))
                if uuid in existentes and hecho.sello_sat == SAT_VERIFICADO:
                    verificados.append(uuid)
            elif copias.de_otro(hecho):
                error = _copia(hecho)
                reporte.rechazar(pieza.nombre, error.code, error.message)
            else:
                vistos.add(uuid)
                nuevos.append(hecho)
        # A substitute read in the same batch as the one it replaces: the older goes.
        reemplazados = {_uuid(u) for hecho in nuevos for u in hecho.recibo.sustituye}
        quedan = [h for h in nuevos if _uuid(h.recibo.timbre.uuid) not in reemplazados]
        reporte.sustituidos += len(nuevos) - len(quedan)
        reporte.sustituidos += _sustituir(session, quedan)
        _insertar(conn, quedan, huellas)
        # Local, never sent (as ``sello_sat``): written without a new version.
        plain.driver(conn).executemany(
            f"UPDATE {ReciboNomina.__tablename__} SET xml_sha256 = ? "
            "WHERE uuid = ? AND xml_sha256 IS NULL",
            verificado_aqui,
        )
        if quedan:  # written through the driver: counted for another program's windows too
            cambiados.anotar(session, {NOMINA, EVIDENCIAS})
        sello_sat_verificado(session, verificados)
        return quedan


def _detalle_lote(quedan: list[Verificado], quitados: int) -> str:
    """A committed batch's audit detail: how many receipts it stored (the count first, as
    ``recibos_de_lote`` reads it back) and the first and last UUID of them."""
    partes = [plural(len(quedan), "recibo guardado", "recibos guardados")]
    if quedan:
        uuids = sorted(h.recibo.timbre.uuid.upper() for h in quedan)
        partes.append(f"UUID {uuids[0]} a {uuids[-1]}")
    if quitados:
        partes.append(plural(quitados, "sustituido"))
    return "; ".join(partes)


def recibos_de_lote(detalle: str) -> int:
    """How many receipts a ``LOTE_AUDITADO`` entry says its batch stored."""
    return int(detalle.split(" ", 1)[0].replace(",", ""))


def _conflicto(hecho: Verificado) -> ReciboRechazado:
    return ReciboRechazado(
        "recibo_en_conflicto",
        f"Ya hay guardado otro XML con el UUID {hecho.recibo.timbre.uuid}: este no es el mismo "
        "archivo (una copia alterada o de otro origen). Se conserva el que ya estaba; si este es "
        "el correcto, revisa con quien emite la nómina cuál es el que timbró el SAT.",
    )


def _copia(hecho: Verificado) -> ReciboRechazado:
    r = hecho.recibo
    return ReciboRechazado(
        "recibo_copia_probable",
        f"Probable copia: el sello del SAT de su timbre no se pudo verificar y repite otro "
        f"recibo ya guardado (el mismo trabajador {r.curp}, periodo "
        f"{r.fecha_inicial:%d/%m/%Y}–{r.fecha_final:%d/%m/%Y} e importes) con otro UUID "
        f"({r.timbre.uuid}). Pide a sistemas el certificado del SAT que selló el timbre "
        "(«nomina certificados-sat»): con él verificado se guarda.",
    )


_Clave = tuple[str, str, str, str, int, int, int]


def _clave(r: Recibo) -> _Clave:
    """What makes two receipts the same payment: worker, period, payday and amounts (the
    emisor is the empresa's, checked already)."""
    return (
        r.curp,
        r.fecha_inicial.isoformat(),
        r.fecha_final.isoformat(),
        r.fecha_pago.isoformat(),
        r.total,
        r.total_percepciones,
        r.total_deducciones,
    )


class _Copias:
    """A batch's receipts against those stored and those before them in the batch: one whose
    SAT seal is unverified and that repeats another's payment is a likely copy (a UUID
    changed: only the SAT's seal would tell)."""

    def __init__(self, conn: Connection, lote: list[Verificado]) -> None:
        self._vistas: set[_Clave] = set()
        dudosos = {h.recibo.curp for h in lote if h.sello_sat != SAT_VERIFICADO}
        if dudosos:
            marcas = ", ".join("?" * len(dudosos))
            filas = plain.driver(conn).execute(
                "SELECT curp, fecha_inicial, fecha_final, fecha_pago, total, total_percepciones, "
                f"total_deducciones FROM {ReciboNomina.__tablename__} "
                f"WHERE deleted = 0 AND curp IN ({marcas})",
                sorted(dudosos),
            )
            self._vistas.update(tuple(f) for f in filas)

    def de_otro(self, hecho: Verificado) -> bool:
        clave = _clave(hecho.recibo)
        if hecho.sello_sat != SAT_VERIFICADO and clave in self._vistas:
            return True
        self._vistas.add(clave)
        return False


def sello_sat_verificado(session: Session, uuids: list[str]) -> None:
    """Receipts kept with their SAT seal unverified, imported again once IT loaded the SAT's
    certificate, say so from now on: through the ORM, so that the change travels."""
    if not uuids:
        return
    for recibo in session.scalars(
        select(ReciboNomina).where(ReciboNomina.uuid.in_(uuids), ReciboNomina.sello_sat == 0)
    ):
        recibo.sello_sat = 1
    session.flush()


def _entre(conn: Connection, tabla: str, uuids: list[str]) -> set[str]:
    """Which of ``uuids`` ``tabla`` holds (a batch's worth of bound values, as plain SQL:
    SQLAlchemy's expanding IN costs more than the lookup)."""
    marcas = ", ".join("?" * len(uuids))
    filas = plain.driver(conn).execute(f"SELECT uuid FROM {tabla} WHERE uuid IN ({marcas})", uuids)
    return {uuid for (uuid,) in filas}


def _uuid(timbre: str) -> str:
    """A timbre's UUID as a row's (the sync's canonical form: lower case); shown upper case."""
    return timbre.lower()


def _sustituir(session: Session, nuevos: list[Verificado]) -> int:
    """Remember what each new receipt substitutes, and mark those stored as deleted: through
    the ORM (few), so that both travel to the other desktops."""
    marcas = {_uuid(u): h.recibo for h in nuevos for u in h.recibo.sustituye}
    if not marcas:
        return 0
    ya = set(
        session.scalars(select(SustituidoNomina.uuid).where(SustituidoNomina.uuid.in_(marcas)))
    )
    session.add_all(
        SustituidoNomina(uuid=u, por=_uuid(r.timbre.uuid), created_at=r.fecha)
        for u, r in marcas.items()
        if u not in ya
    )
    quitados = session.scalars(
        select(ReciboNomina).where(ReciboNomina.uuid.in_(marcas), ReciboNomina.deleted.is_(False))
    ).all()
    for recibo in quitados:
        recibo.deleted = True
    session.flush()
    return len(quitados)


def detalle(recibo: Recibo) -> str:
    """The receipt's children as ``nomina_recibos.detalle`` keeps them (the trigger of
    migration 0040 writes the child tables from it on a row pulled by the sync)."""
    partes: dict[str, list[list[object]]] = {}
    if recibo.percepciones:
        partes["p"] = [[p.tipo, p.gravado, p.exento] for p in recibo.percepciones]
    if recibo.incapacidades:
        partes["i"] = [[i.dias, i.tipo, i.importe] for i in recibo.incapacidades]
    if recibo.subcontrataciones:
        partes["s"] = [[s.rfc, s.porcentaje] for s in recibo.subcontrataciones]
    detalle: dict[str, object] = dict(partes)
    if recibo.vivienda:  # read by the SISUB (json_extract): no child table of its own
        detalle["v"] = recibo.vivienda
    if recibo.asimilado:  # read by Proponer (json_extract): an asimilado is never proposed
        detalle["r"] = recibo.tipo_regimen
    return json.dumps(detalle, separators=(",", ":"), ensure_ascii=False)


_COLUMNAS = (
    *("id", "uuid", "created_at", "updated_at", "version", "deleted", "cfdi", "fecha"),
    *("fecha_pago", "fecha_inicial", "fecha_final", "dias_pagados", "tipo_nomina"),
    *("periodicidad", "nss", "curp", "rfc", "nombre", "registro_patronal", "sbc", "sdi"),
    *("total", "total_percepciones", "total_deducciones", "total_otros_pagos"),
    *("no_certificado", "sello_sat", "detalle", "xml_sha256"),
)
# The driver's executemany of plain rows: SQLAlchemy's per-row parameter processing cost as
# much as the inserts. Dates and times as SQLAlchemy's SQLite types store them (a receipt
# pulled from another desktop is written by them: the same text, the same sums).
_INSERT = (
    f"INSERT INTO {ReciboNomina.__tablename__} ({', '.join(_COLUMNAS)}) "
    f"VALUES ({', '.join('?' * len(_COLUMNAS))})"
)
# The children as migration 0040's trigger writes them from ``detalle`` (that trigger, which
# reads the JSON back row by row, is dropped for the batch: the rows are at hand here).
_DETALLE = "nomina_recibos_detalle"
_PERCEPCIONES = (
    f"INSERT OR IGNORE INTO {PercepcionNomina.__tablename__} (recibo_id, tipo, gravado, exento) "
    "VALUES (?, ?, ?, ?)"
)
_INCAPACIDADES = (
    f"INSERT OR IGNORE INTO {IncapacidadNomina.__tablename__} "
    "(recibo_id, n, dias, tipo, importe) VALUES (?, ?, ?, ?, ?)"
)
_SUBCONTRATACIONES = (
    f"INSERT OR IGNORE INTO {SubcontratacionNomina.__tablename__} (recibo_id, rfc, porcentaje) "
    "VALUES (?, ?, ?)"
)


def _momento(valor: datetime) -> str:
    """As SQLAlchemy's DateTime writes a naive time (its year in four digits, always the
    microseconds)."""
    return valor.isoformat(" ", "microseconds")


def _fila(id_: int, hecho: Verificado, ahora: str, huella: bytes) -> tuple[object, ...]:
    r = hecho.recibo
    fecha = _momento(r.fecha)
    return (
        id_,
        _uuid(r.timbre.uuid),
        fecha,
        ahora,
        1,
        0,
        r.version,
        fecha,
        r.fecha_pago.isoformat(),
        r.fecha_inicial.isoformat(),
        r.fecha_final.isoformat(),
        r.dias_pagados,
        r.tipo_nomina,
        r.periodicidad,
        r.nss,
        r.curp,
        r.receptor_rfc,
        r.nombre,
        r.registro_patronal,
        r.sbc,
        r.sdi,
        r.total,
        r.total_percepciones,
        r.total_deducciones,
        r.total_otros_pagos,
        r.no_certificado,
        int(hecho.sello_sat == SAT_VERIFICADO),
        detalle(r),
        huella,
    )


def _insertar(conn: Connection, nuevos: list[Verificado], huellas: dict[str, bytes]) -> None:
    """New receipts (with the SHA-256 of their XML, by UUID in ``huellas``) and their children
    in bulk, with the per-row triggers of the sync, of the children and of the board's counts
    dropped and their effect added once (store/sin_disparadores.py, store/evidencia_conteo.py);
    rows without a sync state are sent at the next sync."""
    if not nuevos:
        return
    driver = plain.driver(conn)
    ahora = _momento(utcnow())

    def escribir() -> int:
        (primero,) = driver.execute(
            f"SELECT coalesce(max(id), 0) + 1 FROM {ReciboNomina.__tablename__}"
        ).fetchone()
        recibos = [(i, h.recibo) for i, h in enumerate(nuevos, primero)]
        driver.executemany(
            _INSERT,
            [
                _fila(i, h, ahora, huellas[_uuid(h.recibo.timbre.uuid)])
                for i, h in enumerate(nuevos, primero)
            ],
        )
        driver.executemany(
            _PERCEPCIONES,
            [(i, p.tipo, p.gravado, p.exento) for i, r in recibos for p in r.percepciones],
        )
        driver.executemany(
            _INCAPACIDADES,
            [
                (i, n, x.dias, x.tipo, x.importe)
                for i, r in recibos
                for n, x in enumerate(r.incapacidades, 1)
            ],
        )
        driver.executemany(
            _SUBCONTRATACIONES,
            [(i, s.rfc, s.porcentaje) for i, r in recibos for s in r.subcontrataciones],
        )
        return len(nuevos)

    insert_untriggered(
        conn,
        ReciboNomina.__tablename__,
        escribir,
        also=(_DETALLE, evidencia_conteo.CLIENTE_ALTA),
        apply=lambda antes, _fallo: evidencia_conteo.sumar_desde(driver, antes),
    )
