"""The rows a worker file could not give: «renglón N: motivo», all of them, with a way to copy
them (the look of the movimientos' refused lines)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QWidget,
)

from icsoe_desktop.domain.informativa.modelo import Problema
from icsoe_desktop.gui.kit import mnemonics
from icsoe_desktop.gui.kit.forms import child, load_form
from icsoe_desktop.gui.kit.geometria import centrar
from icsoe_desktop.gui.kit.lector import describir_lista
from icsoe_desktop.gui.kit.rows_model import RowsModel

TITLE = "Renglones con problemas"


def renglon_texto(problema: Problema) -> str:
    return "" if problema.renglon is None else str(problema.renglon)


class ProblemasImportacionDialog(QDialog):
    def __init__(
        self,
        mensaje: str,
        problemas: Sequence[Problema],
        parent: QWidget | None = None,
        unidad: str = "Renglón",
    ) -> None:
        """``unidad``: what the file calls a row («Renglón» of a worker list, «Fila» of a
        sheet)."""
        super().__init__(parent)
        self._unidad = unidad
        self.setObjectName("ProblemasImportacionDialog")
        form = load_form("rechazos_importacion.ui", self)
        self.setWindowTitle(TITLE)
        self.mensaje = child(form, QLabel, "mensajeLabel")
        self.tabla = child(form, QTableView, "rechazosTable")
        self.tabla.setAccessibleName("Problemas encontrados")
        describir_lista(self.tabla, "Los problemas encontrados en el archivo, uno por fila")
        self.copiar = child(form, QPushButton, "copiarButton")
        self.cerrar = child(form, QPushButton, "cerrarButton")
        self.mensaje.setText(mensaje)
        self.model: RowsModel[Problema] = RowsModel(
            (unidad, "Motivo"), lambda p: (renglon_texto(p), p.mensaje)
        )
        self.model.set_rows(problemas)
        self.tabla.setModel(self.model)
        self.tabla.verticalHeader().setVisible(False)
        header = self.tabla.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.tabla.setWordWrap(True)
        self.copiar.setToolTip("Copia los renglones y sus motivos para pegarlos en otro programa")
        self.copiar.clicked.connect(self.copy_to_clipboard)
        self.cerrar.clicked.connect(self.accept)
        self.cerrar.setDefault(True)
        mnemonics.assign(self)
        self.resize(680, 420)
        centrar(self, parent)  # fits the screen, centred on its window

    def lineas(self) -> list[str]:
        """«renglón 3: motivo» per problem; one without a row is its motivo alone."""
        return [
            f"{self._unidad.lower()} {p.renglon}: {p.mensaje}"
            if p.renglon is not None
            else p.mensaje
            for p in self.model.rows
        ]

    def as_text(self) -> str:
        return "\n".join(self.lineas())

    def copy_to_clipboard(self) -> None:
        QApplication.clipboard().setText(self.as_text())
