"""The part of ICSOE › Vencimientos that shows the REPSE registrations: each one whose renewal
may be asked (from three months before its end) and each one lapsed, in red as a past-due
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
from icsoe_desktop.services.informativa.vencimientos_repse import VencimientoRepse

CABECERAS = (
    "Empresa",
    "Contratista RFC",
    "Contratista",
    "Registro REPSE",
    "Estado",
    "Renovación desde",
    "Vence",
    "Días restantes",
)


def texto_dias(dias: int, pasado: str = "Vencido") -> str:
    """«Faltan 49 días», «Vence hoy», «Vencido hace 3 días» (``pasado``: «Vencida»…)."""
    if dias < 0:
        return f"{pasado} hace {plural(-dias, 'día')}"
    if dias == 0:
        return "Vence hoy"
    return f"{'Falta' if dias == 1 else 'Faltan'} {plural(dias, 'día')}"


def _celdas(r: VencimientoRepse) -> tuple[str, ...]:
    return (
        r.empresa.marcada(r.empresa.nombre),
        r.contratista_rfc,
        r.contratista_nombre,
        r.aviso,
        r.estado_texto,
        r.renovacion_desde.strftime("%d/%m/%Y"),
        r.vence.strftime("%d/%m/%Y"),
        texto_dias(r.dias_restantes),
    )


class RegistrosRepseModel(RowsDerechaModel[VencimientoRepse]):
    """A lapsed registration in red (the system's text colour under high contrast)."""

    def __init__(self) -> None:
        super().__init__(CABECERAS, _celdas, derecha=())

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and role == Qt.ItemDataRole.ForegroundRole:
            vencido = self.rows[index.row()].vencido
            return QBrush(colores.color(colores.ERROR, BASE)) if vencido else None
        return super().data(index, role)


class RegistrosRepse(QWidget):
    """Its title and list; hidden while no registration is to renew nor lapsed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("registrosRepse")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.titulo = QLabel()
        self.titulo.setObjectName("repseLabel")
        self.titulo.setWordWrap(True)
        layout.addWidget(self.titulo)
        self.model = RegistrosRepseModel()
        self.tabla = tabla_de_seccion(
            "repseTable",
            "Registros REPSE",
            "Los registros REPSE por renovar o vencidos, con su vencimiento, uno por fila",
            self.model,
        )
        layout.addWidget(self.tabla)

    def mostrar(self, registros: list[VencimientoRepse]) -> None:
        self.model.set_rows(registros)
        vencidos = sum(1 for r in registros if r.vencido)
        texto = f"<b>Registros REPSE por renovar o vencidos</b> ({len(registros):,})"
        if vencidos:
            texto += (
                f"; {plural(vencidos, 'vencido')}: se cancela y con él la deducción del cliente "
                "y las informativas que siguen."
            )
        self.titulo.setText(texto)
        ajustar(self.tabla, len(CABECERAS), len(registros))
        self.setVisible(bool(registros))
