"""A row of fields that goes to two rows when a larger text (Windows' 150 % or 200 %) would
widen it past its window."""

from __future__ import annotations

from typing import cast

from PySide6.QtCore import QEvent, QMargins, QObject
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QSizePolicy, QSpacerItem, QWidget

from icsoe_desktop.gui.kit.geometria import ancho_libre


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
        # A window wider than its screen (Windows at 200 %: 683 px) is to be narrowed to it: the
        # row decides for that width, else the row would hold the window wide.
        ventana = dueno.window()
        ancho -= max(0, ventana.width() - ancho_libre(ventana))
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
