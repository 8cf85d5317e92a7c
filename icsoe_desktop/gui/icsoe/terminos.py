"""Términos y Condiciones of the Sistema ICSOE, shown on the contratista's first entry (paso 6)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QPushButton, QTextBrowser, QWidget

from icsoe_desktop.gui.kit import mnemonics
from icsoe_desktop.gui.kit.forms import child, load_form
from icsoe_desktop.gui.kit.geometria import centrar
from icsoe_desktop.paths import resource_file

TERMINOS_FILE = "terminos_icsoe.html"


class IcsoeTerminosDialog(QDialog):
    """Ingresar accepts, Cancelar rejects (the contratista does not enter)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("IcsoeTerminosDialog")
        form = load_form("icsoe_terminos.ui", self)
        self.ver = child(form, QPushButton, "verTerminosButton")
        self.terminos = child(form, QTextBrowser, "terminosBrowser")
        self.cancelar = child(form, QPushButton, "cancelarButton")
        self.ingresar = child(form, QPushButton, "ingresarButton")
        try:
            self.terminos.setHtml(resource_file(TERMINOS_FILE).read_text(encoding="utf-8"))
        except OSError:
            self.terminos.setPlainText(
                "No se encontraron los términos y condiciones en la instalación."
            )
        self.terminos.setVisible(False)
        self.ver.clicked.connect(self._toggle)
        self.cancelar.clicked.connect(self.reject)
        self.ingresar.clicked.connect(self.accept)
        self.ingresar.setDefault(True)
        mnemonics.assign(self)  # Alt-letters for every button and labelled field
        self.resize(560, 160)
        centrar(self, parent)  # fits the screen, centred on its window

    def _toggle(self) -> None:
        showing = not self.terminos.isVisible()
        self.terminos.setVisible(showing)
        self.resize(self.width(), 480 if showing else 160)
