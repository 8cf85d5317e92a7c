"""A source: the find box's copy in memory (espejo.py) — any find under any filter counted in
milliseconds, and a find's matches for SQLite to sort. Its upkeep: read back from disk at an
opening (espejo_guardado.py), else read from the store (by a process of its own in a big
store: copia_aparte.py) and kept on disk; brought up to date after a change."""

from __future__ import annotations

import logging
from array import array
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import partial

import orjson
from sqlalchemy import Connection

from icsoe_desktop.domain.buscar import Termino, termino
from icsoe_desktop.services.aparte import archivo_entero
from icsoe_desktop.services.movimientos import copia_aparte, espejo, espejo_guardado, hallados
from icsoe_desktop.services.movimientos.consulta import Filtro as Filtro
from icsoe_desktop.services.movimientos.consulta import Orden, _rows_by_id
from icsoe_desktop.services.movimientos.fuentes.comun import (
    Almacen,
    Conteo,
    Filas,
    Pagina,
    Todos,
    todos_por,
)
from icsoe_desktop.services.movimientos.fuentes.sql import Sql
from icsoe_desktop.store import movimientos_buscar
from icsoe_desktop.store import movimientos_paging as paging
from icsoe_desktop.store.db import Store

log = logging.getLogger(__name__)

# Seconds a find's count waits for the copy kept on disk being read (a fraction of a second
# at a million movements) before counting by SQL (seconds for «ma» there on a busy machine);
# the count runs in the pool, off the window's thread.
ESPERA_GUARDADA = 2.0

# A find's matches given by the find box's copy, as one JSON parameter.
_COPIA_IDS = "m.id IN (SELECT value FROM json_each(:copia_ids))"


class Copia:
    guarda = ("la copia de las búsquedas", "la copia guardada en disco")

    def __init__(
        self,
        store: Store,
        almacen: Almacen,
        kept: hallados.Hallados,
        sql: Sql,
        al_leer: Callable[[], None],
    ) -> None:
        self._store = store
        self._almacen = almacen
        self._sql = sql
        self._al_leer = al_leer  # once read: the other columns' parts next (tramos.py)
        self.espejos = espejo.Espejos(
            store.vigencia,
            kept,
            self.leer,
            almacen.vivos,
            self._al_dia,
            self._leer_guardado,
        )
        store.al_soltar(self.espejos.cerrar)
        # Kept on disk between openings of the empresa (espejo_guardado.py).
        self.ruta = espejo_guardado.ruta(store.path)
        store.al_reemplazar(partial(espejo_guardado.olvidar, self.ruta))

    def mantener(self) -> None:
        """Built, or brought up to date, before a find asks."""
        self.espejos.mantener()

    def contar(self, pregunta: Conteo, vigencia: int) -> int | None:
        """A find's count from the copy, once built (brought up to date after a change), or
        read from disk within ESPERA_GUARDADA."""
        found, busqueda = pregunta.found, pregunta.filtro.busqueda()
        counted = self.espejos.contar(found, busqueda, self._almacen.contar_rango)
        if counted is None and self.espejos.esperar_guardada(ESPERA_GUARDADA):
            counted = self.espejos.contar(found, busqueda, self._almacen.contar_rango)
        return counted

    def seleccion(self, filtro: Filtro) -> espejo.Seleccion | None:
        """A find's matches (``filtro`` resolved) as the copy holds them; None without it."""
        found = termino(filtro.buscar)
        assert found is not None  # a find's
        return self.espejos.hallados(found, filtro.busqueda(), self._almacen.contar_rango)

    def ids(self, filtro: Filtro, total: int) -> Sequence[int] | None:
        """A find's ids from the copy; None without it, or when they are not ``total``."""
        seleccion = self.seleccion(filtro)
        ids = None if seleccion is None else espejo.ids_de(seleccion)
        return None if ids is None or len(ids) != total else ids

    def cuenta(self, found: Termino, filtro: Filtro) -> bool:
        """Whether the copy counts the find now (no wait)."""
        busqueda = filtro.busqueda()
        return self.espejos.contar(found, busqueda, self._almacen.contar_rango) is not None

    def pagina(self, pregunta: Pagina, vigencia: int) -> Filas | None:
        """A far page of a find in an order not kept: SQLite's sort of the matches the copy
        gives (``_de_la_copia``), keeping the best offset + limit; None when it is near, or
        as ``_de_la_copia``."""
        if not pregunta.lejos:
            return None
        filtro, orden, offset = pregunta.filtro, pregunta.orden, pregunta.offset
        with self._store.engine.connect() as conn:
            query = self._de_la_copia(conn, filtro, orden, pregunta.total, offset)
            if query is None:
                return None
            return _rows_by_id(conn, paging.page_keys(conn, query, None, pregunta.limit, offset))

    def todos(self, pregunta: Todos, vigencia: int) -> array[int] | None:
        """Every id of a find gathered and sorted by SQLite from the copy's matches."""
        filtro, orden, total = pregunta.filtro, pregunta.orden, pregunta.total
        return todos_por(
            self._store, lambda conn: self._de_la_copia(conn, filtro, orden, total, total), pregunta
        )

    def _de_la_copia(
        self, conn: Connection, filtro: Filtro, orden: Orden, total: int, walked: int
    ) -> paging.KeyQuery | None:
        """How a find's (``filtro`` resolved) matches are gathered and sorted with their ids
        from the copy, as one JSON parameter, not found again through the find's indexes
        (the middle of «ma»'s 285,570 at a million: ~0.5 s of CPU, against ~1.5 s); None
        without the copy, when they are not ``total``, or when they are read through the
        panel filter's index (its own plan)."""
        found = termino(filtro.buscar)
        assert found is not None  # a find's ids
        ids = self.ids(filtro, total)
        if ids is None:
            return None
        query = self._sql.query(conn, filtro, orden, total, walked, gather=True)
        del_indice = f"m.id IN ({movimientos_buscar.ids_sql(found)})"
        if del_indice not in query.where:
            return None
        where = tuple(_COPIA_IDS if w == del_indice else w for w in query.where)
        lista = ids.tolist() if isinstance(ids, array) else list(ids)
        params = {**query.params, "copia_ids": orjson.dumps(lista).decode()}
        return replace(query, where=where, params=params)

    def _leer_guardado(self) -> espejo.Espejo | None:
        """The copy kept on disk at the last opening, if it is this store's and is brought
        up to date (else ``leer`` reads it)."""
        guardada = self._de_disco()
        if guardada is not None:
            log.info("Copia de las búsquedas leída de %s", self.ruta)
            self._al_leer()
        return guardada

    def leer(self, seguir: Callable[[], bool]) -> espejo.Espejo | None:
        """The copy read from the store (none kept on disk could be used), and kept on disk
        for the next opening."""
        if self._almacen.vivos() >= copia_aparte.APARTE and self._almacen.marcar() is not None:
            codigo = self._almacen.aparte(
                seguir, archivo_entero.temporal(self.ruta), copia_aparte.COPIA
            )
            if codigo == copia_aparte.NO_CABE:
                return None
            guardada = self._de_disco() if codigo == copia_aparte.GUARDADA else None
            if guardada is not None:
                self._al_leer()
                return guardada
            # It failed, or changed past bringing up to date meanwhile: read here instead.
        with self._store.engine.connect() as conn:
            copia = espejo.construir(conn, seguir)
        if copia is not None and seguir():
            self._guardar(copia)
        if copia is not None:
            self._al_leer()
        return copia

    def _de_disco(self) -> espejo.Espejo | None:
        """The copy kept on disk, if it is this store's and is brought up to date."""
        guardada = espejo_guardado.leer(self.ruta)
        return guardada if guardada is not None and self._al_dia(guardada) else None

    def _guardar(self, copia: espejo.Espejo) -> None:
        """``copia``, just read, kept on disk; named by a change of no movement recorded for
        it when the store recorded none yet."""
        if copia.azar is None and copia.marca is not None:
            marcada = self._almacen.marcar(copia.marca)
            if marcada is not None:
                copia.marca, copia.azar = marcada
        espejo_guardado.guardar(self.ruta, copia)

    def _al_dia(self, copia: espejo.Espejo) -> bool:
        try:
            with self._store.engine.connect() as conn:
                return espejo.al_dia(conn, copia)
        except Exception:  # only a speed-up: read again, SQL counts meanwhile
            log.warning("No se puso al día la copia de las búsquedas", exc_info=True)
            return False
