"""A dialog run modally and deleted once it closes; the keyboard then back in the window the
clerk was in.

A closed dialog left as its parent's child lives as long as the parent, after Python has
dropped it: the login's «Regístrate aquí» and «¿Olvidó su contraseña?» dialogs piled up under
it, and when the login was then destroyed inside a garbage collection pass, destroying them
there corrupted Qt's memory (the next window read a freed screen and the process crashed).

When a chain of dialogs closes (*Registrar presentación* → «quedó presentada» → Enter), the
window system activates whichever window it likes, or none: the informativa stayed behind
*ICSOE - Contratista*, or no window had the keyboard until Alt+Tab. Every modal dialog goes
through ``ejecutar_modal`` (or ``abrir_modal``, the same without a nested loop), and every
file chooser through ``kit/elegir_archivo.py``: each gives the activation back to the window that
had it.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

import shiboken6

if TYPE_CHECKING:
    from PySide6.QtWidgets import QDialog, QWidget


def ejecutar_modal(dialog: QDialog) -> int:
    """``dialog.exec()``; the dialog is deleted on the loop's next turn, and the window that
    was active before it is active again (``devolver_foco``). Not shown while the session of
    its window ends (``sesion``): rejected at once."""
    from icsoe_desktop.gui.kit import sesion

    if sesion.callar(dialog):
        dialog.deleteLater()
        return 0
    volver, abiertas = _ventana_de_origen(dialog)
    try:
        return dialog.exec()
    finally:
        # Its window may have been destroyed while it showed (Salir, a change of empresa), and
        # the dialog with it.
        if shiboken6.isValid(dialog):
            dialog.deleteLater()
        devolver_foco(volver, abiertas)


def abrir_modal(dialog: QDialog) -> None:
    """``dialog.open()``: window-modal without a nested loop, so the caller returns at once
    (signing in while the Configuración inicial opens). Once it finishes, the window the clerk
    was in is active again (``devolver_foco``; its parent's window if that one was hidden
    meanwhile: the login giving way to the main window) and the dialog is deleted."""
    volver, abiertas = _ventana_de_origen(dialog)
    padre = dialog.parentWidget()
    # Weakly: the dialog's own connection must not keep a window alive Python let go.
    ref_volver = weakref.ref(volver) if volver is not None else None
    ref_padre = weakref.ref(padre) if padre is not None else None

    def terminado(_resultado: int) -> None:
        ventana = ref_volver() if ref_volver is not None else None
        if ventana is None or not shiboken6.isValid(ventana) or not ventana.isVisible():
            otro = ref_padre() if ref_padre is not None else None
            ventana = otro.window() if otro is not None and shiboken6.isValid(otro) else None
        devolver_foco(ventana, abiertas)

    dialog.finished.connect(terminado)
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()


def _ventana_de_origen(dialog: QDialog) -> tuple[QWidget | None, set[int]]:
    """The window the clerk was in (the active one, else the dialog's parent's), and the
    windows on screen then (by address)."""
    return ventana_del_usuario(dialog.parentWidget(), dialog), ventanas_abiertas()


def ventana_del_usuario(padre: QWidget | None, dialog: QWidget | None = None) -> QWidget | None:
    """The window the clerk is in: the active one (not ``dialog`` itself), else ``padre``'s."""
    from PySide6.QtWidgets import QApplication

    activa = QApplication.activeWindow()
    if activa is None or activa is dialog:
        activa = padre.window() if padre is not None else None
    return activa


def ventanas_abiertas() -> set[int]:
    """The windows on screen now (by address), for ``devolver_foco``."""
    from PySide6.QtWidgets import QApplication

    return {_clave(w) for w in QApplication.topLevelWidgets() if w.isVisible()}


def devolver_foco(ventana: QWidget | None, abiertas: set[int]) -> None:
    """``ventana`` active again after a dialog closed, unless it closed meanwhile (the dialog
    that ran it gives the activation further back when it ends) or the dialog opened a window
    of its own that has it (an informativa created: the clerk goes on there)."""
    from PySide6.QtWidgets import QApplication

    if ventana is None or not shiboken6.isValid(ventana) or not ventana.isVisible():
        return
    activa = QApplication.activeWindow()
    if activa is ventana or (activa is not None and _clave(activa) not in abiertas):
        return
    ventana.raise_()
    ventana.activateWindow()


def _clave(widget: QWidget) -> int:
    return shiboken6.getCppPointer(widget)[0]
