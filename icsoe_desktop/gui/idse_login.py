"""Acceso a conexión en línea con IDSE: the first window."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QGroupBox, QLabel, QLineEdit, QPushButton, QWidget

from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.gui import msgbox
from icsoe_desktop.gui.forms import child, load_form

if TYPE_CHECKING:
    from icsoe_desktop.services.container import Services

MSG_SOLO_CONSULTA = (
    "Ingresarás en modo sólo consulta: únicamente podrás consultar los movimientos de "
    "Altas/Reingresos, Modificaciones de Salario y Bajas.\n\n"
    "Los servicios de conexión en línea se mostrarán disponibles cuando ingreses con un usuario "
    "y contraseña válidos."
)
MSG_ABRIENDO = "Abriendo la base de datos…"


class IdseLoginWindow(QWidget):
    """Emits ``signed_in(usuario, nombre)`` or ``consulta_requested()``; the app opens the rest.

    It may be shown before the store is open (fast start): until ``set_services`` it says so and
    keeps Continuar and the links disabled.
    """

    signed_in = Signal(str, str)
    consulta_requested = Signal()
    register_requested = Signal()
    recover_requested = Signal()

    def __init__(self, services: Services | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("IdseLoginWindow")
        form = load_form("idse_login.ui", self)
        self.solo_consulta = child(form, QCheckBox, "soloConsultaCheck")
        self.datos_group = child(form, QGroupBox, "datosGroup")
        self.usuario = child(form, QLineEdit, "usuarioEdit")
        self.contrasena = child(form, QLineEdit, "contrasenaEdit")
        self.mostrar = child(form, QCheckBox, "mostrarContrasenaCheck")
        self.continuar = child(form, QPushButton, "continuarButton")
        self.registrate = child(form, QPushButton, "registrateButton")
        self.olvido = child(form, QPushButton, "olvidoButton")
        self.estado = child(form, QLabel, "estadoLabel")

        self.solo_consulta.toggled.connect(self._on_solo_consulta)
        self.mostrar.toggled.connect(self._on_mostrar)
        self.continuar.clicked.connect(self._on_continuar)
        self.usuario.returnPressed.connect(self.contrasena.setFocus)
        self.contrasena.returnPressed.connect(self._on_continuar)
        self.registrate.clicked.connect(self.register_requested)
        self.olvido.clicked.connect(self.recover_requested)

        self._services: Services | None = None
        self._set_ready(False)
        if services is not None:
            self.set_services(services)

    # --- state ---------------------------------------------------------------------------------

    def set_services(self, services: Services) -> None:
        self._services = services
        self._set_ready(True)
        self.refresh_default_usuario()

    def refresh_default_usuario(self) -> None:
        """Guide: one user → prefilled; more than one → empty for the user to type."""
        if self._services is None:
            return
        self.usuario.setText(self._services.accounts.default_usuario())
        (self.contrasena if self.usuario.text() else self.usuario).setFocus()

    def _set_ready(self, ready: bool) -> None:
        for widget in (self.continuar, self.registrate, self.olvido):
            widget.setEnabled(ready)
        self.estado.setText("" if ready else MSG_ABRIENDO)

    def _on_solo_consulta(self, checked: bool) -> None:
        # Sólo consulta asks for no credentials.
        self.datos_group.setEnabled(not checked)

    def _on_mostrar(self, checked: bool) -> None:
        self.contrasena.setEchoMode(
            QLineEdit.EchoMode.Normal if checked else QLineEdit.EchoMode.Password
        )

    # --- actions -------------------------------------------------------------------------------

    def _on_continuar(self) -> None:
        if self._services is None:
            return
        if self.solo_consulta.isChecked():
            msgbox.information(self, MSG_SOLO_CONSULTA)
            self.consulta_requested.emit()
            return
        try:
            user = self._services.accounts.authenticate(self.usuario.text(), self.contrasena.text())
        except DomainError as exc:
            msgbox.warning(self, exc.message)
            self.contrasena.clear()
            (self.contrasena if self.usuario.text().strip() else self.usuario).setFocus()
            return
        self.contrasena.clear()
        self.signed_in.emit(user.usuario, user.nombre_completo)
