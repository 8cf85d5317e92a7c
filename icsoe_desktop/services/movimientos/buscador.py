"""The find box's engine behind one door: the grid's counts and pages, each question asked of
an ordered tuple of sources (fuentes/), each ``(pregunta, vigencia) -> respuesta | None`` —
None: not its own, the next is asked — with SQL last, which answers every one. The door reads
the store's ``vigencia()`` once per question and keeps the sources' upkeep (after the
window's count). ``MovimientosService`` (servicio.py) asks it; the grid's own work stays
there. docs/diseno/buscador.md draws the sources and what each keeps."""

from __future__ import annotations

from array import array
from collections.abc import Callable, Generator, Sequence
from contextlib import AbstractContextManager
from dataclasses import replace
from datetime import date
from typing import Any, TypeVar

from icsoe_desktop.domain.buscar import Termino, termino
from icsoe_desktop.services.movimientos import espejo, hallados
from icsoe_desktop.services.movimientos.consulta import (
    Filtro,
    Orden,
    _found_ids_key,
    _in_order,
    _rows_by_id,
    _sort_column,
    resolve,
)
from icsoe_desktop.services.movimientos.fuentes.columna import Columna
from icsoe_desktop.services.movimientos.fuentes.comun import (
    Almacen,
    Conteo,
    Filas,
    Fuente,
    Pagina,
    Todos,
)
from icsoe_desktop.services.movimientos.fuentes.copia import Copia
from icsoe_desktop.services.movimientos.fuentes.guardados import Guardados
from icsoe_desktop.services.movimientos.fuentes.marcas import Marcas
from icsoe_desktop.services.movimientos.fuentes.sql import Sql
from icsoe_desktop.services.movimientos.fuentes.terminos import Terminos
from icsoe_desktop.services.movimientos.fuentes.tramos import Tramos
from icsoe_desktop.store import movimientos as movs_sql
from icsoe_desktop.store import movimientos_espejo
from icsoe_desktop.store import movimientos_paging as paging
from icsoe_desktop.store.db import Store

P = TypeVar("P")
R = TypeVar("R")


class Buscador:
    """The grid's counts and pages of one store."""

    def __init__(self, store: Store, today: Callable[[], date]) -> None:
        self._store = store
        self._today = today
        # A find's matches kept while the store does not change (hallados.py).
        self.hallados = hallados.Hallados(store.vigencia)
        store.al_soltar(self.hallados.cerrar)  # its background read ends before the file closes
        self.sql = Sql(store, self.hallados)
        self.almacen = almacen = Almacen(store, self.hallados, self.sql.vivos)
        self.guardados = Guardados(store, self.hallados, self.todos)
        self.copia = Copia(store, almacen, self.hallados, self.sql, self._cortar)
        self.columna = Columna(store, almacen, self.hallados, self.copia, self.sql)
        self.tramos = Tramos(store, almacen, self.hallados, self.copia)
        self.terminos = Terminos(store, almacen, self.copia, self.sql)
        self.marcas = Marcas(store, almacen, self.hallados, self.copia, self.sql)
        # Every source, in the order of their upkeep (the copy before what is read with it).
        self.fuentes: tuple[Fuente, ...] = (
            self.guardados,
            self.copia,
            self.columna,
            self.tramos,
            self.terminos,
            self.marcas,
            self.sql,
        )
        # Who answers which question, in order: what is kept first, SQL last.
        self._conteos = (self.guardados.contar, self.copia.contar, self.sql.contar)
        self._paginas = (
            self.guardados.pagina,
            self.tramos.pagina,  # far, without the column's order in memory, cut into parts
            self.terminos.pagina,  # the same, by the copy's terms
            self.marcas.pagina,  # the same, walked along the order's index (a wide find)
            self.guardados.en_lectura,
            self.columna.pagina,
            self.copia.pagina,  # far: SQLite's sort of the copy's matches
            self.sql.pagina,
        )
        self._todas = (
            self.columna.todos,
            self.terminos.todos,
            self.marcas.todos,
            self.copia.todos,
            self.sql.todos,
        )

    def _preguntar(self, fuentes: Sequence[Callable[[P, int], R | None]], pregunta: P) -> R:
        """The first answer of ``fuentes`` to ``pregunta`` (the last, SQL, always answers)."""
        vigencia = self._store.vigencia()
        for fuente in fuentes:
            respuesta = fuente(pregunta, vigencia)
            if respuesta is not None:
                return respuesta
        raise AssertionError("SQL answers every question")

    def _cortar(self) -> None:
        self.tramos.cortador.mantener()

    def _clerk(self, filtro: Filtro) -> AbstractContextManager[None]:
        """A question the clerk asked: the background read waits meanwhile (hallados.py)."""
        return self.hallados.primer_plano(termino(filtro.buscar))

    def count(self, filtro: Filtro) -> int:
        """A filter's count: without a find, from the counts the triggers keep; a find's, from
        the sources (``_conteos``). The window's counts keep the sources (each ``mantener``):
        the copy built or brought up to date, the columns' orders read again, the other
        columns cut once the copy is there."""
        with self._clerk(filtro):
            counted = self._count(filtro)
        for fuente in self.fuentes:
            fuente.mantener()
        return counted

    def _count(self, filtro: Filtro) -> int:
        filtro.check()
        resolved = resolve(filtro, self._today())
        if resolved is None:
            return 0
        found = termino(resolved.buscar)
        if found is None:
            return self.sql.contar_panel(resolved)
        return self._preguntar(self._conteos, Conteo(resolved, found))

    def primera_pagina(self, filtro: Filtro, orden: Orden, limit: int) -> Filas | None:
        """A find's first ``limit`` rows under a panel filter, read before its count when that
        count would read every match's row (the find box's copy is not read yet, nor are the
        find's panel terms: ~0.4 s of CPU for «ma» and a registro at a million): its matches
        met walking the order, given the walk's CPU (store/movimientos_paging.py
        ``walked_keys``: a few milliseconds). Fewer than ``limit`` rows are all the find's.
        None when the count comes from memory or the walk ran out: then count, then page."""
        filtro.check()
        resolved = resolve(filtro, self._today())
        found = None if resolved is None else termino(resolved.buscar)
        if resolved is None or found is None or self._conteo_barato(resolved, found):
            return None
        with self._clerk(filtro), self._store.engine.connect() as conn:
            # Any count past GATHER_MAX: the plan walks the order unless it must gather.
            query = self.sql.query(conn, resolved, orden, paging.GATHER_MAX + 1, 0)
            keys = None if query.gather else paging.walked_keys(conn, query, None, limit)
            return None if keys is None else _rows_by_id(conn, keys)

    def _conteo_barato(self, filtro: Filtro, found: Termino) -> bool:
        """Whether a find's count (``filtro`` resolved) is had without reading its matches'
        rows, or reading them costs little: alone (from its indexes), from what is kept in
        memory, or in a store too small for the find box's copy (a few milliseconds)."""
        if replace(filtro, buscar="") == Filtro() or self.sql.vivos() < espejo.MINIMO:
            return True
        busqueda = filtro.busqueda()
        return (
            self.hallados.resumen_guardado(found) is not None
            or self.hallados.total_guardado(busqueda) is not None
            or self.copia.cuenta(found, filtro)
        )

    def sort_ready(self, orden: Orden) -> bool:
        return self.sql.sort_ready(orden)

    def keys_indexed(self, orden: Orden) -> bool:
        """Whether ``orden``'s keys come out of an index in its order (its sort index, or for
        fecha the schema's own): reading every key is then a walk, not a sort of them all."""
        return self.sql.sort_ready(orden) or self.sql.fallback(orden)

    def prepare_sort(self, orden: Orden) -> None:
        self.sql.prepare_sort(orden)

    def pagina(
        self, filtro: Filtro, orden: Orden, offset: int, limit: int, total: int | None = None
    ) -> Filas:
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
    ) -> Filas:
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
    ) -> Filas:
        """The last ``limit`` rows of the grid, in grid order: the first ones of the reverse
        order (jumping to the end reads one page, not the whole grid)."""
        reverse = Orden(orden.column, not orden.descending)
        with self._clerk(filtro):
            return self._page(filtro, reverse, None, limit, 0, total)[::-1]

    def _page(
        self,
        filtro: Filtro,
        orden: Orden,
        after: tuple[Any, ...] | None,
        limit: int,
        offset: int,
        total: int | None,
    ) -> Filas:
        """A page from the sources (``_paginas``): a find's within hallados.CLAVES_MAX from
        what is kept first (its column's order in memory asked for now: read before the
        find's next), any other by SQL."""
        filtro.check()
        if total is None:
            total = self._count(filtro)
        resolved = resolve(filtro, self._today())
        if resolved is None:
            return []
        if termino(resolved.buscar) is None or total > hallados.CLAVES_MAX:
            return self._preguntar(
                (self.sql.pagina,), Pagina(resolved, orden, after, limit, offset, total)
            )
        columna = self.columna.pedida(resolved, orden)
        pregunta = Pagina(resolved, orden, after, limit, offset, total, columna)
        return self._preguntar(self._paginas, pregunta)

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
            resolved = resolve(filtro, self._today())
            if resolved is None:
                return []
            if termino(resolved.buscar) is not None and total <= hallados.CLAVES_MAX:
                ids = self.todos(Todos(resolved, orden, total, seguir))
                ids = _in_order(ids, orden.descending, 0, len(ids))[every - 1 :: every]
                with self._store.engine.connect() as conn:
                    return movs_sql.sort_values(conn, ids, _sort_column(orden))
            with self._store.engine.connect() as conn:
                query = self.sql.query(conn, resolved, orden, total, total)
                return paging.every_key(conn, query, total, every, seguir)

    def todos(self, pregunta: Todos) -> array[int]:
        """Every id of a find (resolved) in its order's column going up (either way:
        ``_in_order``), from the sources (``_todas``: the column's order or the copy's terms
        in memory, else gathered and sorted by SQLite), then kept (hallados.py): the scroll
        bar's boundaries read them, and a page at any position is then a slice of them."""
        up = Orden(pregunta.orden.column, descending=False)

        def leer() -> array[int]:
            columna = self.columna.pedida(pregunta.filtro, up)
            todos = replace(pregunta, orden=up, columna=columna)
            return self._preguntar(self._todas, todos)

        return self.hallados.ids(_found_ids_key(pregunta.filtro, up, pregunta.total), leer)

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
        resolved = resolve(filtro, self._today())
        if resolved is None or total <= 0:
            return
        with self._store.engine.connect() as conn, movimientos_espejo.fija(conn):
            query = self.sql.query(conn, resolved, orden, total, total)
            for ids in paging.ids_por_lotes(conn, query, total, batch):
                yield from _rows_by_id(conn, [(i, None) for i in ids])
