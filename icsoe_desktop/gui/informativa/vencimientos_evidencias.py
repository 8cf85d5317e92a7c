"""The part of ICSOE › Vencimientos that shows the clients' monthly evidence not complete (the
last two months), with the day each is due; past due in red, as a past-due informativa is."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from icsoe_desktop.gui.informativa.seccion_tablero import ajustar, tabla_de_seccion
from icsoe_desktop.gui.informativa.vencimientos_repse import texto_dias
from icsoe_desktop.gui.kit import colores
from icsoe_desktop.gui.kit.colores import BASE
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
        self.tabla = tabla_de_seccion(
            "evidenciasTable",
            "Evidencias del cliente por entregar",
            "La evidencia mensual de cada cliente que aún falta, con su entrega",
            self.model,
        )
        layout.addWidget(self.tabla)

    def mostrar(self, pendientes: list[EvidenciaPendiente]) -> None:
        self.model.set_rows(pendientes)
        self.titulo.setText(
            f"<b>Evidencias del cliente por entregar</b> ({len(pendientes):,}): "
            "ICSOE › Evidencias del cliente dice qué falta."
        )
        ajustar(self.tabla, len(CABECERAS), len(pendientes))
        self.setVisible(bool(pendientes))
