"""Firmar la informativa: the contratista's e.firma (.cer, .key and its password), the same
pickers as «Ingresa con firma electrónica»; the signature runs off the GUI thread (decrypting
the key is slow) and hands back the constancia de firma."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QCheckBox, QDialog, QLabel, QLineEdit, QPushButton, QWidget

from icsoe_desktop.gui.kit import efirma_de_la_sesion, mnemonics, msgbox
from icsoe_desktop.gui.kit.forms import child, load_form
from icsoe_desktop.gui.kit.geometria import centrar
from icsoe_desktop.gui.kit.mostrar_contrasena import bind_show_password
from icsoe_desktop.gui.kit.operaciones import ejecutar
from icsoe_desktop.gui.kit.widgets import efirma_pickers

if TYPE_CHECKING:
    from icsoe_desktop.services.container import Services

TITLE = "Firmar la informativa"


class FirmarInformativaDialog(QDialog):
    """Accepted once signed; ``acuse`` holds the constancia de firma (PDF)."""

    def __init__(
        self,
        services: Services,
        contratista_rfc: str,
        informativa_uuid: str,
        resumen: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("FirmarInformativaDialog")
        self._services = services
        self._rfc = contratista_rfc
        self._uuid = informativa_uuid
        self.acuse: bytes | None = None
        form = load_form("informativa_firmar.ui", self)
        child(form, QLabel, "resumenLabel").setText(resumen)
        self.certificado = child(form, QLineEdit, "certificadoEdit")
        self.certificado_button = child(form, QPushButton, "certificadoButton")
        self.llave = child(form, QLineEdit, "llaveEdit")
        self.llave_button = child(form, QPushButton, "llaveButton")
        self.contrasena = child(form, QLineEdit, "contrasenaEdit")
        self.mostrar = child(form, QCheckBox, "mostrarContrasenaCheck")
        self.cancelar = child(form, QPushButton, "cancelarButton")
        self.firmar = child(form, QPushButton, "firmarButton")
        bind_show_password(self.mostrar, self.contrasena)
        self.certificado_picker, self.llave_picker = efirma_pickers(
            self.certificado, self.certificado_button, self.llave, self.llave_button
        )
        self._fields = {
            "certificado": self.certificado_button,
            "llave": self.llave_button,
            "contrasena": self.contrasena,
        }
        self.cancelar.clicked.connect(self.reject)
        self.firmar.clicked.connect(self._on_firmar)
        self.firmar.setDefault(True)  # Enter in the password signs
        # The e.firma the contratista entered with, offered: only its password is asked.
        if (elegida := efirma_de_la_sesion.de(contratista_rfc)) is not None:
            self.set_certificado(str(elegida[0]))
            self.set_llave(str(elegida[1]))
            self.contrasena.setFocus()
        mnemonics.assign(self)
        self.resize(620, 330)
        centrar(self, parent)  # fits the screen, centred on its window

    def set_certificado(self, path: str) -> None:
        """What choosing the .cer does (tests call it to bypass the native file dialog)."""
        self.certificado.setText(path)

    def set_llave(self, path: str) -> None:
        self.llave.setText(path)

    def _on_firmar(self) -> None:
        # A file not chosen (None) is named by the service, like a wrong one.
        cer, key = self.certificado_picker.path(), self.llave_picker.path()
        password = self.contrasena.text()
        firma = self._services.informativa_firma
        ejecutar(
            self,
            "Firmando la informativa…",
            lambda: firma.firmar(self._uuid, self._rfc, cer, key, password),
            self._firmada,
            al_fallar=lambda exc: msgbox.field_error(
                self, exc, self._fields, TITLE, self.contrasena
            ),
            titulo=TITLE,
        )

    def _firmada(self, acuse: bytes) -> None:
        self.contrasena.clear()
        self.acuse = acuse
        self.accept()
