"""The system's file choosers (``QFileDialog``'s own), with the keyboard back in the window the
clerk was in once they close (``modal.devolver_foco``): a window system may activate another
window, or none, when the chooser closes, as after any modal dialog. Every file or folder the
windows ask for goes through here (``tests/test_dialogos_por_el_kit.py``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from icsoe_desktop.gui.kit.modal import devolver_foco, ventana_del_usuario, ventanas_abiertas

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget


def abrir_archivo(
    parent: QWidget | None, titulo: str = "", carpeta: str = "", filtro: str = "", **opciones: Any
) -> tuple[str, str]:
    """``QFileDialog.getOpenFileName``: the file chosen ("" if none) and its filter."""
    return cast(
        "tuple[str, str]",
        _elegir("getOpenFileName", parent, titulo, carpeta, filtro, **opciones),
    )


def abrir_archivos(
    parent: QWidget | None, titulo: str = "", carpeta: str = "", filtro: str = "", **opciones: Any
) -> tuple[list[str], str]:
    """``QFileDialog.getOpenFileNames``: the files chosen (none if cancelled) and the filter."""
    return cast(
        "tuple[list[str], str]",
        _elegir("getOpenFileNames", parent, titulo, carpeta, filtro, **opciones),
    )


def guardar_archivo(
    parent: QWidget | None, titulo: str = "", carpeta: str = "", filtro: str = "", **opciones: Any
) -> tuple[str, str]:
    """``QFileDialog.getSaveFileName``: the path chosen ("" if none) and its filter."""
    return cast(
        "tuple[str, str]",
        _elegir("getSaveFileName", parent, titulo, carpeta, filtro, **opciones),
    )


def elegir_carpeta(
    parent: QWidget | None, titulo: str = "", carpeta: str = "", **opciones: Any
) -> str:
    """``QFileDialog.getExistingDirectory``: the folder chosen ("" if none)."""
    return cast(str, _elegir("getExistingDirectory", parent, titulo, carpeta, **opciones))


def _elegir(estatico: str, parent: QWidget | None, *args: Any, **opciones: Any) -> object:
    # Imported here, not with the login (start-up); looked up on each call, so what replaces
    # the chooser (a test's answer) is what runs.
    from PySide6.QtWidgets import QFileDialog

    volver, abiertas = ventana_del_usuario(parent), ventanas_abiertas()
    try:
        return getattr(QFileDialog, estatico)(parent, *args, **opciones)
    finally:
        devolver_foco(volver, abiertas)
