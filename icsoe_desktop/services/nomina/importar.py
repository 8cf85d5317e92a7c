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

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, insert, select
from sqlalchemy.orm import Session

from icsoe_desktop.domain.cambios import NOMINA
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
from icsoe_desktop.store.db import Store
from icsoe_desktop.store.models import NominaXml, ReciboNomina, SustituidoNomina
from icsoe_desktop.store.sin_disparadores import insert_untriggered

LOTE = 500  # receipts per commit: a kill loses at most these, re-read at the next import
MAX_LISTADOS = 10_000  # refusals and duplicates named one by one; beyond, only counted
CERTIFICADOS_SAT_DIR = "certificados_sat"  # the SAT's certificates that seal timbres (.cer)


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
            f"{self.rechazados:,} rechazados",
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
        guardar_xml: Callable[[list[tuple[str, bytes, bytes | None]]], None] | None = None,
    ) -> None:
        """``verificador(rfc)``: the checks of that empresa's receipts, built for each import
        (the emisores confiables as they are then); ``guardar_xml``: where each verified
        receipt's XML is kept by its UUID (the client's evidence), before its batch is saved
        (with the XML as a zlib stream when the ZIP had it compressed; None: not at hand)."""
        self._store = store
        self._audit = audit
        self._permisos = permisos
        self._verificador = verificador
        self._rfc_empresa = rfc_empresa
        self._guardar_xml = guardar_xml

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
                    session, actor, "nomina_importacion", nombres, f"{total:,} archivos XML"
                )
            reporte = ReporteNomina()
            # Each batch is its own transaction: a stop by the session's gate leaves those saved.
            avance = cancelable(
                progreso,
                cancelado,
                f"La importación de recibos de nómina de «{nombres}»",
                deja=lambda: f"se detuvo; quedan los {reporte.guardados:,} recibos ya guardados",
            )
            try:
                self._leer(origen, verificador, reporte, lambda hechos: avance(hechos, total))
            except OperacionCancelada:
                reporte.cancelado = True
        with self._store.session() as session:
            self._audit.record(session, actor, "nomina_importada", nombres, reporte.resumen())
        if reporte.guardados or reporte.sustituidos:
            self._store.cambios.anunciar({NOMINA})
        if progreso is not None and not reporte.cancelado:
            progreso(total, total)
        return reporte

    def _leer(
        self,
        origen: fuentes.Origen,
        verificador: Verificador,
        reporte: ReporteNomina,
        avance: Callable[[int], None],
    ) -> None:
        """Every receipt of ``origen`` verified, saved a batch at a time."""
        lote: list[tuple[Verificado, fuentes.Pieza]] = []
        for pieza in origen.piezas():
            avance(reporte.leidos)  # Cancelar stops here, between receipts
            reporte.leidos += 1
            if pieza.motivo is not None:
                reporte.rechazar(pieza.nombre, pieza.motivo.code, pieza.motivo.message)
                continue
            try:
                lote.append((verificador.verificar(pieza.datos), pieza))
            except ReciboRechazado as exc:
                reporte.rechazar(pieza.nombre, exc.code, exc.message)
                continue
            if len(lote) >= LOTE:
                self._guardar(lote, reporte)
                lote = []
        avance(reporte.leidos)  # the last batch: Cancelar, or the gate, first
        self._guardar(lote, reporte)

    def _guardar(
        self, lote: list[tuple[Verificado, fuentes.Pieza]], reporte: ReporteNomina
    ) -> None:
        """One batch, one transaction: all of it or none. The XML are kept first (those
        already stored too: importing again keeps the XML of receipts imported before)."""
        if not lote:
            return
        uuids = [_uuid(v.recibo.timbre.uuid) for v, _ in lote]
        if self._guardar_xml is not None:
            self._guardar_xml(
                [(_uuid(v.recibo.timbre.uuid), p.datos, p.comprimidos) for v, p in lote]
            )
        with self._store.session(immediate=True) as session:
            conn = session.connection()
            if self._guardar_xml is not None:
                # Before the receipts: their clients are counted with their XML at once
                # (store/evidencia_conteo.py); one imported again to keep its XML counts now.
                conn.execute(
                    insert(NominaXml).prefix_with("OR IGNORE"), [{"uuid": u} for u in uuids]
                )
            existentes = set(
                conn.scalars(select(ReciboNomina.uuid).where(ReciboNomina.uuid.in_(uuids)))
            )
            sustituidos = set(
                conn.scalars(select(SustituidoNomina.uuid).where(SustituidoNomina.uuid.in_(uuids)))
            )
            nuevos: list[Verificado] = []
            vistos: set[str] = set()
            for hecho, pieza in lote:
                uuid = _uuid(hecho.recibo.timbre.uuid)
                if uuid in sustituidos:
                    reporte.sustituidos += 1
                elif uuid in existentes or uuid in vistos:
                    reporte.repetido(pieza.nombre, hecho.recibo.timbre.uuid)
                else:
                    vistos.add(uuid)
                    nuevos.append(hecho)
            # A substitute read in the same batch as the one it replaces: the older goes.
            reemplazados = {_uuid(u) for hecho in nuevos for u in hecho.recibo.sustituye}
            quedan = [h for h in nuevos if _uuid(h.recibo.timbre.uuid) not in reemplazados]
            reporte.sustituidos += len(nuevos) - len(quedan)
            reporte.sustituidos += _sustituir(session, quedan)
            _insertar(conn, quedan)
        reporte.guardados += len(quedan)
        reporte.sin_sello_sat += sum(1 for h in quedan if h.sello_sat != SAT_VERIFICADO)


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
    migration 0040 writes the child tables from it)."""
    partes: dict[str, list[list[object]]] = {}
    if recibo.percepciones:
        partes["p"] = [[p.tipo, p.gravado, p.exento] for p in recibo.percepciones]
    if recibo.incapacidades:
        partes["i"] = [[i.dias, i.tipo, i.importe] for i in recibo.incapacidades]
    if recibo.subcontrataciones:
        partes["s"] = [[s.rfc, s.porcentaje] for s in recibo.subcontrataciones]
    return json.dumps(partes, separators=(",", ":"), ensure_ascii=False)


_COLUMNAS = (
    *("uuid", "created_at", "updated_at", "version", "deleted", "cfdi", "fecha", "fecha_pago"),
    *("fecha_inicial", "fecha_final", "dias_pagados", "tipo_nomina", "periodicidad", "nss"),
    *("curp", "rfc", "nombre", "registro_patronal", "sbc", "sdi", "total"),
    *("total_percepciones", "total_deducciones", "total_otros_pagos", "no_certificado"),
    *("sello_sat", "detalle"),
)
# The driver's executemany of plain rows: SQLAlchemy's per-row parameter processing cost as
# much as the inserts. Dates and times as SQLAlchemy's SQLite types store them (a receipt
# pulled from another desktop is written by them: the same text, the same sums).
_INSERT = (
    f"INSERT INTO {ReciboNomina.__tablename__} ({', '.join(_COLUMNAS)}) "
    f"VALUES ({', '.join('?' * len(_COLUMNAS))})"
)


def _momento(valor: datetime) -> str:
    return valor.strftime("%Y-%m-%d %H:%M:%S.%f")


def _insertar(conn: Connection, nuevos: list[Verificado]) -> None:
    """New receipts in bulk (the sync's insert triggers dropped, their effect added once:
    store/sin_disparadores.py); rows without a sync state are sent at the next sync."""
    if not nuevos:
        return
    ahora = _momento(utcnow())
    filas = [
        (
            _uuid(r.timbre.uuid),
            _momento(r.fecha),
            ahora,
            1,
            0,
            r.version,
            _momento(r.fecha),
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
            int(h.sello_sat == SAT_VERIFICADO),
            detalle(r),
        )
        for h in nuevos
        for r in (h.recibo,)
    ]

    def escribir() -> int:
        conn.exec_driver_sql(_INSERT, filas)
        return len(filas)

    insert_untriggered(conn, ReciboNomina.__tablename__, escribir)
