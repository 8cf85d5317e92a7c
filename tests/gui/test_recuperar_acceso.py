"""Recovering access before mail is set up: outgoing mail
from the login window and from Recuperar Contraseña, and an administrator resetting another
user's password from Regístrate aquí — all through the real windows."""

from __future__ import annotations

import gc
import re

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from icsoe_desktop.domain.errors import AuthenticationError
from icsoe_desktop.gui.application import Application
from icsoe_desktop.gui.configuracion.correo import ConfiguracionCorreoDialog
from icsoe_desktop.gui.idse.recuperar_contrasena import MSG_SIN_CORREO, RecuperarContrasenaDialog
from icsoe_desktop.gui.idse.restablecer_contrasena import RestablecerContrasenaDialog
from icsoe_desktop.gui.idse.restablecer_por_administrador import (
    MSG_RESTABLECIDA,
    RestablecerPorAdministradorDialog,
)
from icsoe_desktop.gui.idse.usuarios import IdseUsuariosDialog
from icsoe_desktop.services.acceso.accounts import Registration
from tests.gui.helpers import click, type_text, wait_operations

OLD = "Nom1na$Segura"
NEW = "Otra#Clave2026"
ANA = "ana@nominas.com"
BETO = "beto@nominas.com"


@pytest.fixture
def app(qtbot, services, data_dir):
    for nombre, usuario in (("Ana", ANA), ("Beto", BETO)):
        services.accounts.register(Registration(nombre, "Ruiz", "", usuario, OLD, OLD, True))
    application = Application(data_dir)
    qtbot.addWidget(application.login)
    application.start()
    qtbot.waitUntil(lambda: application.services is not None, timeout=10_000)
    yield application
    application.shutdown()
    # Collected in one pass, as the suite's collector would: a dialog left under the login and
    # destroyed there corrupted Qt's memory, and the next window of the process crashed.
    application.login.close()
    application = None  # the fixture's own reference goes
    gc.collect()


def fill_smtp(qtbot, dialog: ConfiguracionCorreoDialog, smtp) -> None:
    assert isinstance(dialog, ConfiguracionCorreoDialog)
    type_text(qtbot, dialog.servidor, smtp.host)
    dialog.seguridad.setCurrentIndex(dialog.seguridad.findData("ninguna"))
    dialog.puerto.clear()
    type_text(qtbot, dialog.puerto, str(smtp.port))
    type_text(qtbot, dialog.remitente, "nominas@empresa.com")
    click(qtbot, dialog.guardar)


def test_forgotten_password_before_mail_is_set_waits_for_an_administrator_to_set_it(
    qtbot, app, modals, smtp_server
):
    """Nobody sets the mail from the login: whoever chose the server would read the codes."""
    opened = []

    def recuperar(dialog) -> None:
        assert isinstance(dialog, RecuperarContrasenaDialog)
        dialog.correo.clear()
        type_text(qtbot, dialog.correo, BETO)
        modals.handle(lambda d: (opened.append(type(d)), d.reject()))
        click(qtbot, dialog.enviar)
        wait_operations(qtbot)  # the request is saved in the background, then answered
        dialog.reject()

    modals.handle(recuperar)
    click(qtbot, app.login.olvido)
    assert modals.texts == [MSG_SIN_CORREO]
    assert opened == [RestablecerContrasenaDialog]
    assert not hasattr(app.login, "correo")  # the login offers no mail settings
    # The administrator sets the mail once signed in; the waiting code goes out then.
    app.services.settings.save_smtp(smtp_server.settings(), None, ANA)
    app.services.mail.send_pending(force=True)
    (mail,) = smtp_server.to(BETO)
    assert re.search(r"código para restablecer la contraseña es: \S+", mail.get_content())


def _reset_from_registrate(qtbot, app, modals, admin: str, admin_password: str) -> None:
    def usuarios(dialog) -> None:
        assert isinstance(dialog, IdseUsuariosDialog)
        assert (
            dialog.cerrar.text().replace("&", "") == "Cerrar" and not dialog.restablecer.isEnabled()
        )
        target = BETO if admin == ANA else ANA
        dialog.refresh(select=target)
        assert dialog.restablecer.isEnabled()

        def restablecer(inner) -> None:
            assert isinstance(inner, RestablecerPorAdministradorDialog)
            assert inner.usuario == target
            type_text(qtbot, inner.administrador, admin)
            type_text(qtbot, inner.admin_contrasena, admin_password)
            type_text(qtbot, inner.contrasena, NEW)
            type_text(qtbot, inner.confirmacion, NEW)
            click(qtbot, inner.restablecer)
            if inner.isVisible():
                inner.reject()

        modals.handle(restablecer)
        click(qtbot, dialog.restablecer)
        click(qtbot, dialog.cerrar)

    modals.handle(usuarios)
    click(qtbot, app.login.registrate)


def test_administrator_resets_another_users_password_from_registrate_aqui(qtbot, app, modals):
    _reset_from_registrate(qtbot, app, modals, ANA, OLD)
    assert modals.texts == [MSG_RESTABLECIDA.format(usuario=BETO)]
    services = app.services
    assert services.accounts.authenticate(BETO, NEW).usuario == BETO
    with pytest.raises(AuthenticationError):
        services.accounts.authenticate(BETO, OLD)
    entry = next(
        e
        for e in services.audit_instalacion.recent()
        if e.action == "contrasena_restablecida_admin"
    )
    assert (entry.actor, entry.target) == (ANA, BETO)


def test_a_user_who_is_not_administrator_cannot_reset_anothers(qtbot, app, modals):
    _reset_from_registrate(qtbot, app, modals, BETO, OLD)
    assert modals.texts == [
        "Sólo un administrador de icsoe-desktop puede restablecer la contraseña de otro usuario."
    ]
    assert app.services.accounts.authenticate(ANA, OLD).usuario == ANA
    assert any(e.action == "permiso_denegado" for e in app.services.audit_instalacion.recent())


def test_wrong_administrator_password_is_refused_and_counts_towards_the_lock(qtbot, app, modals):
    _reset_from_registrate(qtbot, app, modals, ANA, "Equivocada#1")
    assert "incorrectos" in modals.texts[0] and "Te quedan 4 intentos" in modals.texts[0]
    assert app.services.accounts.authenticate(BETO, OLD).usuario == BETO
    # Closed, the dialog is gone with the dialogs it opened: none piles up under the login.
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert app.login.findChildren(IdseUsuariosDialog) == []
    assert app.login.findChildren(RestablecerPorAdministradorDialog) == []
