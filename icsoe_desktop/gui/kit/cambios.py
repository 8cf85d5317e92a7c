"""«¿Guardar los cambios?» when a form is closed (or cleared, or given another record) with edits
not saved.

A dialog that saves takes ``PreguntaAlCerrar`` before ``QDialog`` in its bases and says what
is not saved (``cambios``) and how it saves (``guardar_cambios``, or ``guardar_y_cerrar`` when
the save runs in the background): Cancelar, Esc and the window's close button then ask."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from PySide6.QtWidgets import QWidget

from icsoe_desktop.gui.kit import msgbox

MSG_GUARDAR_CAMBIOS = "¿Guardar los cambios?"
Respuesta = Literal["si", "no", "cancelar"]


def preguntar_guardar(parent: QWidget | None, title: str, guardable: bool = True) -> Respuesta:
    """Sí saves, No discards, Cancelar (and Esc) goes back to the form. Enter answers Sí,
    unless what the form holds would not be saved as it is (``guardable`` False: another
    patrón's certificate): then Cancelar, back to the form that says why."""
    box, (si, no, cancelar) = msgbox.make_box(
        parent,
        "Question",
        title,
        MSG_GUARDAR_CAMBIOS,
        [("&Sí", "accept"), ("&No", "reject"), ("&Cancelar", "reject")],  # Alt+S, N, C
    )
    box.setDefaultButton(si if guardable else cancelar)
    msgbox.mostrar(box)
    clicked = box.clickedButton()
    return "si" if clicked is si else "no" if clicked is no else "cancelar"


def puede_cerrar(dialog: QWidget, cambios: bool, guardar: Callable[[], bool]) -> bool:
    """Whether a form may be left now (closed, cleared, or another record loaded into it).

    Without edits, yes. With edits, «¿Guardar los cambios?»: Sí saves (``guardar`` says whether
    it did: a refusal, already explained to the user, keeps the form), No discards, Cancelar
    (or Esc) goes back to the form. A save that closed the dialog itself leaves nothing more
    to do: False then too."""
    if not cambios:
        return True
    respuesta = preguntar_guardar(dialog, dialog.windowTitle())
    if respuesta == "si":
        return guardar() and dialog.isVisible()
    return respuesta == "no"


def cerrar_guardando(
    dialog: QWidget,
    cambios: bool,
    guardar: Callable[[Callable[[], None]], None],
    cerrar: Callable[[], None],
    guardable: bool = True,
) -> None:
    """As ``puede_cerrar``, for a form whose save runs in the background: nothing waits here.

    Without edits, or answered No, ``cerrar()`` runs now. Sí calls ``guardar(cerrar)``, which
    starts the save and calls ``cerrar`` once it succeeded (a refusal, said to the user, keeps
    the form open). Cancelar (or Esc) goes back to the form."""
    if not cambios:
        cerrar()
        return
    respuesta = preguntar_guardar(dialog, dialog.windowTitle(), guardable)
    if respuesta == "si":
        guardar(cerrar)
    elif respuesta == "no":
        cerrar()


class PreguntaAlCerrar:
    """For a ``QDialog`` (listed before it in the bases): its ``reject`` (Cancelar, Esc, the
    window's close button) asks «¿Guardar los cambios?» while ``cambios()`` says so.

    Sí saves with ``guardar_cambios()`` (False: refused and already explained, the form stays)
    and closes, unless the save closed the dialog itself. A form whose save runs in the
    background overrides ``guardar_y_cerrar(cerrar)``: it starts the save and calls ``cerrar``
    once saved."""

    def cambios(self) -> bool:
        raise NotImplementedError

    def guardar_cambios(self) -> bool:
        raise NotImplementedError

    def guardable(self) -> bool:
        """Whether what the form holds would be saved as it is (Enter then answers Sí)."""
        return True

    def guardar_y_cerrar(self, cerrar: Callable[[], None]) -> None:
        if self.guardar_cambios() and self.isVisible():  # type: ignore[attr-defined]  # a QDialog
            cerrar()

    def reject(self) -> None:
        dialog: QWidget = self  # type: ignore[assignment]  # mixed into a QDialog
        cerrar_guardando(
            dialog,
            self.cambios(),
            self.guardar_y_cerrar,
            super().reject,  # type: ignore[misc]  # QDialog.reject
            self.guardable(),
        )
