"""Lotes (full login only): pending movements of one registro patronal go into an IDSE batch
file and become enviado; IDSE's result per movement (a CSV/xlsx of NSS + resultado + causa de
rechazo) makes them aprobado or rechazado."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from icsoe_desktop.domain.cambios import LOTES, MOVIMIENTOS, anuncia
from icsoe_desktop.domain.clock import Clock
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.idse_lote import write_lines
from icsoe_desktop.domain.motivo_os import motivo_os
from icsoe_desktop.domain.movimientos import (
    APROBADO,
    CAMPO,
    ENVIADO,
    ESTADOS,
    PENDIENTE,
    RECHAZADO,
    RECIBIDO,
    TIPOS_MOVIMIENTO,
    estado_from_text,
    tipo_from_text,
    validate,
)
from icsoe_desktop.domain.roles import Accion
from icsoe_desktop.domain.texts import plural
from icsoe_desktop.files import write_bytes_atomic
from icsoe_desktop.services.acceso.permisos import Permisos
from icsoe_desktop.services.archivos import lectura
from icsoe_desktop.services.archivos.importaciones import registrar
from icsoe_desktop.services.archivos.lectura import ALIAS, Campo, Esquema, ceros
from icsoe_desktop.services.archivos.tabular import cell_date, cell_text, header_key
from icsoe_desktop.services.audit import AuditService
from icsoe_desktop.services.en_curso import Cancelado, Marcar, Progreso, cancelable, sin_marca
from icsoe_desktop.services.movimientos.importar import LineaRechazada
from icsoe_desktop.services.movimientos.servicio import encontrados, to_domain
from icsoe_desktop.store.db import Store
from icsoe_desktop.store.models import Lote, LoteMovimiento, MovimientoRow

MAX_LOTE = 10_000
_AVISOS = ("fecha_recibido", "fecha_aprobacion", "fecha_rechazo")
_AVISO_DE = {APROBADO: "fecha_aprobacion", RECHAZADO: "fecha_rechazo"}
# IDSE's own dates, by the grid's headers (when it received, approved or rejected the aviso).
_KEY = {attr: header_key(CAMPO[attr].header) for attr in _AVISOS}
# IDSE's answer per movement, read by the intake of every table (titles above, totals below,
# columns by any usual name): each column comes under its key here, which ``_result_line``
# reads. «Fecha» and «Movimiento» name the movement (with the NSS).
ESQUEMA_RESULTADO = Esquema(
    (
        Campo("nss", "NSS", ALIAS["nss"], requerido=True, normalizar=ceros(11)),
        Campo("resultado", "Resultado", ("Estado", "Estatus", "Resultado IDSE"), requerido=True),
        Campo(
            "movimiento",
            "Movimiento",
            ("Tipo", *ALIAS["tipo"]),
            normalizar=lectura.catalogo(TIPOS_MOVIMIENTO),
        ),
        Campo("causaderechazo", "Causa de rechazo", ("Causa Rechazo", "Causa", "Motivo")),
        Campo("fecha", "Fecha", ()),
        # IDSE's own dates, under the grid's headers: each goes to the field it names.
        *(Campo(_KEY[attr], CAMPO[attr].header, (CAMPO[attr].conflict,)) for attr in _AVISOS),
    )
)
IMPORTACION = registrar("resultado_lote", Accion.RESULTADO_LOTES, ESQUEMA_RESULTADO)


@dataclass(frozen=True)
class Pendiente:
    id: int
    nss: str
    nombre: str
    tipo: str
    fecha: date


@dataclass(frozen=True)
class LoteResumen:
    # The lote's number is what people read; ``id`` is what the app looks it up by: two
    # desktops that generate lotes without a connection can give two lotes the same number.
    id: int
    numero: int
    registro_patronal: str
    generado_at: datetime
    archivo: str
    movimientos: int
    por_resultado: dict[str, int]


@dataclass(frozen=True)
class LoteDetalle:
    movimiento_id: int
    nss: str
    nombre: str
    tipo: str
    fecha: date
    resultado: str
    causa_rechazo: str
    estado_actual: str


@dataclass
class ResultadoReport:
    archivo: str
    aprobados: int = 0
    rechazados: int = 0
    recibidos: int = 0
    rechazadas: list[LineaRechazada] = field(default_factory=list)

    @property
    def aplicado(self) -> bool:
        return not self.rechazadas


def _nombre(row: MovimientoRow) -> str:
    return " ".join(p for p in (row.nombre, row.primer_apellido, row.segundo_apellido) if p)


class LotesService:
    def __init__(
        self,
        store: Store,
        audit: AuditService,
        clock: Clock,
        permisos: Permisos,
        marcar: Marcar = sin_marca,
    ) -> None:
        self._permisos = permisos
        self._store = store
        self._audit = audit
        self._clock = clock
        self._marcar = marcar  # names an import of a result cut short at the next start

    def pendientes(self, registro_patronal: str, buscar: str = "") -> list[Pendiente]:
        """The pending movements of a registro patronal; ``buscar``: those the find box finds
        (the beginning of an NSS, a CURP or a name)."""
        query = select(MovimientoRow).where(
            MovimientoRow.registro_patronal == registro_patronal,
            MovimientoRow.estado == PENDIENTE,
            MovimientoRow.deleted.is_(False),
        )
        found = encontrados(buscar)
        if found is not None:
            query = query.where(found)
        with self._store.session() as session:
            rows = session.scalars(query.order_by(MovimientoRow.fecha, MovimientoRow.id)).all()
            return [Pendiente(r.id, r.nss, _nombre(r), r.tipo, r.fecha) for r in rows]

    @anuncia(MOVIMIENTOS, LOTES)  # its movements are enviados now
    def generar(
        self, registro_patronal: str, ids: list[int], directory: Path, actor: str
    ) -> LoteResumen:
        """Write the batch file of the chosen pending movements and mark them enviado."""
        self._permisos.exigir(actor, Accion.GENERAR_LOTES, registro_patronal)
        if not ids:
            raise ValidationError(
                "lote_vacio", "Selecciona al menos un movimiento pendiente para generar el lote."
            )
        if len(ids) > MAX_LOTE:
            raise ValidationError(
                "lote_grande", f"Un lote admite hasta {MAX_LOTE:,} movimientos; selecciona menos."
            )
        directory = Path(directory)
        if not directory.is_dir():
            raise ValidationError("carpeta_inexistente", f"No existe la carpeta «{directory}».")
        now = self._clock()
        with self._store.session() as session:
            rows = session.scalars(
                select(MovimientoRow)
                .where(MovimientoRow.id.in_(ids))
                .order_by(MovimientoRow.fecha, MovimientoRow.id)
            ).all()
            if len(rows) != len(set(ids)) or any(
                r.estado != PENDIENTE or r.deleted or r.registro_patronal != registro_patronal
                for r in rows
            ):
                raise ValidationError(
                    "lote_no_pendientes",
                    "Algunos movimientos seleccionados ya no están pendientes o son de otro "
                    "registro patronal. Actualiza la lista e intenta de nuevo.",
                )
            movimientos = []
            for row in rows:
                try:
                    movimientos.append(validate(to_domain(row), now.date()))
                except ValidationError as exc:
                    raise ValidationError(
                        "lote_movimiento_invalido",
                        f"El movimiento del NSS {row.nss} ({row.fecha:%d/%m/%Y}) no cumple el "
                        f"formato IDSE: {exc.message} Corrígelo antes de generar el lote.",
                    ) from exc
            content = write_lines(movimientos)
            numero = (session.scalar(select(func.max(Lote.numero))) or 0) + 1
            path = directory / f"Lote_{numero:06d}_{registro_patronal}.txt"
            lote = Lote(
                numero=numero,
                registro_patronal=registro_patronal,
                generado_at=now,
                archivo=str(path),
                generado_por=actor,
            )
            session.add(lote)
            session.flush()
            for row in rows:
                row.estado = ENVIADO
                row.lote_id = lote.id
                row.fecha_emision = now.date()
                session.add(LoteMovimiento(lote_id=lote.id, movimiento_id=row.id))
            self._audit.record(
                session,
                actor,
                "lote_generado",
                f"Lote {numero}",
                f"{plural(len(rows), 'movimiento')} en «{path.resolve()}»",
            )
            _write_file(path, content)
            try:
                session.flush()
            except BaseException:
                path.unlink(missing_ok=True)
                raise
        return LoteResumen(
            lote.id, numero, registro_patronal, now, str(path), len(rows), {ENVIADO: len(rows)}
        )

    def lotes(self) -> list[LoteResumen]:
        with self._store.session() as session:
            counts: dict[int, dict[str, int]] = {}
            for lote_id, resultado, n in session.execute(
                select(LoteMovimiento.lote_id, LoteMovimiento.resultado, func.count()).group_by(
                    LoteMovimiento.lote_id, LoteMovimiento.resultado
                )
            ):
                counts.setdefault(lote_id, {})[resultado] = n
            lotes = session.scalars(
                select(Lote)
                .where(Lote.deleted.is_(False))
                .order_by(Lote.numero.desc(), Lote.generado_at.desc(), Lote.id.desc())
            ).all()
            return [
                LoteResumen(
                    lote.id,
                    lote.numero,
                    lote.registro_patronal,
                    lote.generado_at,
                    lote.archivo,
                    sum(counts.get(lote.id, {}).values()),
                    counts.get(lote.id, {}),
                )
                for lote in lotes
            ]

    def detalle(self, lote_id: int, buscar: str = "") -> list[LoteDetalle]:
        """The movements of a lote; ``buscar``: those the find box finds."""
        found = encontrados(buscar)
        with self._store.session() as session:
            lote = self._lote(session, lote_id)
            query = (
                select(LoteMovimiento, MovimientoRow)
                .join(MovimientoRow, MovimientoRow.id == LoteMovimiento.movimiento_id)
                .where(LoteMovimiento.lote_id == lote.id)
            )
            if found is not None:
                query = query.where(found)
            pairs = session.execute(query.order_by(MovimientoRow.fecha, MovimientoRow.id)).all()
            return [
                LoteDetalle(
                    m.id,
                    m.nss,
                    _nombre(m),
                    m.tipo,
                    m.fecha,
                    lm.resultado,
                    lm.causa_rechazo,
                    m.estado,
                )
                for lm, m in pairs
            ]

    @staticmethod
    def _lote(session: Session, lote_id: int) -> Lote:
        lote = session.get(Lote, lote_id)
        if lote is None or lote.deleted:
            raise ValidationError(
                "lote_inexistente", "El lote ya no existe. Actualiza la lista de lotes."
            )
        return lote

    def importar_resultado(
        self,
        lote_id: int,
        path: Path,
        actor: str,
        guia: lectura.Guia | None = None,
        progreso: Progreso | None = None,
        cancelado: Cancelado | None = None,
    ) -> ResultadoReport:
        """Apply IDSE's answer per movement; if any line is refused nothing changes.
        ``guia``: the file's header row and columns as the clerk said them. ``cancelado()``
        true (Cancelar): OperacionCancelada, nothing changed. While it runs a mark names it
        (services/en_curso.py): a run cut short is told at the next start."""
        self._permisos.exigir(actor, Accion.RESULTADO_LOTES, str(lote_id))
        que = f"La importación del resultado del lote de «{Path(path).name}»"
        with self._marcar(que):
            return self._importar_resultado(
                lote_id, Path(path), actor, guia, cancelable(progreso, cancelado, que)
            )

    def _importar_resultado(
        self, lote_id: int, path: Path, actor: str, guia: lectura.Guia | None, avance: Progreso
    ) -> ResultadoReport:
        leida = lectura.leer(path, ESQUEMA_RESULTADO, guia=guia)
        if leida.faltantes:
            raise ValidationError(
                "columnas_faltantes",
                "El archivo de resultado debe tener al menos las columnas NSS y Resultado (y "
                "Causa de rechazo para los rechazados).",
            )
        report = ResultadoReport(Path(path).name)
        today = self._clock().date()
        with self._store.session() as session:
            lote = self._lote(session, lote_id)
            numero = lote.numero
            entries = session.execute(
                select(LoteMovimiento, MovimientoRow)
                .join(MovimientoRow, MovimientoRow.id == LoteMovimiento.movimiento_id)
                .where(LoteMovimiento.lote_id == lote.id)
            ).all()
            by_nss: dict[str, list[_Par]] = {}
            for lm, m in entries:
                by_nss.setdefault(m.nss, []).append((lm, m))
            changes: list[_Resultado] = []
            line_of: dict[int, int] = {}  # movement id → the file's line that named it
            for number, cells in leida.filas():
                avance(number, 0)  # the lines read: no total yet
                try:
                    change = _result_line(leida.por_campo(cells), by_nss, numero, today)
                    earlier = line_of.setdefault(change.movimiento.id, number)
                    if earlier != number:
                        raise ValidationError(
                            "resultado_repetido",
                            f"Repite el movimiento de la línea {earlier} "
                            f"({_descripcion(change.movimiento)}).",
                        )
                    changes.append(change)
                except ValidationError as exc:
                    report.rechazadas.append(LineaRechazada(number, exc.message))
            if not changes and not report.rechazadas:
                raise ValidationError(
                    "archivo_sin_resultados", f"«{report.archivo}» no contiene resultados."
                )
            if report.rechazadas:
                return report
            for hecho, change in enumerate(changes, start=1):
                _aplicar(change, lote.id, report)
                avance(hecho, len(changes))
            avance(len(changes), len(changes))  # Cancelar at the very end: still nothing changed
            self._audit.record(
                session,
                actor,
                "lote_resultado",
                f"Lote {numero}",
                f"{plural(report.aprobados, 'aprobado')}, {plural(report.rechazados, 'rechazado')}",
            )
        self._store.cambios.anunciar({MOVIMIENTOS, LOTES})
        return report


@dataclass(frozen=True)
class _Resultado:
    entrada: LoteMovimiento
    movimiento: MovimientoRow
    resultado: str
    causa: str
    avisos: dict[str, date]  # fecha_recibido / fecha_aprobacion / fecha_rechazo → date


def _descripcion(m: MovimientoRow) -> str:
    return f"{m.tipo} del {m.fecha:%d/%m/%Y}"


_Par = tuple[LoteMovimiento, MovimientoRow]


def _lista(pares: list[_Par]) -> str:
    """«07 del 01/06/2026 y 07 del 01/09/2026»"""
    textos = [_descripcion(m) for _lm, m in pares]
    return ", ".join(textos[:-1]) + " y " + textos[-1] if len(textos) > 1 else textos[0]


def _result_line(
    cells: dict[str, object], by_nss: dict[str, list[_Par]], numero: int, today: date
) -> _Resultado:
    """Which movement of the lote the line names (NSS, and Movimiento and Fecha where the NSS
    has several) and IDSE's answer for it."""
    nss = cell_text(cells.get("nss")).zfill(11)
    candidates = by_nss.get(nss)
    if not candidates:
        raise ValidationError("nss_fuera_de_lote", f"El NSS {nss} no está en el lote {numero}.")
    tipo_text = cell_text(cells.get("movimiento"))
    tipo = tipo_from_text(tipo_text) if tipo_text else None
    fecha = cell_date(cells.get("fecha"), CAMPO["fecha"].header, "fecha")
    named = [
        (lm, m)
        for lm, m in candidates
        if (tipo is None or m.tipo == tipo) and (fecha is None or m.fecha == fecha)
    ]
    if not named:
        asked = " ".join(
            part
            for part in (
                f"de {TIPOS_MOVIMIENTO[tipo]}" if tipo else "",
                f"con fecha {fecha:%d/%m/%Y}" if fecha else "",
            )
            if part
        )
        raise ValidationError(
            "nss_fuera_de_lote",
            f"El lote {numero} no tiene un movimiento {asked} para el NSS {nss} (tiene: "
            f"{_lista(candidates)}).",
        )
    if len(named) > 1:
        missing = []
        if tipo is None and len({m.tipo for _lm, m in named}) > 1:
            missing.append("Movimiento (08, 07 o 02)")
        if fecha is None and len({m.fecha for _lm, m in named}) > 1:
            missing.append("Fecha (la del movimiento)")
        raise ValidationError(
            "nss_ambiguo",
            f"El NSS {nss} tiene {plural(len(named), 'movimiento')} en el lote {numero} ({_lista(named)}): "
            "agrega la columna "
            + " y la columna ".join(missing or ["Movimiento (08, 07 o 02)", "Fecha"])
            + ".",
        )
    resultado_text = cell_text(cells.get("resultado"))
    if not resultado_text:
        raise ValidationError("campo_obligatorio", f"Falta el resultado del NSS {nss}.")
    resultado = estado_from_text(resultado_text)
    if resultado not in (APROBADO, RECHAZADO, RECIBIDO):
        raise ValidationError(
            "resultado_invalido",
            f"Resultado «{ESTADOS[resultado]}» no válido: usa Aprobado, Rechazado o Recibido.",
        )
    causa = cell_text(cells.get("causaderechazo"))
    if resultado == RECHAZADO and not causa:
        raise ValidationError("causa_obligatoria", f"Falta la causa de rechazo del NSS {nss}.")
    avisos = {
        attr: value
        for attr in _AVISOS
        if (value := cell_date(cells.get(_KEY[attr]), CAMPO[attr].header, attr)) is not None
    }
    # The answer's own date, where the file does not give it: the day it is applied.
    avisos.setdefault(_AVISO_DE.get(resultado, "fecha_recibido"), today)
    lm, m = named[0]
    return _Resultado(lm, m, resultado, causa if resultado == RECHAZADO else "", avisos)


def _aplicar(change: _Resultado, lote_id: int, report: ResultadoReport) -> None:
    lm, m, resultado = change.entrada, change.movimiento, change.resultado
    lm.resultado = resultado
    lm.causa_rechazo = change.causa
    if m.lote_id != lote_id:
        return  # corrected and resent since: its current state is the new lote's
    m.estado = resultado
    avisos = change.avisos
    # Received no later than it was answered: the answer's date where the file gives none.
    m.fecha_recibido = (
        avisos.get("fecha_recibido")
        or m.fecha_recibido
        or avisos.get(_AVISO_DE.get(resultado, "fecha_recibido"))
    )
    if resultado == APROBADO:
        m.fecha_aprobacion = avisos["fecha_aprobacion"]
        report.aprobados += 1
    elif resultado == RECHAZADO:
        m.fecha_rechazo = avisos["fecha_rechazo"]
        m.causa_rechazo = change.causa
        report.rechazados += 1
    else:
        report.recibidos += 1


def _write_file(path: Path, content: bytes) -> None:
    try:
        write_bytes_atomic(path, content)
    except OSError as exc:
        raise ValidationError(
            "lote_no_guardado", f"No se pudo guardar el lote «{path.name}»: {motivo_os(exc)}."
        ) from exc
