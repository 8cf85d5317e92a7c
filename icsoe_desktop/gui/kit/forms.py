"""Loading the Qt Designer forms of ui/ into our window classes."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QCoreApplication, QFile, QIODevice, QObject
from PySide6.QtUiTools import QUiLoader
from PySide6.QtWidgets import QVBoxLayout, QWidget
from shiboken6 import invalidate

from icsoe_desktop.gui.kit import colores
from icsoe_desktop.paths import ui_file

W = TypeVar("W", bound=QObject)  # a widget, or a layout of the form


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


def load_ui(path: Path, parent: QWidget | None) -> QWidget:
    """The widget tree of one .ui file, with the app's loader; FormError if it cannot be built."""
    file = QFile(str(path))
    if not file.open(QIODevice.OpenModeFlag.ReadOnly):
        raise FormError(f"No se pudo abrir el formulario {path}")
    loader = _ui_loader()
    try:
        form = loader.load(file, parent)
    except RuntimeError as exc:  # PySide raises instead of returning None for unreadable XML
        raise FormError(f"El formulario {path} está dañado ({exc})") from exc
    finally:
        file.close()
    if form is None:
        raise FormError(f"El formulario {path} está dañado ({loader.errorString()})")
    return form


def load_form(name: str, host: QWidget) -> QWidget:
    """Load ``ui/<name>`` and place it as the whole content of ``host`` (title included)."""
    form = load_ui(ui_file(name), host)
    colores.adaptar_formulario(form)  # high contrast, a dark theme
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
        widget = _sin_envoltura_ajena(form, kind, name)
    if widget is None:
        raise FormError(f"El formulario no tiene el control {name!r} ({kind.__name__})")
    return widget


def _sin_envoltura_ajena(form: QWidget, kind: type[W], name: str) -> W | None:
    """The child ``name`` when PySide keeps, at its address, the Python wrapper of an object of
    another class that lived there before: PySide's findChild tests the class of the wrapper
    registered at a child's address, not the object's own, and refuses a form's own label.
    Asked without a class, the child is that wrapper; when the object itself is a ``kind``, the
    wrapper is dropped and the child asked for again, now wrapped as what it is. None when the
    object is not a ``kind`` (the .ui file's mistake)."""
    ajeno = form.findChild(QObject, name)
    if ajeno is None or not ajeno.inherits(kind.__name__):  # the object's class, from Qt
        return None
    invalidate(ajeno)  # only the wrapper: the widget stays in its form
    return form.findChild(kind, name)
