"""Loading the Qt Designer forms of ui/ into our window classes."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QCoreApplication, QFile, QIODevice
from PySide6.QtUiTools import QUiLoader
from PySide6.QtWidgets import QVBoxLayout, QWidget

from icsoe_desktop.paths import ui_file

W = TypeVar("W", bound=QWidget)


class FormError(RuntimeError):
    pass


_loader: QUiLoader | None = None


def _ui_loader() -> QUiLoader:
    """One loader for all forms. It is built with no library paths because its constructor
    loads every Designer plugin it finds (Qt Quick, WebEngine…: slow), and our forms use none."""
    global _loader
    if _loader is None:
        paths = QCoreApplication.libraryPaths()
        QCoreApplication.setLibraryPaths([])
        try:
            _loader = QUiLoader()
        finally:
            QCoreApplication.setLibraryPaths(paths)
    return _loader


def load_form(name: str, host: QWidget) -> QWidget:
    """Load ``ui/<name>`` and place it as the whole content of ``host`` (title included)."""
    path = ui_file(name)
    file = QFile(str(path))
    if not file.open(QIODevice.OpenModeFlag.ReadOnly):
        raise FormError(f"No se pudo abrir el formulario {path}")
    try:
        form = _ui_loader().load(file, host)
    finally:
        file.close()
    if form is None:
        raise FormError(f"El formulario {path} está dañado")
    layout = host.layout() or QVBoxLayout(host)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(form)
    if form.windowTitle():
        host.setWindowTitle(form.windowTitle())
    return form


def child(form: QWidget, kind: type[W], name: str) -> W:
    """A named widget of a form; a missing name is a bug in the .ui file, said loudly."""
    widget = form.findChild(kind, name)
    if widget is None:
        raise FormError(f"El formulario no tiene el control {name!r} ({kind.__name__})")
    return widget
