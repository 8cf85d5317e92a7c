"""Tab through a window in reading order, never held in one field."""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtCore import QDate, QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDateTimeEdit, QLineEdit, QWidget


def en_orden(*widgets: QWidget | None) -> None:
    """Tab visits ``widgets`` in this order (each one's own fields with it); None is skipped
    (a control a role or a mode does not build)."""
    presentes = [w for w in widgets if w is not None]
    for antes, despues in pairwise(presentes):
        QWidget.setTabOrder(antes, despues)


class _SalidaDeFechaVacia(QObject):
    """A date edit showing its special value («(sin fecha)») takes Tab to move between its
    sections, and there are none to move to: the clerk would stay there for ever. Tab and
    Mayús+Tab leave it as they leave any field. A date typed there was written after the
    special text, never read («(sin fecha)01062026»): its first digit starts a date (today's,
    the day being typed). And the «/» a clerk types after the day or the month is the step Qt
    already took when that section filled: it would skip the next one («01/06/2026» read as
    day 01, year 06). So both «01062026» and «01/06/2026» are the 1 June 2026."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() != QEvent.Type.KeyPress
            or not isinstance(event, QKeyEvent)
            or not isinstance(watched, QDateTimeEdit)
        ):
            return False
        vacia = bool(watched.specialValueText()) and (
            watched.dateTime() == watched.minimumDateTime()
        )
        if vacia and event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
            adelante = event.key() == Qt.Key.Key_Tab and not (
                event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            )
            # The window's own chain (QWidget's), not the date edit's sections.
            QWidget.focusNextPrevChild(watched.window(), adelante)
            return True
        if vacia and event.text().isdigit():
            watched.setDate(QDate.currentDate())
            watched.setCurrentSectionIndex(0)
            watched.setSelectedSection(watched.sectionAt(0))
            return False
        if event.text() == "/" and (edit := watched.findChild(QLineEdit)):
            return edit.text()[: edit.cursorPosition()].endswith("/")  # the step already taken
        return False


def sin_trampa(edit: QDateTimeEdit) -> None:
    """Tab leaves ``edit`` while it shows its special value, and a date can be typed over it
    (see ``_SalidaDeFechaVacia``)."""
    filtro = _SalidaDeFechaVacia(edit)
    edit.installEventFilter(filtro)
