"""Restablecer contraseña (administrador): from Regístrate aquí, an administrator of the app
signs again and sets the password of the user chosen in the list — for a user whose recovery
mail cannot arrive (no outgoing mail yet, a mailbox lost)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.domain.passwords import POLICY_TEXT
from icsoe_desktop.gui.kit import mnemonics, msgbox
from icsoe_desktop.gui.kit.geometria import centrar
from icsoe_desktop.gui.kit.mostrar_contrasena import bind_show_password
from icsoe_desktop.gui.kit.nombres import nombrar_por_etiquetas

if TYPE_CHECKING:
    from icsoe_desktop.services.container import Services

TITLE = "Restablecer contraseña de un usuario"
MSG_RESTABLECIDA = (
    "La contraseña de {usuario} se restableció. Entrégale la contraseña nueva en persona; "
    "se le avisará por correo del cambio."
)


class RestablecerPorAdministradorDialog(QDialog):
    def __init__(
        self,
        services: Services,
        usuario: str,
        administrador: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("RestablecerPorAdministradorDialog")
        self.setWindowTitle(TITLE)
        self._services = services
        self.usuario = usuario

        def edit(name: str, password: bool = True) -> QLineEdit:
            line = QLineEdit(self)
            line.setObjectName(name)
            line.setMaxLength(254 if not password else 128)
            if password:
                line.setEchoMode(QLineEdit.EchoMode.Password)
            return line

        self.administrador = edit("administradorEdit", password=False)
        self.administrador.setText(administrador)
        self.administrador.setPlaceholderText("nombre@empresa.com")
        self.admin_contrasena = edit("adminContrasenaEdit")
        self.contrasena = edit("contrasenaEdit")
        self.confirmacion = edit("confirmacionEdit")
        self.mostrar = QCheckBox("&Mostrar contraseñas", self)
        self.mostrar.setObjectName("mostrarContrasenaCheck")
        bind_show_password(self.mostrar, self.admin_contrasena, self.contrasena, self.confirmacion)

        layout = QVBoxLayout(self)
        intro = QLabel(
            f"Define la contraseña nueva de <b>{usuario}</b>. Sólo un administrador de "
            "icsoe-desktop puede hacerlo: captura tu usuario y tu contraseña.",
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        form.addRow("&Administrador:", self.administrador)
        form.addRow("Contraseña del a&dministrador:", self.admin_contrasena)
        form.addRow("Contraseña &nueva:", self.contrasena)
        form.addRow("C&onfirmar contraseña:", self.confirmacion)
        form.addRow("", self.mostrar)
        layout.addLayout(form)
        politica = QLabel("La contraseña debe:\n" + POLICY_TEXT, self)
        politica.setObjectName("politicaLabel")
        politica.setWordWrap(True)
        layout.addWidget(politica)
        buttons = QDialogButtonBox(self)
        self.restablecer = buttons.addButton("&Restablecer", QDialogButtonBox.ButtonRole.AcceptRole)
        self.restablecer.setObjectName("restablecerButton")
        self.restablecer.setDefault(True)
        self.cancelar = buttons.addButton("&Cancelar", QDialogButtonBox.ButtonRole.RejectRole)
        self.cancelar.setObjectName("cancelarButton")
        self.restablecer.clicked.connect(self._on_restablecer)
        self.cancelar.clicked.connect(self.reject)
        layout.addWidget(buttons)
        self._fields = {
            "usuario": self.administrador,
            "contrasena": self.contrasena,
            "confirmacion": self.confirmacion,
        }
        (self.admin_contrasena if administrador else self.administrador).setFocus()
        nombrar_por_etiquetas(self.findChildren(QLabel))  # the form's, once in the window
        self.resize(520, 360)
        centrar(self, parent)  # fits the screen, centred on its window
        mnemonics.decir_letras(self)  # the letters written here, said to a screen reader too

    def _on_restablecer(self) -> None:
        try:
            self._services.accounts.admin_reset_password(
                self.administrador.text(),
                self.admin_contrasena.text(),
                self.usuario,
                self.contrasena.text(),
                self.confirmacion.text(),
            )
        except DomainError as exc:
            msgbox.field_error(self, exc, self._fields, TITLE, fallback=self.admin_contrasena)
            return
        finally:
            self.admin_contrasena.clear()  # never left on screen
        msgbox.information(self, MSG_RESTABLECIDA.format(usuario=self.usuario), TITLE)
        self.accept()
