"""A source: a wide find's far page right after a click, its order's index walked by SQLite
with the find box's copy's matches as one byte per movement (store/movimientos_marcas.py) —
for a column not cut into parts yet and not in memory: ~0.1 s of CPU for the middle of «ma»'s
285,570 at a million, where gathering and sorting them (``Copia.pagina``) takes ~0.5 s, and a
loaded machine multiplies both. The walk starts at the nearer end of the order. The find's
bytes are kept with its other values (hallados.py) while the store does not change: the next
far page of the same find reads no copy again. Every id of such a find in an order (the scroll
bar's keys) likewise, the whole index walked."""

from __future__ import annotations

from array import array

from sqlalchemy import Connection

from icsoe_desktop.services.movimientos import hallados
from icsoe_desktop.services.movimientos.consulta import Filtro, Orden, _rows_by_id, _sort_column
from icsoe_desktop.services.movimientos.fuentes.comun import (
    Almacen,
    Filas,
    Pagina,
    Todos,
    todos_por,
)
from icsoe_desktop.services.movimientos.fuentes.copia import Copia
from icsoe_desktop.services.movimientos.fuentes.sql import Sql
from icsoe_desktop.store import movimientos_marcas
from icsoe_desktop.store import movimientos_paging as paging
from icsoe_desktop.store.db import Store

# An index entry the walk passes costs SQLite ~0.15 µs (its byte tested, the order's streams
# merged), a match gathered ~2 µs (its row read by id, then sorted): the walk is taken while
# it passes at most this many entries per match of the find.
ENTRADAS_POR_COINCIDENCIA = 10
# Ids this much sparser than the live movements (many deleted): the bytes would be mostly 0s.
DISPERSION_MAXIMA = 8


class Marcas:
    guarda = ("las marcas de una búsqueda",)

    def __init__(
        self, store: Store, almacen: Almacen, kept: hallados.Hallados, copia: Copia, sql: Sql
    ) -> None:
        self._store = store
        self._almacen = almacen
        self._hallados = kept
        self._copia = copia
        self._sql = sql

    def mantener(self) -> None:
        """Nothing: the bytes are made when a far page asks."""

    def pagina(self, pregunta: Pagina, vigencia: int) -> Filas | None:
        """A far page (right after a click) of a find whose walk along the order passes few
        enough index entries per match; None with the column's order in memory (read in
        milliseconds), without the copy or the order's index, or for a narrow find."""
        if pregunta.columna is not None or not pregunta.lejos:
            return None
        total, offset = pregunta.total, pregunta.offset
        desde, hasta = offset, min(offset + pregunta.limit, total)
        if hasta <= desde:
            return None
        atras = total - hasta < desde  # nearer the order's end: walked from it
        pasadas = (total - desde if atras else hasta) * self._almacen.vivos() / total
        if pasadas > ENTRADAS_POR_COINCIDENCIA * total:
            return None
        marcas = self._marcas(pregunta.filtro, total, vigencia)
        if marcas is None:
            return None
        orden = pregunta.orden
        with self._store.engine.connect() as conn:
            query = self._consulta(conn, pregunta.filtro, orden, orden.descending != atras, marcas)
            if query is None:
                return None
            if atras:
                keys = paging.page_keys(conn, query, None, hasta - desde, total - hasta)[::-1]
            else:
                keys = paging.page_keys(conn, query, None, hasta - desde, desde)
            return _rows_by_id(conn, keys)

    def todos(self, pregunta: Todos, vigencia: int) -> array[int] | None:
        """Every id of a wide find in the order going up (the scroll bar's keys), the whole
        index walked (~0.3 s for «ma»'s 285,570 at a million, against ~0.6-0.9 s gathered
        and sorted); None as ``pagina``."""
        total = pregunta.total
        if not total or self._almacen.vivos() > ENTRADAS_POR_COINCIDENCIA * total:
            return None
        marcas = self._marcas(pregunta.filtro, total, vigencia)
        if marcas is None:
            return None
        filtro, orden = pregunta.filtro, pregunta.orden
        return todos_por(
            self._store, lambda conn: self._consulta(conn, filtro, orden, False, marcas), pregunta
        )

    def _consulta(
        self, conn: Connection, filtro: Filtro, orden: Orden, descending: bool, marcas: bytes
    ) -> paging.KeyQuery | None:
        return movimientos_marcas.consulta(
            conn,
            filtro.busqueda(),
            _sort_column(orden),
            descending,
            self._sql.sort_ready(orden),
            marcas,
        )

    def _marcas(self, filtro: Filtro, total: int, vigencia: int) -> bytes | None:
        """The find's matches (``filtro`` resolved, ``total`` of them) as bytes, from the copy
        (kept while ``vigencia`` holds); None without the copy, or when its ids are too
        sparse."""
        llave = (filtro.busqueda(), total)
        guardadas = self._hallados.marcas_guardadas(llave, vigencia)
        if guardadas is not None:
            return guardadas
        ids = self._copia.ids(filtro, total)
        if not ids:
            return None
        alto = max(ids)
        if alto > DISPERSION_MAXIMA * max(self._almacen.vivos(), len(ids)):
            return None
        return self._hallados.marcas(llave, lambda: movimientos_marcas.marcas_de(ids, alto))
