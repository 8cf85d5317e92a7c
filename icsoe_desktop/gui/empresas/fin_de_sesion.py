"""The end of a session in an empresa by a refusal of the services (services/acceso/permisos.py,
``TERMINAN_SESION``): the grant of the open empresa withdrawn, or the user disabled, while the
user works. What the user reads, and the closing of the session's windows; the application
then leads to another empresa or to the login (gui/application.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication, QDialog

from icsoe_desktop.gui.kit import sesion

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

TITLE = "Sesión terminada"
MSG_SIN_ACCESO = "Ya no tienes acceso a la empresa {empresa}; tu sesión en ella terminó."
MSG_OTRA = "Elige otra de tus empresas para seguir trabajando."
MSG_NINGUNA = (
    "No tienes otra empresa concedida: un administrador de icsoe-desktop puede concedértela en "
    "Configuración › Empresas por usuario."
)
MSG_DESHABILITADO = (
    "Un administrador deshabilitó tu usuario {usuario}; tu sesión terminó. Pide a un "
    "administrador de icsoe-desktop que te habilite de nuevo."
)


def mensaje(code: str, usuario: str, empresa: str, otras: bool) -> str:
    if code == "usuario_no_habilitado":
        return MSG_DESHABILITADO.format(usuario=usuario)
    return MSG_SIN_ACCESO.format(empresa=empresa) + "\n\n" + (MSG_OTRA if otras else MSG_NINGUNA)


def cerrar_ventanas(principal: QWidget) -> None:
    """The windows of the session close without asking: every one opened from ``principal``
    (the main window), at any depth, its dialogs rejected (their edits cannot be saved without
    access), the others closed. ``principal`` itself, whose closing means Salir, is only
    marked: the application hides it."""
    for window in QApplication.topLevelWidgets():
        if not window.isVisible() or not _abierta_desde(window, principal):
            continue
        sesion.cerrar(window)
        if isinstance(window, QDialog):
            # done(), not reject(): «¿Guardar los cambios?» is not asked.
            QDialog.done(window, QDialog.DialogCode.Rejected)
        elif window is not principal:
            window.close()


def _abierta_desde(window: QWidget, principal: QWidget) -> bool:
    widget: QWidget | None = window
    while widget is not None:
        if widget is principal:
            return True
        widget = widget.parentWidget()
    return False
