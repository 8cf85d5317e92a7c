"""The part of ICSOE › Vencimientos that shows the SISUB of the INFONAVIT: each contratista's
period whose SISUB is not filed, with the INFONAVIT's deadline, past due in red as a past-due
informativa is."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from icsoe_desktop.domain.texts import plural
from icsoe_desktop.gui.informativa.seccion_tablero import ajustar, tabla_de_seccion
from icsoe_desktop.gui.kit import colores
from icsoe_desktop.gui.kit.colores import BASE
from icsoe_desktop.gui.kit.rows_derecha import RowsDerechaModel
from icsoe_desktop.gui.kit.rows_model import Index
from icsoe_desktop.services.informativa.captura import texto_dias
from icsoe_desktop.services.sisub.vencimientos import VencimientoSisub

CABECERAS = (
    "Empresa",
    "Contratista RFC",
    "Contratista",
    "Periodo",
    "Estado",
    "Fecha límite",
    "Días restantes",
)


def _celdas(f: VencimientoSisub) -> tuple[str, ...]:
    return (
        f.empresa.marcada(f.empresa.nombre),
        f.contratista_rfc,
        f.contratista_nombre,
        f.periodo.texto,
        f.estado_texto,
        f.fecha_limite.strftime("%d/%m/%Y"),
        texto_dias(f.dias_restantes),
    )


class SisubModel(RowsDerechaModel[VencimientoSisub]):
    def __init__(self) -> None:
        super().__init__(CABECERAS, _celdas, derecha=())

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and role == Qt.ItemDataRole.ForegroundRole:
            vencido = self.rows[index.row()].vencido
            return QBrush(colores.color(colores.ERROR, BASE)) if vencido else None
        return super().data(index, role)


class SisubPendientes(QWidget):
    """Its title and list; hidden while every SISUB is filed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sisubPendientes")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.titulo = QLabel()
        self.titulo.setObjectName("sisubLabel")
        self.titulo.setWordWrap(True)
        layout.addWidget(self.titulo)
        self.model = SisubModel()
        self.tabla = tabla_de_seccion(
            "sisubTable",
            "SISUB del INFONAVIT",
            "El SISUB de cada contratista por presentar y su fecha límite, uno por fila",
            self.model,
        )
        layout.addWidget(self.tabla)

    def mostrar(self, filas: list[VencimientoSisub]) -> None:
        self.model.set_rows(filas)
        vencidos = sum(1 for f in filas if f.vencido)
        texto = f"<b>SISUB del INFONAVIT por presentar</b> ({len(filas):,})"
        if vencidos:
            texto += f"; {plural(vencidos, 'vencido')}."
        self.titulo.setText(texto)
        ajustar(self.tabla, len(CABECERAS), len(filas))
        self.setVisible(bool(filas))
