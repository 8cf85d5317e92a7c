"""The part of ICSOE › Vencimientos that shows the clients' monthly evidence not complete (the
last two months), with the day each is due; past due in red, as a past-due informativa is."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from icsoe_desktop.gui.informativa.vencimientos_repse import texto_dias
from icsoe_desktop.gui.kit import colores
from icsoe_desktop.gui.kit.colores import BASE
from icsoe_desktop.gui.kit.lector import describir_lista
from icsoe_desktop.gui.kit.rows_derecha import RowsDerechaModel
from icsoe_desktop.gui.kit.rows_model import Index
from icsoe_desktop.services.evidencias.vencimientos import EvidenciaPendiente

CABECERAS = ("Empresa", "Cliente RFC", "Cliente", "Mes", "Evidencia", "Entrega", "Días restantes")


def _celdas(e: EvidenciaPendiente) -> tuple[str, ...]:
    return (
        e.empresa.marcada(e.empresa.nombre),
        e.contratante,
        e.nombre,
        e.mes.clave,
        e.faltan,
        e.entrega.strftime("%d/%m/%Y"),
        texto_dias(e.dias_restantes, "Vencida"),
    )


class EvidenciasPendientesModel(RowsDerechaModel[EvidenciaPendiente]):
    def __init__(self) -> None:
        super().__init__(CABECERAS, _celdas, derecha=())

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and role == Qt.ItemDataRole.ForegroundRole:
            vencida = self.rows[index.row()].vencida
            return QBrush(colores.color(colores.ERROR, BASE)) if vencida else None
        return super().data(index, role)


class EvidenciasPendientes(QWidget):
    """Its title and list; hidden while every client's evidence is complete."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("evidenciasPendientes")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.titulo = QLabel()
        self.titulo.setObjectName("evidenciasLabel")
        self.titulo.setWordWrap(True)
        layout.addWidget(self.titulo)
        self.model = EvidenciasPendientesModel()
        self.tabla = QTableView()
        self.tabla.setObjectName("evidenciasTable")
        self.tabla.setAccessibleName("Evidencias del cliente por entregar")
        describir_lista(
            self.tabla, "La evidencia mensual de cada cliente que aún falta, con su entrega"
        )
        self.tabla.setTabKeyNavigation(False)
        self.tabla.setModel(self.model)
        self.tabla.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tabla.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tabla.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tabla.verticalHeader().hide()
        self.tabla.setWordWrap(False)
        self.tabla.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.tabla)

    def mostrar(self, pendientes: list[EvidenciaPendiente]) -> None:
        self.model.set_rows(pendientes)
        self.titulo.setText(
            f"<b>Evidencias del cliente por entregar</b> ({len(pendientes):,}): "
            "ICSOE › Evidencias del cliente dice qué falta."
        )
        for column in range(len(CABECERAS)):
            if column != 2:
                self.tabla.resizeColumnToContents(column)
        alto = self.tabla.horizontalHeader().height() + 2 * self.tabla.frameWidth()
        filas = sum(self.tabla.rowHeight(r) for r in range(min(len(pendientes), 5)))
        self.tabla.setFixedHeight(alto + filas + 2)
        self.setVisible(bool(pendientes))
