"""A list to read: a table view one row selected at a time, nothing edited, the arrows moving
in it and Tab leaving it, described for a screen reader (the deadline boards' lists)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from icsoe_desktop.gui.kit.lector import describir_lista


def tabla_de_lectura(
    nombre: str,
    accesible: str,
    descripcion: str,
    model: QAbstractItemModel,
    estirada: int | None = 2,
) -> QTableView:
    """``estirada``: the column that takes the width left (a name), if any."""
    tabla = QTableView()
    tabla.setObjectName(nombre)
    tabla.setAccessibleName(accesible)
    describir_lista(tabla, descripcion)
    tabla.setTabKeyNavigation(False)  # the arrows move in a list, Tab leaves it
    tabla.setModel(model)
    tabla.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    tabla.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    tabla.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    tabla.verticalHeader().hide()
    tabla.setWordWrap(False)
    if estirada is not None:
        tabla.horizontalHeader().setSectionResizeMode(estirada, QHeaderView.ResizeMode.Stretch)
    return tabla


__all__ = ["tabla_de_lectura"]
