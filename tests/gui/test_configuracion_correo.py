"""Configuración del correo saliente (SMTP), driven through its real widgets against a real
SMTP server, the settings file and the (test) keyring."""

from __future__ import annotations

import socket

import keyring
import pytest
from PySide6.QtWidgets import QComboBox, QDialog, QMessageBox

from icsoe_desktop.config import SETTINGS_FILE, SmtpSettings
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.gui.configuracion.correo import TITLE, ConfiguracionCorreoDialog
from icsoe_desktop.services.acceso.accounts import Registration
from tests.gui.helpers import click

USUARIO = "idse@nominas.com"
REMITENTE = "nominas@empresa.com"
MSG_GUARDADA = "La configuración del correo se guardó correctamente."
MSG_CONEXION_OK = "La conexión con el servidor de correo fue exitosa."
MSG_SIN_CONEXION = (
    "No se pudo conectar con el servidor de correo. Revisa el servidor, el puerto y la red."
)
MSG_SIN_PENDIENTES = "No hay correos en espera."


ADMIN_PASSWORD = "Nom1na$Segura"


def closed_port() -> int:
    """A port nothing listens on: bound, read, released."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_dialog(qtbot, services, actor: str = "admin@empresa.com") -> ConfiguracionCorreoDialog:
    """As the administrator (the first user registered) opens it from the main window."""
    if not services.accounts.listar():
        services.accounts.register(
            Registration(
                "Admin", "Ruiz", "", "admin@empresa.com", ADMIN_PASSWORD, ADMIN_PASSWORD, True
            )
        )
    dialog = ConfiguracionCorreoDialog(services, actor=actor)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def choose(combo: QComboBox, label: str) -> None:
    index = combo.findText(label)
    assert index >= 0, f"no {label!r} in the combo"
    combo.setCurrentIndex(index)


def type_into(qtbot, widget, text: str) -> None:
    widget.selectAll()
    if text:
        qtbot.keyClicks(widget, text)
    else:
        widget.clear()


def fill(
    qtbot,
    dialog: ConfiguracionCorreoDialog,
    servidor: str,
    puerto: int,
    seguridad: str = "Ninguna",
    usuario: str = "",
    contrasena: str = "",
    remitente: str = REMITENTE,
) -> None:
    type_into(qtbot, dialog.servidor, servidor)
    choose(dialog.seguridad, seguridad)  # before the port: it may change a default port
    type_into(qtbot, dialog.puerto, str(puerto))
    type_into(qtbot, dialog.usuario, usuario)
    type_into(qtbot, dialog.contrasena, contrasena)
    type_into(qtbot, dialog.remitente, remitente)


def press(qtbot, modals, button) -> object:
    """Click a button that ends in one message box; return what the box said."""
    before = len(modals.messages)
    click(qtbot, button)
    qtbot.waitUntil(lambda: len(modals.messages) == before + 1)
    return modals.messages[-1]


def queue_a_mail_while_smtp_is_down(services) -> None:
    """A recovery mail that could not be delivered: the server's port was closed."""
    services.settings.save_smtp(
        SmtpSettings(
            host="127.0.0.1",
            port=closed_port(),
            seguridad="ninguna",
            remitente=REMITENTE,
            timeout_s=5,
        ),
        None,
        actor=CLI_ACTOR,
    )
    services.accounts.register(
        Registration("Claudia", "Hernández", "", USUARIO, "Nom1na$Segura", "Nom1na$Segura", True)
    )
    services.accounts.request_password_reset(USUARIO)
    report = services.mail.send_pending()
    assert report.failed == 1 and report.sent == 0
    assert services.mail.pending_count() == 1


def test_dialog_shows_the_saved_settings(qtbot, services):
    services.settings.save_smtp(
        SmtpSettings(
            host="smtp.empresa.com",
            port=2525,
            usuario="envios@empresa.com",
            seguridad="ssl",
            remitente=REMITENTE,
        ),
        "Clave$Smtp9",
        actor=CLI_ACTOR,
    )
    dialog = make_dialog(qtbot, services)
    assert dialog.windowTitle() == TITLE
    assert dialog.servidor.text() == "smtp.empresa.com"
    assert dialog.puerto.value() == 2525
    assert dialog.seguridad.currentText() == "SSL/TLS"
    assert dialog.seguridad.currentData() == "ssl"
    assert dialog.usuario.text() == "envios@empresa.com"
    assert dialog.remitente.text() == REMITENTE
    assert dialog.contrasena.text() == ""  # never read back into the field
    assert dialog.contrasena.placeholderText() == "(guardada en el llavero del sistema)"
    assert dialog.llavero.isHidden()  # the test keyring is available
    assert dialog.pendientes.text() == MSG_SIN_PENDIENTES
    assert not dialog.enviar_pendientes.isEnabled()


def test_new_settings_start_empty_with_starttls(qtbot, services):
    dialog = make_dialog(qtbot, services)
    assert dialog.servidor.text() == ""
    assert dialog.puerto.value() == 587
    assert dialog.seguridad.currentText() == "STARTTLS"
    assert dialog.contrasena.placeholderText() == ""


def test_seguridad_moves_a_default_port_but_keeps_a_custom_one(qtbot, services):
    dialog = make_dialog(qtbot, services)
    choose(dialog.seguridad, "SSL/TLS")
    assert dialog.puerto.value() == 465
    choose(dialog.seguridad, "Ninguna")
    assert dialog.puerto.value() == 25
    type_into(qtbot, dialog.puerto, "2525")
    choose(dialog.seguridad, "STARTTLS")
    assert dialog.puerto.value() == 2525


@pytest.mark.parametrize(
    ("servidor", "remitente", "message"),
    [
        ("", REMITENTE, "Captura el servidor de correo (SMTP)."),
        ("smtp empresa.com", REMITENTE, "El servidor de correo no debe tener espacios."),
        (
            "smtp.empresa.com",
            "nominas@empresa",
            "El remitente debe ser un correo electrónico válido.",
        ),
        ("smtp.empresa.com", "", "El remitente debe ser un correo electrónico válido."),
    ],
    ids=["servidor_vacio", "servidor_con_espacios", "remitente_invalido", "remitente_vacio"],
)
def test_guardar_refuses_bad_settings_and_stays_open(
    qtbot, services, modals, data_dir, servidor, remitente, message
):
    dialog = make_dialog(qtbot, services)
    fill(qtbot, dialog, servidor, 2525, remitente=remitente)
    seen = press(qtbot, modals, dialog.guardar)
    assert seen.text == message
    assert seen.icon == QMessageBox.Icon.Warning
    assert seen.title == TITLE
    assert dialog.isVisible()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert not (data_dir / SETTINGS_FILE).exists()
    assert services.settings.current.smtp == SmtpSettings()


def test_guardar_persists_settings_and_puts_the_password_in_the_keyring(
    qtbot, services, modals, data_dir, clock
):
    from icsoe_desktop.services.container import open_services

    password = "Clave$Smtp9"
    dialog = make_dialog(qtbot, services)
    fill(
        qtbot,
        dialog,
        "smtp.empresa.com",
        2525,
        seguridad="STARTTLS",
        usuario="envios@empresa.com",
        contrasena=password,
    )
    seen = press(qtbot, modals, dialog.guardar)
    assert seen.text == MSG_GUARDADA
    assert seen.icon == QMessageBox.Icon.Information
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert dialog.result() == QDialog.DialogCode.Accepted

    expected = SmtpSettings(
        host="smtp.empresa.com",
        port=2525,
        usuario="envios@empresa.com",
        seguridad="starttls",
        remitente=REMITENTE,
    )
    again = open_services(data_dir, clock)
    try:
        assert again.settings.current.smtp == expected
        assert again.settings.smtp_password_stored()
    finally:
        again.close()
    key = "envios@empresa.com@smtp.empresa.com:2525"
    assert keyring.get_password("icsoe-desktop/smtp", key) == password
    text = (data_dir / SETTINGS_FILE).read_text(encoding="utf-8")
    assert "smtp.empresa.com" in text
    assert password not in text

    # Reopened, the password is not shown, only said to be kept; saving again keeps it.
    reopened = make_dialog(qtbot, services)
    assert reopened.contrasena.text() == ""
    assert reopened.contrasena.placeholderText() == "(guardada en el llavero del sistema)"
    assert press(qtbot, modals, reopened.guardar).text == MSG_GUARDADA
    assert keyring.get_password("icsoe-desktop/smtp", key) == password


def test_probar_conexion_against_a_running_server(qtbot, services, modals, smtp_server):
    dialog = make_dialog(qtbot, services)
    fill(qtbot, dialog, smtp_server.host, smtp_server.port)
    seen = press(qtbot, modals, dialog.probar)
    assert seen.text == MSG_CONEXION_OK
    assert seen.icon == QMessageBox.Icon.Information
    assert dialog.isVisible()  # testing does not save or close
    assert services.settings.current.smtp == SmtpSettings()
    assert smtp_server.messages == []  # a connection test sends nothing


def test_probar_conexion_against_a_closed_port(qtbot, services, modals):
    dialog = make_dialog(qtbot, services)
    fill(qtbot, dialog, "127.0.0.1", closed_port())
    seen = press(qtbot, modals, dialog.probar)
    assert seen.text == MSG_SIN_CONEXION
    assert seen.icon == QMessageBox.Icon.Warning
    assert dialog.isVisible()


def test_probar_conexion_with_usuario_on_a_server_without_auth(
    qtbot, services, modals, smtp_server
):
    dialog = make_dialog(qtbot, services)
    fill(
        qtbot,
        dialog,
        smtp_server.host,
        smtp_server.port,
        usuario="envios@empresa.com",
        contrasena="Clave$Smtp9",
    )
    seen = press(qtbot, modals, dialog.probar)
    # The server lacks AUTH, not STARTTLS (seguridad is «Ninguna»): the message says so.
    assert seen.text == (
        "El servidor de correo no admite autenticación (usuario y contraseña) en esta "
        "conexión; revisa el tipo de seguridad o deja vacío el usuario."
    )


def test_probar_conexion_needs_server_and_remitente(qtbot, services, modals):
    dialog = make_dialog(qtbot, services)
    seen = press(qtbot, modals, dialog.probar)
    assert seen.text == "Captura el servidor y el remitente del correo."


def test_enviar_pendientes_delivers_what_waited_in_the_queue(qtbot, services, modals, smtp_server):
    queue_a_mail_while_smtp_is_down(services)
    services.settings.save_smtp(smtp_server.settings(REMITENTE), None, actor=CLI_ACTOR)
    dialog = make_dialog(qtbot, services)
    assert dialog.pendientes.text() == "Correos en espera de envío: 1"
    assert dialog.enviar_pendientes.isEnabled()

    seen = press(qtbot, modals, dialog.enviar_pendientes)
    assert seen.text == "Se envió 1 correo."
    assert dialog.pendientes.text() == MSG_SIN_PENDIENTES
    assert not dialog.enviar_pendientes.isEnabled()
    assert services.mail.pending_count() == 0
    mails = smtp_server.to(USUARIO)
    assert len(mails) == 1
    assert mails[0]["Subject"] == "Recuperación de contraseña - Conexión en línea con IDSE"


def test_enviar_pendientes_with_the_server_still_down_keeps_the_mail(qtbot, services, modals):
    queue_a_mail_while_smtp_is_down(services)
    dialog = make_dialog(qtbot, services)
    seen = press(qtbot, modals, dialog.enviar_pendientes)
    assert seen.icon == QMessageBox.Icon.Warning
    assert seen.text == f"Se enviaron 0 correos; 1 sigue en espera: {MSG_SIN_CONEXION}"
    assert dialog.pendientes.text() == "Correos en espera de envío: 1"
    assert dialog.enviar_pendientes.isEnabled()
    assert services.mail.pending_count() == 1


def test_cancelar_asks_and_no_discards_the_changes(qtbot, services, modals, data_dir):
    dialog = make_dialog(qtbot, services)
    fill(qtbot, dialog, "smtp.empresa.com", 2525)
    modals.answer("No")
    click(qtbot, dialog.cancelar)
    assert not dialog.isVisible()
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert modals.texts == ["¿Guardar los cambios?"]
    assert modals.messages[0].buttons == ("Sí", "No", "Cancelar")
    assert not (data_dir / SETTINGS_FILE).exists()
