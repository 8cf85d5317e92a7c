"""Sortable columns' orders of every live movement in memory, so that a find sorted by one of
them is put in that order at once: its matches (from the find box's copy, espejo.py) are
marked at their places in the column's order, found by counting the marks a block at a time
(15-25 ms for the middle of «ma»'s 285,570 at a million), where SQLite reads and sorts each
match's row (0.3-0.7 s); all of them read back through the marks are the scroll bar's ids.

A column's order is read when a sorted find first asks for it (by the same plan as the grid's
pages, so ties and NULLs fall as there), in a thread of normal priority that gives the
interpreter back between its slices and waits while the clerk's questions are answered
(hallados.py), and kept on disk (columnas_guardadas.py): asked for when not in memory, it is
read back from there at once (and read again only if the store changed since). After a change
it is read again (asked by
the window's counts after the change, or by the next sorted find); meanwhile it still answers:
the movements written since it was read (``Escritos``: the store records each one whose
sortable column changed, migration 0034) are left out of their old places and put in by their
values now, found by a binary search of the order (their values and a few probes' read by id,
all of them together: ~20 reads). The latest asked are kept, up to MEMORIA (~20 bytes a
movement each: two at a million, one at five million).
"""

from __future__ import annotations

import logging
import threading
from array import array
from bisect import bisect_left
from collections import OrderedDict, deque
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass
from itertools import compress, repeat
from operator import itemgetter
from typing import Any, TypeVar

from icsoe_desktop.services.movimientos import hallados
from icsoe_desktop.services.movimientos.espejo import OrdenCopia, Seleccion
from icsoe_desktop.store.lectura import Interrumpida

log = logging.getLogger(__name__)

# Bytes the columns' orders kept may take (the latest asked is kept whatever it takes).
MEMORIA = 48 * 2**20
# Items looked up or set in one call (~3 ms each).
PASO = 1 << 16
# An id in no place of the order (written since it was read).
_SIN_LUGAR = 0xFFFFFFFF
_NINGUNO = _SIN_LUGAR.to_bytes(4, "little")
# The vigencia of an order read from disk before the latest change: never the store's.
_VIEJA = -1
# A find's movements written since its column's order was read that are put in their places
# by their values (more: the find is put in order by SQL until the order is read again).
ESCRITOS_MAX = 2_000


@dataclass(frozen=True)
class Escritos:
    """The movements written since an order was read, and how to read their values now."""

    ids: frozenset[int]
    # The sort keys now (store/models/movimientos.py sort_rank) of these ids, those still there.
    claves: Callable[[list[int]], dict[int, Any]]


@dataclass(frozen=True)
class Columna:
    """One column's order of every live movement, going up (its ties by id, NULLs first)."""

    ids: array[int]  # each place's id
    lugar: array[int]  # each id's place (_NINGUNO: none)
    # By the copy's order (its ``id()``): that order, and each of its entries' place here (its
    # matches' places are then a slice of it, not a look-up by id each).
    lugares: dict[int, tuple[OrdenCopia, array[int]]]
    # The store's latest recorded change before it was read (movimientos_cambiados; None:
    # a store without that record): what was written since is read from there.
    marca: int | None = None

    @classmethod
    def de(
        cls,
        ids: Iterable[int],
        ordenes: Iterable[OrdenCopia] = (),
        seguir: Callable[[], bool] = lambda: True,
        marca: int | None = None,
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
        return cls(en_orden, lugar, {}, marca).con_lugares(ordenes, seguir)

    def con_lugares(
        self, ordenes: Iterable[OrdenCopia], seguir: Callable[[], bool] = lambda: True
    ) -> Columna:
        """The same order with its places of the copy's ``ordenes``' entries (``seguir`` as
        in ``de``): a find's matches are then marked by slices, not looked up by id each (half
        the time of the middle of «ma» at a million)."""
        lugares = {}
        for orden in ordenes:
            suyos = array("I")
            with suppress(IndexError):  # an id past this order's: its matches looked up by id
                for k in _pasos(len(orden.ids), seguir):
                    suyos.extend(map(self.lugar.__getitem__, orden.ids[k : k + PASO]))
                lugares[id(orden)] = (orden, suyos)
        return Columna(self.ids, self.lugar, lugares, self.marca)

    def memoria(self) -> int:
        """Bytes its arrays take."""
        partes = (self.ids, self.lugar, *(lugares for _orden, lugares in self.lugares.values()))
        return sum(len(a) * a.itemsize for a in partes)

    def en_orden(
        self,
        seleccion: Seleccion,
        total: int,
        desde: int = 0,
        hasta: int | None = None,
        escritos: Escritos | None = None,
    ) -> array[int] | None:
        """The ids of a find's movements (``seleccion``, ``total`` of them) at places
        ``desde``..``hasta`` (None: the end) of their order going up, those ``escritos``
        (written since it was read) put in by their values now; None when one is in no place
        of this order and not among ``escritos``, they are not ``total``, or more than
        ESCRITOS_MAX of them were written."""
        aparte: set[int] = set()
        escritos_ids = escritos.ids if escritos else frozenset()
        # (place, id) of each written since that has a place here (its old one).
        escritos_en = [(lugar, i) for i in escritos_ids if (lugar := self._lugar(i)) != _SIN_LUGAR]
        marcas = self._marcas(seleccion, escritos_ids, escritos_en, aparte)
        if marcas is None or len(aparte) > ESCRITOS_MAX:
            return None
        viejos = marcas.count(1)
        if viejos + len(aparte) != total:
            return None
        puestos: list[tuple[int, int]] = []  # (place among the find's, id) of ``aparte``
        if aparte:
            assert escritos is not None
            lugares = sorted(lugar for lugar, _i in escritos_en)
            found = self._puestos(sorted(aparte), marcas, lugares, escritos)
            if found is None:
                return None
            puestos = found
        if desde == 0 and hasta is None:
            return self._todos(marcas, puestos)
        hasta = total if hasta is None else min(hasta, total)
        ids = array("q")
        k = bisect_left(puestos, (desde, -1))
        antes = desde - k  # the find's movements not written since before ``desde``
        lugar = enesima(marcas, antes) if antes < viejos and desde < hasta else -1
        for i in range(desde, hasta):
            if k < len(puestos) and puestos[k][0] == i:
                ids.append(puestos[k][1])
                k += 1
            else:
                ids.append(self.ids[lugar])
                lugar = marcas.find(1, lugar + 1)
        return ids

    def _todos(self, marcas: bytearray, puestos: list[tuple[int, int]]) -> array[int]:
        viejos = array("q", compress(self.ids, marcas))
        if not puestos:
            return viejos
        ids, hecho = array("q"), 0
        for k, (puesto, id_) in enumerate(puestos):
            ids.extend(viejos[hecho : puesto - k])
            ids.append(id_)
            hecho = puesto - k
        ids.extend(viejos[hecho:])
        return ids

    def _marcas(
        self,
        seleccion: Seleccion,
        escritos: Collection[int],
        escritos_en: list[tuple[int, int]],
        aparte: set[int],
    ) -> bytearray | None:
        """A byte for each place: 1 where a movement of ``seleccion`` is, but for those
        ``escritos`` (their place here, ``escritos_en``, is what it was): these are added to
        ``aparte``."""
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
            nuevos = seleccion.nuevos
            if escritos:
                aparte.update(i for i in nuevos if i in escritos)
                nuevos = [i for i in nuevos if i not in escritos]
            deque(map(marcas.__setitem__, map(self.lugar.__getitem__, nuevos), repeat(1)), 0)
        except IndexError:  # past the last id it has, or in no place (_NINGUNO)
            return None
        for lugar, id_ in escritos_en:
            if marcas[lugar]:
                marcas[lugar] = 0
                aparte.add(id_)
        return marcas

    def _lugar(self, id_: int) -> int:
        """``id_``'s place (_SIN_LUGAR: none)."""
        return self.lugar[id_] if id_ < len(self.lugar) else _SIN_LUGAR

    def _puestos(
        self, aparte: list[int], marcas: bytearray, lugares: list[int], escritos: Escritos
    ) -> list[tuple[int, int]] | None:
        """Each of ``aparte`` (a find's movements written since, ascending) with its place
        among the find's movements in this order (``marcas``: the others' places here;
        ``lugares``: the places of those written since, ascending), ordered; None when one is
        no longer in the store."""
        claves = escritos.claves(aparte)
        if len(claves) != len(aparte):
            return None
        suyos = sorted((claves[i], i) for i in aparte)
        # Each one's place here: the first place whose movement (not written since) goes after
        # it, every binary search a step at a time, the probes' keys read together each step.
        # A probe at the place of a movement written since takes the next place of one not
        # (``salto``: past each run of them, as a lote's movements all written sit together).
        salto: dict[int, int] = {}
        for lugar in reversed(lugares):
            salto[lugar] = salto.get(lugar + 1, lugar + 1)
        lo, hi = [0] * len(suyos), [len(self.ids)] * len(suyos)
        leidas: dict[int, Any] = {}
        while True:
            sondas: dict[int, tuple[int, int]] = {}  # search -> (middle, place probed)
            for k in range(len(suyos)):
                while lo[k] < hi[k]:
                    medio = (lo[k] + hi[k]) // 2
                    lugar = salto.get(medio, medio)
                    if lugar < hi[k]:
                        sondas[k] = (medio, lugar)
                        break
                    hi[k] = medio  # only movements written since from there on
            if not sondas:
                break
            faltan = sorted({self.ids[q] for _m, q in sondas.values()} - leidas.keys())
            leidas.update(escritos.claves(faltan))
            for k, (medio, lugar) in sondas.items():
                id_ = self.ids[lugar]
                if id_ not in leidas:  # removed since, yet not among those written
                    return None
                if (leidas[id_], id_) < suyos[k]:
                    lo[k] = lugar + 1
                else:
                    hi[k] = medio
        puestos, contados, antes = [], 0, 0
        for k, (_clave, id_) in enumerate(suyos):
            antes += marcas.count(1, contados, lo[k])
            contados = lo[k]
            puestos.append((antes + k, id_))
        return puestos


def _pasos(n: int, seguir: Callable[[], bool]) -> Iterator[int]:
    """The starts of ``n`` items' parts of PASO, ``seguir()`` asked before each one."""
    for k in range(0, n, PASO):
        if not seguir():
            raise Interrumpida
        yield k


# Each byte value's marks: its bytes as 1, the others' as 0 (``bytes.translate``).
IGUALES = [bytes(r) + b"\x01" + bytes(255 - r) for r in range(256)]


_T = TypeVar("_T")


def de_cada(secuencia: Sequence[_T], lugares: Sequence[int]) -> Sequence[_T]:
    """``secuencia``'s item at each of ``lugares``, in one C loop (``itemgetter``): a third of
    the CPU of a ``map`` of ``__getitem__`` over «ma»'s 285,570. IndexError as indexing."""
    if len(lugares) < 2:  # (itemgetter of one gives the item itself, not a tuple)
        return [secuencia[i] for i in lugares]
    return itemgetter(*lugares)(secuencia)  # type: ignore[no-any-return]  # typeshed: a call of it is Any


def enesima(marcas: bytearray, n: int) -> int:
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
    """One store's columns' orders: ``vigente(columna)`` gives the latest read, and asks for
    it to be read when the movements changed since (the store's ``vigencia()``) (in the background: ``leer(columna,
    seguir)``, the store's latest recorded change and the order's ids; only while the find
    box's copy is there: ``ordenes()``, its orders)."""

    def __init__(
        self,
        vigencia: Callable[[], int],
        primer_plano: hallados.Hallados,
        leer: Callable[[int, Callable[[], bool]], tuple[int | None, Iterable[int]]],
        ordenes: Callable[[], Iterable[OrdenCopia]],
        de_disco: Callable[[int], tuple[Columna, bool] | None] = lambda _c: None,
        a_disco: Callable[[int, Columna], None] = lambda _c, _o: None,
        aparte: Callable[[int, Callable[[], bool]], Columna | None] = lambda _c, _s: None,
    ) -> None:
        self._vigencia = vigencia
        self._hallados = primer_plano
        self._leer = leer
        self._ordenes = ordenes  # the find box's copy's, if any
        # An order kept on disk (columnas_guardadas.py) and whether nothing was written since
        # it was read; and an order just read, kept there.
        self._de_disco = de_disco
        self._a_disco = a_disco
        # An order read and kept on disk by a process of its own (a big store), or None.
        self._aparte = aparte
        self._lock = threading.Lock()
        self._hechas: OrderedDict[int, tuple[int, Columna]] = OrderedDict()
        self._leyendo: dict[int, tuple[int, threading.Thread]] = {}
        self._cerrada = threading.Event()

    def vigente(self, columna: int) -> Columna | None:
        """``columna``'s latest order read (None: none, or read before a change in a store
        without a record of them); when the movements changed since, it is read again."""
        vigencia = self._vigencia()
        with self._lock:
            hecha = self._hechas.get(columna)
            leyendo = self._leyendo.get(columna)
        if hecha is None and (leyendo is None or not leyendo[1].is_alive()):
            self._leer_de_disco(columna, vigencia)
        with self._lock:
            hecha = self._hechas.get(columna)
            if hecha is not None:
                self._hechas.move_to_end(columna)
                if hecha[0] == vigencia:
                    return hecha[1]
            # Kept while read again: what was written since is put in its place meanwhile.
            vieja = None if hecha is None or hecha[1].marca is None else hecha[1]
            leyendo = self._leyendo.get(columna)
            if leyendo is not None and leyendo[0] == vigencia and leyendo[1].is_alive():
                return vieja
            self._cerrada.clear()
            hilo = threading.Thread(
                target=self._leer_columna,
                args=(columna, vigencia),
                name="espejo-columna",
                daemon=True,
            )
            self._leyendo[columna] = (vigencia, hilo)
            hilo.start()
        return vieja

    def _leer_de_disco(self, columna: int, vigencia: int) -> None:
        """``columna``'s order kept on disk, if any, taken as read: current at ``vigencia``
        when nothing was written since (else what was written since is put in its place, and
        it is read again)."""
        try:
            guardada = self._de_disco(columna)
        except Exception:  # only a speed-up: read from the store
            log.warning("No se leyó el orden guardado de una columna", exc_info=True)
            return
        if guardada is None:
            return
        leida, al_dia = guardada
        with self._lock:
            if columna in self._hechas:
                return
            self._poner(columna, vigencia if al_dia else _VIEJA, leida)
            if al_dia and not leida.lugares:  # its places of the copy's entries added meanwhile
                self._cerrada.clear()
                hilo = threading.Thread(
                    target=self._completar,
                    args=(columna, vigencia, leida),
                    name="espejo-columna",
                    daemon=True,
                )
                self._leyendo[columna] = (vigencia, hilo)
                hilo.start()

    def _completar(self, columna: int, vigencia: int, leida: Columna) -> None:
        """``leida`` (read back from disk, current at ``vigencia``) replaced by the same order
        with its places of the copy's entries."""

        def vigente() -> bool:
            return not self._cerrada.is_set() and self._vigencia() == vigencia

        try:
            completa = leida.con_lugares(self._ordenes(), self._hallados.seguir_si(vigente))
        except Interrumpida:
            return
        with self._lock:
            hecha = self._hechas.get(columna)
            if not (vigente() and hecha is not None and hecha[0] == vigencia and hecha[1] is leida):
                return
            self._poner(columna, vigencia, completa)
        self._guardar(columna, completa)  # with them, for the next time it is read back

    def _guardar(self, columna: int, leida: Columna) -> None:
        try:
            self._a_disco(columna, leida)
        except Exception:  # only a speed-up: read from the store at the next opening
            log.warning("No se guardó el orden de una columna", exc_info=True)

    def _poner(self, columna: int, vigencia: int, leida: Columna) -> None:
        """``leida`` kept, and the least recently used let go of beyond MEMORIA (with the lock
        held)."""
        self._hechas.pop(columna, None)
        self._hechas[columna] = (vigencia, leida)
        while len(self._hechas) > 1 and self._memoria() > MEMORIA:
            self._hechas.popitem(last=False)

    def mantener(self) -> None:
        """Asked by each count of the window: the orders kept and read before the latest
        change read again in the background, rather than when the clerk's next sorted find
        asks."""
        with self._lock:
            viejas = [
                c for c, (vigencia, _c) in self._hechas.items() if vigencia != self._vigencia()
            ]
        for columna in viejas:
            self.vigente(columna)

    def _leer_columna(self, columna: int, vigencia: int) -> None:
        def vigente() -> bool:
            return not self._cerrada.is_set() and self._vigencia() == vigencia

        try:
            seguir = self._hallados.seguir_si(vigente)
            ordenes = list(self._ordenes())
            if not ordenes or not seguir():  # no copy of the finds (a small store): no use
                return
            leida = self._aparte(columna, seguir)
            if leida is None:
                marca, ids = self._leer(columna, seguir)
                leida = Columna.de(ids, ordenes, seguir, marca)
            else:
                leida = leida.con_lugares(ordenes, seguir)
        except Interrumpida:
            return
        except Exception:  # only a speed-up: the find's ids are read by SQL meanwhile
            log.warning("No se leyó el orden de una columna", exc_info=True)
            return
        with self._lock:
            if not vigente():
                return
            self._poner(columna, vigencia, leida)
        self._guardar(columna, leida)  # with its places of the copy's entries

    def _memoria(self) -> int:
        return sum(columna.memoria() for _vigencia, columna in self._hechas.values())

    def esperar(self) -> None:
        """Until every order being read has been read (or abandoned)."""
        with self._lock:
            hilos = [hilo for _vigencia, hilo in self._leyendo.values()]
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
