"""A source: the parts of a column's order kept on disk (columnas_tramos.py) — a far page of a
find sorted by a column whose values the find box's copy does not count, right after the click,
from the copy's matches and the parts. Its upkeep: the parts cut by a process of its own, at the
app's priority (below it, a busy machine hardly cuts them, and each first click is SQLite's
sort: seconds), once the copy is there; it waits while the clerk's questions are answered."""

from __future__ import annotations

from array import array
from collections.abc import Callable
from functools import partial

from sqlalchemy import Connection

from icsoe_desktop.services.aparte import archivo_entero
from icsoe_desktop.services.movimientos import columnas_tramos, copia_aparte, hallados
from icsoe_desktop.services.movimientos.consulta import (
    _COLUMNAS_EN_TRAMOS,
    _POR_TRAMOS,
    _places_up,
    _sort_column,
)
from icsoe_desktop.services.movimientos.fuentes.comun import (
    ESCRITOS_LEIDOS,
    Almacen,
    Filas,
    Pagina,
    filas,
)
from icsoe_desktop.services.movimientos.fuentes.copia import Copia
from icsoe_desktop.store import movimientos as movs_sql
from icsoe_desktop.store import movimientos_espejo
from icsoe_desktop.store.db import Store

# The columns cut into parts (consulta.py): all but those whose values the copy counts.
COLUMNAS = _COLUMNAS_EN_TRAMOS


class Tramos:
    guarda = ("las partes del orden de una columna", "las columnas que no se pudieron cortar")

    def __init__(
        self, store: Store, almacen: Almacen, kept: hallados.Hallados, copia: Copia
    ) -> None:
        self._store = store
        self._almacen = almacen
        self._copia = copia
        self.cortador = columnas_tramos.Cortador(
            store.vigencia, kept, self._pendientes, self._cortar
        )
        store.al_soltar(self.cortador.cerrar)
        self._sin_tramos: set[int] = set()  # columns the process could not cut
        store.al_reemplazar(partial(columnas_tramos.olvidar, store.path))
        store.al_reemplazar(self._sin_tramos.clear)  # another file: its own may be cut

    def mantener(self) -> None:
        """The other columns cut, once the find box's copy is there."""
        if self._copia.espejos.hay():
            self.cortador.mantener()

    def pagina(self, pregunta: Pagina, vigencia: int) -> Filas | None:
        """A far page (right after a click) of a find sorted by a column cut into parts;
        None with the column's order in memory, without the parts or the copy, or when they
        do not answer it."""
        orden = pregunta.orden
        if pregunta.columna is not None or not pregunta.lejos:
            return None
        if _sort_column(orden) not in _POR_TRAMOS:
            return None
        page = self._pagina(pregunta)
        return None if page is None else filas(self._store, page, orden)

    def _pagina(self, pregunta: Pagina) -> array[int] | None:
        orden, total = pregunta.orden, pregunta.total
        sort_column = _sort_column(orden)
        with self._store.engine.connect() as conn:
            kept = self._tramos(conn, orden.column, ESCRITOS_LEIDOS)
            if kept is None:
                return None
            ids = self._copia.ids(pregunta.filtro, total)
            if ids is None:
                return None
            desde, hasta = _places_up(orden, total, pregunta.offset, pregunta.limit)
            page = columnas_tramos.pagina(
                kept[0],
                ids,
                frozenset(kept[1]),
                lambda de: movs_sql.sort_ranks(conn, de, sort_column),
                desde,
                hasta,
                lambda de, offset, limit: movs_sql.in_order(conn, de, sort_column, offset, limit),
            )
        return None if page is None else page[::-1] if orden.descending else page

    def _pendientes(self) -> list[int]:
        """The columns whose parts are to be cut: none kept, of another history, or with
        more than SUELTOS_MAX written since (a store big enough for a process apart)."""
        if self._almacen.vivos() < copia_aparte.APARTE:
            return []
        with self._store.engine.connect() as conn:
            return [
                column
                for column in COLUMNAS
                if column not in self._sin_tramos
                and self._tramos(conn, column, columnas_tramos.SUELTOS_MAX) is None
            ]

    def _cortar(self, columnas: list[int], seguir: Callable[[], bool]) -> bool:
        """``columnas``' parts cut and kept on disk, one after another, by one process of its
        own; whether it went through every one (False: it ended before, its answer none of the
        job's)."""
        if self._almacen.marcar() is None:
            return True  # nothing to name the parts by: none is cut
        rutas = [columnas_tramos.ruta(self._store.path, column) for column in columnas]
        # Ahead of any click, at the app's priority (it waits while the clerk's questions
        # are answered): below it, a CPU-bound load leaves the columns uncut for minutes.
        codigo = self._almacen.aparte(
            seguir,
            [archivo_entero.temporal(ruta) for ruta in rutas],
            copia_aparte.TRAMOS_DE,
            *map(str, columnas),
        )
        if codigo == copia_aparte.NO_GUARDADA:
            # Some not cut (ids far apart, a value neither number nor text) or not kept (the
            # process leaves no parts file of theirs): not asked again while the empresa is
            # open, rather than a process after each change.
            self._sin_tramos.update(
                column for column, ruta in zip(columnas, rutas, strict=True) if not ruta.exists()
            )
        return codigo in (copia_aparte.GUARDADA, copia_aparte.NO_GUARDADA)

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
