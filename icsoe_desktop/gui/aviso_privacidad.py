"""The Aviso de privacidad and the Acuerdo de servicio, read from resources/."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from icsoe_desktop.gui.kit import mnemonics
from icsoe_desktop.gui.kit.geometria import centrar
from icsoe_desktop.paths import resource_file

DOCUMENTS = (
    ("Aviso de privacidad", "aviso_privacidad.html"),
    ("Acuerdo de servicio", "acuerdo_servicio.html"),
)


class AvisoPrivacidadDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("AvisoPrivacidadDialog")
        self.setWindowTitle("Aviso de privacidad y Acuerdo de servicio")
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("documentosTabs")
        self.tabs.setAccessibleName("Documentos")
        for title, name in DOCUMENTS:
            browser = QTextBrowser(self.tabs)
            browser.setObjectName(name.removesuffix(".html") + "Browser")
            browser.setAccessibleName(title)
            browser.setAccessibleDescription(
                "El texto completo, de sólo lectura; las flechas y Av Pág lo recorren."
            )
            try:
                browser.setHtml(resource_file(name).read_text(encoding="utf-8"))
            except OSError:
                browser.setPlainText(f"No se encontró el documento «{title}» en la instalación.")
            self.tabs.addTab(browser, title)
        layout.addWidget(self.tabs)
        buttons = QDialogButtonBox(self)
        buttons.addButton("Cerrar", QDialogButtonBox.ButtonRole.AcceptRole).setObjectName(
            "cerrarButton"
        )
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
        mnemonics.assign(self)  # Alt-letters for every button and labelled field
        self.resize(620, 520)
        centrar(self, parent)  # fits the screen, centred on its window
