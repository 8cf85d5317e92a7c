"""¿Olvidaste tu contraseña? (capturista): a one-use code by mail, as in the IDSE recovery."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QLineEdit, QPushButton, QWidget

from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.gui.kit import mnemonics, msgbox
from icsoe_desktop.gui.kit.forms import child, load_form
from icsoe_desktop.gui.kit.geometria import centrar

if TYPE_CHECKING:
    from icsoe_desktop.services.container import Services

TITLE = "Recuperar contraseña"


class IcsoeRecuperarDialog(QDialog):
    """Accepted when the code was queued (the caller then opens Crear contraseña)."""

    def __init__(self, services: Services, curp: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("IcsoeRecuperarDialog")
        self._services = services
        form = load_form("icsoe_recuperar.ui", self)
        self.usuario = child(form, QLineEdit, "usuarioEdit")
        self.regresar = child(form, QPushButton, "regresarButton")
        self.enviar = child(form, QPushButton, "enviarButton")
        self.usuario.setText(curp)
        self.regresar.clicked.connect(self.reject)
        self.enviar.clicked.connect(self._on_enviar)
        self.enviar.setDefault(True)
        mnemonics.assign(self)  # Alt-letters for every button and labelled field
        self.resize(520, 200)
        centrar(self, parent)  # fits the screen, centred on its window

    def _on_enviar(self) -> None:
        try:
            self._services.entrada.solicitar_recuperacion(self.usuario.text())
        except DomainError as exc:
            msgbox.field_error(self, exc, {"usuario": self.usuario}, TITLE)
            return
        # The same answer whether or not the CURP is registered.
        from icsoe_desktop.services.capturistas.acceso import MSG_RECUPERACION_ENVIADA

        msgbox.information(self, MSG_RECUPERACION_ENVIADA, TITLE)
        self.accept()
