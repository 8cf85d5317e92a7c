"""A dialog run modally and deleted once it closes.

A closed dialog left as its parent's child lives as long as the parent, after Python has
dropped it: the login's «Regístrate aquí» and «¿Olvidó su contraseña?» dialogs piled up under
it, and when the login was then destroyed inside a garbage collection pass, destroying them
there corrupted Qt's memory (the next window read a freed screen and the process crashed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import shiboken6

if TYPE_CHECKING:
    from PySide6.QtWidgets import QDialog


def ejecutar_modal(dialog: QDialog) -> int:
    """``dialog.exec()``; the dialog is deleted on the loop's next turn. Not shown while the
    session of its window ends (``sesion``): rejected at once."""
    from icsoe_desktop.gui.kit import sesion

    if sesion.callar(dialog):
        dialog.deleteLater()
        return 0
    try:
        return dialog.exec()
    finally:
        # Its window may have been destroyed while it showed (Salir, a change of empresa), and
        # the dialog with it.
        if shiboken6.isValid(dialog):
            dialog.deleteLater()
