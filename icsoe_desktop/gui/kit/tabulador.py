"""Tab through a window in reading order, never held in one field."""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDateTimeEdit, QWidget


def en_orden(*widgets: QWidget | None) -> None:
    """Tab visits ``widgets`` in this order (each one's own fields with it); None is skipped
    (a control a role or a mode does not build)."""
    presentes = [w for w in widgets if w is not None]
    for antes, despues in pairwise(presentes):
        QWidget.setTabOrder(antes, despues)


class _SalidaDeFechaVacia(QObject):
    """A date edit showing its special value («(sin fecha)») takes Tab to move between its
    sections, and there are none to move to: the clerk would stay there for ever. Tab and
    Mayús+Tab leave it as they leave any field."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab)
            and isinstance(watched, QDateTimeEdit)
            and watched.specialValueText()
            and watched.dateTime() == watched.minimumDateTime()
        ):
            adelante = event.key() == Qt.Key.Key_Tab and not (
                event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            )
            # The window's own chain (QWidget's), not the date edit's sections.
            QWidget.focusNextPrevChild(watched.window(), adelante)
            return True
        return False


def sin_trampa(edit: QDateTimeEdit) -> None:
    """Tab leaves ``edit`` while it shows its special value (see ``_SalidaDeFechaVacia``)."""
    filtro = _SalidaDeFechaVacia(edit)
    edit.installEventFilter(filtro)
