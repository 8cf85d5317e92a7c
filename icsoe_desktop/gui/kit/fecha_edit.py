"""A date the clerk may leave empty while capturing: typed as dd/mm/aaaa (or picked from a
calendar), read back as a ``date`` or None, a wrong one refused in Spanish.

A QDateEdit always holds some date: an empty contract date would need a sentinel that a clerk
could save by mistake. A line edit is empty when nothing was typed, and what was typed stays on
screen to be corrected."""

from __future__ import annotations

import re
from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCalendarWidget,
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QToolButton,
    QWidget,
    QWidgetAction,
)

from icsoe_desktop.domain.errors import ValidationError

FORMATO = "dd/mm/aaaa"
# 15/05/2026, 15-05-2026, 15.05.2026, 1/5/2026 and 15052026 (typed without separators).
_CON_SEPARADOR = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
_SIN_SEPARADOR = re.compile(r"(\d{2})(\d{2})(\d{4})")
ANIO_MINIMO, ANIO_MAXIMO = 1900, 2099


def leer_fecha(texto: str, etiqueta: str, campo: str) -> date | None:
    """``texto`` as a date; None when empty. ``etiqueta``: «fecha inicial», for the message."""
    limpio = texto.strip()
    if not limpio:
        return None
    m = _CON_SEPARADOR.fullmatch(limpio) or _SIN_SEPARADOR.fullmatch(limpio)
    if m is None:
        raise ValidationError(
            "fecha_invalida",
            f"La {etiqueta} «{limpio}» no es una fecha: escríbela como {FORMATO} (por ejemplo, "
            "15/05/2026) o déjala vacía.",
            campo,
        )
    dia, mes, anio = (int(g) for g in m.groups())
    if not ANIO_MINIMO <= anio <= ANIO_MAXIMO:
        raise ValidationError(
            "fecha_invalida",
            f"El año de la {etiqueta} ({anio}) no es válido: escríbelo con cuatro cifras, entre "
            f"{ANIO_MINIMO} y {ANIO_MAXIMO}.",
            campo,
        )
    try:
        return date(anio, mes, dia)
    except ValueError:
        raise ValidationError(
            "fecha_invalida",
            f"La {etiqueta} {limpio} no existe: revisa el día y el mes ({FORMATO}).",
            campo,
        ) from None


def texto_fecha(valor: date | None) -> str:
    return valor.strftime("%d/%m/%Y") if valor else ""


class FechaEdit(QWidget):
    """The line edit (``edit``, the focus target) and a button that opens a calendar."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText(FORMATO)
        self.edit.setAccessibleDescription(f"Escríbela como {FORMATO}, o déjala vacía")
        self.edit.setMaxLength(10)
        self.edit.setFixedWidth(self.edit.fontMetrics().horizontalAdvance("00/00/00000") + 16)
        self.edit.textChanged.connect(lambda _t: self.changed.emit())
        self.calendario_button = QToolButton(self)
        self.calendario_button.setArrowType(Qt.ArrowType.DownArrow)
        self.calendario_button.setToolTip("Elegir la fecha en un calendario")
        self.calendario_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.calendario_button.setStyleSheet("QToolButton::menu-indicator { image: none; }")
        self.calendario_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes field to field
        menu = QMenu(self.calendario_button)
        self.calendario = QCalendarWidget(menu)
        self.calendario.setGridVisible(True)
        accion = QWidgetAction(menu)
        accion.setDefaultWidget(self.calendario)
        menu.addAction(accion)
        menu.aboutToShow.connect(self._mostrar_calendario)
        self.calendario.clicked.connect(self._elegida)
        self.calendario.activated.connect(self._elegida)
        self._menu = menu
        self.calendario_button.setMenu(menu)
        layout.addWidget(self.edit)
        layout.addWidget(self.calendario_button)
        layout.addStretch(1)
        self.setFocusProxy(self.edit)

    def setAccessibleName(self, name: str) -> None:
        """The name goes to the line edit a screen reader lands on (a label's buddy names
        only a widget beside it, not one inside another)."""
        super().setAccessibleName(name)
        self.edit.setAccessibleName(name)
        # Two dates in a window: each calendar's button says whose it is.
        self.calendario_button.setAccessibleName(f"{name}: elegir en un calendario")

    def text(self) -> str:
        return self.edit.text()

    def set_fecha(self, valor: date | None) -> None:
        self.edit.setText(texto_fecha(valor))

    def fecha(self, etiqueta: str, campo: str) -> date | None:
        return leer_fecha(self.edit.text(), etiqueta, campo)

    def _mostrar_calendario(self) -> None:
        """The calendar opens on the date typed, when it is one."""
        try:
            actual = leer_fecha(self.edit.text(), "fecha", "")
        except ValidationError:
            actual = None
        if actual is not None:
            self.calendario.setSelectedDate(QDate(actual.year, actual.month, actual.day))

    def _elegida(self, dia: QDate) -> None:
        self.edit.setText(dia.toString("dd/MM/yyyy"))
        self._menu.close()
        self.edit.setFocus()
