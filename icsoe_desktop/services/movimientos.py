"""Movimientos con IDSE: the grid's columns, its filtered and sorted pages, counts and the
correction of a rejected movement. Import, export and lotes have modules of their own."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, select

from icsoe_desktop.domain.clock import Clock
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.movimientos import (
    CAUSAS_BAJA,
    ESTADOS,
    JORNADAS,
    PENDIENTE,
    RECHAZADO,
    TIPOS_MOVIMIENTO,
    TIPOS_SALARIO,
    TIPOS_TRABAJADOR,
    Movimiento,
    pesos_text,
    validate,
)
from icsoe_desktop.services.audit import AuditService
from icsoe_desktop.services.excel import DATE, MONEY, NUMBER, TEXT
from icsoe_desktop.store.db import Store
from icsoe_desktop.store.models import RegistroPatronal
from icsoe_desktop.store.models_movimientos import Lote, MovimientoRow

Progress = Callable[[int, int], None]



@dataclass(frozen=True)
class Column:
    header: str
    attr: str
    kind: str = TEXT
    catalog: dict[str, str] | None = None

    def display(self, value: Any) -> str:
        if value is None or value == "":
            return ""
        if self.catalog is not None:
            return self.catalog.get(value, value)
        if self.kind == MONEY:
            return pesos_text(value)
        if self.kind == DATE:
            return value.strftime("%d/%m/%Y")
        return str(value)


# The guide's columns first, in its order; then what a clerk needs to tell movements apart.
COLUMNS: tuple[Column, ...] = (
    Column("Registro Patronal", "registro_patronal"),
    Column("Nombre", "nombre"),
    Column("Apellido Paterno", "primer_apellido"),
    Column("Apellido Materno", "segundo_apellido"),
    Column("NSS", "nss"),
    Column("SBC", "sbc", MONEY),
    Column("Fecha", "fecha", DATE),
    Column("CURP", "curp"),
    Column("Tipo", "tipo_trabajador", catalog=TIPOS_TRABAJADOR),
    Column("Salario", "salario", MONEY),
    Column("Estado", "estado", catalog=ESTADOS),
    Column("Fecha Emisión", "fecha_emision", DATE),
    Column("Aviso Recibido", "fecha_recibido", DATE),
    Column("Aviso Aprobación", "fecha_aprobacion", DATE),
    Column("Aviso Rechazo", "fecha_rechazo", DATE),
    Column("Causa Rechazo", "causa_rechazo"),
    Column("Movimiento", "tipo", catalog=TIPOS_MOVIMIENTO),
    Column("Tipo Salario", "tipo_salario", catalog=TIPOS_SALARIO),
    Column("Jornada", "jornada", catalog=JORNADAS),
    Column("UMF", "umf"),
    Column("Causa Baja", "causa_baja", catalog=CAUSAS_BAJA),
    Column("Clave Trabajador", "clave_trabajador"),
    Column("Guía", "guia"),
    Column("Lote", "lote", NUMBER),
)
FECHA_COLUMN = next(i for i, c in enumerate(COLUMNS) if c.attr == "fecha")

# Tabs of the window: (title, tipo or None for all).
TABS = (("Reingresos", "08"), ("Mod Salarios", "07"), ("Bajas", "02"), ("Todos", None))


@dataclass(frozen=True)
class Filtro:
    registro_patronal: str | None = None
    fecha_inicial: date | None = None
    fecha_final: date | None = None
    estado: str | None = None
    tipo: str | None = None

    def check(self) -> None:
        if self.fecha_inicial and self.fecha_final and self.fecha_inicial > self.fecha_final:
            raise ValidationError(
                "fechas_invertidas",
                "La fecha inicial no puede ser posterior a la fecha final.",
                "fecha_inicial",
            )


@dataclass(frozen=True)
class Orden:
    column: int = FECHA_COLUMN
    descending: bool = True


@dataclass(frozen=True)
class Resumen:
    por_tipo: dict[str, int]
    total: int


def _column_expr(attr: str):
    return Lote.numero if attr == "lote" else getattr(MovimientoRow, attr)


_SELECTED = [_column_expr(c.attr).label(c.attr) for c in COLUMNS]


def apply_filter(query: Select, filtro: Filtro) -> Select:
    t = MovimientoRow
    query = query.where(t.deleted.is_(False))
    if filtro.registro_patronal:
        query = query.where(t.registro_patronal == filtro.registro_patronal)
    if filtro.tipo:
        query = query.where(t.tipo == filtro.tipo)
    if filtro.fecha_inicial:
        query = query.where(t.fecha >= filtro.fecha_inicial)
    if filtro.fecha_final:
        query = query.where(t.fecha <= filtro.fecha_final)
    if filtro.estado:
        query = query.where(t.estado == filtro.estado)
    return query


def rows_query(filtro: Filtro, orden: Orden) -> Select:
    """The grid's rows (id first, then COLUMNS), filtered and sorted; ties broken by id so pages
    never repeat or skip a row."""
    expr = _column_expr(COLUMNS[orden.column].attr)
    tie = MovimientoRow.id
    order = (expr.desc(), tie.desc()) if orden.descending else (expr.asc(), tie.asc())
    query = select(MovimientoRow.id, *_SELECTED).select_from(MovimientoRow)
    query = query.outerjoin(Lote, Lote.id == MovimientoRow.lote_id)
    return apply_filter(query, filtro).order_by(*order)


class MovimientosService:
    def __init__(self, store: Store, audit: AuditService, clock: Clock) -> None:
        self._store = store
        self._audit = audit
        self._clock = clock

    def now(self) -> datetime:
        return self._clock()

    def today(self) -> date:
        return self._clock().date()

    def registros(self) -> list[str]:
        """Registros patronales to search by: the company's and any found in movements."""
        with self._store.session() as session:
            own = session.scalars(
                select(RegistroPatronal.registro).where(RegistroPatronal.deleted.is_(False))
            ).all()
            found = session.scalars(select(MovimientoRow.registro_patronal).distinct()).all()
        return sorted(set(own) | set(found))

    def count(self, filtro: Filtro) -> int:
        filtro.check()
        query = apply_filter(select(func.count()).select_from(MovimientoRow), filtro)
        with self._store.session() as session:
            return session.execute(query).scalar_one()

    def page(self, filtro: Filtro, orden: Orden, offset: int, limit: int) -> list[tuple]:
        """Rows ``offset``..``offset+limit`` of the grid: (id, value per COLUMNS...)."""
        filtro.check()
        query = rows_query(filtro, orden).offset(offset).limit(limit)
        with self._store.engine.connect() as conn:
            return [tuple(row) for row in conn.execute(query)]

    def iter_rows(self, filtro: Filtro, orden: Orden, batch: int = 2_000) -> Iterator[tuple]:
        """Every row of the filter, streamed: constant memory whatever the count."""
        filtro.check()
        with self._store.engine.connect() as conn:
            result = conn.execution_options(stream_results=True, yield_per=batch).execute(
                rows_query(filtro, orden)
            )
            for partition in result.partitions(batch):
                yield from partition

    def resumen(self, progress: Progress | None = None) -> Resumen:
        """Counts per tab, as "Movimientos con IDSE" is brought up to date."""
        counts: dict[str, int] = {}
        steps = [tipo for _title, tipo in TABS if tipo]
        for done, tipo in enumerate(steps, start=1):
            counts[tipo] = self.count(Filtro(tipo=tipo))
            if progress:
                progress(done, len(steps))
        return Resumen(counts, sum(counts.values()))

    def movimiento(self, movimiento_id: int) -> Movimiento:
        with self._store.session() as session:
            row = session.get(MovimientoRow, movimiento_id)
            if row is None or row.deleted:
                raise ValidationError("movimiento_inexistente", "El movimiento ya no existe.")
            return to_domain(row)

    def corregir(self, movimiento_id: int, corregido: Movimiento, actor: str) -> Movimiento:
        """Correct a rejected movement: it becomes pendiente again, ready for a new lote (its
        rejection stays recorded in the lote it was sent in)."""
        mov = validate(corregido, self.today())
        with self._store.session() as session:
            row = session.get(MovimientoRow, movimiento_id)
            if row is None or row.deleted:
                raise ValidationError("movimiento_inexistente", "El movimiento ya no existe.")
            if row.estado != RECHAZADO:
                raise ValidationError(
                    "movimiento_no_rechazado",
                    "Sólo se corrigen movimientos rechazados por IDSE.",
                )
            clash = session.scalar(
                select(MovimientoRow.id).where(
                    MovimientoRow.registro_patronal == mov.registro_patronal,
                    MovimientoRow.nss == mov.nss,
                    MovimientoRow.tipo == mov.tipo,
                    MovimientoRow.fecha == mov.fecha,
                    MovimientoRow.id != movimiento_id,
                )
            )
            if clash is not None:
                raise ValidationError(
                    "movimiento_duplicado",
                    "Ya existe otro movimiento del mismo tipo para ese NSS, registro patronal y "
                    "fecha.",
                )
            for name, value in row_values(mov).items():
                setattr(row, name, value)
            row.estado = PENDIENTE
            row.lote_id = None
            row.causa_rechazo = ""
            row.fecha_rechazo = None
            row.fecha_recibido = None
            row.fecha_emision = None
            self._audit.record(
                session, actor, "movimiento_corregido", f"{mov.nss} {mov.tipo} {mov.fecha}"
            )
        return mov


_DOMAIN_FIELDS = [f.name for f in fields(Movimiento)]


def row_values(mov: Movimiento) -> dict[str, Any]:
    return {name: getattr(mov, name) for name in _DOMAIN_FIELDS}


def to_domain(row: MovimientoRow) -> Movimiento:
    return Movimiento(**{name: getattr(row, name) for name in _DOMAIN_FIELDS})
