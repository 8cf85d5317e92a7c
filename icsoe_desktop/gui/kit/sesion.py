"""A session that ends under its windows (its empresa's grant withdrawn, the user disabled): the
application says so once and closes them (gui/application.py). Meanwhile the windows' own
modal dialogs and boxes are not shown: from the refusal until the application has acted, none
at all (the window that was refused would explain it again); after, none over a window it
closed (the code still running there when its dialogs ended)."""

from __future__ import annotations

from typing import TYPE_CHECKING

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
