"""«¿Guardar los cambios?» when a capture dialog is closed with edits not saved."""

from __future__ import annotations

from typing import Literal

from PySide6.QtWidgets import QWidget

from icsoe_desktop.gui import msgbox

MSG_GUARDAR_CAMBIOS = "¿Guardar los cambios?"
Respuesta = Literal["si", "no", "cancelar"]


def preguntar_guardar(parent: QWidget | None, title: str) -> Respuesta:
    """Sí saves, No discards, Cancelar (and Esc) goes back to the form."""
    box, (si, no, _cancelar) = msgbox.make_box(
        parent,
        "Question",
        title,
        MSG_GUARDAR_CAMBIOS,
        [("Sí", "accept"), ("No", "reject"), ("Cancelar", "reject")],
    )
    box.exec()
    clicked = box.clickedButton()
    return "si" if clicked is si else "no" if clicked is no else "cancelar"
