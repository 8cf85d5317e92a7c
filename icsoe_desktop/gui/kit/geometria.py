"""Windows that fit the screen they open on and open centred on the window they come from.

The most common office laptop shows 1366×768 with a 40 px taskbar: a window and its frame must
fit the 1366×728 left (the screen's available geometry), or its bottom and its buttons are off
the screen. A window not shown yet has no frame to measure: Windows' own (title bar and borders
at 100 %) is assumed, so that it fits once the frame is added.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from PySide6.QtCore import QCoreApplication, QEvent, QMargins, QObject, QRect, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import (
    QBoxLayout,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLayout,
    QMainWindow,
    QScrollArea,
    QSizePolicy,
    QSpacerItem,
    QTableView,
    QWidget,
)

# Windows 10/11 at 100 %: a 31 px title bar and 8 px borders (the resizing ones included).
MARGENES_VENTANA = QMargins(8, 31, 8, 8)
# A window closed up to fit (``compactar``): px between its rows, above and below its layouts.
ESPACIO_COMPACTO = MARGEN_COMPACTO = 4


def margenes(window: QWidget) -> QMargins:
    """The frame around ``window``'s contents: measured once it has one, else Windows'."""
    frame, inner = window.frameGeometry(), window.geometry()
    measured = QMargins(
        inner.left() - frame.left(),
        inner.top() - frame.top(),
        frame.right() - inner.right(),
        frame.bottom() - inner.bottom(),
    )
    if measured.isNull():
        return MARGENES_VENTANA
    return measured


def pantalla(window: QWidget, parent: QWidget | None = None) -> QScreen:
    """The screen of the window it comes from, else its own, else the primary one.

    Asked of QGuiApplication where the widget is, never of the widget: PySide makes what
    ``widget.screen()`` returns a Python child of that widget, and when the garbage collector
    frees a window in a reference cycle it may free that child first, deleting the QScreen
    itself; Qt's screen list keeps the freed screen and the next window crashes on it."""
    for widget in (parent, window):
        if widget is None:
            continue
        if screen := QGuiApplication.screenAt(widget.mapToGlobal(widget.rect().center())):
            return screen
    screen = QGuiApplication.primaryScreen()
    assert screen is not None  # a QApplication without screens shows no windows either
    return screen


def area_disponible(window: QWidget, parent: QWidget | None = None) -> QRect:
    """Where ``window``'s frame may go: its screen less the taskbar."""
    return pantalla(window, parent).availableGeometry()


def centrar(window: QWidget, parent: QWidget | None = None) -> None:
    """Fit ``window`` (with its frame) in its screen's available geometry and centre it on
    ``parent``'s window (the one it was opened from), or on the screen without one.

    ``window`` has its size already (``resize`` or ``adjustSize``). Its minimum size is
    respected: a window that cannot be smaller keeps its title bar on the screen, at the top.
    """
    anchor = parent.window() if parent is not None else None
    if anchor is not None and not anchor.isVisible():
        anchor = None
    if (layout := window.layout()) is not None:
        layout.activate()  # a window not shown yet learns its minimum size here
    area = area_disponible(window, anchor)
    frame = margenes(window)
    if (plegado := window.findChild(_Plegado, options=_DIRECTO)) is not None:
        plegado.ajustar()  # what does not fit folds away first
    if window.minimumSizeHint().height() > area.height() - frame.top() - frame.bottom():
        _desplazable(window)
    compactar(window)
    width = min(window.width(), area.width() - frame.left() - frame.right())
    height = min(window.height(), area.height() - frame.top() - frame.bottom())
    least, hint = window.minimumSize(), window.minimumSizeHint()  # as Qt chooses between them
    width = max(width, least.width() or hint.width())
    # A wrapped text needs more lines than the layout's minimum counts: without them the
    # window would squash its fields to make room for it.
    wrapped = window.heightForWidth(width) if layout is not None else -1
    window.resize(width, max(height, least.height() or hint.height(), wrapped))
    outer = QRect(0, 0, window.width(), window.height()).marginsAdded(frame)
    outer.moveCenter(anchor.frameGeometry().center() if anchor is not None else area.center())
    outer.moveLeft(max(area.left(), min(outer.left(), area.right() - outer.width() + 1)))
    outer.moveTop(max(area.top(), min(outer.top(), area.bottom() - outer.height() + 1)))
    window.move(outer.topLeft())  # a window's position is its frame's


def compactar(window: QWidget) -> None:
    """A window that is not a main window (the login, ICSOE's start) and is taller than its
    screen (Windows' text at 200 % on a 768-line screen) closes up the room between its rows
    and around its layouts: the text keeps its size and every control stays on the screen.
    Windows' frame is counted even where the one measured here is thinner."""
    necesita = max(window.minimumSizeHint().height(), window.heightForWidth(window.width()))
    if isinstance(window, QMainWindow) or necesita <= _alto_libre(window):
        return
    _cerrar(window)


def _alto_libre(window: QWidget) -> int:
    """The height a window's contents may take on its screen, Windows' frame counted even where
    the one measured here is thinner."""
    frame = margenes(window)
    marco = max(frame.top() + frame.bottom(), MARGENES_VENTANA.top() + MARGENES_VENTANA.bottom())
    return area_disponible(window).height() - marco


def _cerrar(window: QWidget) -> None:
    """The room between ``window``'s rows and around its layouts closed up."""
    layouts = window.findChildren(QLayout)
    # A grid inside a grid takes its spacing from it while both of its own are alike: closing
    # the rows alone would leave the inner one's columns touching (a question and its link).
    for layout in layouts:
        if isinstance(layout, QGridLayout | QFormLayout):
            layout.setHorizontalSpacing(layout.horizontalSpacing())
    for layout in layouts:
        margins = layout.contentsMargins()
        layout.setContentsMargins(
            margins.left(),
            min(margins.top(), MARGEN_COMPACTO),
            margins.right(),
            min(margins.bottom(), MARGEN_COMPACTO),
        )
        if isinstance(layout, QGridLayout | QFormLayout):
            layout.setVerticalSpacing(_cerrado(layout.verticalSpacing()))
        elif isinstance(layout, QBoxLayout) and layout.direction() in (
            QBoxLayout.Direction.TopToBottom,
            QBoxLayout.Direction.BottomToTop,
        ):
            layout.setSpacing(_cerrado(layout.spacing()))
    # The innermost first, the window's own last: each tells its widget's new size upwards.
    for layout in reversed(layouts):
        layout.invalidate()
        layout.activate()


def _cerrado(espacio: int) -> int:
    """At most ``ESPACIO_COMPACTO`` between rows (-1, the style's own, is larger)."""
    return espacio if 0 <= espacio <= ESPACIO_COMPACTO else ESPACIO_COMPACTO


def plegable(window: QMainWindow, grupos: Sequence[Sequence[QWidget]]) -> None:
    """While ``window`` is taller than its screen (Windows' text at 200 % on a 768-line screen,
    or a page of its own taller than the others shown), the room between its rows closes up,
    then each group of ``grupos`` in turn is hidden (what repeats what another part says: a
    title, the session's line), then its lists keep one row under their header at least, until
    it fits: its grid, its buttons and its status bar stay in view, never under a scroll bar."""
    _Plegado(window, grupos)


_DIRECTO = Qt.FindChildOption.FindDirectChildrenOnly


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
            alto = _alto_libre(self._window)
            if self._necesita() > alto and not self._cerrado:
                self._cerrado = True
                _cerrar(self._window)
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


def _desplazable(window: QWidget) -> None:
    """A main window taller than the screen (Windows' text at 200 % on a 768-line screen) shows
    its contents in a scroll area: squeezed to the screen, its buttons would cover its grids."""
    if not isinstance(window, QMainWindow) or isinstance(window.centralWidget(), QScrollArea):
        return
    contenido = window.takeCentralWidget()
    if contenido is None:
        return
    scroll = QScrollArea(window)
    scroll.setObjectName("contenidoScroll")
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setWidgetResizable(True)
    scroll.setWidget(contenido)
    window.setCentralWidget(scroll)
    if (layout := window.layout()) is not None:
        layout.activate()


def en_dos_filas_si_no_cabe(fila: QBoxLayout, corte: QWidget) -> None:
    """A row of fields as one row, or as two (from ``corte`` on) while a larger text (Windows'
    150 % or 200 %) would widen the one row past the window, which then could not fit the
    screen. Each part is a layout of its own, side by side or one under the other (the
    direction of ``fila``): the widgets and their Tab order are the same. Decided again as the
    window is resized or the row's texts change; ``fila`` is in its window's layout already."""
    items = [item for _ in range(fila.count()) if (item := fila.takeAt(0))]
    partes = (QHBoxLayout(), QHBoxLayout())
    parte = partes[0]
    for item in items:
        if item.widget() is corte:
            parte = partes[1]
        if (widget := item.widget()) is not None:
            parte.addWidget(widget)
        elif (espacio := item.spacerItem()) is not None:
            parte.addItem(espacio)
    # Each part's end: in two rows, what the part holds goes from the left.
    expande = QSizePolicy.Policy.Expanding
    huecos = (QSpacerItem(0, 0, expande), QSpacerItem(0, 0, expande))
    for parte, hueco in zip(partes, huecos, strict=True):
        parte.addItem(hueco)
        parte.setContentsMargins(0, 0, 0, 0)
        parte.setSpacing(fila.spacing())
        fila.addLayout(parte)
    fila.setDirection(QBoxLayout.Direction.TopToBottom)  # until the window's width is known
    dueno = fila.parentWidget()
    assert dueno is not None, "la fila aún no está en su ventana"
    _DosFilas(dueno, fila, partes, huecos)


class _DosFilas(QObject):
    """Watches the widget that holds the row: one row when both parts fit its width."""

    def __init__(
        self,
        dueno: QWidget,
        fila: QBoxLayout,
        partes: tuple[QHBoxLayout, QHBoxLayout],
        huecos: tuple[QSpacerItem, QSpacerItem],
    ) -> None:
        super().__init__(dueno)
        self._fila, self._partes, self._huecos = fila, partes, huecos
        dueno.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.Resize, QEvent.Type.LayoutRequest):
            self._decidir(cast("QWidget", watched))
        return False

    def _decidir(self, dueno: QWidget) -> None:
        layout = dueno.layout()
        margenes = layout.contentsMargins() if layout is not None else QMargins()
        ancho = dueno.contentsRect().width() - margenes.left() - margenes.right()
        partes = [parte.sizeHint().width() for parte in self._partes]
        una = sum(partes) + self._fila.spacing() <= ancho
        direccion = QBoxLayout.Direction.LeftToRight if una else QBoxLayout.Direction.TopToBottom
        if self._fila.direction() == direccion:
            return
        politica = QSizePolicy.Policy.Fixed if una else QSizePolicy.Policy.Expanding
        for hueco in self._huecos:
            hueco.changeSize(0, 0, politica)
            hueco.invalidate()
        self._fila.setDirection(direccion)
