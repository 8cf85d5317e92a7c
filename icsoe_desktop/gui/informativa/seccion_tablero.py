"""A part of ICSOE › Vencimientos under the informativas (the REPSE registrations, the SISUB,
the clients' evidence): a title that counts its rows, and its list, read-only, one row selected
at a time, as tall as its first five rows, those past due in red as a past-due informativa is;
hidden while it has no row. Each part says its columns, cells, title and what is past due."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QLabel, QTableView, QVBoxLayout, QWidget

from icsoe_desktop.gui.kit import colores
from icsoe_desktop.gui.kit.colores import BASE
from icsoe_desktop.gui.kit.rows_derecha import RowsDerechaModel
from icsoe_desktop.gui.kit.rows_model import Index
from icsoe_desktop.gui.kit.tabla_lectura import tabla_de_lectura

T = TypeVar("T")


@dataclass(frozen=True)
class Parte(Generic[T]):
    """What a part shows: the names of its widgets (``nombre``: the part; ``etiqueta``: its
    title; ``tabla``: its list), what a screen reader says of the list, its columns and each
    row's cells, whether a row is past due (red), and the title for its rows."""

    nombre: str
    etiqueta: str
    tabla: str
    accesible: str
    descripcion: str
    cabeceras: tuple[str, ...]
    celdas: Callable[[T], tuple[str, ...]]
    vencida: Callable[[T], bool]
    titulo: Callable[[Sequence[T]], str]


class ModeloSeccion(RowsDerechaModel[T]):
    """A row past due in red (the system's text colour under high contrast)."""

    def __init__(self, parte: Parte[T]) -> None:
        super().__init__(parte.cabeceras, parte.celdas, derecha=())
        self._vencida = parte.vencida

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and role == Qt.ItemDataRole.ForegroundRole:
            vencida = self._vencida(self.rows[index.row()])
            return QBrush(colores.color(colores.ERROR, BASE)) if vencida else None
        return super().data(index, role)


class Seccion(QWidget, Generic[T]):
    """Its title and list; hidden while it has no row."""

    def __init__(self, parte: Parte[T], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._parte = parte
        self.setObjectName(parte.nombre)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.titulo = QLabel()
        self.titulo.setObjectName(parte.etiqueta)
        self.titulo.setWordWrap(True)
        layout.addWidget(self.titulo)
        self.model = ModeloSeccion(parte)
        self.tabla = tabla_de_lectura(parte.tabla, parte.accesible, parte.descripcion, self.model)
        layout.addWidget(self.tabla)

    def mostrar(self, filas: list[T]) -> None:
        self.model.set_rows(filas)
        self.titulo.setText(self._parte.titulo(filas))
        ajustar(self.tabla, len(self._parte.cabeceras), len(filas))
        self.setVisible(bool(filas))


def ajustar(tabla: QTableView, columnas: int, filas: int) -> None:
    """Each column but the name to its contents; the height of the header and five rows."""
    for column in range(columnas):
        if column != 2:
            tabla.resizeColumnToContents(column)
    alto = tabla.horizontalHeader().height() + 2 * tabla.frameWidth()
    altos = sum(tabla.rowHeight(r) for r in range(min(filas, 5)))
    tabla.setFixedHeight(alto + altos + 2)


__all__ = ["ModeloSeccion", "Parte", "Seccion", "ajustar"]
