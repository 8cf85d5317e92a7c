"""Windows that fit the screen they open on and open centred on the window they come from.

The most common office laptop shows 1366×768 with a 40 px taskbar: a window and its frame must
fit the 1366×728 left (the screen's available geometry), or its bottom and its buttons are off
the screen. A window not shown yet has no frame to measure: Windows' own (title bar and borders
at 100 %) is assumed, so that it fits once the frame is added.
"""

from __future__ import annotations

from PySide6.QtCore import QMargins, QRect
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QWidget

# Windows 10/11 at 100 %: a 31 px title bar and 8 px borders (the resizing ones included).
MARGENES_VENTANA = QMargins(8, 31, 8, 8)


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
