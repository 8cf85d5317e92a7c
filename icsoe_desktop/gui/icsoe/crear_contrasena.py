"""Crear contraseña (guía Ingreso del capturista, pasos 3-4): the mailed code, Contraseña nueva,
Confirmar contraseña under the guide's policy; Regresar / Guardar contraseña."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QLineEdit, QPushButton, QWidget

from icsoe_desktop.domain.activation_link import code_from_text
from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.gui.kit import mnemonics, msgbox
from icsoe_desktop.gui.kit.forms import child, load_form
from icsoe_desktop.gui.kit.geometria import centrar
from icsoe_desktop.gui.kit.widgets import bind_code_field, new_password_fields
from icsoe_desktop.services.acceso import code_guesses
from icsoe_desktop.services.capturistas.acceso import MSG_CONTRASENA_ACTUALIZADA

if TYPE_CHECKING:
    from icsoe_desktop.services.container import Services

TITLE = "Crear contraseña"


class IcsoeCrearContrasenaDialog(QDialog):
    """Accepted when the password was saved; ``curp`` is then the usuario. ``recuperacion``:
    opened after ¿Olvidaste tu contraseña? (its wrong codes count at that entry point)."""

    def __init__(
        self,
        services: Services,
        codigo: str = "",
        parent: QWidget | None = None,
        *,
        recuperacion: bool = False,
    ) -> None:
        super().__init__(parent)
        self._entrada = (
            code_guesses.CAPTURISTA_RECUPERACION
            if recuperacion
            else code_guesses.CAPTURISTA_ACTIVACION
        )
        self.setObjectName("IcsoeCrearContrasenaDialog")
        self._services = services
        self.curp = ""
        form = load_form("icsoe_crear_contrasena.ui", self)
        self.codigo = child(form, QLineEdit, "codigoEdit")
        self.contrasena, self.confirmacion, self.mostrar = new_password_fields(form, "")
        self.regresar = child(form, QPushButton, "regresarButton")
        self.guardar = child(form, QPushButton, "guardarButton")
        self._fields = {
            "codigo": self.codigo,
            "contrasena": self.contrasena,
            "confirmacion": self.confirmacion,
        }
        self.codigo.setText(codigo)
        bind_code_field(self.codigo)  # the link's code, as the mail's text shows it
        self.regresar.clicked.connect(self.reject)
        self.guardar.clicked.connect(self._on_guardar)
        self.guardar.setDefault(True)
        mnemonics.assign(self)  # Alt-letters for every button and labelled field
        self.resize(560, 380)
        centrar(self, parent)  # fits the screen, centred on its window
        # Opened from the mail's link the code is there: what is left to type is the password.
        (self.contrasena if self.codigo.text() else self.codigo).setFocus()

    def _on_guardar(self) -> None:
        try:
            self.curp = self._services.entrada.crear_contrasena(
                code_from_text(self.codigo.text()),
                self.contrasena.text(),
                self.confirmacion.text(),
                entrada=self._entrada,
            )
        except DomainError as exc:
            msgbox.field_error(self, exc, self._fields, TITLE)
            return
        finally:
            if not self.curp:  # a rejected password is typed again, not left on screen
                self.contrasena.clear()
                self.confirmacion.clear()
        # The contratista's Consulta, open meanwhile, shows the capturista active at once.
        msgbox.information(self, MSG_CONTRASENA_ACTUALIZADA, TITLE)
        self.accept()
