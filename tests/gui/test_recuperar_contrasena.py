"""«¿Olvidó su contraseña?»: Recuperar Contraseña and Restablecer contraseña, driven through
their real widgets, with the code read from the mail a real SMTP server received."""

from __future__ import annotations

import re
import socket

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDialog, QLineEdit, QMessageBox

from icsoe_desktop.config import SmtpSettings
from icsoe_desktop.domain.errors import AuthenticationError
from icsoe_desktop.domain.passwords import RULE_MESSAGES
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.gui.idse.recuperar_contrasena import RecuperarContrasenaDialog
from icsoe_desktop.gui.idse.restablecer_contrasena import (
    MSG_ACTUALIZADA,
    RestablecerContrasenaDialog,
)
from icsoe_desktop.services.acceso.accounts import MSG_CORREO_ENVIADO, Registration
from tests.gui.helpers import click, type_text

GOOD = "Nom1na$Segura"
NEW = "Otra$Clave29"
USUARIO = "idse@nominas.com"
CODE_RE = re.compile(r"es: ([A-Z0-9]{5}-[A-Z0-9]{5})")


def register(services, usuario: str = USUARIO, password: str = GOOD) -> None:
    services.accounts.register(
        Registration("Claudia", "Hernández", "", usuario, password, password, True)
    )


def closed_port() -> int:
    """A port nothing listens on: bound, read, released."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def code_from(smtp_server, address: str = USUARIO) -> str:
    """The code of the last recovery mail the SMTP server received for ``address``."""
    mails = [m for m in smtp_server.to(address) if "Recuperación" in str(m["Subject"])]
    assert mails, f"no recovery mail for {address}"
    match = CODE_RE.search(mails[-1].get_content())
    assert match, mails[-1].get_content()
    return match.group(1)


def mailed_code(services, smtp_server, address: str = USUARIO) -> str:
    """Request a reset through the service, deliver it for real and read the code back."""
    services.accounts.request_password_reset(address)
    report = services.mail.send_pending()
    assert report.sent >= 1 and not report.failed, report
    return code_from(smtp_server, address)


def make_recuperar(qtbot, services) -> RecuperarContrasenaDialog:
    dialog = RecuperarContrasenaDialog(services)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def make_restablecer(qtbot, services) -> RestablecerContrasenaDialog:
    dialog = RestablecerContrasenaDialog(services)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def fill(qtbot, dialog: RestablecerContrasenaDialog, code: str, password: str, again=None) -> None:
    for field in (dialog.codigo, dialog.contrasena, dialog.confirmacion):
        field.clear()
    qtbot.keyClicks(dialog.codigo, code)
    qtbot.keyClicks(dialog.contrasena, password)
    qtbot.keyClicks(dialog.confirmacion, password if again is None else again)


def save(qtbot, modals, dialog: RestablecerContrasenaDialog, code: str, password: str, again=None):
    """Fill the form, click «Guardar contraseña» and return the message box it showed."""
    before = len(modals.messages)
    fill(qtbot, dialog, code, password, again)
    click(qtbot, dialog.guardar)
    qtbot.waitUntil(lambda: len(modals.messages) == before + 1)
    return modals.messages[-1]


def reset_in_dialog(qtbot, code_source, password: str = NEW):
    """A modals handler for the Restablecer dialog opened with exec(): type the code and the new
    password, then click «Guardar contraseña» once the handler has returned (the driver's timer
    does not fire again while one of its handlers is still running)."""

    def handler(dialog) -> None:
        assert isinstance(dialog, RestablecerContrasenaDialog)
        fill(qtbot, dialog, code_source(), password)
        QTimer.singleShot(0, lambda: click(qtbot, dialog.guardar))

    return handler


# --- Recuperar Contraseña ----------------------------------------------------------------------


def test_dialog_has_the_guide_title_and_buttons(qtbot, services):
    dialog = make_recuperar(qtbot, services)
    assert dialog.windowTitle() == "Recuperar Contraseña"
    assert dialog.enviar.text().replace("&", "") == "Enviar"
    assert dialog.cancelar.text().replace("&", "") == "Cancelar"
    assert dialog.codigo.text().replace("&", "") == "Ya tengo un código"


def test_correo_is_prefilled_only_when_one_user_is_enabled(qtbot, services):
    register(services)
    assert make_recuperar(qtbot, services).correo.text() == USUARIO
    register(services, "idse1@nominas.com")
    assert make_recuperar(qtbot, services).correo.text() == ""


@pytest.mark.parametrize(
    ("correo", "message"),
    [
        ("", "Captura el correo electrónico."),
        ("idse@nominas", "Captura un correo electrónico válido."),
    ],
    ids=["vacio", "mal_formado"],
)
def test_bad_correo_is_refused_and_nothing_is_queued(qtbot, services, modals, correo, message):
    dialog = make_recuperar(qtbot, services)
    qtbot.keyClicks(dialog.correo, correo)
    click(qtbot, dialog.enviar)
    qtbot.waitUntil(lambda: len(modals.messages) == 1)
    assert modals.messages[0].text == message
    assert modals.messages[0].icon == QMessageBox.Icon.Warning
    assert modals.messages[0].title == "Recuperar Contraseña"
    assert modals.dialogs == []  # Restablecer is not opened
    assert dialog.isVisible()
    assert services.mail.pending_count() == 0


def test_an_unknown_correo_is_answered_as_a_known_one(qtbot, services, modals, smtp_configured):
    """The same box for a user's e-mail and for any other: nobody learns who is a user."""
    register(services)
    seen = []
    for correo in ("nadie@nominas.com", USUARIO):
        modals.handle(lambda d: d.reject())  # Restablecer contraseña: opened both times
        dialog = make_recuperar(qtbot, services)
        dialog.correo.setText(correo)
        click(qtbot, dialog.enviar)
        qtbot.waitUntil(lambda: len(modals.dialogs) == len(seen) + 1)
        seen.append(modals.messages[-1])
    assert seen[0] == seen[1]
    assert seen[0].text == MSG_CORREO_ENVIADO and "Si el correo electrónico" in seen[0].text
    assert [m["To"] for m in smtp_configured.messages] == [USUARIO]


def test_code_arrives_by_mail_and_resets_the_password(qtbot, services, modals, smtp_configured):
    register(services)
    dialog = make_recuperar(qtbot, services)
    assert dialog.correo.text() == USUARIO
    modals.handle(reset_in_dialog(qtbot, lambda: code_from(smtp_configured)))
    click(qtbot, dialog.enviar)
    qtbot.waitUntil(lambda: len(modals.messages) == 2)

    assert modals.messages[0].text == MSG_CORREO_ENVIADO
    assert modals.messages[0].icon == QMessageBox.Icon.Information
    assert len(modals.dialogs) == 1
    assert isinstance(modals.dialogs[0], RestablecerContrasenaDialog)
    assert modals.messages[1].text == MSG_ACTUALIZADA
    assert modals.messages[1].title == "Restablecer contraseña"
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert dialog.result() == QDialog.DialogCode.Accepted

    mail = smtp_configured.to(USUARIO)[0]
    assert mail["Subject"] == "Recuperación de contraseña - Conexión en línea con IDSE"
    assert mail["From"] == "nominas@empresa.com"
    assert GOOD not in mail.get_content()  # passwords are never mailed
    assert services.accounts.authenticate(USUARIO, NEW).usuario == USUARIO
    with pytest.raises(AuthenticationError):
        services.accounts.authenticate(USUARIO, GOOD)


def server_down(services) -> None:
    """The outgoing mail set to a port nothing listens on."""
    services.settings.save_smtp(
        SmtpSettings(
            host="127.0.0.1",
            port=closed_port(),
            seguridad="ninguna",
            remitente="nominas@empresa.com",
            timeout_s=5,
        ),
        None,
        actor=CLI_ACTOR,
    )


def test_closed_smtp_port_keeps_the_request_queued(qtbot, services, modals):
    server_down(services)
    register(services)
    dialog = make_recuperar(qtbot, services)
    click(qtbot, dialog.enviar)
    qtbot.waitUntil(lambda: len(modals.messages) == 1 and len(modals.dialogs) == 1)

    warning = modals.messages[0]
    assert warning.icon == QMessageBox.Icon.Warning
    assert "quedó registrada" in warning.text
    assert "No se pudo conectar con el servidor de correo" in warning.text
    assert "se reintentará" in warning.text
    assert isinstance(modals.dialogs[0], RestablecerContrasenaDialog)  # opened, then cancelled
    assert services.mail.pending_count() == 1  # nothing lost
    assert dialog.isVisible()  # Restablecer was cancelled: still here


def test_ya_tengo_un_codigo_opens_restablecer(qtbot, services, modals, smtp_configured):
    register(services)
    code = mailed_code(services, smtp_configured)
    dialog = make_recuperar(qtbot, services)
    modals.handle(reset_in_dialog(qtbot, lambda: code))
    click(qtbot, dialog.codigo)
    qtbot.waitUntil(lambda: len(modals.messages) == 1)
    assert modals.texts == [MSG_ACTUALIZADA]
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert services.accounts.authenticate(USUARIO, NEW).usuario == USUARIO


def test_cancelar_closes_without_sending(qtbot, services, modals):
    register(services)
    dialog = make_recuperar(qtbot, services)
    click(qtbot, dialog.cancelar)
    assert not dialog.isVisible()
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert modals.messages == []
    assert services.mail.pending_count() == 0


# --- Restablecer contraseña --------------------------------------------------------------------


def test_restablecer_has_the_fields_and_hidden_passwords(qtbot, services):
    dialog = make_restablecer(qtbot, services)
    assert dialog.windowTitle() == "Restablecer contraseña"
    assert dialog.guardar.text().replace("&", "") == "Guardar contraseña"
    assert dialog.mostrar.text().replace("&", "") == "Mostrar contraseña"
    assert dialog.codigo.placeholderText() == "XXXXX-XXXXX"
    assert dialog.contrasena.echoMode() == QLineEdit.EchoMode.Password
    assert dialog.confirmacion.echoMode() == QLineEdit.EchoMode.Password


def test_mostrar_contrasena_toggles_both_fields(qtbot, services):
    dialog = make_restablecer(qtbot, services)
    click(qtbot, dialog.mostrar)
    assert dialog.mostrar.isChecked()
    assert dialog.contrasena.echoMode() == QLineEdit.EchoMode.Normal
    assert dialog.confirmacion.echoMode() == QLineEdit.EchoMode.Normal
    click(qtbot, dialog.mostrar)
    assert dialog.contrasena.echoMode() == QLineEdit.EchoMode.Password
    assert dialog.confirmacion.echoMode() == QLineEdit.EchoMode.Password


def test_wrong_code_is_not_valid(qtbot, services, modals, smtp_configured):
    register(services)
    mailed_code(services, smtp_configured)
    dialog = make_restablecer(qtbot, services)
    seen = save(qtbot, modals, dialog, "ABCDE-FGHJK", NEW)
    assert "no es válido" in seen.text
    assert seen.icon == QMessageBox.Icon.Warning
    assert dialog.isVisible()
    assert services.accounts.authenticate(USUARIO, GOOD).usuario == USUARIO


def test_a_code_works_once(qtbot, services, modals, smtp_configured):
    register(services)
    code = mailed_code(services, smtp_configured)
    first = make_restablecer(qtbot, services)
    assert save(qtbot, modals, first, code, NEW).text == MSG_ACTUALIZADA
    assert first.result() == QDialog.DialogCode.Accepted
    assert first.usuario == USUARIO

    second = make_restablecer(qtbot, services)
    seen = save(qtbot, modals, second, code, "Tercera$Clave8")
    assert "ya fue utilizado" in seen.text
    assert second.isVisible()
    assert services.accounts.authenticate(USUARIO, NEW).usuario == USUARIO


def test_code_expires_after_24_hours(qtbot, services, modals, smtp_configured, clock):
    register(services)
    code = mailed_code(services, smtp_configured)
    clock.advance(hours=24, seconds=1)
    dialog = make_restablecer(qtbot, services)
    seen = save(qtbot, modals, dialog, code, NEW)
    assert "expiró" in seen.text
    assert services.accounts.authenticate(USUARIO, GOOD).usuario == USUARIO


def test_password_and_confirmation_must_match(qtbot, services, modals, smtp_configured):
    register(services)
    code = mailed_code(services, smtp_configured)
    dialog = make_restablecer(qtbot, services)
    seen = save(qtbot, modals, dialog, code, NEW, again=NEW + "x")
    assert "no coinciden" in seen.text
    assert dialog.isVisible()


def test_weak_password_gets_the_policy_and_keeps_the_code(qtbot, services, modals, smtp_configured):
    register(services)
    code = mailed_code(services, smtp_configured)
    dialog = make_restablecer(qtbot, services)
    seen = save(qtbot, modals, dialog, code, "abc")
    assert RULE_MESSAGES["contrasena_corta"] in seen.text
    assert RULE_MESSAGES["contrasena_composicion"] in seen.text
    assert RULE_MESSAGES["contrasena_especial"] in seen.text
    assert dialog.isVisible()
    # The refused attempt did not spend the code.
    assert save(qtbot, modals, dialog, code, NEW).text == MSG_ACTUALIZADA
    assert not dialog.isVisible()


def test_with_the_server_down_a_known_and_an_unknown_address_get_the_same_answer(
    qtbot, services, modals
):
    """Nobody learns from «¿Olvidó su contraseña?» which e-mails are users', even when the mail
    server is down (only the known one has a message waiting)."""
    server_down(services)
    register(services)
    answers = []
    for correo in (USUARIO, "nadie@nominas.com"):
        dialog = make_recuperar(qtbot, services)
        dialog.correo.clear()
        type_text(qtbot, dialog.correo, correo)
        before = len(modals.messages)
        click(qtbot, dialog.enviar)
        qtbot.waitUntil(lambda before=before: len(modals.messages) == before + 1)
        message = modals.messages[-1]
        answers.append((message.icon, message.text))
        dialog.close()
    assert answers[0] == answers[1]
    assert "No se pudo conectar con el servidor de correo" in answers[0][1]
    assert services.mail.pending_count() == 1  # the known one's, kept for the retry
