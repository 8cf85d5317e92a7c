"""What the find box's sources share: the questions the door (buscador.py) asks them, each
source's shape, and the store's work their upkeep calls on (its live count, a recorded change
a copy is named by, a process of its own)."""

from __future__ import annotations

import logging
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

from icsoe_desktop.domain.buscar import Termino
from icsoe_desktop.services.movimientos import copia_aparte, espejo_columnas, hallados
from icsoe_desktop.services.movimientos.consulta import (
    Filtro,
    Orden,
    _found_ids_key,
    _in_order,
    _rows_by_id,
    _sort_column,
)
from icsoe_desktop.store import movimientos as movs_sql
from icsoe_desktop.store import movimientos_espejo
from icsoe_desktop.store import movimientos_paging as paging
from icsoe_desktop.store.db import Store
from icsoe_desktop.store.movimientos_paging import Interrumpida

log = logging.getLogger(__name__)

Filas = list[tuple[Any, ...]]

# Movements written since a column's order was read past which it is not used until read
# again (each one's place there is cleared; those of a find are put in by their values now).
ESCRITOS_LEIDOS = 10_000
# Seconds without a question of the clerk before a process apart starts (hallados.quieto).
QUIETUD = 0.2


@dataclass(frozen=True)
class Conteo:
    """How many movements a find leaves: ``filtro`` resolved, ``found`` its term."""

    filtro: Filtro
    found: Termino


@dataclass(frozen=True)
class Pagina:
    """Rows ``offset``..``offset + limit`` of the grid (``filtro`` resolved, ``total`` its
    count), or the ``limit`` after ``after``'s row; ``columna``: the order's column in memory
    for a find, asked for before any source is (read, if not yet, before the find's next)."""

    filtro: Filtro
    orden: Orden
    after: tuple[Any, ...] | None
    limit: int
    offset: int
    total: int
    columna: espejo_columnas.Columna | None = None

    @property
    def lejos(self) -> bool:
        """A far page right after a click (no row to seek from)."""
        return self.after is None and self.offset > paging.GATHER_MAX

    def llave(self) -> Any:
        """What the find's ids in this order are kept by (hallados.py)."""
        return _found_ids_key(self.filtro, self.orden, self.total)


@dataclass(frozen=True)
class Todos:
    """Every id of a find (``filtro`` resolved, ``total`` its count) in ``orden``'s column
    going up (the scroll bar's keys; a page is then a slice of them)."""

    filtro: Filtro
    orden: Orden
    total: int
    seguir: Callable[[], bool] | None = None
    columna: espejo_columnas.Columna | None = None


class Fuente(Protocol):
    """A source: answers a question (``None``: not its own, the next source is asked) from
    what it keeps, each kept value read again once the store's ``vigencia()`` moved; ``guarda``
    names what it keeps (the cache list test holds every one to that)."""

    @property
    def guarda(self) -> tuple[str, ...]: ...

    def mantener(self) -> None:
        """Its upkeep after the window's count (nothing for a source that keeps nothing)."""


def filas(store: Store, ids: Sequence[int], orden: Orden) -> Filas:
    """The grid rows of ``ids`` (in that order) with their sort values."""
    with store.engine.connect() as conn:
        return _rows_by_id(conn, movs_sql.sort_values(conn, ids, _sort_column(orden)))


def todos_por(
    store: Store, consulta: Callable[[Connection], paging.KeyQuery | None], pregunta: Todos
) -> array[int] | None:
    """Every id of ``pregunta``'s find, read by the query ``consulta`` makes on a connection of
    the store; None when it makes none (the source does not answer)."""
    with store.engine.connect() as conn:
        query = consulta(conn)
        if query is None:
            return None
        return paging.every_id(conn, query, pregunta.total, pregunta.seguir)


def rebanada(ids: array[int], pregunta: Pagina) -> array[int] | None:
    """The page ``pregunta`` asks for as a slice of the find's ``ids`` going up; None when its
    ``after`` row is not among them (deleted since)."""
    start = pregunta.offset
    if pregunta.after is not None:
        try:
            up = ids.index(pregunta.after[0])
        except ValueError:
            return None
        start = len(ids) - up if pregunta.orden.descending else up + 1
    return _in_order(ids, pregunta.orden.descending, start, start + pregunta.limit)


class Almacen:
    """The store as the sources' upkeep uses it: its live movements' count, the recorded
    change a copy is named by, and the process apart that reads a big store's copies."""

    def __init__(self, store: Store, kept: hallados.Hallados, vivos: Callable[[], int]) -> None:
        self._store = store
        self._hallados = kept
        self.vivos = vivos

    def contar_rango(self, campo: str, desde: str, hasta: str) -> int:
        with self._store.engine.connect() as conn:
            return movimientos_espejo.contar_rango(conn, campo, desde, hasta)

    def aparte(
        self, seguir: Callable[[], bool], temporal: Path | Sequence[Path], *trabajo: str
    ) -> int:
        """The process apart's exit code once it did ``trabajo`` (copia_aparte.empezar),
        waiting while the clerk's questions are answered; ``Interrumpida`` once ``seguir()``
        says no. It starts once the clerk's questions have paused for QUIETUD seconds."""
        if not self._hallados.quieto(QUIETUD, seguir):
            raise Interrumpida
        obra = copia_aparte.empezar(self._store.path, temporal, *trabajo)
        with self._hallados.avisando(obra.pausar):
            codigo = obra.esperar(seguir)
        if codigo == copia_aparte.PARADA:
            raise Interrumpida
        return codigo

    def marcar(self, desde: int | None = None) -> tuple[int, int | None] | None:
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
