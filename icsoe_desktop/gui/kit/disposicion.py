"""What a layout holds, asked without its items.

A layout's item (``itemAt``, ``itemAtPosition``) is not a QObject, and PySide makes the wrapper
it hands out the layout's Python child, kept as long as the layout's own. Once Qt deletes the
item (a widget taken out, a row folded in two) the kept wrapper answers for whatever Qt puts at
that address next, and when the collector frees it, it can delete an item still in a layout
under Qt (docs/diseno/ventanas.md). The controls are found among the layout's widget's children
by their index in it instead (``indexOf``, ``getItemPosition``)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLayout, QWidget

_DIRECTOS = Qt.FindChildOption.FindDirectChildrenOnly


def controles(layout: QLayout) -> dict[int, QWidget]:
    """The widgets ``layout`` holds itself (not those of the layouts inside it), by their
    index in it. Qt makes every widget a layout manages a child of the widget the layout tree
    is set on (``parentWidget``): only that widget's own children are asked, not the whole
    window's."""
    dueno = layout.parentWidget()
    return {
        i: control
        for control in (dueno.findChildren(QWidget, options=_DIRECTOS) if dueno is not None else [])
        if (i := layout.indexOf(control)) >= 0
    }
