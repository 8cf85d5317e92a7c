"""The refused lines of an import (movements or an IDSE result): the row as the clerk sees it in
the sheet (or the line of a lote file) and the reason, every problem of every row, with a way to
copy them into a note or a mail."""

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

from icsoe_desktop.gui.kit import mnemonics
from icsoe_desktop.gui.kit.forms import child, load_form
from icsoe_desktop.gui.kit.geometria import centrar
from icsoe_desktop.gui.kit.lector import describir_lista
from icsoe_desktop.gui.kit.rows_model import RowsModel
from icsoe_desktop.services.movimientos.importar import LineaRechazada


class RechazosDialog(QDialog):
    def __init__(
        self,
        mensaje: str,
        rechazadas: Sequence[LineaRechazada],
        parent: QWidget | None = None,
        unidad: str = "Fila",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("RechazosDialog")
        form = load_form("rechazos_importacion.ui", self)
        self.mensaje = child(form, QLabel, "mensajeLabel")
        self.tabla = child(form, QTableView, "rechazosTable")
        self.tabla.setAccessibleName("Líneas rechazadas")
        describir_lista(
            self.tabla, "Las líneas del archivo que no se importaron y por qué, una por fila"
        )
        self.copiar = child(form, QPushButton, "copiarButton")
        self.cerrar = child(form, QPushButton, "cerrarButton")
        self.mensaje.setText(mensaje)
        self._unidad = unidad  # «Fila» of a sheet, «Línea» of a lote file
        self.model: RowsModel[LineaRechazada] = RowsModel(
            (unidad, "Motivo"), lambda r: (r.linea, r.motivo)
        )
        self.model.set_rows(rechazadas)
        self.tabla.setModel(self.model)
        self.tabla.verticalHeader().setVisible(False)
        header = self.tabla.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.tabla.setWordWrap(True)
        self.copiar.clicked.connect(self.copy_to_clipboard)
        self.cerrar.clicked.connect(self.accept)
        self.cerrar.setDefault(True)
        mnemonics.assign(self)  # Alt-letters for every button and labelled field
        self.resize(680, 420)
        centrar(self, parent)  # fits the screen, centred on its window

    def as_text(self) -> str:
        return "\n".join(f"{self._unidad} {r.linea}\t{r.motivo}" for r in self.model.rows)

    def copy_to_clipboard(self) -> None:
        QApplication.clipboard().setText(self.as_text())
