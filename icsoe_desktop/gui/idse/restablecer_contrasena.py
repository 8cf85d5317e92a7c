"""Restablecer contraseña: the one-use code from the mail and a new password."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QLineEdit, QPushButton, QWidget

from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.gui.kit import mnemonics, msgbox
from icsoe_desktop.gui.kit.forms import child, load_form
from icsoe_desktop.gui.kit.geometria import centrar
from icsoe_desktop.gui.kit.widgets import bind_code_field, new_password_fields

if TYPE_CHECKING:
    from icsoe_desktop.services.container import Services

TITLE = "Restablecer contraseña"
MSG_ACTUALIZADA = "Contraseña actualizada. Ya puedes ingresar con tu nueva contraseña."


class RestablecerContrasenaDialog(QDialog):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("RestablecerContrasenaDialog")
        self._services = services
        form = load_form("restablecer_contrasena.ui", self)
        self.codigo = child(form, QLineEdit, "codigoEdit")
        self.contrasena, self.confirmacion, self.mostrar = new_password_fields(form)
        self.guardar = child(form, QPushButton, "guardarButton")
        self.cancelar = child(form, QPushButton, "cancelarButton")
        self._fields = {
            "codigo": self.codigo,
            "contrasena": self.contrasena,
            "confirmacion": self.confirmacion,
        }
        bind_code_field(self.codigo)
        self.guardar.clicked.connect(self._on_guardar)
        self.cancelar.clicked.connect(self.reject)
        self.usuario: str | None = None
        mnemonics.assign(self)  # Alt-letters for every button and labelled field
        self.resize(520, 330)
        centrar(self, parent)  # fits the screen, centred on its window

    def _on_guardar(self) -> None:
        try:
            self.usuario = self._services.accounts.reset_password(
                self.codigo.text(), self.contrasena.text(), self.confirmacion.text()
            )
        except DomainError as exc:
            msgbox.field_error(self, exc, self._fields, TITLE, fallback=self.contrasena)
            return
        # The "contraseña actualizada" notice is queued; deliver it when the app next sends mail.
        msgbox.information(self, MSG_ACTUALIZADA, TITLE)
        self.accept()
