"""A main window that folds what repeats, rather than scroll, while it is taller than its screen
(Windows' text at 200 % on a 768-line screen). Found by ``geometria.centrar`` by its object's
name («plegado»)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
from PySide6.QtWidgets import QLayout, QMainWindow, QTableView, QWidget

from icsoe_desktop.gui.kit.geometria import alto_libre, ancho_libre, cerrar, cerrar_a_lo_ancho

# A step of the folding: the widgets it hides, or what it does (a button moved to a row that has
# room for it).
Paso = Sequence[QWidget] | Callable[[], object]


def plegable(window: QMainWindow, grupos: Sequence[Paso]) -> None:
    """While ``window`` is taller than its screen (Windows' text at 200 % on a 768-line screen,
    or a page of its own taller than the others shown), the room between its rows closes up,
    then each step of ``grupos`` in turn is taken (what repeats what another part says hidden:
    a title, the session's line; a button moved beside others), then its lists keep one row
    under their header at least, until it fits: its grid, its buttons and its status bar stay
    in view, never under a scroll bar. Wider than its screen (Windows at 200 %: 683 px), the
    room at its sides closes up too."""
    _Plegado(window, grupos)


class _Plegado(QObject):
    """Watches a main window's layout requests (a page shown, a text changed): folds it."""

    def __init__(self, window: QMainWindow, grupos: Sequence[Paso]) -> None:
        super().__init__(window)
        self.setObjectName("plegado")
        self._window, self._grupos = window, list(grupos)
        self._plegados = 0  # how many groups are hidden
        self._cerrado = False
        self._estrecho = False  # its sides closed up (wider than its screen)
        self._dentro = False
        self._otra_vez = 0  # looks again while it does not fit yet (bounded)
        # Once the layouts inside have settled (a page shown, a row wrapped): a timer of its
        # own, gone with the window (a single shot aimed at a closed window's folding would
        # still run).
        self._despues = QTimer(self)
        self._despues.setSingleShot(True)
        self._despues.setInterval(0)
        self._despues.timeout.connect(self._diferido)
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        tipo = event.type()
        if tipo in (QEvent.Type.LayoutRequest, QEvent.Type.Show) and not self._despues.isActive():
            self._despues.start()
        return False

    def _diferido(self) -> None:
        if not self._dentro:
            self.ajustar(vaciar=True)

    def _necesita(self, vaciar: bool = False) -> int:
        # ``vaciar``: what waits to be laid out first (a row deciding to wrap), from the event
        # loop only: flushed from within another window's callback (a progress bar closing,
        # ``centrar``) it brought Qt down. Then the innermost layouts first: each tells its
        # widget's least size upwards.
        if vaciar:
            QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        for interior in reversed(self._window.findChildren(QLayout)):
            interior.activate()
        if (propio := self._window.layout()) is not None:
            propio.activate()
        return self._window.minimumSizeHint().height()

    def ajustar(self, vaciar: bool = False) -> None:
        self._dentro = True
        try:
            alto = alto_libre(self._window)
            self._estrechar(vaciar)
            if self._necesita(vaciar) > alto and not self._cerrado:
                self._cerrado = True
                cerrar(self._window)
            if self._plegar(alto, vaciar):
                self._otra_vez = 0  # a step taken: its effect is seen on the loop's next turn
            necesita = self._necesita(vaciar)
            if self._window.height() > alto >= necesita:
                self._window.resize(self._window.width(), alto)  # grown by a taller page
            # A row that wraps decides on its own turn of the event loop: look again then.
            if (necesita > alto or self._window.height() > alto) and self._otra_vez < 10:
                self._otra_vez += 1
                self._despues.start()
            else:
                self._otra_vez = 0
        finally:
            self._dentro = False

    def _estrechar(self, vaciar: bool) -> None:
        """Wider than its screen: the room at its sides closed up, once."""
        self._necesita(vaciar)
        if not self._estrecho and self._window.minimumSizeHint().width() > ancho_libre(
            self._window
        ):
            self._estrecho = True
            cerrar_a_lo_ancho(self._window)

    def _plegar(self, alto: int, vaciar: bool) -> bool:
        """The steps taken while it is taller than ``alto``; whether one was. From the event
        loop (``vaciar``) one at a time: a page just shown measures taller until its rows have
        wrapped, on the loop's next turns, and would fold more than it needs. All steps taken,
        its lists keep one row at least."""
        tomado = False
        while self._necesita(vaciar) > alto and self._plegados < len(self._grupos):
            paso = self._grupos[self._plegados]
            if callable(paso):
                paso()
            else:
                for widget in paso:
                    widget.setVisible(False)
            self._plegados += 1
            tomado = True
            if vaciar:
                return tomado
        if self._necesita(vaciar) > alto:
            listas_bajas(self._window)
        return tomado


def listas_bajas(window: QWidget) -> None:
    """Each list or grid of ``window`` held to a least height of rows: one row under its header
    from now on (their splitters and the window's size give them more)."""
    for vista in window.findChildren(QTableView):
        if vista.minimumHeight() > 0:
            filas = vista.verticalHeader().defaultSectionSize()
            cabecera = vista.horizontalHeader().sizeHint().height()
            marco = 2 * vista.frameWidth()
            vista.setMinimumHeight(min(vista.minimumHeight(), filas + cabecera + marco))
