"""Movimientos con IDSE: the grid's columns, its filtered and sorted pages, counts and the
correction of a rejected movement. Import, export and lotes have modules of their own."""

from __future__ import annotations

import logging
from array import array
from collections.abc import Callable, Generator, Hashable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import orjson
from sqlalchemy import Connection, Integer, Select, func, select, text
from sqlalchemy import column as sql_column
from sqlalchemy.exc import DBAPIError

from icsoe_desktop.domain.buscar import Termino, termino
from icsoe_desktop.domain.cambios import LOTES, MOVIMIENTOS, anuncia
from icsoe_desktop.domain.clock import Clock
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.movimientos import (
    CAMPO,
    CAMPOS,
    DATE,
    ESTADOS,
    MONEY,
    NUMBER,
    PENDIENTE,
    RECHAZADO,
    TEXT,
    Campo,
    Movimiento,
    validate,
)
from icsoe_desktop.domain.roles import Accion
from icsoe_desktop.domain.texts import plural
from icsoe_desktop.services.acceso.permisos import Permisos
from icsoe_desktop.services.aparte import archivo_entero
from icsoe_desktop.services.audit import AuditService
from icsoe_desktop.services.movimientos import (
    columnas_guardadas,
    columnas_tramos,
    copia_aparte,
    espejo,
    espejo_columnas,
    espejo_guardado,
    espejo_nombres,
    espejo_nss,
    espejo_orden,
    hallados,
)
from icsoe_desktop.store import movimientos as movs_sql
from icsoe_desktop.store import movimientos_buscar, movimientos_espejo
from icsoe_desktop.store import movimientos_paging as paging
from icsoe_desktop.store.db import Store
from icsoe_desktop.store.models import (
    Lote,
    MovimientoConteo,
    MovimientoRow,
    MovimientoTotal,
    RegistroPatronal,
    sort_indexes,
)
from icsoe_desktop.store.movimientos_paging import Interrumpida as Interrumpida  # the grid's

log = logging.getLogger(__name__)

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


T = TypeVar("T")

# The sort columns whose far page right after the click is found by the parts of their order
# (columnas_tramos.py): those the find box's copy holds no term of.
_POR_TRAMOS = (
    frozenset(c.sort_column for c in COLUMNS)
    - espejo_orden.COLUMNAS
    - espejo_nombres.COLUMNAS
    - espejo_nss.COLUMNAS
)
_COLUMNAS_EN_TRAMOS = tuple(
    i for i, c in enumerate(COLUMNS) if c.derive is None and c.sort_column in _POR_TRAMOS
)

# A find's matches given by the find box's copy, as one JSON parameter.
_COPIA_IDS = "m.id IN (SELECT value FROM json_each(:copia_ids))"

# Movements written since a column's order was read past which it is not used until read
# again (each one's place there is cleared; those of a find are put in by their values now).
ESCRITOS_LEIDOS = 10_000

# Seconds a find's count waits for the copy kept on disk being read (a fraction of a second
# at a million movements) before counting by SQL (seconds for «ma» there on a busy machine);
# the count runs in the pool, off the window's thread.
ESPERA_GUARDADA = 2.0

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
    grid's own plan (so ties and NULLs fall as on its pages)."""
    sort_column = _sort_column(Orden(column, descending=False))
    query = paging.plan(
        conn,
        Filtro().busqueda(),
        sort_column,
        False,
        total=vivos,
        walked=vivos,
        indexed=movs_sql.sort_ready(conn, sort_column, set()),
    )
    return paging.every_id(conn, query, vivos, seguir)


def cortar_columna(
    conn: Connection, column: int, marca: tuple[int, int], ids: Sequence[int]
) -> columnas_tramos.Tramos | None:
    """``ids`` (``column``'s order, read at the store's recorded change ``marca``) cut into
    the parts a far page right after the click is found by; None for a column the find box's
    copy orders (or when it cannot be cut)."""
    sort_column = _sort_column(Orden(column, descending=False))
    if sort_column not in _POR_TRAMOS:
        return None
    return columnas_tramos.cortar(
        column, *marca, ids, lambda de: movs_sql.sort_ranks(conn, de, sort_column)
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


class MovimientosService:
    def __init__(self, store: Store, audit: AuditService, clock: Clock, permisos: Permisos) -> None:
        self._store = store
        self._audit = audit
        self._clock = clock
        self._permisos = permisos
        self._sort_indexes: set[str] = set()  # sort indexes known to exist
        # A find's matches kept while the store does not change (services/movimientos/hallados.py).
        self._hallados = hallados.Hallados(store.vigencia)
        store.al_soltar(self._hallados.cerrar)  # its background read ends before the file closes
        # The find orders copied in memory: any find under any filter counted in milliseconds.
        self._espejo = espejo.Espejos(
            store.vigencia,
            self._hallados,
            self._leer_espejo,
            self._vivos,
            self._espejo_al_dia,
            self._leer_guardado,
        )
        store.al_soltar(self._espejo.cerrar)
        # Sortable columns' orders in memory: a sorted find's ids put in order at once.
        self._columnas = espejo_columnas.Columnas(
            store.vigencia,
            self._hallados,
            self._leer_columna,
            self._ordenes,
            self._columna_de_disco,
            self._columna_a_disco,
            self._columna_aparte,
        )
        store.al_soltar(self._columnas.cerrar)
        # The other sortable columns' orders cut into parts, kept on disk, after the copy.
        self._cortador = columnas_tramos.Cortador(
            store.vigencia, self._hallados, self._tramos_pendientes, self._cortar_tramos
        )
        store.al_soltar(self._cortador.cerrar)
        self._sin_tramos: set[int] = set()  # columns the process could not cut
        # Kept on disk between openings of the empresa (espejo_guardado.py,
        # columnas_guardadas.py).
        self._espejo_guardado = espejo_guardado.ruta(store.path)
        store.al_reemplazar(partial(espejo_guardado.olvidar, self._espejo_guardado))
        store.al_reemplazar(partial(columnas_guardadas.olvidar, store.path))
        store.al_reemplazar(partial(columnas_tramos.olvidar, store.path))
        store.al_reemplazar(self._sin_tramos.clear)  # another file: its own may be cut

    def now(self) -> datetime:
        return self._clock()

    def today(self) -> date:
        return self._clock().date()

    def registros(self) -> list[str]:
        """Registros patronales to search by: the company's and any found in live movements
        (from ``movimientos_total``, a few dozen rows: a DISTINCT over the movements read their
        whole index at every sign-in and switch of empresa)."""
        with self._store.session() as session:
            own = session.scalars(
                select(RegistroPatronal.registro).where(RegistroPatronal.deleted.is_(False))
            ).all()
            found_in = (
                select(MovimientoTotal.registro_patronal).where(MovimientoTotal.n > 0)
                if movs_sql.counts_current(session.connection())
                else apply_filter(select(MovimientoRow.registro_patronal), Filtro())
            )
            found = session.scalars(found_in.distinct()).all()
        return sorted(set(own) | set(found))

    def _clerk(self, filtro: Filtro) -> AbstractContextManager[None]:
        """A question the clerk asked: the background read waits meanwhile (hallados.py)."""
        return self._hallados.primer_plano(termino(filtro.buscar))

    def count(self, filtro: Filtro) -> int:
        """From the counts the triggers keep: without dates, a sum over a few dozen rows
        (movimientos_total); with dates, over a few thousand (movimientos_conteo, per day).
        Never a count over every matching movement. A find (the find box) is counted through
        its own indexes or their copy in memory (``_found_count``). The window's counts keep
        that copy (asked for the first time, brought up to date after a change) and the
        columns' orders sorted finds use (read again after a change)."""
        with self._clerk(filtro):
            counted = self._count(filtro)
        self._espejo.mantener()  # built, or brought up to date, before a find asks
        self._columnas.mantener()  # and the columns' orders read again
        if self._espejo.hay():
            self._cortador.mantener()  # and the other columns cut, once it is there
        return counted

    def _vivos(self) -> int:
        return self._count(Filtro())

    def _leer_guardado(self) -> espejo.Espejo | None:
        """The copy kept on disk at the last opening, if it is this store's and is brought
        up to date (else ``_leer_espejo`` reads it)."""
        guardada = self._espejo_de_disco()
        if guardada is not None:
            log.info("Copia de las búsquedas leída de %s", self._espejo_guardado)
            self._cortador.mantener()  # the other columns' parts next
        return guardada

    def _leer_espejo(self, seguir: Callable[[], bool]) -> espejo.Espejo | None:
        """The copy read from the store (none kept on disk could be used), and kept on disk
        for the next opening."""
        if self._vivos() >= copia_aparte.APARTE and self._marcar() is not None:
            codigo = self._aparte(
                seguir, archivo_entero.temporal(self._espejo_guardado), copia_aparte.COPIA
            )
            if codigo == copia_aparte.NO_CABE:
                return None
            guardada = self._espejo_de_disco() if codigo == copia_aparte.GUARDADA else None
            if guardada is not None:
                self._cortador.mantener()  # the other columns' parts next
                return guardada
            # It failed, or changed past bringing up to date meanwhile: read here instead.
        with self._store.engine.connect() as conn:
            copia = espejo.construir(conn, seguir)
        if copia is not None and seguir():
            self._guardar_espejo(copia)
        if copia is not None:
            self._cortador.mantener()
        return copia

    def _aparte(
        self, seguir: Callable[[], bool], temporal: Path, *trabajo: str, cede: bool = False
    ) -> int:
        """The process apart's exit code once it did ``trabajo`` (copia_aparte.empezar; ``cede``:
        below the app's priority), waiting while the clerk's questions are answered;
        ``Interrumpida`` once ``seguir()`` says no."""
        obra = copia_aparte.empezar(self._store.path, temporal, *trabajo, cede=cede)
        with self._hallados.avisando(obra.pausar):
            codigo = obra.esperar(seguir)
        if codigo == copia_aparte.PARADA:
            raise Interrumpida
        return codigo

    def _espejo_de_disco(self) -> espejo.Espejo | None:
        """The copy kept on disk, if it is this store's and is brought up to date."""
        guardada = espejo_guardado.leer(self._espejo_guardado)
        return guardada if guardada is not None and self._espejo_al_dia(guardada) else None

    def _marcar(self, desde: int | None = None) -> tuple[int, int | None] | None:
        """The store's latest recorded change, a change of no movement recorded after
        ``desde`` (None: the latest, when the store recorded none yet) so that a copy read at
        it can be named by it; None when it cannot be (read-only, no record)."""
        if self._store.solo_lectura:
            return None
        try:
            with self._store.engine.begin() as conn:
                if desde is None:
                    ultima = movimientos_espejo.marca(conn)
                    if ultima is None or ultima[1] is not None:
                        return ultima
                    desde = ultima[0]
                return movimientos_espejo.marcar(conn, desde)
        except DBAPIError:  # only a speed-up: read from the store at the next opening
            log.info("No se marcó la copia de las búsquedas", exc_info=True)
            return None

    def _guardar_espejo(self, copia: espejo.Espejo) -> None:
        """``copia``, just read, kept on disk; named by a change of no movement recorded for
        it when the store recorded none yet."""
        if copia.azar is None and copia.marca is not None:
            marcada = self._marcar(copia.marca)
            if marcada is not None:
                copia.marca, copia.azar = marcada
        espejo_guardado.guardar(self._espejo_guardado, copia)

    def _espejo_al_dia(self, copia: espejo.Espejo) -> bool:
        try:
            with self._store.engine.connect() as conn:
                return espejo.al_dia(conn, copia)
        except Exception:  # only a speed-up: read again, SQL counts meanwhile
            log.warning("No se puso al día la copia de las búsquedas", exc_info=True)
            return False

    def _count(self, filtro: Filtro) -> int:
        filtro.check()
        resolved = resolve(filtro, self.today())
        if resolved is None:
            return 0
        filtro = resolved
        found = termino(filtro.buscar)
        if found is not None:
            return self._found_count(filtro, found)
        with self._store.engine.connect() as conn:
            if not movs_sql.counts_current(conn):  # a big pull's pages, counted at its end
                counted = apply_filter(select(func.count()).select_from(MovimientoRow), filtro)
                return int(conn.execute(counted).scalar_one())
            if not (filtro.fecha_inicial or filtro.fecha_final):
                return int(conn.execute(_summed(filtro, MovimientoTotal)).scalar_one())
            oldest, newest = movs_sql.fecha_ends(conn)
            if oldest is None or newest is None:
                return 0
            start = max(filtro.fecha_inicial or oldest, oldest)
            end = min(filtro.fecha_final or newest, newest)
            if start > end:
                return 0
            inside = (end - start).days + 1
            if 2 * inside <= (newest - oldest).days + 1:
                return int(conn.execute(_summed(filtro, MovimientoConteo)).scalar_one())
            # A range of most days (two years of three): the days outside it are fewer to sum
            # (a sum per day reads 45 rows: 3 ms for two years), in one statement.
            undated = replace(filtro, fecha_inicial=None, fecha_final=None)
            before = replace(undated, fecha_final=start - timedelta(days=1))
            after = replace(undated, fecha_inicial=end + timedelta(days=1))
            total, *outside = (
                _summed(undated, MovimientoTotal).scalar_subquery(),
                *(_summed(f, MovimientoConteo).scalar_subquery() for f in (before, after)),
            )
            return int(conn.execute(select(total - outside[0] - outside[1])).scalar_one())

    def _found_count(self, filtro: Filtro, found: Termino) -> int:
        """A find's count (``filtro`` resolved): from its kept panel terms (hallados.py), if
        any; from the store's find orders copied in memory (espejo.py), once built (brought up
        to date after a change); else alone, from its indexes alone; under a panel filter, as
        ``_filtered_count`` says. Each kept: asked again, it is not worked out again (nor is
        which way to read it). A find alone has its panel terms read in the background too: a
        filter the clerk picks next is counted from them."""
        kept = self._hallados.resumen_guardado(found)
        if kept is not None:
            return kept.contar(filtro.busqueda())
        counted = self._espejo.contar(found, filtro.busqueda(), self._contar_rango)
        if counted is None and self._espejo.esperar_guardada(ESPERA_GUARDADA):
            counted = self._espejo.contar(found, filtro.busqueda(), self._contar_rango)
        if counted is not None:
            return counted
        if replace(filtro, buscar="") == Filtro():  # its indexes alone

            def alone() -> int:
                with self._store.engine.connect() as conn:
                    return movimientos_buscar.count(conn, found)

            counted = self._hallados.total(found, alone)
            self._hallados.leer_en_fondo(found, partial(self._panel_terms, found))
            return counted
        return self._hallados.total(filtro.busqueda(), lambda: self._filtered_count(filtro, found))

    def primera_pagina(
        self, filtro: Filtro, orden: Orden, limit: int
    ) -> list[tuple[Any, ...]] | None:
        """A find's first ``limit`` rows under a panel filter, read before its count when that
        count would read every match's row (the find box's copy is not read yet, nor are the
        find's panel terms: ~0.4 s of CPU for «ma» and a registro at a million): its matches
        met walking the order, given the walk's CPU (store/movimientos_paging.py
        ``walked_keys``: a few milliseconds). Fewer than ``limit`` rows are all the find's.
        None when the count comes from memory or the walk ran out: then count, then page."""
        filtro.check()
        resolved = resolve(filtro, self.today())
        found = None if resolved is None else termino(resolved.buscar)
        if resolved is None or found is None or self._conteo_barato(resolved, found):
            return None
        with self._clerk(filtro), self._store.engine.connect() as conn:
            # Any count past GATHER_MAX: the plan walks the order unless it must gather.
            query = self._query(conn, resolved, orden, paging.GATHER_MAX + 1, 0)
            keys = None if query.gather else paging.walked_keys(conn, query, None, limit)
            return None if keys is None else _rows_by_id(conn, keys)

    def _conteo_barato(self, filtro: Filtro, found: Termino) -> bool:
        """Whether a find's count (``filtro`` resolved) is had without reading its matches'
        rows, or reading them costs little: alone (from its indexes), from what is kept in
        memory, or in a store too small for the find box's copy (a few milliseconds)."""
        if replace(filtro, buscar="") == Filtro() or self._vivos() < espejo.MINIMO:
            return True
        busqueda = filtro.busqueda()
        return (
            self._hallados.resumen_guardado(found) is not None
            or self._hallados.total_guardado(busqueda) is not None
            or self._espejo.contar(found, busqueda, self._contar_rango) is not None
        )

    def _contar_rango(self, campo: str, desde: str, hasta: str) -> int:
        with self._store.engine.connect() as conn:
            return movimientos_espejo.contar_rango(conn, campo, desde, hasta)

    def _filtered_count(self, filtro: Filtro, found: Termino) -> int:
        """A find's count under a panel filter, its panel terms not kept: by SQL, through the
        filter's index when it is cheaper to read than the find's matches (a day's few hundred
        rows, a quarter's 90,000 against «ma»'s 285,570 matches), the find tested on each row,
        or else the matches by id, the filter tested on each (0.28 s for «ma» and a registro
        at a million). The find's panel terms are then read in the background (~0.5 s for
        «ma»): the next filter on the same text is counted in microseconds."""
        panel = self._count(replace(filtro, buscar=""))  # from the kept counts
        if panel == 0:
            return 0
        with self._store.engine.connect() as conn:
            busqueda = filtro.busqueda()
            narrower = paging.panel_narrower(conn, busqueda, panel)
            counted = paging.count_found(conn, busqueda, panel, narrower)
        if not narrower:
            self._hallados.leer_en_fondo(found, partial(self._panel_terms, found))
        return counted

    def _panel_terms(self, found: Termino, seguir: Callable[[], bool]) -> hallados.Resumen:
        with self._store.engine.connect() as conn:
            return hallados.Resumen.de(movimientos_buscar.panel_terms(conn, found, seguir))

    def _panel(self, filtro: Filtro) -> int | None:
        """How many rows the panel's filter leaves without the find (from the kept counts);
        None when it is no filter at all."""
        panel = replace(filtro, buscar="")
        return None if panel == Filtro() else self._count(panel)

    def sort_ready(self, orden: Orden) -> bool:
        """Whether ``orden``'s sort indexes exist (then a sorted page is an index seek)."""
        if set(sort_indexes(_sort_column(orden))) <= self._sort_indexes:
            return True
        with self._store.engine.connect() as conn:
            return movs_sql.sort_ready(conn, _sort_column(orden), self._sort_indexes)

    def keys_indexed(self, orden: Orden) -> bool:
        """Whether ``orden``'s keys come out of an index in its order (its sort index, or for
        fecha the schema's own): reading every key is then a walk, not a sort of them all."""
        return self.sort_ready(orden) or self._fallback(orden)

    def _fallback(self, orden: Orden) -> bool:
        """Whether ``orden``'s column has an index of the schema in its order, and it is there
        (store/movimientos_paging.py ALWAYS_INDEXED)."""
        if _sort_column(orden) not in paging.ALWAYS_INDEXED:
            return False
        with self._store.engine.connect() as conn:
            return paging.fallback_ready(conn, _sort_column(orden))

    def _query(
        self,
        conn: Connection,
        filtro: Filtro,
        orden: Orden,
        total: int,
        walked: int,
        gather: bool = False,
    ) -> paging.KeyQuery:
        """How the keys of a page (``walked`` keys before its first) or of every key are read
        (store/movimientos_paging.py ``plan``)."""
        column = _sort_column(orden)
        indexed = set(sort_indexes(column)) <= self._sort_indexes or movs_sql.sort_ready(
            conn, column, self._sort_indexes
        )
        return paging.plan(
            conn,
            filtro.busqueda(),
            column,
            orden.descending,
            total=total,
            walked=walked,
            indexed=indexed,
            gather=gather,
            panel=self._panel(filtro) if termino(filtro.buscar) else None,
        )

    def exportados(self, actor: str | None, path: Path, filas: int, filtro: Filtro) -> None:
        """An export of the grid, audited: what (the search), how many rows and where."""
        busqueda = ", ".join(
            f"{f.name}: {getattr(filtro, f.name)}"
            for f in fields(filtro)
            if getattr(filtro, f.name) not in (None, "")
        )
        self._audit.anotar(
            actor,
            "movimientos_exportados",
            path.name,
            f"{plural(filas, 'movimiento')} en «{path.resolve()}»; búsqueda: {busqueda or 'todos'}",
        )

    def prepare_sort(self, orden: Orden) -> None:
        """Build ``orden``'s sort index (store/movimientos.py ``prepare_sort``). A save
        meanwhile waits for it (busy timeout). A store opened read-only sorts without it."""
        if self._store.solo_lectura:
            return
        with self._store.engine.begin() as conn:
            self._sort_indexes.update(movs_sql.prepare_sort(conn, _sort_column(orden)))

    def pagina(
        self, filtro: Filtro, orden: Orden, offset: int, limit: int, total: int | None = None
    ) -> list[tuple[Any, ...]]:
        """Rows ``offset``..``offset+limit`` of the grid: (id, value per COLUMNS..., sort value
        as stored). An offset walks every key before it: next to a known row, ``page_after``.
        ``total`` (this filter's count, if known) saves counting again."""
        with self._clerk(filtro):
            return self._page(filtro, orden, None, limit, offset, total)

    def pagina_desde(
        self,
        filtro: Filtro,
        orden: Orden,
        row: tuple[Any, ...],
        limit: int,
        backwards: bool = False,
        total: int | None = None,
    ) -> list[tuple[Any, ...]]:
        """The ``limit`` rows that follow ``row`` (a row of this filter and order) in the grid,
        or precede it with ``backwards`` (still in grid order): keyset paging, as fast at row
        900,000 as at row 200."""
        with self._clerk(filtro):
            if backwards:
                reverse = Orden(orden.column, not orden.descending)
                return self._page(filtro, reverse, row, limit, 0, total)[::-1]
            return self._page(filtro, orden, row, limit, 0, total)

    def last_page(
        self, filtro: Filtro, orden: Orden, limit: int, total: int | None = None
    ) -> list[tuple[Any, ...]]:
        """The last ``limit`` rows of the grid, in grid order: the first ones of the reverse
        order (jumping to the end reads one page, not the whole grid)."""
        reverse = Orden(orden.column, not orden.descending)
        with self._clerk(filtro):
            return self._page(filtro, reverse, None, limit, 0, total)[::-1]

    def boundaries(
        self,
        filtro: Filtro,
        orden: Orden,
        every: int,
        total: int,
        seguir: Callable[[], bool] | None = None,
    ) -> list[tuple[int, Any]]:
        """The keys (id, sort value) of rows every-1, 2·every-1, ...: the row before each page
        of ``every`` rows, so that any page is one keyset seek away (a jump to the middle of
        the scroll bar). Reads every key once, numbered and thinned out by SQLite; stops with
        ``Interrumpida`` once ``seguir()`` says no (the grid moved on to another order)."""
        with self._clerk(filtro):
            return self._boundaries(filtro, orden, every, total, seguir)

    def _boundaries(
        self,
        filtro: Filtro,
        orden: Orden,
        every: int,
        total: int,
        seguir: Callable[[], bool] | None,
    ) -> list[tuple[int, Any]]:
        resolved = resolve(filtro, self.today())
        if resolved is None:
            return []
        if termino(resolved.buscar) is not None and total <= hallados.CLAVES_MAX:
            ids = self._found_ids(resolved, orden, total, seguir)
            ids = _in_order(ids, orden.descending, 0, len(ids))[every - 1 :: every]
            with self._store.engine.connect() as conn:
                return movs_sql.sort_values(conn, ids, _sort_column(orden))
        with self._store.engine.connect() as conn:
            query = self._query(conn, resolved, orden, total, total)
            return paging.every_key(conn, query, total, every, seguir)

    def _found_ids(
        self,
        filtro: Filtro,
        orden: Orden,
        total: int,
        seguir: Callable[[], bool] | None = None,
    ) -> array[int]:
        """Every id of a find (``filtro`` resolved) in ``orden``'s column going up (either way:
        ``_in_order``): its matches put in order from memory (the column's order, or the find
        box's copy's terms: ``_por_sus_terminos``) or gathered and sorted by SQLite, then kept
        (hallados.py): the scroll bar's boundaries read them, and a page at any position is
        then a slice of them."""
        up = Orden(orden.column, descending=False)

        def leer() -> array[int]:
            columna = self._columna(filtro, up)
            ordenados = None if columna is None else self._copiados(filtro, up, columna, total)
            if ordenados is None:
                ordenados = self._por_sus_terminos(filtro, up, total)
            if ordenados is not None:
                return ordenados
            with self._store.engine.connect() as conn:
                query = self._de_la_copia(conn, filtro, up, total, total)
                if query is None:
                    query = self._query(conn, filtro, up, total, total)
                return paging.every_id(conn, query, total, seguir)

        return self._hallados.ids(_found_ids_key(filtro, up, total), leer)

    def _page(
        self,
        filtro: Filtro,
        orden: Orden,
        after: tuple[Any, ...] | None,
        limit: int,
        offset: int,
        total: int | None,
    ) -> list[tuple[Any, ...]]:
        filtro.check()
        if total is None:
            total = self._count(filtro)
        resolved = resolve(filtro, self.today())
        if resolved is None:
            return []
        if termino(resolved.buscar) is not None and total <= hallados.CLAVES_MAX:
            page = self._kept_page(resolved, orden, after, limit, offset, total)
            if page is not None:
                return page
        with self._store.engine.connect() as conn:
            query = self._query(conn, resolved, orden, total, offset)
            key = after and (after[-1], after[0])
            keys = None
            if query.busqueda.buscar is not None and not query.gather:
                # A find's matches met walking the order, if they are near (most orders: one
                # row in twenty); far apart (an apellido sorted by Apellido Paterno: 176,000
                # rows before the first GARCIA), gathered and sorted.
                keys = paging.walked_keys(conn, query, key, limit, offset)
                if keys is None:
                    query = self._query(conn, resolved, orden, total, offset, gather=True)
            if keys is None:
                keys = paging.page_keys(conn, query, key, limit, offset)
            return _rows_by_id(conn, keys)

    def _columna(self, filtro: Filtro, orden: Orden) -> espejo_columnas.Columna | None:
        """``orden``'s column order in memory, for a find (``filtro`` resolved) whose matches
        the find box's copy holds (asked for when it is not read: espejo_columnas.py); None
        without it, or without the copy or the column's sort index."""
        if termino(filtro.buscar) is None or self._espejo.vigente() is None:
            return None
        if not self.sort_ready(orden):
            return None
        return self._columnas.vigente(orden.column)

    def _copiados(
        self,
        filtro: Filtro,
        orden: Orden,
        columna: espejo_columnas.Columna,
        total: int,
        desde: int = 0,
        hasta: int | None = None,
    ) -> array[int] | None:
        """A find's ids (``filtro`` resolved) in ``columna``'s order going up, from the copies
        in memory (places ``desde``..``hasta``; None: to the end); None when the copy does
        not answer it, or they are not its ``total``."""
        found = termino(filtro.buscar)
        assert found is not None  # checked by ``_columna``
        seleccion = self._espejo.hallados(found, filtro.busqueda(), self._contar_rango)
        if seleccion is None:
            return None
        escritos = self._escritos(columna, _sort_column(orden))
        if escritos is None:
            return None
        return columna.en_orden(seleccion, total, desde, hasta, escritos)

    def _escritos(
        self, columna: espejo_columnas.Columna, sort_column: str
    ) -> espejo_columnas.Escritos | None:
        """The movements written since ``columna`` was read (movimientos_cambiados), their
        keys in it read by id; None when the record does not say (or they are more than
        ESCRITOS_LEIDOS)."""

        def claves(ids: list[int]) -> dict[int, Any]:
            with self._store.engine.connect() as conn:
                return movs_sql.sort_ranks(conn, ids, sort_column)

        if columna.marca is None:  # a store without the record: read since the last change
            return espejo_columnas.Escritos(frozenset(), claves)
        with self._store.engine.connect() as conn:
            cambios = movimientos_espejo.cambiados(conn, columna.marca, ESCRITOS_LEIDOS, True)
        return None if cambios is None else espejo_columnas.Escritos(frozenset(cambios[2]), claves)

    def _ordenes(self) -> Iterable[espejo.OrdenCopia]:
        copia = self._espejo.vigente()
        return () if copia is None else copia.ordenes.values()

    def _leer_columna(
        self, column: int, seguir: Callable[[], bool]
    ) -> tuple[int | None, array[int]]:
        """The store's latest recorded change (None: no record), then every live movement's
        id in ``column``'s order going up, as a find's are read (``_found_ids``)."""
        vivos = self._vivos()
        with self._store.engine.connect() as conn:
            marca = movimientos_espejo.marca(conn)
            ids = orden_de_columna(conn, column, vivos, seguir)
            return None if marca is None else marca[0], ids

    def _columna_aparte(
        self, column: int, seguir: Callable[[], bool]
    ) -> espejo_columnas.Columna | None:
        """``column``'s order read and kept on disk by a process of its own (a big store:
        copia_aparte.py), then read back; None when it was not (read here then)."""
        if self._vivos() < copia_aparte.APARTE or self._marcar() is None:
            return None
        temporal = archivo_entero.temporal(columnas_guardadas.ruta(self._store.path, column))
        codigo = self._aparte(seguir, temporal, copia_aparte.ORDEN_DE, str(column))
        leida = self._columna_de_disco(column) if codigo == copia_aparte.GUARDADA else None
        return None if leida is None else leida[0]

    def _columna_de_disco(self, column: int) -> tuple[espejo_columnas.Columna, bool] | None:
        """``column``'s order kept on disk, if it is of this store's history, and whether
        no movement was written since it was read."""
        ruta = columnas_guardadas.ruta(self._store.path, column)
        guardada = columnas_guardadas.leer(ruta, column)
        if guardada is None:
            return None
        with self._store.engine.connect() as conn:
            if movimientos_espejo.azar(conn, guardada.marca) != guardada.azar:
                return None  # another history, or its change no longer recorded
            al_dia = movimientos_espejo.marca(conn) == (guardada.marca, guardada.azar)
        copia = self._espejo.vigente()
        lugares = {}
        if copia is not None and copia.origen is not None and copia.origen == guardada.origen:
            for campo, orden in copia.ordenes.items():  # the same entries as when kept
                suyos = guardada.lugares.get(campo)
                if suyos is not None and len(suyos) == len(orden.ids):
                    lugares[id(orden)] = (orden, suyos)
        leida = espejo_columnas.Columna(guardada.ids, guardada.lugar, lugares, guardada.marca)
        return leida, al_dia

    def _columna_a_disco(self, column: int, leida: espejo_columnas.Columna) -> None:
        """``leida``, read from the store, kept on disk (named by the store's change it was
        read at, while the store still records it), with its places of the entries of the
        find box's copy if that copy is the one kept on disk."""
        if leida.marca is None:
            return
        with self._store.engine.connect() as conn:
            azar = movimientos_espejo.azar(conn, leida.marca)
        if azar is None:
            return
        copia = self._espejo.vigente()
        origen = None if copia is None else copia.origen
        lugares = {}
        if copia is not None and origen is not None:
            por_orden = {id(orden): campo for campo, orden in copia.ordenes.items()}
            for clave, (orden, suyos) in leida.lugares.items():
                if por_orden.get(clave) is not None and copia.ordenes[por_orden[clave]] is orden:
                    lugares[por_orden[clave]] = suyos
        guardada = columnas_guardadas.Guardada(
            column, leida.marca, azar, leida.ids, leida.lugar, origen, lugares
        )
        columnas_guardadas.guardar(columnas_guardadas.ruta(self._store.path, column), guardada)

    def _kept_page(
        self,
        filtro: Filtro,
        orden: Orden,
        after: tuple[Any, ...] | None,
        limit: int,
        offset: int,
        total: int,
    ) -> list[tuple[Any, ...]] | None:
        """A find's page (``filtro`` resolved) as a slice of its ids in this order: kept, or
        being read (by the scroll bar's keys: waited for), or for a far page put in order from
        the copies in memory (the find box's and the column's: ~15 ms for the middle of «ma»'s
        285,570 at a million; for a column whose term the find box's copy holds, from that
        copy alone, not waiting for the keys, and for another from the parts of its order:
        ``_pagina_por_sus_terminos``); without them, a far page by SQLite's sort of the
        matches the find box's copy gives
        (``_lejos_de_la_copia``, keeping the best offset + limit); None otherwise: the plan's
        own page (a near page is a walk of a few milliseconds; a far one, the same sort of the
        matches found through their indexes)."""
        key = _found_ids_key(filtro, orden, total)
        columna = self._columna(filtro, orden)  # asked for now: read before the find's next
        ids = self._hallados.ids_guardados(key)
        far = after is None and offset > paging.GATHER_MAX
        page: array[int] | None = None
        if ids is None and columna is None and far:
            page = self._pagina_por_sus_terminos(filtro, orden, offset, limit, total)
        if page is None and ids is None and self._hallados.ids_en_lectura(key):
            ids = self._found_ids(filtro, orden, total)
        if page is None and ids is not None:
            start = offset
            if after is not None:
                # Just after ``after``'s row (a row of this find and order, unless deleted since).
                try:
                    up = ids.index(after[0])
                except ValueError:
                    return None
                start = len(ids) - up if orden.descending else up + 1
            page = _in_order(ids, orden.descending, start, start + limit)
        elif page is None and columna is not None and after is None and offset > 0:
            desde, hasta = _places_up(orden, total, offset, limit)
            page = self._copiados(filtro, orden, columna, total, desde, hasta)
            page = None if page is None else page[::-1] if orden.descending else page
        if page is None:
            return self._lejos_de_la_copia(filtro, orden, offset, limit, total) if far else None
        with self._store.engine.connect() as conn:
            return _rows_by_id(conn, movs_sql.sort_values(conn, page, _sort_column(orden)))

    def _tramos_pendientes(self) -> list[int]:
        """The columns whose parts are to be cut: none kept, of another history, or with
        more than SUELTOS_MAX written since (a store big enough for a process apart)."""
        if self._vivos() < copia_aparte.APARTE:
            return []
        with self._store.engine.connect() as conn:
            return [
                column
                for column in _COLUMNAS_EN_TRAMOS
                if column not in self._sin_tramos
                and self._tramos(conn, column, columnas_tramos.SUELTOS_MAX) is None
            ]

    def _cortar_tramos(self, column: int, seguir: Callable[[], bool]) -> None:
        """``column``'s parts cut and kept on disk by a process of its own."""
        if self._marcar() is None:
            return
        temporal = archivo_entero.temporal(columnas_tramos.ruta(self._store.path, column))
        # Below the app's priority: ahead of any click, never before the window or the clerk.
        codigo = self._aparte(seguir, temporal, copia_aparte.TRAMOS_DE, str(column), cede=True)
        if codigo == copia_aparte.NO_GUARDADA:
            # Not cut (ids far apart, a value neither number nor text) or not kept: not asked
            # again while the empresa is open, rather than a process after each change.
            self._sin_tramos.add(column)

    def _tramos(
        self, conn: Connection, column: int, maximo: int
    ) -> tuple[columnas_tramos.Tramos, list[int]] | None:
        """``column``'s parts kept on disk, if of this store's history, and the movements
        written since they were cut (None: none kept, or more than ``maximo`` written)."""
        tramos = columnas_tramos.leer(columnas_tramos.ruta(self._store.path, column), column)
        if tramos is None or movimientos_espejo.azar(conn, tramos.marca) != tramos.azar:
            return None
        cambios = movimientos_espejo.cambiados(conn, tramos.marca, maximo, True)
        return None if cambios is None else (tramos, cambios[2])

    def _pagina_por_tramos(
        self, filtro: Filtro, orden: Orden, offset: int, limit: int, total: int
    ) -> array[int] | None:
        """A find's page (``filtro`` resolved) from the find box's copy and the parts of
        the column's order (columnas_tramos.py); None without either, or when they do not
        answer it."""
        found = termino(filtro.buscar)
        if found is None:
            return None
        sort_column = _sort_column(orden)
        with self._store.engine.connect() as conn:
            kept = self._tramos(conn, orden.column, ESCRITOS_LEIDOS)
            if kept is None:
                return None
            seleccion = self._espejo.hallados(found, filtro.busqueda(), self._contar_rango)
            ids = None if seleccion is None else espejo.ids_de(seleccion)
            if ids is None or len(ids) != total:
                return None
            desde, hasta = _places_up(orden, total, offset, limit)
            page = columnas_tramos.pagina(
                kept[0],
                ids,
                frozenset(kept[1]),
                lambda de: movs_sql.sort_ranks(conn, de, sort_column),
                desde,
                hasta,
            )
        return None if page is None else page[::-1] if orden.descending else page

    def _pagina_por_sus_terminos(
        self, filtro: Filtro, orden: Orden, offset: int, limit: int, total: int
    ) -> array[int] | None:
        """A find's page (``filtro`` resolved; rows ``offset``..``offset + limit`` in grid
        order) from the terms the find box's copy holds (espejo_orden.py ``pagina``); None
        as ``_por_sus_terminos``; by NSS, a slice of every id put in order
        (espejo_nss.py); by another column, from the parts of its order
        (``_pagina_por_tramos``)."""
        if _sort_column(orden) in _POR_TRAMOS:
            return self._pagina_por_tramos(filtro, orden, offset, limit, total)
        if _sort_column(orden) in espejo_nombres.COLUMNAS:
            return self._pagina_por_sus_nombres(filtro, orden, offset, limit, total)
        if _sort_column(orden) in espejo_nss.COLUMNAS:
            todos = self._por_sus_terminos(filtro, orden, total)
            return (
                None
                if todos is None
                else _in_order(todos, orden.descending, offset, offset + limit)
            )
        suyos = self._de_sus_terminos(
            filtro,
            orden,
            lambda copia, sel, columna: espejo_orden.rangos(copia, sel, columna, total),
        )
        if suyos is None:
            return None
        desde, hasta = _places_up(orden, total, offset, limit)
        page = espejo_orden.pagina(*suyos, desde, hasta)
        return page[::-1] if orden.descending else page

    def _pagina_por_sus_nombres(
        self, filtro: Filtro, orden: Orden, offset: int, limit: int, total: int
    ) -> array[int] | None:
        """A find's page (``filtro`` resolved) sorted by Nombre or Apellido Paterno from the
        find box's copy's name keys and a few rows (espejo_nombres.py); None without the
        column's sort index (it names the movements whose column has an Ñ), or as
        ``_por_sus_terminos``."""
        if not self.sort_ready(orden):
            return None
        pedido = self._de_sus_terminos(
            filtro,
            orden,
            lambda copia, sel, columna: espejo_nombres.pedido(copia, sel, columna, total),
            espejo_nombres.COLUMNAS,
        )
        desde, hasta = _places_up(orden, total, offset, limit)
        if pedido is None or min(hasta, total) <= desde:
            return None
        with self._store.engine.connect() as conn, movimientos_espejo.fija(conn):
            page = espejo_nombres.pagina(conn, pedido, desde, min(hasta, total))
        if page is None:
            return None
        return array("q", page[::-1] if orden.descending else page)

    def _por_sus_terminos(self, filtro: Filtro, orden: Orden, total: int) -> array[int] | None:
        """A find's ids (``filtro`` resolved) in ``orden``'s column going up from the terms
        the find box's copy holds (espejo_orden.py: fecha, estado, tipo, registro patronal;
        espejo_nss.py: NSS); None for another column, without the copy, or when it does not
        answer the find."""
        if _sort_column(orden) in espejo_nss.COLUMNAS:
            pedido = self._de_sus_terminos(
                filtro,
                orden,
                lambda copia, sel, _columna: espejo_nss.pedido(copia, sel, total),
                espejo_nss.COLUMNAS,
            )
            return None if pedido is None else espejo_nss.en_orden(pedido)
        claves = self._de_sus_terminos(
            filtro,
            orden,
            lambda copia, sel, columna: espejo_orden.claves(copia, sel, columna, total),
        )
        return None if claves is None else espejo_orden.en_orden(claves)

    def _de_sus_terminos(
        self,
        filtro: Filtro,
        orden: Orden,
        leer: Callable[[espejo.Espejo, espejo.Seleccion, str], T | None],
        columnas: frozenset[str] = espejo_orden.COLUMNAS,
    ) -> T | None:
        """``leer(copia, its matches, the sort column)`` of a find (``filtro`` resolved) while
        the find box's copy is held (what it reads is then put in order with the copy let go
        of: no count waits for that); None for a column not among ``columnas`` (those
        ``leer`` reads), without the copy, or when it does not answer the find."""
        sort_column = _sort_column(orden)
        found = termino(filtro.buscar)
        if sort_column not in columnas or found is None:
            return None

        def suyos(copia: espejo.Espejo) -> T | None:
            seleccion = copia.hallados(found, filtro.busqueda(), self._contar_rango)
            return None if seleccion is None else leer(copia, seleccion, sort_column)

        return self._espejo.preguntar(suyos)

    def _lejos_de_la_copia(
        self, filtro: Filtro, orden: Orden, offset: int, limit: int, total: int
    ) -> list[tuple[Any, ...]] | None:
        """A far page of a find (``filtro`` resolved) in an order not kept: SQLite's sort of
        the matches the find box's copy gives (``_de_la_copia``), keeping the best offset +
        limit; None as ``_de_la_copia``."""
        with self._store.engine.connect() as conn:
            query = self._de_la_copia(conn, filtro, orden, total, offset)
            if query is None:
                return None
            return _rows_by_id(conn, paging.page_keys(conn, query, None, limit, offset))

    def _de_la_copia(
        self, conn: Connection, filtro: Filtro, orden: Orden, total: int, walked: int
    ) -> paging.KeyQuery | None:
        """How a find's (``filtro`` resolved) matches are gathered and sorted with their ids
        from the find box's copy, as one JSON parameter, not found again through the find's
        indexes (the middle of «ma»'s 285,570 at a million: ~0.5 s of CPU, against ~1.5 s);
        None without the copy, when they are not ``total``, or when they are read through
        the panel filter's index (its own plan)."""
        found = termino(filtro.buscar)
        assert found is not None  # a find's ids
        seleccion = self._espejo.hallados(found, filtro.busqueda(), self._contar_rango)
        ids = None if seleccion is None else espejo.ids_de(seleccion)
        if ids is None or len(ids) != total:
            return None
        query = self._query(conn, filtro, orden, total, walked, gather=True)
        del_indice = f"m.id IN ({movimientos_buscar.ids_sql(found)})"
        if del_indice not in query.where:
            return None
        where = tuple(_COPIA_IDS if w == del_indice else w for w in query.where)
        params = {**query.params, "copia_ids": orjson.dumps(ids).decode()}
        return replace(query, where=where, params=params)

    def iter_rows(
        self, filtro: Filtro, orden: Orden, batch: int = 2_000
    ) -> Generator[Sequence[Any], None, None]:
        """Every row of the filter, streamed: constant memory whatever the count. One query, as
        SQL sorts them: the order the grid's pages and ``filas_exportadas`` keep."""
        filtro.check()
        resolved = resolve(filtro, self.today())
        if resolved is None:
            return
        with self._store.engine.connect() as conn:
            result = conn.execution_options(stream_results=True, yield_per=batch).execute(
                rows_query(resolved, orden)
            )
            for partition in result.partitions(batch):
                yield from _derived(partition)

    def filas_exportadas(
        self, filtro: Filtro, orden: Orden, total: int, batch: int = 999
    ) -> Generator[Sequence[Any], None, None]:
        """Every row of the filter (``total``: its count) in the grid's order, as ``iter_rows``
        gives them, for an export: their ids read by the grid's plan (an index's keys alone),
        then the rows by id a batch at a time, in one snapshot of the store. One query walking
        the order's index would fetch every row the walk meets to test the filter: for a
        registro patronal's 100,000 movements of a million, the million rows, each page of an
        encrypted store decrypted (4-10× the CPU of this)."""
        filtro.check()
        resolved = resolve(filtro, self.today())
        if resolved is None or total <= 0:
            return
        with self._store.engine.connect() as conn, movimientos_espejo.fija(conn):
            query = self._query(conn, resolved, orden, total, total)
            for ids in paging.ids_por_lotes(conn, query, total, batch):
                yield from _rows_by_id(conn, [(i, None) for i in ids])

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

    @anuncia(MOVIMIENTOS, LOTES)  # pendiente again, out of its lote's rejected
    def corregir(self, movimiento_id: int, corregido: Movimiento, actor: str) -> Movimiento:
        """Correct a rejected movement: it becomes pendiente again, ready for a new lote (its
        rejection stays recorded in the lote it was sent in)."""
        self._permisos.exigir(actor, Accion.CORREGIR_MOVIMIENTOS, str(movimiento_id))
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
