"""The one door for message boxes: Spanish buttons, a title, the text of a DomainError.

QMessageBox is imported on first use: this module is on the start-up path and loading that
class (and the Qt enums it pulls in) costs more than the first window can spare.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.gui.kit.modal import ejecutar_modal

if TYPE_CHECKING:
    from pathlib import Path

    from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

APP_TITLE = "Conexión en línea con IDSE"
_ICONS = ("Information", "Warning", "Critical", "Question")


def make_box(
    parent: QWidget | None, icon: str, title: str, text: str, buttons: list[tuple[str, str]]
) -> tuple[QMessageBox, list[QPushButton]]:
    """``icon`` is one of Information/Warning/Critical/Question; ``buttons`` are (text, role)
    with role "accept" or "reject"."""
    from PySide6.QtWidgets import QMessageBox

    assert icon in _ICONS, icon
    roles = {
        "accept": QMessageBox.ButtonRole.AcceptRole,
        "reject": QMessageBox.ButtonRole.RejectRole,
    }
    box = QMessageBox(parent)
    box.setObjectName("messageBox")
    box.setIcon(getattr(QMessageBox.Icon, icon))
    box.setWindowTitle(title or APP_TITLE)
    box.setText(text)
    # Buttons carry Spanish text of their own: no dependence on a loaded Qt translation.
    labels = [label for label, _ in buttons]
    if len(labels) > 1 and not any("&" in label for label in labels):
        # Each its Alt-letter: Enter answers the default, Esc the last, the others by letter
        # (Continuar in «¿Deseas eliminar…?» without Tab).
        from icsoe_desktop.gui.kit.mnemonics import con_letras

        labels = con_letras([(label, False) for label in labels])
    added = [
        box.addButton(label, roles[role]) for label, (_, role) in zip(labels, buttons, strict=True)
    ]
    box.setDefaultButton(added[0])
    box.setEscapeButton(added[-1])
    return box, added


def mostrar(box: QMessageBox) -> None:
    """Its buttons' letters said to a screen reader (``mnemonics.decir_letra_si_predeterminado``:
    the one Enter presses is handed over as «Enter»), then shown, modal."""
    from icsoe_desktop.gui.kit.mnemonics import decir_letra_si_predeterminado

    for boton in box.buttons():
        decir_letra_si_predeterminado(boton)
    ejecutar_modal(box)


def _show(parent: QWidget | None, icon: str, text: str, title: str) -> None:
    box, _ = make_box(parent, icon, title, text, [("Aceptar", "accept")])
    mostrar(box)


def information(parent: QWidget | None, text: str, title: str = APP_TITLE) -> None:
    _show(parent, "Information", text, title)


def warning(parent: QWidget | None, text: str, title: str = APP_TITLE) -> None:
    _show(parent, "Warning", text, title)


def error(parent: QWidget | None, text: str, title: str = APP_TITLE) -> None:
    _show(parent, "Critical", text, title)


def question(
    parent: QWidget | None,
    text: str,
    yes: str = "Continuar",
    no: str = "Cancelar",
    title: str = APP_TITLE,
    *,
    default_yes: bool = False,
    informa: bool = False,
) -> bool:
    """``default_yes``: Enter answers ``yes``, for a confirmation that loses nothing (the
    guide's «¿Estás seguro?» before going on); otherwise Enter answers the safe ``no``.
    ``informa``: news that offers a next step («Se guardó…» with *Abrir carpeta*): the
    information icon, not a question mark."""
    icono = "Information" if informa else "Question"
    box, (yes_button, no_button) = make_box(
        parent, icono, title, text, [(yes, "accept"), (no, "reject")]
    )
    box.setDefaultButton(yes_button if default_yes else no_button)
    mostrar(box)
    return box.clickedButton() is yes_button


def choose(
    parent: QWidget | None,
    text: str,
    opciones: list[str],
    no: str = "Cancelar",
    title: str = APP_TITLE,
) -> int | None:
    """A question answered by one of ``opciones`` (its index) or ``no`` (None); Enter answers
    ``no``: none of the options is taken for the user."""
    box, buttons = make_box(
        parent,
        "Question",
        title,
        text,
        [*((opcion, "accept") for opcion in opciones), (no, "reject")],
    )
    box.setDefaultButton(buttons[-1])
    mostrar(box)
    clicked = box.clickedButton()
    return next((i for i, b in enumerate(buttons[:-1]) if b is clicked), None)


def ofrecer_carpeta(parent: QWidget | None, text: str, carpeta: Path, title: str) -> None:
    """«Se guardó…» with *Abrir carpeta* (which opens ``carpeta`` in the file manager) and
    *Cerrar*."""
    if question(parent, text, yes="Abrir carpeta", no="Cerrar", title=title, informa=True):
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices

        QDesktopServices.openUrl(QUrl.fromLocalFile(str(carpeta)))


def question_with_check(
    parent: QWidget | None,
    text: str,
    check: str,
    yes: str,
    no: str,
    title: str = APP_TITLE,
) -> tuple[bool, bool]:
    """A question with a check box under it («No volver a preguntar para esta empresa»):
    (answered ``yes``, box ticked). Enter answers ``yes``."""
    from PySide6.QtWidgets import QCheckBox

    from icsoe_desktop.gui.kit.mnemonics import con_letras

    # The check box its Alt-letter too, apart from the buttons'.
    yes, no, check = con_letras([(yes, False), (no, False), (check, False)])
    box, (yes_button, _no) = make_box(
        parent, "Question", title, text, [(yes, "accept"), (no, "reject")]
    )
    casilla = QCheckBox(check)
    casilla.setObjectName("casillaCheck")
    box.setCheckBox(casilla)
    mostrar(box)
    return box.clickedButton() is yes_button, casilla.isChecked()


def field_error(
    parent: QWidget | None,
    exc: DomainError,
    fields: Mapping[str, QWidget],
    title: str = APP_TITLE,
    fallback: QWidget | None = None,
) -> None:
    """Show a validation error and put the cursor in the field it names (``exc.field``)."""
    warning(parent, exc.message, title)
    widget = fields.get(exc.field or "", fallback)
    if widget is not None and _vivo(widget):  # its window may have gone while the box showed
        widget.setFocus()


def _vivo(widget: QWidget) -> bool:
    from shiboken6 import isValid

    return isValid(widget)
