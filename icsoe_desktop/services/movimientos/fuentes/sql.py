"""The last source: SQL. A count from the counts the triggers keep or a find's indexes; a page
by the grid's plan (store/movimientos_paging.py); every id of a find gathered and sorted by
SQLite. It answers every question; it keeps the sort indexes known to exist and, through the
kept finds (hallados.py), the counts it worked out and the panel terms it reads next."""

from __future__ import annotations

from array import array
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from functools import partial

from sqlalchemy import Connection, func, select

from icsoe_desktop.domain.buscar import Termino, termino
from icsoe_desktop.services.movimientos import hallados
from icsoe_desktop.services.movimientos.consulta import (
    Filtro,
    Orden,
    _rows_by_id,
    _sort_column,
    _summed,
    apply_filter,
)
from icsoe_desktop.services.movimientos.fuentes.comun import Conteo, Filas, Pagina, Todos
from icsoe_desktop.store import movimientos as movs_sql
from icsoe_desktop.store import movimientos_buscar
from icsoe_desktop.store import movimientos_paging as paging
from icsoe_desktop.store.db import Store
from icsoe_desktop.store.models import (
    MovimientoConteo,
    MovimientoRow,
    MovimientoTotal,
    sort_indexes,
)


class Sql:
    guarda = ("los índices de orden que existen", "los conteos de una búsqueda")

    def __init__(self, store: Store, kept: hallados.Hallados) -> None:
        self._store = store
        self._hallados = kept
        self._sort_indexes: set[str] = set()  # sort indexes known to exist
        # Never dropped while the file stays; a restored one may have been copied before.
        store.al_reemplazar(self._sort_indexes.clear)

    def mantener(self) -> None:
        """Nothing: what it keeps is read when asked."""

    def vivos(self) -> int:
        return self.contar_panel(Filtro())

    def contar_panel(self, filtro: Filtro) -> int:
        """A filter's count without a find (``filtro`` resolved), from the counts the triggers
        keep: without dates, a sum over a few dozen rows (movimientos_total); with dates, over
        a few thousand (movimientos_conteo, per day). Never a count over every matching
        movement."""
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

    def contar(self, pregunta: Conteo, vigencia: int) -> int:
        """A find's count: alone, from its indexes alone (its panel terms then read in the
        background: a filter the clerk picks next is counted from them); under a panel
        filter, as ``_filtered_count`` says. Each kept: asked again, it is not worked out
        again (nor is which way to read it)."""
        filtro, found = pregunta.filtro, pregunta.found
        if replace(filtro, buscar="") == Filtro():  # its indexes alone

            def alone() -> int:
                with self._store.engine.connect() as conn:
                    return movimientos_buscar.count(conn, found)

            counted = self._hallados.total(found, alone)
            self._hallados.leer_en_fondo(found, partial(self._panel_terms, found))
            return counted
        return self._hallados.total(filtro.busqueda(), lambda: self._filtered_count(filtro, found))

    def _filtered_count(self, filtro: Filtro, found: Termino) -> int:
        """A find's count under a panel filter, its panel terms not kept: by SQL, through the
        filter's index when it is cheaper to read than the find's matches (a day's few hundred
        rows, a quarter's 90,000 against «ma»'s 285,570 matches), the find tested on each row,
        or else the matches by id, the filter tested on each (0.28 s for «ma» and a registro
        at a million). The find's panel terms are then read in the background (~0.5 s for
        «ma»): the next filter on the same text is counted in microseconds."""
        panel = self.contar_panel(replace(filtro, buscar=""))  # from the kept counts
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
        return None if panel == Filtro() else self.contar_panel(panel)

    def sort_ready(self, orden: Orden) -> bool:
        """Whether ``orden``'s sort indexes exist (then a sorted page is an index seek)."""
        if set(sort_indexes(_sort_column(orden))) <= self._sort_indexes:
            return True
        with self._store.engine.connect() as conn:
            return movs_sql.sort_ready(conn, _sort_column(orden), self._sort_indexes)

    def fallback(self, orden: Orden) -> bool:
        """Whether ``orden``'s column has an index of the schema in its order, and it is there
        (store/movimientos_paging.py ALWAYS_INDEXED)."""
        if _sort_column(orden) not in paging.ALWAYS_INDEXED:
            return False
        with self._store.engine.connect() as conn:
            return paging.fallback_ready(conn, _sort_column(orden))

    def prepare_sort(self, orden: Orden) -> None:
        """Build ``orden``'s sort index (store/movimientos.py ``prepare_sort``). A save
        meanwhile waits for it (busy timeout). A store opened read-only sorts without it."""
        if self._store.solo_lectura:
            return
        with self._store.engine.begin() as conn:
            self._sort_indexes.update(movs_sql.prepare_sort(conn, _sort_column(orden)))

    def query(
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

    def pagina(self, pregunta: Pagina, vigencia: int) -> Filas:
        """The plan's own page: a near page of a find is a walk of a few milliseconds, a far
        one a sort of its matches found through their indexes."""
        filtro, orden, offset, total = (
            pregunta.filtro,
            pregunta.orden,
            pregunta.offset,
            pregunta.total,
        )
        with self._store.engine.connect() as conn:
            query = self.query(conn, filtro, orden, total, offset)
            after = pregunta.after
            key = after and (after[-1], after[0])
            keys = None
            if query.busqueda.buscar is not None and not query.gather:
                # A find's matches met walking the order, if they are near (most orders: one
                # row in twenty); far apart (an apellido sorted by Apellido Paterno: 176,000
                # rows before the first GARCIA), gathered and sorted.
                keys = paging.walked_keys(conn, query, key, pregunta.limit, offset)
                if keys is None:
                    query = self.query(conn, filtro, orden, total, offset, gather=True)
            if keys is None:
                keys = paging.page_keys(conn, query, key, pregunta.limit, offset)
            return _rows_by_id(conn, keys)

    def todos(self, pregunta: Todos, vigencia: int) -> array[int]:
        """Every id of the find, gathered and sorted by SQLite."""
        filtro, orden, total = pregunta.filtro, pregunta.orden, pregunta.total
        with self._store.engine.connect() as conn:
            query = self.query(conn, filtro, orden, total, total)
            return paging.every_id(conn, query, total, pregunta.seguir)
