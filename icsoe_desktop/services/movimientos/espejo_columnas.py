"""Sortable columns' orders of every live movement in memory, so that a find sorted by one of
them is put in that order at once: its matches (from the find box's copy, espejo.py) are
marked at their places in the column's order, found by counting the marks a block at a time
(15-25 ms for the middle of «ma»'s 285,570 at a million), where SQLite reads and sorts each
match's row (0.3-0.7 s); all of them read back through the marks are the scroll bar's ids.

A column's order is read when a sorted find first asks for it (by the same plan as the grid's
pages, so ties and NULLs fall as there), in a thread of the lowest priority that waits while
the clerk's questions are answered (hallados.py). Used only while no change was announced
since it was read (a movement written since may have moved in it): then read again (asked by
the window's counts after the change, or by the next sorted find), and the find's ids read by
SQL meanwhile. The latest asked are kept, up to MEMORIA (~20 bytes a movement each: two at a
million, one at five million).
"""

from __future__ import annotations

import logging
import threading
from array import array
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from itertools import compress, repeat

from icsoe_desktop.services.movimientos import hallados
from icsoe_desktop.services.movimientos.espejo import OrdenCopia, Seleccion
from icsoe_desktop.store.lectura import Interrumpida

log = logging.getLogger(__name__)

# Bytes the columns' orders kept may take (the latest asked is kept whatever it takes).
MEMORIA = 48 * 2**20
# Items looked up or set in one call (~3 ms each).
PASO = 1 << 16
# An id in no place of the order (written since it was read).
_NINGUNO = b"\xff" * 4


@dataclass(frozen=True)
class Columna:
    """One column's order of every live movement, going up (its ties by id, NULLs first)."""

    ids: array[int]  # each place's id
    lugar: array[int]  # each id's place (_NINGUNO: none)
    # By the copy's order (its ``id()``): that order, and each of its entries' place here (its
    # matches' places are then a slice of it, not a look-up by id each).
    lugares: dict[int, tuple[OrdenCopia, array[int]]]

    @classmethod
    def de(
        cls,
        ids: Iterable[int],
        ordenes: Iterable[OrdenCopia] = (),
        seguir: Callable[[], bool] = lambda: True,
    ) -> Columna:
        """The order of ``ids`` (every live movement's in the column's order), with its places
        of the copy's ``ordenes``' entries; ``seguir`` as in store/lectura.py, asked between
        parts of PASO (each one call that holds Python's lock: the window's thread waits for
        it)."""
        en_orden = array("I", ids)
        lugar = array("I", _NINGUNO * (max(en_orden, default=-1) + 1))
        for k in _pasos(len(en_orden), seguir):
            parte = en_orden[k : k + PASO]
            deque(map(lugar.__setitem__, parte, range(k, k + len(parte))), maxlen=0)
        lugares = {}
        for orden in ordenes:
            suyos = array("I")
            with suppress(IndexError):  # an id past this order's: its matches looked up by id
                for k in _pasos(len(orden.ids), seguir):
                    suyos.extend(map(lugar.__getitem__, orden.ids[k : k + PASO]))
                lugares[id(orden)] = (orden, suyos)
        return cls(en_orden, lugar, lugares)

    def memoria(self) -> int:
        """Bytes its arrays take."""
        partes = (self.ids, self.lugar, *(lugares for _orden, lugares in self.lugares.values()))
        return sum(len(a) * a.itemsize for a in partes)

    def en_orden(
        self, seleccion: Seleccion, total: int, desde: int = 0, hasta: int | None = None
    ) -> array[int] | None:
        """The ids of a find's movements (``seleccion``, ``total`` of them) at places
        ``desde``..``hasta`` (None: the end) of their order going up; None when one is in
        no place of this order or they are not ``total`` (written since it was read)."""
        marcas = self._marcas(seleccion)
        if marcas is None or marcas.count(1) != total:
            return None
        if desde == 0 and hasta is None:
            return array("q", compress(self.ids, marcas))
        hasta = total if hasta is None else min(hasta, total)
        ids = array("q")
        lugar = _enesima(marcas, desde) if desde < hasta else -1
        for _ in range(desde, hasta):
            ids.append(self.ids[lugar])
            lugar = marcas.find(1, lugar + 1)
        return ids

    def _marcas(self, seleccion: Seleccion) -> bytearray | None:
        """A byte for each place: 1 where a movement of ``seleccion`` is."""
        marcas = bytearray(len(self.ids))
        try:
            for orden, lo, hi, mascara in seleccion.tramos:
                suyos = self.lugares.get(id(orden))
                lugares: Iterable[int]
                if suyos is not None and suyos[0] is orden:
                    lugares = suyos[1][lo:hi]
                else:  # another copy's order
                    lugares = map(self.lugar.__getitem__, orden.ids[lo:hi])
                if mascara is not None:
                    lugares = compress(lugares, mascara)
                deque(map(marcas.__setitem__, lugares, repeat(1)), maxlen=0)
            nuevos = map(self.lugar.__getitem__, seleccion.nuevos)
            deque(map(marcas.__setitem__, nuevos, repeat(1)), maxlen=0)
        except IndexError:  # past the last id it has, or in no place (_NINGUNO)
            return None
        return marcas


def _pasos(n: int, seguir: Callable[[], bool]) -> Iterator[int]:
    """The starts of ``n`` items' parts of PASO, ``seguir()`` asked before each one."""
    for k in range(0, n, PASO):
        if not seguir():
            raise Interrumpida
        yield k


def _enesima(marcas: bytearray, n: int) -> int:
    """The place of the ``n``-th 1 of ``marcas`` (from 0; there are more): counted a block at a
    time (``count`` and ``find`` run over bytes without a step of Python each)."""
    inicio = 0
    for paso in (1 << 16, 1 << 10):
        while (en_bloque := marcas.count(1, inicio, inicio + paso)) <= n:
            n -= en_bloque
            inicio += paso
    lugar = marcas.find(1, inicio)
    for _ in range(n):
        lugar = marcas.find(1, lugar + 1)
    return lugar


class Columnas:
    """One store's columns' orders: ``vigente(columna)`` gives one read since the latest
    change announced, or asks for it (read in the background: ``leer(columna, seguir)``,
    only while the find box's copy is there: ``ordenes()``, its orders)."""

    def __init__(
        self,
        anuncios: Callable[[], int],
        primer_plano: hallados.Hallados,
        leer: Callable[[int, Callable[[], bool]], Iterable[int]],
        ordenes: Callable[[], Iterable[OrdenCopia]],
    ) -> None:
        self._anuncios = anuncios
        self._hallados = primer_plano
        self._leer = leer
        self._ordenes = ordenes  # the find box's copy's, if any
        self._lock = threading.Lock()
        self._hechas: OrderedDict[int, tuple[int, Columna]] = OrderedDict()
        self._leyendo: dict[int, tuple[int, threading.Thread]] = {}
        self._cerrada = threading.Event()

    def vigente(self, columna: int) -> Columna | None:
        """``columna``'s order if read since the latest change; else None, and it is read."""
        anuncios = self._anuncios()
        with self._lock:
            hecha = self._hechas.get(columna)
            if hecha is not None and hecha[0] == anuncios:
                self._hechas.move_to_end(columna)
                return hecha[1]
            if hecha is not None:
                del self._hechas[columna]  # its memory given back before it is read again
            leyendo = self._leyendo.get(columna)
            if leyendo is not None and leyendo[0] == anuncios and leyendo[1].is_alive():
                return None
            self._cerrada.clear()
            hilo = threading.Thread(
                target=self._leer_columna,
                args=(columna, anuncios),
                name="espejo-columna",
                daemon=True,
            )
            self._leyendo[columna] = (anuncios, hilo)
            hilo.start()
        return None

    def mantener(self) -> None:
        """Asked by each count of the window: the orders kept and read before the latest
        change read again in the background, rather than when the clerk's next sorted find
        asks."""
        with self._lock:
            viejas = [
                c for c, (anuncios, _c) in self._hechas.items() if anuncios != self._anuncios()
            ]
        for columna in viejas:
            self.vigente(columna)

    def _leer_columna(self, columna: int, anuncios: int) -> None:
        hallados.lowest_priority()

        def vigente() -> bool:
            return not self._cerrada.is_set() and self._anuncios() == anuncios

        try:
            seguir = self._hallados.seguir_si(vigente)
            ordenes = list(self._ordenes())
            if not ordenes or not seguir():  # no copy of the finds (a small store): no use
                return
            leida = Columna.de(self._leer(columna, seguir), ordenes, seguir)
        except Interrumpida:
            return
        except Exception:  # only a speed-up: the find's ids are read by SQL meanwhile
            log.warning("No se leyó el orden de una columna", exc_info=True)
            return
        with self._lock:
            if vigente():
                self._hechas[columna] = (anuncios, leida)
                while len(self._hechas) > 1 and self._memoria() > MEMORIA:
                    self._hechas.popitem(last=False)

    def _memoria(self) -> int:
        return sum(columna.memoria() for _anuncios, columna in self._hechas.values())

    def esperar(self) -> None:
        """Until every order being read has been read (or abandoned)."""
        with self._lock:
            hilos = [hilo for _anuncios, hilo in self._leyendo.values()]
        for hilo in hilos:
            hilo.join()

    def cerrar(self) -> None:
        """Every read abandoned and ended, the orders let go of: the store's file is about to
        close or be replaced."""
        self._cerrada.set()
        self.esperar()
        with self._lock:
            self._hechas.clear()
            self._leyendo.clear()
