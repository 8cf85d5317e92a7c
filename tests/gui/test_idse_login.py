"""Acceso a conexión en línea con IDSE, driven through its real widgets."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QMessageBox

from icsoe_desktop.gui.idse.login import MSG_ABRIENDO, MSG_SOLO_CONSULTA, IdseLoginWindow
from icsoe_desktop.services.acceso.accounts import MSG_CREDENCIALES, Registration
from tests.gui.helpers import click

GOOD = "Nom1na$Segura"


def register(services, usuario: str, password: str = GOOD) -> None:
    services.accounts.register(
        Registration("Claudia", "Hernández", "", usuario, password, password, True)
    )


def make_login(qtbot, services) -> IdseLoginWindow:
    window = IdseLoginWindow(services)
    qtbot.addWidget(window)
    window.show()
    return window


def sign_in(qtbot, window: IdseLoginWindow, usuario: str, password: str) -> None:
    window.usuario.clear()
    qtbot.keyClicks(window.usuario, usuario)
    qtbot.keyClicks(window.contrasena, password)
    click(qtbot, window.continuar)


def test_window_has_the_guide_title_sections_and_controls(qtbot, services):
    window = make_login(qtbot, services)
    assert window.windowTitle() == "Acceso a conexión en línea con IDSE"
    assert window.solo_consulta.text().replace("&", "") == "Ingresar en modo sólo consulta"
    assert window.datos_group.title() == "Datos de conexión en línea con IDSE"
    assert window.mostrar.text().replace("&", "") == "Mostrar contraseña"
    assert window.continuar.text().replace("&", "") == "Continuar"
    assert window.registrate.text().replace("&", "") == "Regístrate aquí"
    assert window.olvido.text().replace("&", "") == "¿Olvidó su contraseña?"
    labels = " ".join(label.text() for label in window.findChildren(type(window.estado)))
    assert "¿No tienes cuenta de Conexión en línea con IDSE?" in labels
    assert "(Correo electrónico)" in labels
    assert window.contrasena.echoMode() == QLineEdit.EchoMode.Password


def test_one_enabled_user_is_prefilled_several_leave_the_field_empty(qtbot, services):
    assert make_login(qtbot, services).usuario.text() == ""
    register(services, "idse@nominas.com")
    assert make_login(qtbot, services).usuario.text() == "idse@nominas.com"
    register(services, "idse1@nominas.com")
    assert make_login(qtbot, services).usuario.text() == ""
    services.accounts.set_enabled("idse1@nominas.com", False, "idse@nominas.com")
    assert make_login(qtbot, services).usuario.text() == "idse@nominas.com"


def test_mostrar_contrasena_shows_and_hides_the_password(qtbot, services):
    window = make_login(qtbot, services)
    click(qtbot, window.mostrar)
    assert window.contrasena.echoMode() == QLineEdit.EchoMode.Normal
    click(qtbot, window.mostrar)
    assert window.contrasena.echoMode() == QLineEdit.EchoMode.Password


def test_solo_consulta_disables_credentials_and_shows_the_alert(qtbot, services, modals):
    window = make_login(qtbot, services)
    click(qtbot, window.solo_consulta)
    assert not window.usuario.isEnabled()
    assert not window.contrasena.isEnabled()
    assert not window.mostrar.isEnabled()
    with qtbot.waitSignal(window.consulta_requested, timeout=3000):
        click(qtbot, window.continuar)
    assert modals.texts == [MSG_SOLO_CONSULTA]
    click(qtbot, window.solo_consulta)
    assert window.usuario.isEnabled()


def test_right_credentials_sign_in(qtbot, services):
    register(services, "idse@nominas.com")
    window = make_login(qtbot, services)
    with qtbot.waitSignal(window.signed_in, timeout=3000) as signal:
        sign_in(qtbot, window, "idse@nominas.com", GOOD)
    assert signal.args == ["idse@nominas.com", "Claudia Hernández"]
    assert window.contrasena.text() == ""  # never left in the field


def test_wrong_password_and_unknown_user_get_the_same_validation_message(qtbot, services, modals):
    register(services, "idse@nominas.com")
    window = make_login(qtbot, services)
    with qtbot.assertNotEmitted(window.signed_in):
        sign_in(qtbot, window, "idse@nominas.com", "Otra$Clave9")
        sign_in(qtbot, window, "nadie@nominas.com", GOOD)
    qtbot.waitUntil(lambda: len(modals.messages) == 2)
    assert all(m.text.startswith(MSG_CREDENCIALES) for m in modals.messages)
    assert all(m.icon == QMessageBox.Icon.Warning for m in modals.messages)
    assert "Te quedan 4 intentos" in modals.messages[0].text


def test_empty_credentials_are_asked_for(qtbot, services, modals):
    window = make_login(qtbot, services)
    click(qtbot, window.continuar)
    qtbot.waitUntil(lambda: len(modals.messages) == 1)
    assert "Captura el usuario" in modals.texts[0]


def test_disabled_user_cannot_enter(qtbot, services, modals):
    register(services, "admin@nominas.com")  # the first user administers
    register(services, "idse@nominas.com")
    services.accounts.set_enabled("idse@nominas.com", False, "admin@nominas.com")
    window = make_login(qtbot, services)
    with qtbot.assertNotEmitted(window.signed_in):
        sign_in(qtbot, window, "idse@nominas.com", GOOD)
    qtbot.waitUntil(lambda: len(modals.messages) == 1)
    assert "está deshabilitado" in modals.texts[0]


def test_five_failures_lock_the_usuario_for_five_minutes(qtbot, services, modals, clock):
    register(services, "idse@nominas.com")
    window = make_login(qtbot, services)
    for _ in range(5):
        sign_in(qtbot, window, "idse@nominas.com", "Mala$Clave9")
    qtbot.waitUntil(lambda: len(modals.messages) == 5)
    assert "se bloqueó por 5 minutos" in modals.texts[4]
    assert "5 minutos" in modals.texts[4]
    with qtbot.assertNotEmitted(window.signed_in):
        sign_in(qtbot, window, "idse@nominas.com", GOOD)  # right password, still locked
    qtbot.waitUntil(lambda: len(modals.messages) == 6)
    assert "se bloqueó por 5 minutos" in modals.texts[5]
    clock.advance(minutes=5)
    with qtbot.waitSignal(window.signed_in, timeout=3000):
        sign_in(qtbot, window, "idse@nominas.com", GOOD)


def test_users_are_found_again_after_a_restart(qtbot, data_dir, clock):
    from icsoe_desktop.services.container import open_services

    first = open_services(data_dir, clock)
    register(first, "idse@nominas.com")
    first.close()
    again = open_services(data_dir, clock)
    try:
        window = make_login(qtbot, again)
        assert window.usuario.text() == "idse@nominas.com"
        with qtbot.waitSignal(window.signed_in, timeout=3000):
            qtbot.keyClicks(window.contrasena, GOOD)
            qtbot.keyClick(window.contrasena, Qt.Key.Key_Return)
    finally:
        again.close()


def test_what_is_typed_before_the_store_opens_is_kept_and_answered(qtbot, services, modals):
    """At start-up the window shows before the store is open: typing already works, Enter in
    Contraseña is answered once the sign-in can check it, and the typed usuario is not replaced
    by the prefilled one."""
    register(services, "idse@nominas.com")
    register(services, "otra@nominas.com")
    # One enabled user: prefilled.
    services.accounts.set_enabled("otra@nominas.com", False, "idse@nominas.com")
    window = IdseLoginWindow()
    qtbot.addWidget(window)
    window.show()
    assert window.estado.text() == MSG_ABRIENDO and not window.continuar.isEnabled()
    qtbot.keyClicks(window.usuario, "IDSE@nominas.com ")
    qtbot.keyClicks(window.contrasena, "Mala$Clave9")
    qtbot.keyClick(window.contrasena, Qt.Key.Key_Return)  # before ready: nothing is lost
    assert modals.messages == []
    window.set_sign_in(services.accounts.sign_in)
    qtbot.waitUntil(lambda: len(modals.messages) == 1)
    assert modals.texts[0].startswith(MSG_CREDENCIALES)
    assert window.usuario.text() == "IDSE@nominas.com "  # as typed
    assert window.estado.text() == "" and window.continuar.isEnabled()
    qtbot.keyClicks(window.contrasena, GOOD)
    qtbot.keyClick(window.contrasena, Qt.Key.Key_Return)
    # Right password: the empresa's grant is read through the services, which come next.
    assert window.estado.text() == MSG_ABRIENDO and not window.continuar.isEnabled()
    with qtbot.waitSignal(window.signed_in, timeout=3000) as signal:
        window.set_services(services)
    assert signal.args == ["idse@nominas.com", "Claudia Hernández"]
