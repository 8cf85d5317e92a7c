"""A find's matches kept between questions: the clerk types a name once, then narrows it with
the search panel's filters and sorts it by the columns. Asking the store again for each of
those reads every match's row (~1.8 µs each: 0.5 s for «ma»'s 285,570 at a million
real-shaped movements); kept here, the panel's counts come from the matches' (registro
patronal, tipo, estado, fecha), read once per text in the background (``leer_en_fondo``), the
find's count alone is read once (a name's two orders merged: 0.15 s for «ma»), a count under a
panel filter (answered by SQL while those terms are not kept) once per filter, and a sorted
find's page at any position comes from its ids in that order, read once by the scroll bar's
keys (an array of 8 bytes a match: 2.3 MB for «ma»).

The background read is one thread at a time, at normal priority, in slices that give the
interpreter back (``ceder``): it waits while any question the clerk asked is being answered
(``primer_plano``: a page or count is never slowed by it) and is abandoned once a question comes with another find text, the movements
change, or the store is closed (``cerrar``).

Kept while the store's movements do not change, as the store itself says at each question
(store/vigencia.py: whoever wrote them, this process or another program on the same file,
announced or not): each value is kept with the store's ``vigencia()`` read before its read
began, and is used only while it stays. So a value read while a change was committed is never
used, and a window refreshed by an announcement (domain/cambios.py) reads the store again.
"""

from __future__ import annotations

import logging
import threading
import time
from array import array
from bisect import bisect_left, bisect_right
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Hashable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Generic, TypeVar

from icsoe_desktop.store.lectura import Interrumpida
from icsoe_desktop.store.movimientos_paging import Busqueda

log = logging.getLogger(__name__)

# How many finds' panel terms, how many counts under a narrower panel filter, and how many
# sorted finds' ids are kept (the latest used): «ma»'s terms take ~4 MB at a million (36,000
# distinct days of a registro, tipo and estado), its ids in an order 2.3 MB.
RESUMENES = 4
CONTEOS = 64
ORDENES = 4
# And the latest find's matches as one byte per movement (fuentes/marcas.py): 1 MB at a million.
MARCAS = 1
# A sorted find of more matches is paged by its queries alone (16 MB of ids; at a million
# real-shaped movements the commonest two letters, «ma», find 285,570).
CLAVES_MAX = 2_000_000

T = TypeVar("T")


@dataclass(frozen=True)
class Resumen:
    """A find's matches by the panel's terms: (registro patronal, tipo, estado) → the fechas
    they have (ISO text, ascending) and how many matches come before each (one more entry:
    all of them)."""

    grupos: dict[tuple[str, str, str], tuple[list[str], list[int]]]

    @classmethod
    def de(cls, cuantas: Mapping[tuple[str, str, str, str], int]) -> Resumen:
        """From how many matches have each (registro patronal, tipo, estado, fecha)."""
        por_grupo: dict[tuple[str, str, str], dict[str, int]] = defaultdict(dict)
        for (registro, tipo, estado, fecha), n in cuantas.items():
            por_grupo[(registro, tipo, estado)][fecha] = n
        grupos = {}
        for grupo, dias in por_grupo.items():
            fechas = sorted(dias)
            antes = [0]
            for fecha in fechas:
                antes.append(antes[-1] + dias[fecha])
            grupos[grupo] = (fechas, antes)
        return cls(grupos)

    def contar(self, panel: Busqueda) -> int:
        """How many matches the search panel's terms leave (its find: these matches')."""
        desde, hasta = (d.isoformat() if d else None for d in (panel.desde, panel.hasta))
        total = 0
        for (r, t, e), (fechas, antes) in self.grupos.items():
            if (
                (panel.registro and r != panel.registro)
                or (panel.tipo and t != panel.tipo)
                or (panel.estado and e != panel.estado)
            ):
                continue
            first = bisect_left(fechas, desde) if desde else 0
            last = bisect_right(fechas, hasta) if hasta else len(fechas)
            if last > first:
                total += antes[last] - antes[first]
        return total


class _Guardados(Generic[T]):
    """The latest ``capacidad()`` values by key, each with the store's ``vigencia()`` it was
    read under."""

    def __init__(self, capacidad: Callable[[], int]) -> None:
        self._capacidad = capacidad
        self._valores: OrderedDict[Hashable, tuple[int, T]] = OrderedDict()

    def get(self, llave: Hashable, vigencia: int) -> T | None:
        found = self._valores.get(llave)
        if found is None:
            return None
        if found[0] != vigencia:
            del self._valores[llave]  # read before a change: never used again
            return None
        self._valores.move_to_end(llave)
        return found[1]

    def put(self, llave: Hashable, vigencia: int, valor: T) -> None:
        self._valores[llave] = (vigencia, valor)
        self._valores.move_to_end(llave)
        while len(self._valores) > max(self._capacidad(), 0):
            self._valores.popitem(last=False)


class Hallados:
    """The finds' kept values of one store (see the module's docstring); ``vigencia()``: a
    number that stays while the store's movements do (store/vigencia.py). Any thread may ask: the grid reads its counts and pages in a pool."""

    def __init__(self, vigencia: Callable[[], int]) -> None:
        self._vigencia = vigencia
        self._lock = threading.Lock()
        self._resumenes: _Guardados[Resumen] = _Guardados(lambda: RESUMENES)
        self._ids: _Guardados[array[int]] = _Guardados(lambda: ORDENES)
        self._totales: _Guardados[int] = _Guardados(lambda: CONTEOS)
        self._marcas: _Guardados[bytes] = _Guardados(lambda: MARCAS)
        # The values being read, by (which kept values, key): waited for by another asker.
        self._leyendo: dict[tuple[int, Hashable], threading.Event] = {}
        self._preguntas = 0  # questions of the clerk being answered (primer_plano)
        self._empezadas = 0  # and how many began (``quieto``: none began meanwhile)
        self._libre = threading.Event()  # set while there are none
        self._libre.set()
        self._fondo: _Fondo | None = None  # the background read, if any
        # Told True when the clerk's questions begin, False when they end: work outside this
        # process (copia_aparte.py) that waits meanwhile, as a background read does.
        self._avisados: list[Callable[[bool], None]] = []

    def resumen_guardado(self, llave: Hashable, vigencia: int | None = None) -> Resumen | None:
        """A find's panel terms kept under ``vigencia`` (None: the store's now)."""
        vigente = self._vigencia() if vigencia is None else vigencia
        with self._lock:
            return self._resumenes.get(llave, vigente)

    def total_guardado(self, llave: Hashable) -> int | None:
        """A count kept (``total``), None if it is not."""
        with self._lock:
            return self._totales.get(llave, self._vigencia())

    @contextmanager
    def primer_plano(self, llave: Hashable | None) -> Iterator[None]:
        """A question of the clerk about the find ``llave`` (None: no find) being answered:
        the background read waits meanwhile, and is abandoned if it is another find's (the
        tabs' counts, asked without one, leave it be)."""
        with self._lock:
            if self._fondo is not None and llave is not None and self._fondo.llave != llave:
                self._fondo.parar.set()
            self._preguntas += 1
            self._empezadas += 1
            if self._preguntas == 1:
                self._libre.clear()
                self._avisar(True)
        try:
            yield
        finally:
            with self._lock:
                self._preguntas -= 1
                if not self._preguntas:
                    self._libre.set()
                    self._avisar(False)

    def quieto(self, pausa: float, seguir: Callable[[], bool]) -> bool:
        """Once no question of the clerk was answered for ``pausa`` seconds: True; False once
        ``seguir()`` says no. A process apart starts then: its start (~0.2 s of CPU, its
        interpreter and modules) cannot be paused, and a click's first page, which asks for
        the column's order, is followed at once by the page the clerk drags the bar to."""
        while seguir():
            if not self._libre.wait(0.05):
                continue
            with self._lock:
                empezadas = self._empezadas
            if self._libre.wait(0) and not _esperar(pausa, seguir):
                return False
            with self._lock:
                if self._empezadas == empezadas and not self._preguntas:
                    return True
        return False

    def _avisar(self, ocupado: bool) -> None:
        for avisado in self._avisados:
            avisado(ocupado)

    @contextmanager
    def avisando(self, avisado: Callable[[bool], None]) -> Iterator[None]:
        """``avisado(True)`` whenever the clerk's questions begin to be answered and
        ``avisado(False)`` when they end (with the lock held: it must not wait); at once if
        some are being answered."""
        with self._lock:
            self._avisados.append(avisado)
            if self._preguntas:
                avisado(True)
        try:
            yield
        finally:
            with self._lock:
                self._avisados.remove(avisado)

    def leer_en_fondo(self, llave: Hashable, leer: Callable[[Callable[[], bool]], Resumen]) -> None:
        """Read a find's panel terms (``leer(seguir)``, ``seguir`` as in store/lectura.py) in
        a thread of its own, unless kept or being read; any other background read abandoned."""
        with self._lock:
            if self._resumenes.get(llave, self._vigencia()) is not None:
                return
            fondo = self._fondo
            if fondo is not None and not fondo.parar.is_set() and fondo.hilo.is_alive():
                if fondo.llave == llave and fondo.vigencia == self._vigencia():
                    return
                fondo.parar.set()
            parar, vigencia = threading.Event(), self._vigencia()
            hilo = threading.Thread(
                target=self._leer_fondo,
                args=(llave, vigencia, parar, leer),
                name="hallados",
                daemon=True,
            )
            self._fondo = _Fondo(llave, vigencia, parar, hilo)
            hilo.start()

    def esperar_fondo(self) -> None:
        """Until the background read, if any, has ended (kept or abandoned)."""
        fondo = self._fondo
        if fondo is not None and fondo.hilo.is_alive():
            fondo.hilo.join()

    def cerrar(self) -> None:
        """The background read abandoned and ended: the store is about to close."""
        with self._lock:
            fondo = self._fondo
        if fondo is not None:
            fondo.parar.set()
            if fondo.hilo.is_alive() and fondo.hilo is not threading.current_thread():
                fondo.hilo.join()

    def _leer_fondo(
        self,
        llave: Hashable,
        vigencia: int,
        parar: threading.Event,
        leer: Callable[[Callable[[], bool]], Resumen],
    ) -> None:
        def vigente() -> bool:
            return not parar.is_set() and self._vigencia() == vigencia

        seguir = self.seguir_si(vigente)
        try:
            if not seguir():
                return
            valor = leer(seguir)
        except Interrumpida:
            return
        except Exception:  # only a speed-up: the counts are answered by SQL meanwhile
            log.warning(
                "No se leyeron en segundo plano los términos de una búsqueda", exc_info=True
            )
            return
        with self._lock:
            if vigente():
                self._resumenes.put(llave, vigencia, valor)

    def seguir_si(self, vigente: Callable[[], bool]) -> Callable[[], bool]:
        """A background read's ``seguir`` (store/lectura.py): it waits while the clerk's
        questions are answered, then goes on while ``vigente()``."""

        def seguir() -> bool:
            ceder()
            # The poll notices a change, which sets nothing here.
            while vigente():
                if self._libre.wait(0.05):
                    return vigente()
            return False

        return seguir

    def total(self, llave: Hashable, leer: Callable[[], int]) -> int:
        """A count: a find's alone, or under a panel filter (``llave`` says which)."""
        return self._obtener(self._totales, llave, leer)

    def ids_guardados(self, llave: Hashable, vigencia: int | None = None) -> array[int] | None:
        """A sorted find's ids kept under ``vigencia`` (None: the store's now)."""
        return self._guardado(self._ids, llave, vigencia)

    def ids_en_lectura(self, llave: Hashable) -> bool:
        """Whether a sorted find's ids are being read (by the scroll bar's keys)."""
        with self._lock:
            return (id(self._ids), llave) in self._leyendo

    def ids(self, llave: Hashable, leer: Callable[[], array[int]]) -> array[int]:
        """A sorted find's ids in its order."""
        return self._obtener(self._ids, llave, leer)

    def marcas_guardadas(self, llave: Hashable, vigencia: int) -> bytes | None:
        """A find's matches as bytes, kept under ``vigencia``."""
        return self._guardado(self._marcas, llave, vigencia)

    def marcas(self, llave: Hashable, leer: Callable[[], bytes]) -> bytes:
        """A find's matches as bytes (a far page and the scroll bar's keys, both asked in the
        pool right after a click, make them once)."""
        return self._obtener(self._marcas, llave, leer)

    def _guardado(
        self, guardados: _Guardados[T], llave: Hashable, vigencia: int | None
    ) -> T | None:
        """The value kept under ``vigencia`` (None: the store's now), never read here."""
        vigente = self._vigencia() if vigencia is None else vigencia
        with self._lock:
            return guardados.get(llave, vigente)

    def _obtener(self, guardados: _Guardados[T], llave: Hashable, leer: Callable[[], T]) -> T:
        """The kept value, or ``leer()``'s, kept. A value another thread is reading is waited
        for, not read twice: the scroll bar's keys and a far page, both asked in the pool right
        after a find, need the same ids (0.4 s each for «ma» on 2 shared cores)."""
        marca = (id(guardados), llave)
        while True:
            vigencia = self._vigencia()  # before the read: a change meanwhile is newer
            with self._lock:
                valor = guardados.get(llave, vigencia)
                if valor is not None:
                    return valor
                otro = self._leyendo.get(marca)
                if otro is None:
                    leyendo = self._leyendo[marca] = threading.Event()
                    break
            otro.wait()  # then kept, unless it failed or a change came: read here then
        try:
            valor = leer()  # outside the lock: another value's read is not held up by this one
            with self._lock:
                guardados.put(llave, vigencia, valor)
            return valor
        finally:
            with self._lock:
                del self._leyendo[marca]
            leyendo.set()


@dataclass
class _Fondo:
    llave: Hashable
    vigencia: int  # when it began: kept only if the movements did not change since
    parar: threading.Event
    hilo: threading.Thread


def _esperar(segundos: float, seguir: Callable[[], bool]) -> bool:
    """``segundos`` waited, asking ``seguir()`` every 0.05 s (False: it said no)."""
    limite = time.monotonic() + segundos
    while (falta := limite - time.monotonic()) > 0:
        time.sleep(min(falta, 0.05))
        if not seguir():
            return False
    return True


def ceder() -> None:
    """Between two slices of a background read: the interpreter given back, so that the
    window's thread (and the pool's, reading the clerk's pages) takes it at once. Such a read
    runs at normal priority: at the lowest, on a busy machine the system left it waiting while
    it held the interpreter the window needs, and on Linux every thread it started (Qt's pool
    threads among them) inherited that priority."""
    time.sleep(0)
