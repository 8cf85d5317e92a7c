"""Nothing squashed, nothing on top of something else: every window of the app (the walk of
tests/gui/ventanas.py), in each of its states, placed as the app places it on a 1366×768 screen
less the taskbar. A field, a button or a text smaller than it needs to be read (its minimum size
hint: a 9 px line edit shows no text), two controls side by side that overlap (a click lands on
the wrong one), or a control that reaches out of the box around it, fails.

The login gets its own states too: the first start (no user yet, the «Primer paso» hint), the
instant before the database is open (no selector), and with several empresas (the selector)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QLayout,
    QSizePolicy,
    QWidget,
)

from icsoe_desktop.gui.idse.login import IdseLoginWindow
from tests.gui.ventanas import colocar, sembrar, states, windows


def _en_layout(layout: QLayout, widget: QWidget) -> bool:
    # The layouts inside are its QObject children (every one, at any depth), never an item's
    # ``layout()``: PySide6 may answer that with a kept wrapper of a freed spacer.
    return any(caja.indexOf(widget) >= 0 for caja in (layout, *layout.findChildren(QLayout)))


def _dispuestos(parent: QWidget) -> list[QWidget]:
    """The visible children ``parent``'s layout places: what a clerk sees side by side (a
    composite Qt widget's own parts, a spin box's arrows, are not in a layout)."""
    layout = parent.layout()
    if layout is None:
        return []
    return [
        child
        for child in parent.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)
        if child.isVisible() and not child.isWindow() and _en_layout(layout, child)
    ]


def _nombre(widget: QWidget) -> str:
    text = getattr(widget, "text", None)
    shown = text().replace("&", "")[:40] if callable(text) and isinstance(text(), str) else ""
    return f"{type(widget).__name__} {widget.objectName() or ''} «{shown}»".replace("  ", " ")


def _necesita(widget: QWidget) -> tuple[int, int]:
    """The least ``widget`` may be, as its layout reads it (an explicit minimum wins over the
    hint; a wrapped text needs its lines at the width it got)."""
    hint, least = widget.minimumSizeHint(), widget.minimumSize()
    width = least.width() or hint.width()
    height = least.height() or hint.height()
    if isinstance(widget, QLabel) and widget.wordWrap() and widget.text():
        height = max(least.height(), widget.heightForWidth(widget.width()))
    policy = widget.sizePolicy()
    if policy.horizontalPolicy() == QSizePolicy.Policy.Ignored:
        width = 0
    if policy.verticalPolicy() == QSizePolicy.Policy.Ignored:
        height = 0
    return width, height


def defectos(window: QWidget, state: str) -> list[str]:
    found: list[str] = []
    for parent in [window, *window.findChildren(QWidget)]:
        if not parent.isVisible():
            continue
        children = _dispuestos(parent)
        for number, child in enumerate(children):
            geometry = child.geometry()
            width, height = _necesita(child)
            if geometry.width() < width or geometry.height() < height:
                found.append(
                    f"{state}: {_nombre(child)} mide {geometry.width()}×{geometry.height()}, "
                    f"necesita {width}×{height}"
                )
            if not parent.rect().contains(geometry):
                found.append(f"{state}: {_nombre(child)} sale de {_nombre(parent)}")
            for other in children[number + 1 :]:
                if geometry.intersects(other.geometry()):
                    found.append(f"{state}: {_nombre(child)} tapa {_nombre(other)}")
    return found


def _revisar(window: QWidget, name: str) -> Iterator[str]:
    colocar(window)
    for state in states(window):
        QApplication.processEvents()
        yield from (f"{name}: {p}" for p in defectos(window, state))


@pytest.mark.slow
def test_no_window_squashes_or_overlaps_a_control(
    qtbot, services, data_dir, tmp_path, modals, smtp_configured
):
    problems: list[str] = []
    # The login before anything else exists: first start, and before the database opens.
    for name, build in (
        ("login, primer arranque", lambda: IdseLoginWindow(services)),
        ("login, abriendo la base de datos", lambda: IdseLoginWindow()),
    ):
        window = build()
        qtbot.addWidget(window)
        problems += _revisar(window, name)
        window.hide()
    mundo = sembrar(services, data_dir, tmp_path, smtp_configured)
    for name, build in windows().items():
        window = build(mundo)
        qtbot.addWidget(window)
        problems += _revisar(window, name)
        window.hide()
    assert not problems, "\n".join(problems)
