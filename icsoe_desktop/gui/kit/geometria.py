"""Windows that fit the screen they open on and open centred on the window they come from.

The most common office laptop shows 1366×768 with a 40 px taskbar: a window and its frame must
fit the 1366×728 left (the screen's available geometry), or its bottom and its buttons are off
the screen. A window not shown yet has no frame to measure: Windows' own (title bar and borders
at 100 %) is assumed, so that it fits once the frame is added.
"""

from __future__ import annotations

from typing import Protocol, cast

from PySide6.QtCore import QMargins, QObject, QRect
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QWidget

# Windows 10/11 at 100 %: a 31 px title bar and 8 px borders (the resizing ones included).
MARGENES_VENTANA = QMargins(8, 31, 8, 8)
# A window closed up to fit (``compactar``): px between its rows, above and below its layouts.
ESPACIO_COMPACTO = MARGEN_COMPACTO = 4


class _Ajustable(Protocol):
    def ajustar(self) -> None: ...


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
    # A main window that folds (plegado.py, by its object's name: its module and the layout
    # classes it needs are not imported for the first window, bench/startup.py).
    if window.inherits("QMainWindow") and (plegado := window.findChild(QObject, "plegado")):
        cast("_Ajustable", plegado).ajustar()  # what does not fit folds away first
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
    if window.inherits("QMainWindow") or necesita <= alto_libre(window):
        return
    cerrar(window)


def alto_libre(window: QWidget) -> int:
    """The height a window's contents may take on its screen, Windows' frame counted even where
    the one measured here is thinner."""
    frame = margenes(window)
    marco = max(frame.top() + frame.bottom(), MARGENES_VENTANA.top() + MARGENES_VENTANA.bottom())
    return area_disponible(window).height() - marco


def ancho_libre(window: QWidget) -> int:
    """The width a window's contents may take on its screen, Windows' frame counted."""
    frame = margenes(window)
    marco = max(frame.left() + frame.right(), MARGENES_VENTANA.left() + MARGENES_VENTANA.right())
    return area_disponible(window).width() - marco


def cerrar_a_lo_ancho(window: QWidget) -> None:
    """The room at the sides of ``window``'s layouts closed up (a window wider than its
    screen: Windows at 200 %)."""
    from PySide6.QtWidgets import QLayout

    layouts = window.findChildren(QLayout)
    for layout in layouts:
        margins = layout.contentsMargins()
        layout.setContentsMargins(
            min(margins.left(), MARGEN_COMPACTO),
            margins.top(),
            min(margins.right(), MARGEN_COMPACTO),
            margins.bottom(),
        )
    for layout in reversed(layouts):
        layout.invalidate()
        layout.activate()


def cerrar(window: QWidget) -> None:
    """The room between ``window``'s rows and around its layouts closed up."""
    # Imported here: touched from Python, each class builds its enums, and the first window
    # fits its screen on every start but a tiny screen (bench/startup.py).
    from PySide6.QtWidgets import QBoxLayout, QFormLayout, QGridLayout, QLayout

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


def _desplazable(window: QWidget) -> None:
    """A main window taller than the screen (Windows' text at 200 % on a 768-line screen) shows
    its contents in a scroll area: squeezed to the screen, its buttons would cover its grids."""
    from PySide6.QtWidgets import QFrame, QMainWindow, QScrollArea

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
