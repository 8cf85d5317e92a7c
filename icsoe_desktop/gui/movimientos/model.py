"""The "Movimientos con IDSE" grid: a virtual model over the service's filtered, sorted pages.

The model has as many rows as the search finds (counted from the counts the store keeps, a few
milliseconds), but holds only the pages the view has painted lately. A page is read when a row
of it is first painted: next to a page it holds, by keyset (the rows after or before a known
one); elsewhere from the key before it, which a background read gives for every page after a
search; until then, the last page as the first of the reverse order, others by position. So
the first page, the next one at row 900,000, Ctrl+Fin or a jump to the middle of the scroll bar
read one page each, not every row before them. A page by position far from both ends (a jump to
the middle right after Buscar, before those keys are read) walks every key before it: it is read
in the background, «Leyendo…» in its rows meanwhile, and the window stays free. A row's texts are
formatted when it is first painted and kept with its page, with its colour: a pending aviso
past its deadline (what «Vencidos» finds) reads in red whatever the search.

A new order of the same search (a click on a header) reads its first page in the pool too: the
window waits for it a moment (most sorts: a few milliseconds) and otherwise goes on showing the
rows in their previous order until it arrives (a first sort before its index exists, a narrow
search sorted by a column whose index walks many rows to find its first hundred). The click
stops the previous order's read of every key (seconds at a million rows on a busy machine), and
its page goes ahead of any work still waiting for one of the pool's threads.

A find under a panel filter whose count would read every match's row (the find box's copy not
read yet: after an installation, a restore or a big import) shows its first page first, met
walking the order, with «contando…» for its count: the grid holds that page's rows alone until
the count, read in the pool, adds the rest below them.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from contextlib import ExitStack
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush

from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.domain.movimientos import MONEY, NUMBER, vencido
from icsoe_desktop.gui.kit import colores
from icsoe_desktop.gui.kit.colores import BASE
from icsoe_desktop.gui.kit.sesion import fin_de_sesion
from icsoe_desktop.services.movimientos.servicio import COLUMNS, Filtro, Interrumpida, Orden

if TYPE_CHECKING:
    from icsoe_desktop.services.movimientos.servicio import MovimientosService

log = logging.getLogger(__name__)
Index = QModelIndex | QPersistentModelIndex
PAGE_SIZE = 100  # a few screenfuls; each row of a page is one lookup by id (10-25 µs at 1M rows)
MAX_PAGES = 100  # 10,000 rows in memory at most, whatever the clerk scrolls through
BOUNDS_DELAY_MS = 300
# Beyond this many rows from both ends, a page read by position is read in the background (an
# OFFSET walks every key before it: 0.1–0.8 s of the window's time at a million rows).
FAR_ROWS = 2_000
# A find's page by position is read in the background: its matches walked or gathered and
# sorted, up to ~0.2 s at a million rows, and over a second for a few thousand matches sorted
# by a column without its sort index. A find of up to this many rows waits for it SORT_WAIT_S
# (one worker's movements, Ctrl+Fin: a few milliseconds, shown at once); a larger one does not.
FIND_AT_ONCE = 4_000
# A page still waiting for a thread this many pages away from the last one asked for is not
# read: the scroll bar was dragged past it (its rows are asked again if painted).
PAGES_PASSED = 2
# How long a sort's first page is waited for before the window goes on without it.
SORT_WAIT_S = 0.015
ID_ROLE = Qt.ItemDataRole.UserRole
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
# data() compares plain ints: Qt passes the role as one.
_DISPLAY = Qt.ItemDataRole.DisplayRole.value
_ALIGNMENT_ROLE = Qt.ItemDataRole.TextAlignmentRole.value
_ID_ROLE = ID_ROLE.value
_FOREGROUND_ROLE = Qt.ItemDataRole.ForegroundRole.value
_ALIGNMENT = tuple(int(_RIGHT.value) if c.kind in (MONEY, NUMBER) else None for c in COLUMNS)
_ESTADO, _VENCE = (
    next(i for i, c in enumerate(COLUMNS) if c.attr == a) for a in ("estado", "vence")
)
MSG_LEYENDO = "Leyendo…"
MSG_LECTURA_FALLIDA = (
    "No se pudieron leer los movimientos de la base de datos. Intenta de nuevo; si se repite, "
    "pide ayuda a soporte (el detalle quedó en el registro de la aplicación)."
)


class MovimientosModel(QAbstractTableModel):
    """``counted(total)`` follows each ``load`` (``por_contar()`` instead when a find's first
    rows are shown before its count: ``counted`` when it arrives); ``shown()`` once a search's
    first page is shown (at once, or when its count and page arrive from the pool);
    ``lectura_fallida(mensaje)`` says, in Spanish, that a read of the rows shown failed (the
    database busy with another program's write, a driver's error): the window offers
    ``reintentar``. Told once until it is retried."""

    counted = Signal(int)
    por_contar = Signal()
    shown = Signal()
    lectura_fallida = Signal(str)

    def __init__(self, movimientos: MovimientosService) -> None:
        super().__init__()
        self._service = movimientos
        self.filtro = Filtro()
        self.orden = Orden()
        self.total = 0
        self._pages: dict[int, list[tuple]] = {}
        # row -> its cells' texts, as painted, then its colour (red, or None)
        self._texts: dict[int, tuple] = {}
        self._hoy = movimientos.today()  # what is past due: as of the search's reading
        # (id, sort value) of the last row of each page, read in the background after a search:
        # with it, any page is one keyset seek away; without it, a far page is read by position.
        self._bounds: list[tuple] = []
        self._generation = 0
        self._pending: set[int] = set()  # pages being read in the background
        self._asked = 0  # the last page asked to be read in the background
        # The pages held before a refresh: shown while their new rows are read in the background
        # (a far page), so the rows on screen never go blank for a refresh.
        self._stale: dict[int, list[tuple]] = {}
        # A sort whose first page is being read (ordenar): shown when it arrives, unless a
        # search or another sort came first (each takes a new number).
        self._sorting: Orden | None = None
        self._sort_number = 0
        # A find whose count and first page are being read (load): shown when they arrive,
        # unless a search or a sort came first (the same numbers as a sort's).
        self._loading: tuple[Filtro, Orden] | None = None
        # The find shown whose count is being read after its first page (``contando()``): its
        # rows are those of that page until the count arrives.
        self._contando: Filtro | None = None
        # Set when what is read in the background for the rows shown is of no use any more (a
        # search, a sort, a refresh): a read of every key stops there.
        self._parar = threading.Event()
        self._reintento: Callable[[], None] | None = None  # the failed read, told and waiting
        # While the scroll bar is held by the mouse (``arrastrando``): the find box's
        # background work held back.
        self._sostenida: ExitStack | None = None

    def _fallo(self, exc: BaseException, reintento: Callable[[], None]) -> None:
        """A read failed: told once (a session ended is told by the application)."""
        if fin_de_sesion(exc) or self._reintento is not None:
            return
        self._reintento = reintento
        mensaje = exc.message if isinstance(exc, DomainError) else MSG_LECTURA_FALLIDA
        self.lectura_fallida.emit(mensaje)

    def reintentar(self) -> None:
        """The read that failed, again (the user's «Reintentar»)."""
        reintento, self._reintento = self._reintento, None
        if reintento is not None:
            reintento()

    def descartar(self) -> None:
        """The failed read is not retried now; a later one may be told again."""
        self._reintento = None

    def arrastrando(self, sostenida: bool) -> None:
        """The scroll bar is held by the mouse (True) or let go. While it is dragged no page is
        waited for: a new position every few frames, each wait the window's thread would spend
        beside the pool's thread reading the page — the two wanting the interpreter at once,
        stalls of 50 ms and more on a busy machine. Its rows say «Leyendo…» until it arrives.
        And the find box's work in the background waits, as while a page is read (the copy's
        process apart, a find's panel terms): the window's thread has the processor first."""
        if sostenida and self._sostenida is None:
            self._sostenida = ExitStack()
            self._sostenida.enter_context(self._service.en_primer_plano())
        elif not sostenida and self._sostenida is not None:
            sostenida_antes, self._sostenida = self._sostenida, None
            sostenida_antes.close()

    def _parar_lecturas(self) -> None:
        self._parar.set()
        self._parar = threading.Event()

    # --- queries -------------------------------------------------------------------------------

    def load(self, filtro: Filtro, orden: Orden | None = None) -> None:
        """Count the search and read its first page. A find (the find box) is counted through
        its indexes, up to ~0.15 s at a million rows (an apellido with a panel filter): counted
        and read in the pool, waited for SORT_WAIT_S, and otherwise shown when it arrives while
        the window answers with the rows it showed (``loading()`` until then)."""
        filtro.check()
        # The order its header already shows, or is about to.
        orden = orden or self._sorting or (self._loading or (None, None))[1] or self.orden
        self._sorting = self._loading = self._contando = None
        self._sort_number += 1
        if filtro.buscar.strip():
            self._load_in_pool(filtro, orden)
            return
        self._show_first(filtro, orden, *self._read_now(filtro, orden), search=True)

    def _load_in_pool(self, filtro: Filtro, orden: Orden) -> None:
        from icsoe_desktop.gui.kit.operaciones import PRIORIDAD_ESPERADA, en_segundo_plano

        number = self._sort_number
        self._loading = (filtro, orden)
        self._parar_lecturas()  # the keys of the search on screen: of no use from now on
        read = threading.Event()
        results: list[tuple[int | None, list[tuple]]] = []

        def count_and_page() -> tuple[int | None, list[tuple]]:
            try:
                results.append(self._page_then_count(filtro, orden))
                return results[0]
            finally:
                read.set()

        def failed(exc: BaseException) -> None:
            if number == self._sort_number:  # read here: an error again is told as any other
                log.warning("No se pudo buscar en segundo plano", exc_info=exc)
                self._loading = None
                self._show_first(filtro, orden, *self._read_now(filtro, orden), search=True)

        en_segundo_plano(
            count_and_page,
            lambda found: self._loaded(number, filtro, orden, found),
            failed,
            dueno=self,
            prioridad=PRIORIDAD_ESPERADA,
        )
        if read.wait(SORT_WAIT_S) and results:
            self._loaded(number, filtro, orden, results[0])

    def _read_now(self, filtro: Filtro, orden: Orden) -> tuple[int, list[tuple]]:
        total = self._service.count(filtro)
        return total, self._service.pagina(filtro, orden, 0, PAGE_SIZE, total) if total else []

    def _page_then_count(self, filtro: Filtro, orden: Orden) -> tuple[int | None, list[tuple]]:
        """A find's count and first page; its first page alone (count None: read after it)
        when the count would read every match and the page is met at once."""
        first = self._service.primera_pagina(filtro, orden, PAGE_SIZE)
        if first is None:
            return self._read_now(filtro, orden)
        return (len(first) if len(first) < PAGE_SIZE else None), first

    def loading(self) -> bool:
        """A find's count and first page are still being read."""
        return self._loading is not None

    def contando(self) -> bool:
        """A find's first rows are shown and its count is still being read."""
        return self._contando is not None

    def _loaded(
        self, number: int, filtro: Filtro, orden: Orden, found: tuple[int | None, list[tuple]]
    ) -> None:
        if number != self._sort_number or self._loading is None:
            return  # shown already, or a search or a sort came meanwhile
        self._loading = None
        total, first = found
        self._contando = filtro if total is None else None
        self._show_first(filtro, orden, len(first) if total is None else total, first, True)
        if total is None:
            self._contar_despues(filtro)

    def _contar_despues(self, filtro: Filtro) -> None:
        """The find shown, counted in the pool: its rows past the first page added then."""
        from icsoe_desktop.gui.kit.operaciones import PRIORIDAD_ESPERADA, en_segundo_plano

        def llego(total: int) -> None:
            if self._contando is filtro:  # still shown (in any order), not refreshed since
                self._contando = None
                self._contado(total)

        def failed(exc: BaseException) -> None:
            log.error("No se pudo contar la búsqueda", exc_info=exc)
            if self._contando is filtro:  # told, and counted again if retried
                self._fallo(exc, lambda: self._contar_despues(filtro))

        en_segundo_plano(
            lambda: self._service.count(filtro),
            llego,
            failed,
            dueno=self,
            prioridad=PRIORIDAD_ESPERADA,
        )

    def _contado(self, total: int) -> None:
        """The count of the find shown arrived: the rows past its first page, added below
        it (the first page, its scroll position and selection stay)."""
        if total < self.total or self._sorting is not None:
            self._refrescar(total)  # changed meanwhile, or a sort's page is on its way
            return
        if total > self.total:
            self.beginInsertRows(QModelIndex(), self.total, total - 1)
            self.total = total
            self.endInsertRows()
        self.counted.emit(self.total)
        self._bounds_later()

    def _show_first(
        self, filtro: Filtro, orden: Orden, total: int, first: list[tuple], search: bool = False
    ) -> None:
        """The search ``filtro`` in ``orden`` from its first page, forgetting every other
        (``search``: a new search, not a new order of the one shown)."""
        self.beginResetModel()
        self.filtro, self.orden = filtro, orden
        # A row removed between the count and the page (sync) must not leave an empty row.
        self.total = total if len(first) == min(total, PAGE_SIZE) else len(first)
        self._pages = {0: first}
        self._stale = {}
        self._texts.clear()
        self._hoy = self._service.today()
        self._bounds = []
        self._pending = set()
        self._generation += 1
        self._parar_lecturas()
        self.endResetModel()
        if self._contando is None:
            self.counted.emit(self.total)
        else:
            self.por_contar.emit()
        if search:
            self.shown.emit()
        self._bounds_later()

    def refrescar(self) -> None:
        """The same search and order again after the data changed (a sync, an import, a lote):
        counted again from the kept counts, and only the pages the view paints read again, when
        it paints them; rows added or removed at the end, so the view keeps its scroll position
        and selection (a reset would lose both). Never a read of every row. A find is counted
        in the pool (as ``load`` does), its rows refreshed when counted."""
        from icsoe_desktop.gui.kit.operaciones import PRIORIDAD_ESPERADA, en_segundo_plano

        if self._loading is not None:  # a find on its way: read again, of the new data
            self.load(*self._loading)
            return
        if not self.filtro.buscar.strip():
            self._refrescar(self._service.count(self.filtro))
            return
        filtro = self.filtro

        def counted(total: int) -> None:
            # The same search still (an order of it counts the same); none on its way.
            if filtro is self.filtro and self._loading is None:
                self._refrescar(total)

        def failed(exc: BaseException) -> None:
            log.error("No se pudo contar la búsqueda de nuevo", exc_info=exc)
            if filtro is self.filtro and self._loading is None:  # told, not left stale
                self._fallo(exc, self.refrescar)

        en_segundo_plano(
            lambda: self._service.count(filtro),
            counted,
            failed,
            dueno=self,
            prioridad=PRIORIDAD_ESPERADA,
        )

    def _refrescar(self, total: int) -> None:
        self._contando = None  # counted now
        if self._sorting is not None:  # a sort's page still on its way: its order from now on
            self.orden, self._sorting = self._sorting, None
            self._sort_number += 1
        self._generation += 1  # pages and bounds still being read are of the old data
        self._parar_lecturas()
        self._stale, self._pages = self._pages, {}
        self._texts.clear()
        self._hoy = self._service.today()
        self._bounds = []
        self._pending = set()
        if total > self.total:
            self.beginInsertRows(QModelIndex(), self.total, total - 1)
            self.total = total
            self.endInsertRows()
        elif total < self.total:
            self.beginRemoveRows(QModelIndex(), total, self.total - 1)
            self.total = total
            self.endRemoveRows()
        if total:  # the view asks again only for the cells it paints
            self.dataChanged.emit(self.index(0, 0), self.index(total - 1, len(COLUMNS) - 1))
        self.counted.emit(self.total)
        self._bounds_later()

    def _bounds_later(self) -> None:
        if self.total > 2 * PAGE_SIZE:
            # A moment later, and only if no other search or sort came meanwhile: clicking
            # through sorts must not queue a read of every key for each.
            generation = self._generation
            QTimer.singleShot(BOUNDS_DELAY_MS, lambda: self._read_bounds(generation))

    def bounds_ready(self) -> bool:
        return bool(self._bounds)

    def sort_built(self, orden: Orden) -> None:
        """``orden``'s sort index is there now: the keys of every page, if this is its grid
        (until then they are not read: every key sorted apart, seconds beside the build)."""
        if orden.column == self.orden.column and not self._bounds and self.total > 2 * PAGE_SIZE:
            generation = self._generation
            QTimer.singleShot(0, lambda: self._read_bounds(generation))

    def _read_bounds(self, generation: int) -> None:
        from icsoe_desktop.gui.kit.operaciones import en_segundo_plano

        if generation != self._generation or self._sorting is not None:
            return  # another search or order came, or is on its way: its own keys then
        try:
            if not self._service.keys_indexed(self.orden):
                return
        except DomainError as exc:  # refused: a session ended, its windows are closing
            log.warning("Límites de página sin leer: %s", exc.code)
            return
        filtro, orden, total, parar = self.filtro, self.orden, self.total, self._parar

        def done(bounds: list[tuple]) -> None:
            if generation == self._generation:  # not for an earlier search
                self._bounds = bounds

        def failed(exc: BaseException) -> None:
            if not isinstance(exc, Interrumpida):  # stopped: another order came
                log.error("No se pudieron leer los límites de página", exc_info=exc)

        en_segundo_plano(
            lambda: self._service.boundaries(
                filtro, orden, PAGE_SIZE, total, lambda: not parar.is_set()
            ),
            done,
            failed,
        )

    def _repintar(self) -> None:
        if self.total:
            self.dataChanged.emit(self.index(0, 0), self.index(self.total - 1, len(COLUMNS) - 1))

    def _page(self, number: int) -> list[tuple] | None:
        """The page, or None while it is read in the background."""
        page = self._pages.get(number)
        if page is None and number in self._pending:
            # Being read: asked again for every role of every cell painted meanwhile (~900
            # times a page while the bar is dragged), answered here at once.
            self._asked = number
            return None
        if page is None:
            try:
                page = self._read(number)
            except DomainError as exc:
                # Refused (a session ended: its windows are closing) or not read now: the rows
                # stay blank until it is retried.
                log.warning("Página %s de movimientos sin leer: %s", number, exc.code)
                self._fallo(exc, self._repintar)
                return None
            if page is not None:
                self._keep(number, page)
        return page

    def _keep(self, number: int, page: list[tuple]) -> None:
        self._pages[number] = page
        self._stale.pop(number, None)
        while len(self._pages) > MAX_PAGES:  # forget the page farthest from this one
            far = max(self._pages, key=lambda n: abs(n - number))
            del self._pages[far]
            for row in range(far * PAGE_SIZE, (far + 1) * PAGE_SIZE):
                self._texts.pop(row, None)

    def _read(self, number: int) -> list[tuple] | None:
        """The page read now (without a find: a keyset seek, or an OFFSET of at most
        FAR_ROWS keys), or in the background (a find's: its matches gathered and sorted, over
        a second for a few thousand under a column without its sort index) and returned if
        it arrives within SORT_WAIT_S — None meanwhile."""
        service, filtro, orden, total = self._service, self.filtro, self.orden, self.total
        size = min(PAGE_SIZE, total - number * PAGE_SIZE)
        before, after = self._pages.get(number - 1), self._pages.get(number + 1)
        leer: Callable[[], list[tuple]]
        wait = SORT_WAIT_S

        def desde(row: tuple, backwards: bool = False) -> Callable[[], list[tuple]]:
            return lambda: service.pagina_desde(filtro, orden, row, size, backwards, total)

        if before and len(before) == PAGE_SIZE:
            leer = desde(before[-1])
        elif after:
            leer = desde(after[0], True)
        elif 0 < number <= len(self._bounds):
            leer = desde(self._bounds[number - 1])
        else:
            near = min(number * PAGE_SIZE, total - number * PAGE_SIZE - size) <= FAR_ROWS
            leer = partial(self._by_position, number, filtro, orden, total)
            if not near:
                return self._read_later(number, leer, 0)
            if total > FIND_AT_ONCE:
                wait = 0
        if not filtro.buscar.strip():
            return leer()
        return self._read_later(number, leer, wait)

    def _by_position(self, number: int, filtro: Filtro, orden: Orden, total: int) -> list[tuple]:
        service = self._service
        size = min(PAGE_SIZE, total - number * PAGE_SIZE)
        from_end = total - number * PAGE_SIZE - size
        if from_end < number * PAGE_SIZE:  # nearer the end: the reverse order's rows
            reverse = Orden(orden.column, not orden.descending)
            return service.pagina(filtro, reverse, from_end, size, total)[::-1]
        return service.pagina(filtro, orden, number * PAGE_SIZE, size, total)

    def _read_later(
        self, number: int, leer: Callable[[], list[tuple]], wait: float
    ) -> list[tuple] | None:
        """Read a page (``leer``) in the background; its rows are painted when it arrives.
        Returned instead if it arrives within ``wait`` seconds — only when no other page is
        being read (the pool busy with one: this one would keep the window waiting too, a wait
        for each page of a screen) and the scroll bar is not being dragged (``arrastrando``)."""
        from icsoe_desktop.gui.kit.operaciones import PRIORIDAD_ESPERADA, en_segundo_plano

        self._asked = number
        if number in self._pending:
            return None
        wait = 0 if self._pending or self._sostenida is not None else wait
        self._pending.add(number)
        generation = self._generation
        read = threading.Event()
        pages: list[list[tuple] | None] = []

        def read_page() -> list[tuple] | None:
            try:
                if abs(number - self._asked) > PAGES_PASSED:
                    pages.append(None)  # dragged past: a thread for the rows asked now
                else:
                    pages.append(leer())
                return pages[0]
            finally:
                read.set()

        def done(page: list[tuple] | None) -> None:
            if generation != self._generation:  # another search or sort came meanwhile
                return
            self._pending.discard(number)
            if number in self._pages:
                return
            first = number * PAGE_SIZE
            if page is None:  # not read: asked again if the view paints its rows
                last = min(first + PAGE_SIZE, self.total) - 1
                if last >= first:
                    self.dataChanged.emit(self.index(first, 0), self.index(last, 0))
                return
            self._keep(number, page)
            for row in range(first, first + PAGE_SIZE):  # texts of the stale rows shown
                self._texts.pop(row, None)
            self.dataChanged.emit(
                self.index(first, 0), self.index(first + len(page) - 1, len(COLUMNS) - 1)
            )

        def otra_vez() -> None:
            self._read_later(number, leer, 0)

        def failed(exc: BaseException) -> None:
            self._pending.discard(number)
            log.error("No se pudo leer una página de movimientos", exc_info=exc)
            if generation == self._generation:
                self._fallo(exc, otra_vez)

        en_segundo_plano(read_page, done, failed, dueno=self, prioridad=PRIORIDAD_ESPERADA)
        if wait and read.wait(wait) and pages and pages[0] is not None:
            self._pending.discard(number)  # arrived: shown now (done() finds it kept)
            return pages[0]
        return None

    def row_values(self, row: int) -> tuple | None:
        """(id, value per COLUMNS..., sort value) of a row, None if it vanished meanwhile."""
        page = self._page(row // PAGE_SIZE)
        if page is None:  # read in the background: what it held before a refresh meanwhile
            page = self._stale.get(row // PAGE_SIZE)
        offset = row % PAGE_SIZE
        return page[offset] if page is not None and offset < len(page) else None

    def fila_de(self, movimiento_id: int, cerca: int) -> int | None:
        """The row of a movement among the pages held around row ``cerca`` (its page read if
        it can be read at once), None if it is not there."""
        self.row_values(cerca)
        number = cerca // PAGE_SIZE
        for near in (number, number - 1, number + 1):
            for offset, values in enumerate(self._pages.get(near) or ()):
                if values[0] == movimiento_id:
                    return near * PAGE_SIZE + offset
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.ordenar(Orden(column, order == Qt.SortOrder.DescendingOrder))

    def ordenar(self, orden: Orden) -> None:
        """The same search in ``orden``, from its first rows: the page is read in the pool and
        waited for SORT_WAIT_S; a slower one is shown when it arrives (``sorting()`` until then)
        while the rows on screen stay in their previous order and the window answers."""
        from icsoe_desktop.gui.kit.operaciones import PRIORIDAD_ESPERADA, en_segundo_plano

        if self._loading is not None:  # a find on its way: read in this order instead
            self.load(self._loading[0], orden)
            return
        self._sort_number += 1
        number, filtro = self._sort_number, self.filtro
        # A find still being counted: its page waits for that count (read once, in the pool).
        total = None if self._contando is not None else self.total
        self._sorting = orden
        self._parar_lecturas()  # the keys of the order on screen: of no use from now on
        read = threading.Event()
        pages: list[list[tuple]] = []

        def first_page() -> list[tuple]:
            try:
                page = (
                    self._service.pagina(filtro, orden, 0, PAGE_SIZE, total)
                    if total is None or total
                    else []
                )
                pages.append(page)
                return page
            finally:
                read.set()

        def failed(exc: BaseException) -> None:
            if number == self._sort_number:  # not for a sort or search that came after
                log.warning("No se pudo ordenar en segundo plano", exc_info=exc)
                self._sorting = None  # the rows stay in the order shown until it is retried
                self._fallo(exc, lambda: self.ordenar(orden))

        en_segundo_plano(
            first_page,
            lambda page: self._sorted(number, orden, page),
            failed,
            dueno=self,
            prioridad=PRIORIDAD_ESPERADA,
        )
        if read.wait(SORT_WAIT_S) and pages:
            self._sorted(number, orden, pages[0])

    def sorting(self) -> bool:
        """A sort's first page is still being read."""
        return self._sorting is not None

    def _sorted(self, number: int, orden: Orden, first: list[tuple]) -> None:
        if number != self._sort_number or self._sorting is None:
            return  # shown already, or a search or another sort came meanwhile
        self._sorting = None
        self._show_first(self.filtro, orden, self.total, first)

    # --- Qt model API --------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else self.total

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = _DISPLAY) -> object:
        # Asked for ~7 roles of every painted cell on every paint: the common answers come
        # first and cheap, and a row's texts are formatted once, not per cell and paint.
        if role == _DISPLAY:
            texts = self._texts.get(index.row())
            if texts is None:
                texts = self._format(index)
                if texts is None:
                    return self._leyendo(index)
            return texts[index.column()]
        if role == _ALIGNMENT_ROLE:
            return _ALIGNMENT[index.column()] if index.isValid() else None
        if role == _ID_ROLE and index.isValid():
            row = self.row_values(index.row())
            return None if row is None else row[0]
        if role == _FOREGROUND_ROLE:  # asked before the texts on a row's first paint
            texts = self._texts.get(index.row()) or self._format(index)
            return None if texts is None else texts[-1]
        return None

    def _leyendo(self, index: Index) -> str | None:
        """«Leyendo…» in the first cell of a row whose page is read in the background (a find's,
        or a far page by position: seconds for a find sorted by a column whose order is not
        kept)."""
        if index.isValid() and index.column() == 0 and index.row() // PAGE_SIZE in self._pending:
            return MSG_LEYENDO
        return None

    def _format(self, index: Index) -> tuple | None:
        if not index.isValid():
            return None
        row = self.row_values(index.row())
        if row is None:
            return None
        values = row[1 : len(COLUMNS) + 1]
        texts = tuple(column.display(value) for column, value in zip(COLUMNS, values, strict=True))
        rojo = vencido(values[_ESTADO], values[_VENCE], self._hoy)
        color = QBrush(colores.color(colores.ERROR, BASE)) if rojo else None  # as every list
        self._texts[index.row()] = formatted = (*texts, color)
        return formatted

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section].header
        return None

    def loaded(self) -> int:
        """Rows held in memory now."""
        return sum(len(page) for page in self._pages.values())
