"""The one door for message boxes: Spanish buttons, a title, the text of a DomainError."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from icsoe_desktop.domain.errors import DomainError

APP_TITLE = "Conexión en línea con IDSE"


def make_box(
    parent: QWidget | None,
    icon: QMessageBox.Icon,
    title: str,
    text: str,
    buttons: list[tuple[str, QMessageBox.ButtonRole]],
) -> tuple[QMessageBox, list]:
    box = QMessageBox(parent)
    box.setObjectName("messageBox")
    box.setIcon(icon)
    box.setWindowTitle(title or APP_TITLE)
    box.setText(text)
    # Buttons carry Spanish text of their own: no dependence on a loaded Qt translation.
    added = [box.addButton(label, role) for label, role in buttons]
    box.setDefaultButton(added[0])
    box.setEscapeButton(added[-1])
    return box, added


def information(parent: QWidget | None, text: str, title: str = APP_TITLE) -> None:
    box, _ = make_box(
        parent,
        QMessageBox.Icon.Information,
        title,
        text,
        [("Aceptar", QMessageBox.ButtonRole.AcceptRole)],
    )
    box.exec()


def warning(parent: QWidget | None, text: str, title: str = APP_TITLE) -> None:
    box, _ = make_box(
        parent,
        QMessageBox.Icon.Warning,
        title,
        text,
        [("Aceptar", QMessageBox.ButtonRole.AcceptRole)],
    )
    box.exec()


def error(parent: QWidget | None, text: str, title: str = APP_TITLE) -> None:
    box, _ = make_box(
        parent,
        QMessageBox.Icon.Critical,
        title,
        text,
        [("Aceptar", QMessageBox.ButtonRole.AcceptRole)],
    )
    box.exec()


def show_error(parent: QWidget | None, exc: DomainError, title: str = APP_TITLE) -> None:
    """A domain error is the user's to fix: a warning with its Spanish message."""
    warning(parent, exc.message, title)


def question(
    parent: QWidget | None,
    text: str,
    yes: str = "Continuar",
    no: str = "Cancelar",
    title: str = APP_TITLE,
) -> bool:
    box, (yes_button, _) = make_box(
        parent,
        QMessageBox.Icon.Question,
        title,
        text,
        [(yes, QMessageBox.ButtonRole.AcceptRole), (no, QMessageBox.ButtonRole.RejectRole)],
    )
    box.setDefaultButton(box.buttons()[1])  # the safe answer is the default
    box.exec()
    return box.clickedButton() is yes_button
