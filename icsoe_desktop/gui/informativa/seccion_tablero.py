"""A part of ICSOE › Vencimientos under the informativas (the REPSE registrations, the SISUB,
the clients' evidence): its list, read-only, one row selected at a time, as tall as its first
five rows."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from icsoe_desktop.gui.kit.lector import describir_lista


def tabla_de_seccion(
    nombre: str, accesible: str, descripcion: str, model: QAbstractItemModel
) -> QTableView:
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
    tabla.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
    return tabla


def ajustar(tabla: QTableView, columnas: int, filas: int) -> None:
    """Each column but the name to its contents; the height of the header and five rows."""
    for column in range(columnas):
        if column != 2:
            tabla.resizeColumnToContents(column)
    alto = tabla.horizontalHeader().height() + 2 * tabla.frameWidth()
    altos = sum(tabla.rowHeight(r) for r in range(min(filas, 5)))
    tabla.setFixedHeight(alto + altos + 2)
