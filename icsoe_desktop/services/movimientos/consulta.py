"""The grid's questions (a filter, an order) and the SQL they are read by: what the find box's
engine (buscador.py) and the grid's own work (servicio.py) share."""

from __future__ import annotations

from array import array
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import Connection, Integer, Select, func, select, text
from sqlalchemy import column as sql_column

from icsoe_desktop.domain.buscar import termino
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.movimientos import (
    CAMPO,
    CAMPOS,
    DATE,
    ESTADOS,
    MONEY,
    NUMBER,
    TEXT,
    Campo,
)
from icsoe_desktop.services.movimientos import (
    columnas_tramos,
    espejo_orden,
)
from icsoe_desktop.store import movimientos as movs_sql
from icsoe_desktop.store import movimientos_buscar
from icsoe_desktop.store import movimientos_paging as paging
from icsoe_desktop.store.models import Lote, MovimientoConteo, MovimientoRow

Progress = Callable[[int, int], None]


# The grid's and the export's columns, in order: CAMPOS (domain/movimientos.py).
Column = Campo
KINDS = (
    TEXT,
    MONEY,
    DATE,
    NUMBER,
)  # Campo.kind's values (the grid and the benches import them here)
COLUMNS: tuple[Column, ...] = CAMPOS
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
    # A search a column offers (Campo.filters): (column, key), e.g. ("vence", "vencidos").
    condicion: tuple[str, str] | None = None
    # The find box: the beginning of an NSS, a CURP or a name (domain/buscar.py).
    buscar: str = ""

    def busqueda(self) -> paging.Busqueda:
        """The search as the paging, the find's kept terms and its copy read it (its
        ``condicion`` resolved first: ``resolve``)."""
        return paging.Busqueda(
            self.registro_patronal,
            self.tipo,
            self.estado,
            self.fecha_inicial,
            self.fecha_final,
            termino(self.buscar),
        )

    def check(self) -> None:
        if self.fecha_inicial and self.fecha_final and self.fecha_inicial > self.fecha_final:
            raise ValidationError(
                "fechas_invertidas",
                "La fecha inicial no puede ser posterior a la fecha final.",
                "fecha_inicial",
            )


def resolve(filtro: Filtro, today: date) -> Filtro | None:
    """``filtro`` with its ``condicion`` turned into the terms it stands for today (a range of
    fechas, an estado), narrowing the clerk's own; None when they leave no row to find."""
    if filtro.condicion is None:
        return filtro
    attr, key = filtro.condicion
    campo = CAMPO[attr]
    assert campo.filter_terms is not None and campo.filters and key in campo.filters
    terms = campo.filter_terms(key, today)
    estado = terms.get("estado")
    if estado and filtro.estado and filtro.estado != estado:
        return None
    desde = max((d for d in (filtro.fecha_inicial, terms.get("fecha_inicial")) if d), default=None)
    hasta = min((d for d in (filtro.fecha_final, terms.get("fecha_final")) if d), default=None)
    if desde and hasta and desde > hasta:
        return None
    return replace(
        filtro,
        estado=filtro.estado or estado,
        fecha_inicial=desde,
        fecha_final=hasta,
        condicion=None,
    )


@dataclass(frozen=True)
class Orden:
    column: int = FECHA_COLUMN
    descending: bool = True


@dataclass(frozen=True)
class Resumen:
    por_tipo: dict[str, int]
    total: int


# The sort columns whose far page right after the click is found by the parts of their order
# (columnas_tramos.py): all but those whose terms the find box's copy counts by value
# (espejo_orden.py). Nombre, Apellido Paterno and NSS are put in order by the copy too
# (espejo_nombres.py, espejo_nss.py) until their parts are cut, which answer in about half the
# CPU (a part's matches read, not every match placed).
_POR_TRAMOS = frozenset(c.sort_column for c in COLUMNS) - espejo_orden.COLUMNAS
_COLUMNAS_EN_TRAMOS = tuple(
    i for i, c in enumerate(COLUMNS) if c.derive is None and c.sort_column in _POR_TRAMOS
)

# A grid query: its columns are CAMPOS', chosen at run time.
_Query = Select[*tuple[Any, ...]]


def _column_expr(column: Column) -> Any:
    """What a grid row holds for ``column``: a derived one, its source (derived after reading)."""
    if column.attr == "lote":
        return Lote.numero
    return getattr(MovimientoRow, column.derived_from or column.attr)


def _sort_expr(column: int) -> Any:
    """What "sort by this column" orders by: Campo.sort_column, through its sort index
    (models/movimientos.py SORT_PREFIX), ties by id. Lote sorts by the lote's row (creation order,
    one index walk): its número would need a join and a sort of every row. A derived column
    sorts by its source, which orders it too (Campo.derive never decreases)."""
    return getattr(MovimientoRow, COLUMNS[column].sort_column)


_SELECTED = [_column_expr(c).label(c.attr) for c in COLUMNS]
# (position in a grid row, function): the derived columns, computed from their source's value.
_DERIVED = tuple((i + 1, c.derive) for i, c in enumerate(COLUMNS) if c.derive is not None)


def _derived(rows: Iterable[Sequence[Any]]) -> Iterator[Sequence[Any]]:
    if not _DERIVED:
        yield from rows
        return
    for row in rows:
        values = list(row)
        for i, derive in _DERIVED:
            if values[i] is not None:
                values[i] = derive(values[i])
        yield tuple(values)


_SORT_VALUE = "orden_valor"


def apply_filter(query: _Query, filtro: Filtro, table: Any = MovimientoRow) -> _Query:
    if table is MovimientoRow:
        query = query.where(MovimientoRow.deleted.is_(False))
    if filtro.registro_patronal:
        query = query.where(table.registro_patronal == filtro.registro_patronal)
    if filtro.tipo:
        query = query.where(table.tipo == filtro.tipo)
    if filtro.fecha_inicial:
        query = query.where(table.fecha >= filtro.fecha_inicial)
    if filtro.fecha_final:
        query = query.where(table.fecha <= filtro.fecha_final)
    if filtro.estado:
        query = query.where(table.estado == filtro.estado)
    found = encontrados(filtro.buscar)
    if found is not None and table is MovimientoRow:  # the kept counts know nothing of it
        query = query.where(found)
    return query


def encontrados(buscar: str) -> Any:
    """The movements the find box's ``buscar`` finds, as a condition on MovimientoRow (their
    ids, from its indexes: store/movimientos_buscar.py); None when it is empty."""
    found = termino(buscar)
    if found is None:
        return None
    ids = text(movimientos_buscar.ids_sql(found)).bindparams(**movimientos_buscar.params(found))
    return MovimientoRow.id.in_(ids.columns(sql_column("id", Integer)))


def _base_query(filtro: Filtro, orden: Orden) -> _Query:
    query = select(MovimientoRow.id, *_SELECTED, _sort_expr(orden.column).label(_SORT_VALUE))
    query = query.select_from(MovimientoRow).outerjoin(Lote, Lote.id == MovimientoRow.lote_id)
    return apply_filter(query, filtro)


def rows_query(filtro: Filtro, orden: Orden) -> _Query:
    """The grid's rows (id first, then COLUMNS, then the sort value), filtered and sorted; ties
    broken by id so pages never repeat or skip a row."""
    expr, tie = _sort_expr(orden.column), MovimientoRow.id
    order = (expr.desc(), tie.desc()) if orden.descending else (expr.asc(), tie.asc())
    return _base_query(filtro, orden).order_by(*order)


def _sort_column(orden: Orden) -> str:
    key: str = _sort_expr(orden.column).key
    return key


def orden_de_columna(
    conn: Connection, column: int, vivos: int, seguir: Callable[[], bool]
) -> array[int]:
    """Every live movement's id (``vivos`` of them) in ``column``'s order going up, by the
    grid's own plan (so ties and NULLs fall as on its pages), or, while the column has no sort
    index, from the find box's index of it where that holds the same order (NSS, CURP)."""
    sort_column = _sort_column(Orden(column, descending=False))
    indexed = movs_sql.sort_ready(conn, sort_column, set())
    if not indexed:
        ids = paging.every_id_by_find_index(conn, sort_column, seguir)
        if ids is not None:
            return ids
    query = paging.plan(
        conn,
        Filtro().busqueda(),
        sort_column,
        False,
        total=vivos,
        walked=vivos,
        indexed=indexed,
    )
    return paging.every_id(conn, query, vivos, seguir)


def cortar_columna(
    conn: Connection,
    column: int,
    marca: tuple[int, int],
    ids: Sequence[int],
    seguir: Callable[[], bool] = lambda: True,
) -> columnas_tramos.Tramos | None:
    """``ids`` (``column``'s order, read at the store's recorded change ``marca``) cut into
    the parts a far page right after the click is found by (``seguir`` asked between them);
    None for a column the find box's copy orders (or when it cannot be cut)."""
    sort_column = _sort_column(Orden(column, descending=False))
    if sort_column not in _POR_TRAMOS:
        return None
    return columnas_tramos.cortar(
        column, *marca, ids, lambda de: movs_sql.sort_ranks(conn, de, sort_column), seguir
    )


def _found_ids_key(filtro: Filtro, orden: Orden, total: int) -> Hashable:
    """What a find's ids in an order (either way) are kept by; by its count too: read for a
    count the store no longer has, they are not the others'."""
    return (filtro.busqueda(), _sort_column(orden), total)


def _in_order(ids: array[int], descending: bool, start: int, stop: int) -> array[int]:
    """Positions ``start``..``stop`` of the grid's order of a find's ``ids`` (kept going up:
    going down is their exact reverse, ties broken by id, NULLs first going up, last going
    down)."""
    if not descending:
        return ids[start:stop]
    n = len(ids)
    return ids[max(n - stop, 0) : max(n - start, 0)][::-1]


def _places_up(orden: Orden, total: int, offset: int, limit: int) -> tuple[int, int]:
    """The places going up of rows ``offset``..``offset + limit`` of a grid of ``total`` rows
    in ``orden`` (going down: the same places read backwards)."""
    if not orden.descending:
        return offset, offset + limit
    return max(total - offset - limit, 0), max(total - offset, 0)


def _summed(filtro: Filtro, table: Any) -> _Query:
    query = apply_filter(select(func.coalesce(func.sum(table.n), 0)), filtro, table)
    if table is MovimientoConteo and filtro.tipo and not filtro.estado:
        # Every estado named, so that the key (registro, tipo, estado, fecha) seeks the dates
        # of each (a tab from a date: 0.6 ms instead of 1.5 ms reading all of the tab's days).
        query = query.where(table.estado.in_(ESTADOS))
    return query


# The grid's row: each column's stored term (a derived column's source), read by id.
_ROW_COLUMNS = ", ".join(
    "l.numero" if c.attr == "lote" else f"m.{c.derived_from or c.attr}" for c in COLUMNS
)
_DATES = tuple(  # stored as ISO text
    i + 1 for i, c in enumerate(COLUMNS) if CAMPO.get(c.derived_from, c).kind == DATE
)


def _rows_by_id(conn: Connection, keys: list[tuple[int, Any]]) -> list[tuple[Any, ...]]:
    """The grid rows of these (id, sort value) keys, in the keys' order."""
    return movs_sql.rows_by_id(conn, keys, _ROW_COLUMNS, _DATES, _DERIVED)
