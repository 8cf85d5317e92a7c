"""Configuración del correo saliente (SMTP): server, security, account and the mail queue.

An empresa with its own folder (not the first) chooses the installation's server or its own
(services/settings_empresa.py); the fields show what the choice uses."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QWidget,
)

from icsoe_desktop.config import SmtpSettings
from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.domain.texts import plural, verb
from icsoe_desktop.gui.kit import mnemonics, msgbox
from icsoe_desktop.gui.kit.cambios import PreguntaAlCerrar
from icsoe_desktop.gui.kit.forms import child, load_form
from icsoe_desktop.gui.kit.geometria import centrar
from icsoe_desktop.gui.kit.operaciones import ejecutar
from icsoe_desktop.gui.kit.tabulador import en_orden
from icsoe_desktop.services.settings_empresa import SettingsEmpresa

if TYPE_CHECKING:
    from icsoe_desktop.services.container import Services
    from icsoe_desktop.services.correo.mail import SendReport

TITLE = "Configuración del correo saliente (SMTP)"
SECURITY_CHOICES = (("STARTTLS", "starttls"), ("SSL/TLS", "ssl"), ("Ninguna", "ninguna"))
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "ninguna": 25}


class ConfiguracionCorreoDialog(PreguntaAlCerrar, QDialog):
    def __init__(
        self, services: Services, actor: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("ConfiguracionCorreoDialog")
        self._services = services
        self._actor = actor
        form = load_form("configuracion_correo.ui", self)
        self.servidor = child(form, QLineEdit, "servidorEdit")
        self.puerto = child(form, QSpinBox, "puertoSpin")
        self.seguridad = child(form, QComboBox, "seguridadCombo")
        self.usuario = child(form, QLineEdit, "usuarioEdit")
        self.contrasena = child(form, QLineEdit, "contrasenaEdit")
        self.remitente = child(form, QLineEdit, "remitenteEdit")
        self.llavero = child(form, QLabel, "llaveroLabel")
        self.pendientes = child(form, QLabel, "pendientesLabel")
        self.enviar_pendientes = child(form, QPushButton, "enviarPendientesButton")
        self.probar = child(form, QPushButton, "probarButton")
        self.guardar = child(form, QPushButton, "guardarButton")
        self.cancelar = child(form, QPushButton, "cancelarButton")
        self.origen = child(form, QWidget, "origenWidget")
        self.instalacion_radio = child(form, QRadioButton, "instalacionRadio")
        self.propio_radio = child(form, QRadioButton, "propioRadio")
        for label, value in SECURITY_CHOICES:
            self.seguridad.addItem(label, value)
        self._fields = {"host": self.servidor, "port": self.puerto, "remitente": self.remitente}

        # The first empresa (or the only one) has no folder of its own: the shared server only.
        own = services.settings_empresa
        self._propia = own if isinstance(own, SettingsEmpresa) else None
        self._borradores: dict[bool, tuple[SmtpSettings, str]] = {}  # per choice, while open
        if self._propia is None:  # out of the window and of its mnemonics: as before empresas
            self.origen.setParent(None)
        else:
            nombre = services.empresa.razon_social or services.empresa.rfc
            # «&&»: an ampersand of the razón social is text, not a mnemonic.
            self.propio_radio.setText(f"Usar un servidor propio para {nombre.replace('&', '&&')}")
            self.propio_radio.setChecked(self._propia.smtp_propio.configured)
        self._show(self._elegido())
        self.llavero.setVisible(not services.secrets.available())
        if not services.secrets.available():
            self.llavero.setText(
                "Este equipo no tiene un almacén seguro de contraseñas; no se puede guardar la "
                "contraseña SMTP (sólo servidores sin autenticación)."
            )

        self.seguridad.currentIndexChanged.connect(self._on_seguridad)
        self.propio_radio.toggled.connect(self._on_origen)
        self.probar.clicked.connect(self._on_probar)
        self.guardar.clicked.connect(self._on_guardar)
        self.cancelar.clicked.connect(self.reject)
        self.enviar_pendientes.clicked.connect(self._on_enviar_pendientes)
        # Tab in reading order: «Enviar pendientes ahora» sits under the form, above the
        # buttons' row.
        en_orden(self.remitente, self.enviar_pendientes, self.probar, self.guardar, self.cancelar)
        self._refresh_queue()
        mnemonics.assign(self)  # Alt-letters for every button and labelled field
        self.guardar.setDefault(True)  # Enter saves
        for button in (self.cancelar, self.probar, self.enviar_pendientes):
            button.setAutoDefault(False)
        self._guardado = self._valores()
        self.resize(560, 380)
        centrar(self, parent)  # fits the screen, centred on its window

    def _propia_elegida(self) -> SettingsEmpresa | None:
        """The empresa's settings when its own server is chosen; None: the installation's."""
        return self._propia if self.propio_radio.isChecked() else None

    def _elegido(self) -> SmtpSettings:
        """The saved settings the current choice would use."""
        if (propia := self._propia_elegida()) is not None:
            return propia.smtp_propio
        return self._services.settings.current.smtp

    def _show(self, smtp: SmtpSettings, password: str = "") -> None:
        self.servidor.setText(smtp.host)
        self.seguridad.setCurrentIndex(max(0, self.seguridad.findData(smtp.seguridad)))
        self.puerto.setValue(smtp.port)  # after seguridad, which may move a default port
        self.usuario.setText(smtp.usuario)
        self.contrasena.setText(password)
        if (propia := self._propia_elegida()) is not None:
            stored = propia.smtp_propio.configured and propia.smtp_password_stored()
        else:
            stored = self._services.settings.smtp_password_stored()
        self.contrasena.setPlaceholderText("(guardada en el llavero del sistema)" if stored else "")
        self.remitente.setText(smtp.remitente)

    def _on_origen(self, propio: bool) -> None:
        # What was typed for one choice comes back when the user returns to it.
        self._borradores[not propio] = (self._form_settings(), self.contrasena.text())
        self._show(*self._borradores.get(propio, (self._elegido(), "")))

    def _form_settings(self) -> SmtpSettings:
        return SmtpSettings(
            host=self.servidor.text().strip(),
            port=self.puerto.value(),
            usuario=self.usuario.text().strip(),
            seguridad=str(self.seguridad.currentData()),
            remitente=self.remitente.text().strip(),
        )

    def _password(self) -> str | None:
        """None keeps the stored password when the field is left empty."""
        return self.contrasena.text() or None

    def _refresh_queue(self) -> None:
        count = self._services.mail.pending_count()
        self.pendientes.setText(
            "No hay correos en espera." if count == 0 else f"Correos en espera de envío: {count}"
        )
        self.enviar_pendientes.setEnabled(count > 0)

    def _on_seguridad(self) -> None:
        if self.puerto.value() in DEFAULT_PORTS.values():
            self.puerto.setValue(DEFAULT_PORTS[str(self.seguridad.currentData())])

    def _on_probar(self) -> None:
        settings = self._form_settings()
        password = self._password()
        if password is None and settings.usuario:
            from icsoe_desktop.services.correo.mail import SMTP_SECRET_SCOPE, smtp_secret_key

            password = self._services.secrets.get(SMTP_SECRET_SCOPE, smtp_secret_key(settings))
        ejecutar(
            self,
            "Probando la conexión con el servidor de correo…",
            lambda: self._services.mail.test_connection(settings, password),
            lambda _: msgbox.information(
                self, "La conexión con el servidor de correo fue exitosa.", TITLE
            ),
            titulo=TITLE,
        )

    def _valores(self) -> tuple[object, ...]:
        return (self.propio_radio.isChecked(), self._form_settings(), self.contrasena.text())

    def cambios(self) -> bool:
        return self._valores() != self._guardado

    def guardar_cambios(self) -> bool:
        return self._on_guardar()

    def _on_guardar(self) -> bool:
        try:
            if (propia := self._propia_elegida()) is not None:
                propia.save_smtp(self._form_settings(), self._password(), self._actor)
            else:
                self._services.settings.save_smtp(
                    self._form_settings(), self._password(), self._actor
                )
                if self._propia is not None:  # the empresa goes back to the shared server
                    self._propia.quitar_smtp(self._actor)
        except DomainError as exc:
            msgbox.field_error(self, exc, self._fields, TITLE)
            return False
        msgbox.information(self, "La configuración del correo se guardó correctamente.", TITLE)
        self.accept()
        return True

    def _on_enviar_pendientes(self) -> None:
        ejecutar(
            self,
            "Enviando los correos en espera…",
            lambda: self._services.mail.send_pending(force=True),
            self._enviados,
            titulo=TITLE,
        )

    def _enviados(self, report: SendReport) -> None:
        self._refresh_queue()
        if report.failed:
            msgbox.warning(
                self,
                f"{_enviados(report.sent)}; {report.failed} "
                f"{verb(report.failed, 'sigue', 'siguen')} en espera: {report.last_error}",
                TITLE,
            )
        else:
            msgbox.information(self, f"{_enviados(report.sent)}.", TITLE)


def _enviados(count: int) -> str:
    return f"{verb(count, 'Se envió', 'Se enviaron')} {plural(count, 'correo')}"
