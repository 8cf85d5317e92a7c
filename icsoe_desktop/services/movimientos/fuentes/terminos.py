"""A source: the terms the find box's copy holds (espejo_orden.py: fecha, estado, tipo,
registro patronal; espejo_nombres.py: Nombre, Apellido Paterno; espejo_nss.py: NSS) — a
find's ids in such a column's order, or a far page of it right after the click, without the
column's order in memory. It keeps nothing of its own: the copy's upkeep is its upkeep."""

from __future__ import annotations

from array import array
from collections.abc import Callable
from typing import TypeVar

from icsoe_desktop.domain.buscar import termino
from icsoe_desktop.services.movimientos import espejo, espejo_nombres, espejo_nss, espejo_orden
from icsoe_desktop.services.movimientos.consulta import (
    Filtro,
    Orden,
    _places_up,
    _sort_column,
)
from icsoe_desktop.services.movimientos.fuentes.comun import Almacen, Filas, Pagina, Todos, filas
from icsoe_desktop.services.movimientos.fuentes.copia import Copia
from icsoe_desktop.services.movimientos.fuentes.sql import Sql
from icsoe_desktop.store import movimientos_espejo
from icsoe_desktop.store.db import Store

T = TypeVar("T")
# The sort columns whose order the copy's terms give.
_SUS_COLUMNAS = espejo_orden.COLUMNAS | espejo_nombres.COLUMNAS | espejo_nss.COLUMNAS


class Terminos:
    guarda = ()

    def __init__(self, store: Store, almacen: Almacen, copia: Copia, sql: Sql) -> None:
        self._store = store
        self._almacen = almacen
        self._copia = copia
        self._sql = sql

    def mantener(self) -> None:
        """Nothing: the copy's upkeep (copia.py) is its upkeep."""

    def pagina(self, pregunta: Pagina, vigencia: int) -> Filas | None:
        """A far page (right after a click) of a find from the copy's terms, without the
        column's order in memory."""
        if pregunta.columna is not None or not pregunta.lejos:
            return None
        orden = pregunta.orden
        page = self.pagina_de(
            pregunta.filtro, orden, pregunta.offset, pregunta.limit, pregunta.total
        )
        return None if page is None else filas(self._store, page, orden)

    def todos(self, pregunta: Todos, vigencia: int) -> array[int] | None:
        return self.en_orden(pregunta.filtro, pregunta.orden, pregunta.total)

    def pagina_de(
        self, filtro: Filtro, orden: Orden, offset: int, limit: int, total: int
    ) -> array[int] | None:
        """A find's page (``filtro`` resolved; rows ``offset``..``offset + limit`` in grid
        order) from the terms the copy holds (espejo_orden.py ``pagina``); None as
        ``en_orden``; by NSS, a slice of every id put in order (espejo_nss.py); None for a
        column whose order the copy's terms do not give (tramos.py cuts those)."""
        if _sort_column(orden) not in _SUS_COLUMNAS:
            return None
        if _sort_column(orden) in espejo_nombres.COLUMNAS:
            return self._por_sus_nombres(filtro, orden, offset, limit, total)
        if _sort_column(orden) in espejo_nss.COLUMNAS:
            pedido = self._de_sus_terminos(
                filtro,
                orden,
                lambda copia, sel, _columna: espejo_nss.pedido(copia, sel, total),
                espejo_nss.COLUMNAS,
            )
            if pedido is None:
                return None
            desde, hasta = _places_up(orden, total, offset, limit)
            page = espejo_nss.pagina(pedido, desde, hasta)
            return None if page is None else page[::-1] if orden.descending else page
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

    def _por_sus_nombres(
        self, filtro: Filtro, orden: Orden, offset: int, limit: int, total: int
    ) -> array[int] | None:
        """A find's page (``filtro`` resolved) sorted by Nombre or Apellido Paterno from the
        copy's name keys and a few rows (espejo_nombres.py); None without the column's sort
        index (it names the movements whose column has an Ñ), or as ``en_orden``."""
        if not self._sql.sort_ready(orden):
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

    def en_orden(self, filtro: Filtro, orden: Orden, total: int) -> array[int] | None:
        """A find's ids (``filtro`` resolved) in ``orden``'s column going up from the terms
        the copy holds (espejo_orden.py: fecha, estado, tipo, registro patronal;
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
        the copy is held (what it reads is then put in order with the copy let go of: no
        count waits for that); None for a column not among ``columnas`` (those ``leer``
        reads), without the copy, or when it does not answer the find."""
        sort_column = _sort_column(orden)
        found = termino(filtro.buscar)
        if sort_column not in columnas or found is None:
            return None

        def suyos(copia: espejo.Espejo) -> T | None:
            seleccion = copia.hallados(found, filtro.busqueda(), self._almacen.contar_rango)
            return None if seleccion is None else leer(copia, seleccion, sort_column)

        return self._copia.espejos.preguntar(suyos)
