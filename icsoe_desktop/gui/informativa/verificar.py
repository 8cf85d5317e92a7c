"""Verificar una constancia de firma: anyone who received one (a contratista's client, an
auditor) chooses the PDF and, if the contratista gave it, the .cer of its e.firma, and reads
the answer: whose it is, what and when it was signed, or every reason it proves nothing."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.motivo_os import motivo_os
from icsoe_desktop.gui.kit import colores, mnemonics, msgbox
from icsoe_desktop.gui.kit.geometria import centrar
from icsoe_desktop.gui.kit.operaciones import ejecutar
from icsoe_desktop.gui.kit.widgets import EFIRMA_CER_FILTER, FilePicker

if TYPE_CHECKING:
    from icsoe_desktop.services.container import Services
    from icsoe_desktop.services.informativa.constancia import Verificacion

TITLE = "Verificar una constancia de firma"
PDF_FILTER = "Constancia de firma (*.pdf)"
MSG_SIN_PDF = "Elige el PDF de la constancia de firma."
INSTRUCCIONES = (
    "Elige la constancia de firma de la informativa (PDF) que te entregó la contratista. El "
    "certificado (.cer) de su e.firma es opcional: si lo tienes, se comprueba además que la "
    "firmó con él."
)


def _leer(path: Path, que: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ValidationError(
            "archivo_ilegible", f"No se pudo leer {que} «{path}»: {motivo_os(exc)}."
        ) from exc


class VerificarConstanciaDialog(QDialog):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("VerificarConstanciaDialog")
        self.setWindowTitle(TITLE)
        self._services = services
        instrucciones = QLabel(INSTRUCCIONES)
        instrucciones.setWordWrap(True)
        self.constancia = QLineEdit(readOnly=True)
        self.constancia_button = QPushButton("Elegir…")
        self.certificado = QLineEdit(readOnly=True)
        self.certificado_button = QPushButton("Elegir…")
        for widget, nombre in (
            (self.constancia, "constanciaEdit"),
            (self.constancia_button, "constanciaButton"),
            (self.certificado, "certificadoEdit"),
            (self.certificado_button, "certificadoButton"),
        ):
            widget.setObjectName(nombre)
        self.constancia_picker = FilePicker(
            self.constancia, self.constancia_button, "Constancia de firma (PDF)", PDF_FILTER,
            archivo="la constancia de firma",
        )  # fmt: skip
        self.certificado_picker = FilePicker(
            self.certificado, self.certificado_button, "Certificado (.cer)", EFIRMA_CER_FILTER,
            archivo="el certificado",
        )  # fmt: skip
        campos = QFormLayout()
        for etiqueta, edit, button in (
            ("Constancia de firma (PDF):", self.constancia, self.constancia_button),
            ("Certificado (.cer), opcional:", self.certificado, self.certificado_button),
        ):
            edit.setAccessibleName(etiqueta.rstrip(":"))  # the row's label is the layout's
            fila = QHBoxLayout()
            fila.addWidget(edit, 1)
            fila.addWidget(button)
            campos.addRow(etiqueta, fila)
        self.resultado = QLabel(wordWrap=True)
        self.resultado.setObjectName("resultadoLabel")
        self.resultado.setMinimumHeight(90)
        self.resultado.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        botones = QDialogButtonBox()
        self.verificar = botones.addButton("Verificar", QDialogButtonBox.ButtonRole.ActionRole)
        self.verificar.setObjectName("verificarButton")
        self.cerrar = botones.addButton("Cerrar", QDialogButtonBox.ButtonRole.RejectRole)
        self.cerrar.setObjectName("cerrarButton")
        self.verificar.setDefault(True)
        self.verificar.clicked.connect(self._on_verificar)
        self.cerrar.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(instrucciones)
        layout.addLayout(campos)
        layout.addWidget(self.resultado, 1)
        layout.addWidget(botones)
        mnemonics.assign(self)
        self.resize(680, 340)
        centrar(self, parent)

    def set_constancia(self, path: str) -> None:
        """What choosing the PDF does (tests call it to bypass the native file dialog)."""
        self.constancia.setText(path)
        self.resultado.clear()

    def set_certificado(self, path: str) -> None:
        self.certificado.setText(path)
        self.resultado.clear()

    def _on_verificar(self) -> None:
        pdf_path, cer_path = self.constancia_picker.path(), self.certificado_picker.path()
        if pdf_path is None:
            msgbox.warning(self, MSG_SIN_PDF, TITLE)
            return
        firma = self._services.informativa_firma

        def trabajo() -> Verificacion:
            pdf = _leer(pdf_path, "la constancia")
            cer = None if cer_path is None else _leer(cer_path, "el certificado")
            return firma.verificar(pdf, cer)

        ejecutar(self, "Verificando la constancia…", trabajo, self._mostrar, titulo=TITLE)

    def _mostrar(self, resultado: Verificacion) -> None:
        if resultado.ok:
            lineas = resultado.lineas()
            dudoso = resultado.cambios_posteriores or resultado.practica
            rol = colores.AVISO if dudoso else colores.EXITO
        else:
            lineas = [resultado.encabezado(), *resultado.motivo]
            rol = colores.ERROR if resultado.comprobable else colores.AVISO
        colores.pintar(self.resultado, rol)
        self.resultado.setText("\n".join(lineas))
