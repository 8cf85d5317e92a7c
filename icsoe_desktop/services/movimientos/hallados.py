"""A find's matches kept between questions: the clerk types a name once, then narrows it with
the search panel's filters and sorts it by the columns. Asking the store again for each of
those reads every match's row (~1.2 µs each: 84-158 ms for «ma»'s 118,000 at a million
movements); kept here, the panel's counts come from the matches' (registro patronal, tipo,
estado, fecha), read once per text, the find's count alone is read once (a name's two orders
merged: 57 ms for «ma»), and a sorted find's page at any position comes from its keys once
the scroll bar's page boundaries read them all.

Kept until the store announces a change (domain/cambios.py: every service that writes
announces once its unit of work committed): each value is kept with the store's count of
announcements when its read began, and is used only while that count stays. So a value read
while a change was being announced is never used, and a window refreshed by the announcement
(on the GUI thread, before the rest of the listeners) reads the store again. A write by
another process on the same file is not announced here: its window is not refreshed either
until a change of its own.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

# How many finds' panel terms, and how many sorted finds' keys, are kept (the latest used):
# «ma»'s terms take 3.7 MB at a million, its keys by Apellido Paterno 17 MB.
RESUMENES = 4
ORDENES = 2
# A sorted find of more matches is paged by its queries alone (its keys would take more memory).
CLAVES_MAX = 150_000

T = TypeVar("T")


@dataclass(frozen=True)
class Resumen:
    """A find's matches by the panel's terms: (registro patronal, tipo, estado) → the fechas
    they have (ISO text, ascending) and how many matches come before each (one more entry:
    all of them)."""

    grupos: dict[tuple[str, str, str], tuple[list[str], list[int]]]

    @classmethod
    def de(cls, filas: Iterable[tuple[str, str, str, str]]) -> Resumen:
        por_grupo: dict[tuple[str, str, str], dict[str, int]] = defaultdict(dict)
        for registro, tipo, estado, fecha in filas:
            dias = por_grupo[(registro, tipo, estado)]
            dias[fecha] = dias.get(fecha, 0) + 1
        grupos = {}
        for grupo, dias in por_grupo.items():
            fechas = sorted(dias)
            antes = [0]
            for fecha in fechas:
                antes.append(antes[-1] + dias[fecha])
            grupos[grupo] = (fechas, antes)
        return cls(grupos)

    def contar(
        self,
        registro: str | None = None,
        tipo: str | None = None,
        estado: str | None = None,
        desde: str | None = None,
        hasta: str | None = None,
    ) -> int:
        """How many matches the panel's filter leaves (None: that term not filtered; the
        dates as stored, inclusive)."""
        total = 0
        for (r, t, e), (fechas, antes) in self.grupos.items():
            if (registro and r != registro) or (tipo and t != tipo) or (estado and e != estado):
                continue
            first = bisect_left(fechas, desde) if desde else 0
            last = bisect_right(fechas, hasta) if hasta else len(fechas)
            if last > first:
                total += antes[last] - antes[first]
        return total


class _Guardados(Generic[T]):
    """The latest ``capacidad()`` values by key, each with the announcement count it was read
    under."""

    def __init__(self, capacidad: Callable[[], int]) -> None:
        self._capacidad = capacidad
        self._valores: OrderedDict[Hashable, tuple[int, T]] = OrderedDict()

    def get(self, llave: Hashable, anuncios: int) -> T | None:
        found = self._valores.get(llave)
        if found is None:
            return None
        if found[0] != anuncios:
            del self._valores[llave]  # read before a change: never used again
            return None
        self._valores.move_to_end(llave)
        return found[1]

    def put(self, llave: Hashable, anuncios: int, valor: T) -> None:
        self._valores[llave] = (anuncios, valor)
        self._valores.move_to_end(llave)
        while len(self._valores) > max(self._capacidad(), 0):
            self._valores.popitem(last=False)


class Hallados:
    """The finds' kept values of one store (see the module's docstring); ``anuncios()``: how
    many changes the store has announced (``Avisador.anuncios``, counted before any listener
    hears of one). Any thread may ask: the grid reads its counts and pages in a pool."""

    def __init__(self, anuncios: Callable[[], int]) -> None:
        self._anuncios = anuncios
        self._lock = threading.Lock()
        self._resumenes: _Guardados[Resumen] = _Guardados(lambda: RESUMENES)
        self._claves: _Guardados[list[tuple[int, Any]]] = _Guardados(lambda: ORDENES)
        self._totales: _Guardados[int] = _Guardados(lambda: RESUMENES)

    def resumen_guardado(self, llave: Hashable) -> Resumen | None:
        with self._lock:
            return self._resumenes.get(llave, self._anuncios())

    def resumen(self, llave: Hashable, leer: Callable[[], Resumen]) -> Resumen:
        return self._obtener(self._resumenes, llave, leer)

    def claves_guardadas(self, llave: Hashable) -> list[tuple[int, Any]] | None:
        with self._lock:
            return self._claves.get(llave, self._anuncios())

    def total(self, llave: Hashable, leer: Callable[[], int]) -> int:
        return self._obtener(self._totales, llave, leer)

    def claves(
        self, llave: Hashable, leer: Callable[[], list[tuple[int, Any]]]
    ) -> list[tuple[int, Any]]:
        return self._obtener(self._claves, llave, leer)

    def _obtener(self, guardados: _Guardados[T], llave: Hashable, leer: Callable[[], T]) -> T:
        anuncios = self._anuncios()  # before the read: a change announced meanwhile is newer
        with self._lock:
            valor = guardados.get(llave, anuncios)
        if valor is not None:
            return valor
        valor = leer()  # outside the lock: another thread's find is not held up by this one
        with self._lock:
            guardados.put(llave, anuncios, valor)
        return valor
