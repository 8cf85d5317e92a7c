"""A session that ends under its windows (its empresa's grant withdrawn, the user disabled): the
application says so once and closes them (gui/application.py). Meanwhile the windows' own
modal dialogs and boxes are not shown: from the refusal until the application has acted, none
at all (the window that was refused would explain it again); after, none over a window it
closed (the code still running there when its dialogs ended)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import shiboken6

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

_CERRADA = "sesionTerminada"  # the dynamic property of a window the end closed
_terminando = False


def terminar() -> bool:
    """A refusal ended the session (any thread); False when its end is already under way."""
    global _terminando
    if _terminando:
        return False
    _terminando = True
    return True


def cerrar(window: QWidget) -> None:
    """``window`` is being closed by the end: nothing more is shown over it."""
    window.setProperty(_CERRADA, True)


def terminada() -> None:
    """The application told the user and closed the windows: its own messages show again."""
    global _terminando
    _terminando = False


def callar(dialog: QWidget) -> bool:
    """Whether ``dialog`` is not to be shown."""
    if _terminando:
        return True
    parent = dialog.parentWidget()
    if parent is None:
        return False
    if not shiboken6.isValid(parent):
        return True
    return bool(parent.window().property(_CERRADA))


def fin_de_sesion(exc: BaseException) -> bool:
    """Whether ``exc`` is a refusal that ended the session (its grant withdrawn, the user
    disabled): the application is closing its windows and tells it once, so the code that met
    it (a window opening, reading its rows) has nothing more to say."""
    from icsoe_desktop.services.acceso.permisos import TERMINAN_SESION, PermisoDenegado

    return isinstance(exc, PermisoDenegado) and exc.code in TERMINAN_SESION


def a_salvo(slot: Callable[..., Any]) -> Callable[..., None]:
    """``slot`` for a menu or button: a refusal that ended the session stops it quietly
    (every call of the empresa's services, reads too, may meet one: services/acceso/puerta.py)."""

    def llamada(*args: Any) -> None:
        try:
            slot(*args)
        except Exception as exc:
            if not fin_de_sesion(exc):
                raise

    return llamada
