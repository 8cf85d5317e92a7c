"""A source: the sortable columns' orders in memory (espejo_columnas.py) — a sorted find's ids
put in order at once with the find box's copy. Its upkeep: read back from disk
(columnas_guardadas.py), else read from the store (by a process of its own in a big store)
and kept on disk; read again after a change."""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from icsoe_desktop.domain.buscar import termino
from icsoe_desktop.services.aparte import archivo_entero
from icsoe_desktop.services.movimientos import (
    columnas_guardadas,
    copia_aparte,
    espejo,
    espejo_columnas,
    hallados,
)
from icsoe_desktop.services.movimientos.consulta import (
    Filtro,
    Orden,
    _places_up,
    _sort_column,
    orden_de_columna,
)
from icsoe_desktop.services.movimientos.fuentes.comun import (
    ESCRITOS_LEIDOS,
    Almacen,
    Filas,
    Pagina,
    Todos,
    filas,
)
from icsoe_desktop.services.movimientos.fuentes.copia import Copia
from icsoe_desktop.services.movimientos.fuentes.sql import Sql
from icsoe_desktop.store import movimientos as movs_sql
from icsoe_desktop.store import movimientos_espejo
from icsoe_desktop.store.db import Store


class Columna:
    guarda = ("el orden de una columna en memoria", "el orden de una columna guardado en disco")

    def __init__(
        self, store: Store, almacen: Almacen, kept: hallados.Hallados, copia: Copia, sql: Sql
    ) -> None:
        self._store = store
        self._almacen = almacen
        self._copia = copia
        self._sql = sql
        self.columnas = espejo_columnas.Columnas(
            store.vigencia,
            kept,
            self._leer,
            self._ordenes,
            self._de_disco,
            self._a_disco,
            self._aparte,
        )
        store.al_soltar(self.columnas.cerrar)
        store.al_reemplazar(partial(columnas_guardadas.olvidar, store.path))

    def mantener(self) -> None:
        """The columns' orders read again after a change."""
        self.columnas.mantener()

    def pedida(self, filtro: Filtro, orden: Orden) -> espejo_columnas.Columna | None:
        """``orden``'s column order in memory, for a find (``filtro`` resolved) whose matches
        the find box's copy holds (asked for when it is not read: espejo_columnas.py); None
        without it, or without the copy or the column's sort index."""
        if termino(filtro.buscar) is None or self._copia.espejos.vigente() is None:
            return None
        if not self._sql.sort_ready(orden):
            return None
        return self.columnas.vigente(orden.column)

    def pagina(self, pregunta: Pagina, vigencia: int) -> Filas | None:
        """A find's page right after a click put in order from the copies in memory (the
        find box's and the column's: ~15 ms for the middle of «ma»'s 285,570 at a million)."""
        columna, orden, total = pregunta.columna, pregunta.orden, pregunta.total
        if columna is None or pregunta.after is not None or pregunta.offset <= 0:
            return None
        desde, hasta = _places_up(orden, total, pregunta.offset, pregunta.limit)
        page = self.copiados(pregunta.filtro, orden, columna, total, desde, hasta)
        if page is None:
            return None
        return filas(self._store, page[::-1] if orden.descending else page, orden)

    def todos(self, pregunta: Todos, vigencia: int) -> array[int] | None:
        """Every id of a find in the column's order, from the copies in memory."""
        if pregunta.columna is None:
            return None
        return self.copiados(pregunta.filtro, pregunta.orden, pregunta.columna, pregunta.total)

    def copiados(
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
        seleccion = self._copia.seleccion(filtro)
        if seleccion is None:
            return None
        escritos = self.escritos(columna, _sort_column(orden))
        if escritos is None:
            return None
        return columna.en_orden(seleccion, total, desde, hasta, escritos)

    def escritos(
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
        copia = self._copia.espejos.vigente()
        return () if copia is None else copia.ordenes.values()

    def _leer(self, column: int, seguir: Callable[[], bool]) -> tuple[int | None, array[int]]:
        """The store's latest recorded change (None: no record), then every live movement's
        id in ``column``'s order going up, as a find's are read (buscador.py ``todos``)."""
        vivos = self._almacen.vivos()
        with self._store.engine.connect() as conn:
            marca = movimientos_espejo.marca(conn)
            ids = orden_de_columna(conn, column, vivos, seguir)
            return None if marca is None else marca[0], ids

    def _aparte(self, column: int, seguir: Callable[[], bool]) -> espejo_columnas.Columna | None:
        """``column``'s order read and kept on disk by a process of its own (a big store:
        copia_aparte.py), then read back; None when it was not (read here then)."""
        if self._almacen.vivos() < copia_aparte.APARTE or self._almacen.marcar() is None:
            return None
        temporal = archivo_entero.temporal(columnas_guardadas.ruta(self._store.path, column))
        codigo = self._almacen.aparte(seguir, temporal, copia_aparte.ORDEN_DE, str(column))
        leida = self._de_disco(column) if codigo == copia_aparte.GUARDADA else None
        return None if leida is None else leida[0]

    def _de_disco(self, column: int) -> tuple[espejo_columnas.Columna, bool] | None:
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
        copia = self._copia.espejos.vigente()
        lugares = {}
        if copia is not None and copia.origen is not None and copia.origen == guardada.origen:
            for campo, orden in copia.ordenes.items():  # the same entries as when kept
                suyos = guardada.lugares.get(campo)
                if suyos is not None and len(suyos) == len(orden.ids):
                    lugares[id(orden)] = (orden, suyos)
        leida = espejo_columnas.Columna(guardada.ids, guardada.lugar, lugares, guardada.marca)
        return leida, al_dia

    def _a_disco(self, column: int, leida: espejo_columnas.Columna) -> None:
        """``leida``, read from the store, kept on disk (named by the store's change it was
        read at, while the store still records it), with its places of the entries of the
        find box's copy if that copy is the one kept on disk."""
        if leida.marca is None:
            return
        with self._store.engine.connect() as conn:
            azar = movimientos_espejo.azar(conn, leida.marca)
        if azar is None:
            return
        copia = self._copia.espejos.vigente()
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
