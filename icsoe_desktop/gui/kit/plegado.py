"""A main window that folds what repeats, rather than scroll, while it is taller than its screen
(Windows' text at 200 % on a 768-line screen). Found by ``geometria.centrar`` by its object's
name («plegado»)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
from PySide6.QtWidgets import QLayout, QMainWindow, QTableView, QWidget

from icsoe_desktop.gui.kit.geometria import alto_libre, cerrar


def plegable(window: QMainWindow, grupos: Sequence[Sequence[QWidget]]) -> None:
    """While ``window`` is taller than its screen (Windows' text at 200 % on a 768-line screen,
    or a page of its own taller than the others shown), the room between its rows closes up,
    then each group of ``grupos`` in turn is hidden (what repeats what another part says: a
    title, the session's line), then its lists keep one row under their header at least, until
    it fits: its grid, its buttons and its status bar stay in view, never under a scroll bar."""
    _Plegado(window, grupos)


class _Plegado(QObject):
    """Watches a main window's layout requests (a page shown, a text changed): folds it."""

    def __init__(self, window: QMainWindow, grupos: Sequence[Sequence[QWidget]]) -> None:
        super().__init__(window)
        self.setObjectName("plegado")
        self._window, self._grupos = window, [list(g) for g in grupos]
        self._plegados = 0  # how many groups are hidden
        self._cerrado = False
        self._dentro = self._pendiente = False
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        tipo = event.type()
        if tipo in (QEvent.Type.LayoutRequest, QEvent.Type.Show) and not self._pendiente:
            # Once the layouts inside have settled (a page shown, a row wrapped).
            self._pendiente = True
            QTimer.singleShot(0, self._diferido)
        return False

    def _diferido(self) -> None:
        self._pendiente = False
        if not self._dentro:
            self.ajustar()

    def _necesita(self) -> int:
        # What waits to be laid out first (a row deciding to wrap), then the innermost layouts
        # first: each tells its widget's least size upwards.
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        for interior in reversed(self._window.findChildren(QLayout)):
            interior.activate()
        if (propio := self._window.layout()) is not None:
            propio.activate()
        return self._window.minimumSizeHint().height()

    def ajustar(self) -> None:
        self._dentro = True
        try:
            alto = alto_libre(self._window)
            if self._necesita() > alto and not self._cerrado:
                self._cerrado = True
                cerrar(self._window)
            while self._necesita() > alto and self._plegados < len(self._grupos):
                for widget in self._grupos[self._plegados]:
                    widget.setVisible(False)
                self._plegados += 1
            if self._necesita() > alto:
                _listas_bajas(self._window)
            if self._window.height() > alto >= self._necesita():
                self._window.resize(self._window.width(), alto)  # grown by a taller page
        finally:
            self._dentro = False


def _listas_bajas(window: QWidget) -> None:
    """Each list or grid of ``window`` held to a least height of rows: one row under its header
    from now on (their splitters and the window's size give them more)."""
    for vista in window.findChildren(QTableView):
        if vista.minimumHeight() > 0:
            filas = vista.verticalHeader().defaultSectionSize()
            cabecera = vista.horizontalHeader().sizeHint().height()
            marco = 2 * vista.frameWidth()
            vista.setMinimumHeight(min(vista.minimumHeight(), filas + cabecera + marco))
