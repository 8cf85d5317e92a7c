"""Unexpected exceptions: logged with the traceback, shown once in Spanish; the app goes on.

Installed once the first window is on screen (run_gui): until then a smaller hook in app.py
logs what happens, and this one tells it when installed (``install(…, earlier=True)``).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QApplication

from icsoe_desktop.gui.kit import msgbox

log = logging.getLogger("icsoe_desktop.errores")


def unexpected_error_text(log_path: Path) -> str:
    return (
        "Ocurrió un error inesperado. La aplicación sigue funcionando y tus datos guardados no se "
        "perdieron; si la operación no se completó, inténtala de nuevo.\n\n"
        f"El detalle técnico quedó en el archivo de registro:\n{log_path}"
    )


class ErrorHook:
    def __init__(self, log_path: Path) -> None:
        self.log_path = log_path
        self._showing = False

    def __call__(
        self, kind: type[BaseException], value: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, value, tb)
            return
        from icsoe_desktop.gui.kit.sesion import fin_de_sesion

        if fin_de_sesion(value):  # the session's end is told once, by the application
            log.info("Sesión terminada durante una acción: %s", value)
            return
        log.error("Error inesperado", exc_info=(kind, value, tb))
        self.tell()

    def tell(self) -> None:
        """The message box, over the active window (the error is already in the log)."""
        if self._showing or QApplication.instance() is None:
            return  # one dialog at a time; a burst of errors is in the log
        self._showing = True
        try:
            msgbox.error(
                QApplication.activeWindow(),
                unexpected_error_text(self.log_path),
                "Error inesperado",
            )
        finally:
            self._showing = False


def install(log_path: Path, earlier: bool = False) -> ErrorHook:
    """``earlier``: an error was logged before this hook existed; it is told now."""
    hook = ErrorHook(log_path)
    sys.excepthook = hook
    if earlier:
        hook.tell()
    return hook
