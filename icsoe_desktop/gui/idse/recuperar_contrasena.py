"""¿Olvidó su contraseña? — "Recuperar Contraseña"."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QLineEdit, QPushButton, QWidget

from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.gui.idse.restablecer_contrasena import RestablecerContrasenaDialog
from icsoe_desktop.gui.kit import mnemonics, msgbox
from icsoe_desktop.gui.kit.forms import child, load_form
from icsoe_desktop.gui.kit.geometria import centrar
from icsoe_desktop.gui.kit.modal import ejecutar_modal
from icsoe_desktop.gui.kit.operaciones import ejecutar
from icsoe_desktop.gui.kit.tabulador import en_orden

if TYPE_CHECKING:
    from icsoe_desktop.services.container import Services
    from icsoe_desktop.services.correo.mail import SendReport

TITLE = "Recuperar Contraseña"
MSG_SIN_CORREO = (
    "Tu solicitud quedó registrada, pero el correo saliente de icsoe-desktop todavía no está "
    "configurado, así que el código no puede enviarse.\n\nPide a un administrador de "
    "icsoe-desktop que lo configure en Configuración › Correo saliente (SMTP): el código se "
    "enviará entonces. También puede restablecer tu contraseña un administrador desde "
    "«Regístrate aquí»."
)


class RecuperarContrasenaDialog(QDialog):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("RecuperarContrasenaDialog")
        self._services = services
        form = load_form("recuperar_contrasena.ui", self)
        self.correo = child(form, QLineEdit, "correoEdit")
        self.enviar = child(form, QPushButton, "enviarButton")
        self.cancelar = child(form, QPushButton, "cancelarButton")
        self.codigo = child(form, QPushButton, "codigoButton")
        self.enviar.clicked.connect(self._on_enviar)
        self.cancelar.clicked.connect(self.reject)
        self.codigo.clicked.connect(self._open_reset)
        # Tab in reading order: «Ya tengo un código» at the left of the buttons' row.
        en_orden(self.correo, self.codigo, self.enviar, self.cancelar)
        # Guide: prefilled when exactly one user is enabled, empty otherwise.
        self.correo.setText(services.accounts.default_usuario())
        mnemonics.assign(self)  # Alt-letters for every button and labelled field
        self.resize(480, 200)
        centrar(self, parent)  # fits the screen, centred on its window

    def _on_enviar(self) -> None:
        try:
            self._services.accounts.request_password_reset(self.correo.text())
        except DomainError as exc:
            msgbox.warning(self, exc.message, TITLE)
            self.correo.setFocus()
            return
        mail = self._services.mail
        configured = self._services.settings.current.smtp.configured

        def enviar() -> SendReport:
            """Deliver now, off the GUI thread; if it fails the mail stays queued and is
            retried."""
            report = mail.send_pending()
            if configured and not report.sent and not report.failed:
                # Nothing was waiting (an e-mail that is no user's): the server is asked all the
                # same, so a server that is down is told alike whether the e-mail is a user's
                # or not.
                problem = mail.server_problem()
                if problem:
                    report = replace(report, failed=1, last_error=problem)
            return report

        ejecutar(self, "Enviando el correo…", enviar, self._enviado, titulo=TITLE)

    def _enviado(self, report: SendReport) -> None:
        from icsoe_desktop.services.acceso.accounts import MSG_CORREO_ENVIADO

        configured = self._services.settings.current.smtp.configured
        # Nothing sent and nothing failed: an e-mail that is no user's. Answered as one that is.
        if configured and not report.failed:
            msgbox.information(self, MSG_CORREO_ENVIADO, TITLE)
        elif not configured:
            # Only an administrator sets the mail (whoever chose the server could read the
            # codes): the request waits in the queue until then.
            msgbox.information(self, MSG_SIN_CORREO, TITLE)
        else:
            msgbox.warning(
                self,
                "Tu solicitud quedó registrada, pero el correo todavía no pudo enviarse: "
                f"{report.last_error}\n\nEl mensaje está en la cola y se reintentará "
                "automáticamente; no es necesario solicitarlo de nuevo.",
                TITLE,
            )
        self._open_reset()

    def _open_reset(self) -> None:
        dialog = RestablecerContrasenaDialog(self._services, self)
        if ejecutar_modal(dialog) == QDialog.DialogCode.Accepted:
            self.accept()
