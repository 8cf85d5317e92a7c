"""Alt-letter mnemonics and Cerrar buttons (issue «the clerk's first day», point 8): every
button, check box and labelled field of the login, Regístrate, Recuperar, Certificados,
Registros patronales and the ICSOE windows has its own letter, and the letters work."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

from icsoe_desktop.gui.certificados_imss import CertificadosImssDialog
from icsoe_desktop.gui.icsoe_crear_contrasena import IcsoeCrearContrasenaDialog
from icsoe_desktop.gui.icsoe_efirma import IcsoeEfirmaDialog
from icsoe_desktop.gui.icsoe_inicio import IcsoeInicioWindow
from icsoe_desktop.gui.icsoe_recuperar import IcsoeRecuperarDialog
from icsoe_desktop.gui.idse_login import IdseLoginWindow
from icsoe_desktop.gui.idse_usuarios import IdseUsuariosDialog
from icsoe_desktop.gui.recuperar_contrasena import RecuperarContrasenaDialog
from icsoe_desktop.gui.registros_patronales import RegistrosPatronalesDialog
from icsoe_desktop.gui.restablecer_contrasena import RestablecerContrasenaDialog
from icsoe_desktop.services.accounts import Registration

WINDOWS = {
    "login": lambda s: IdseLoginWindow(s),
    "registrate": lambda s: IdseUsuariosDialog(s),
    "recuperar": lambda s: RecuperarContrasenaDialog(s),
    "restablecer": lambda s: RestablecerContrasenaDialog(s),
    "certificados": lambda s: CertificadosImssDialog(s),
    "registros": lambda s: RegistrosPatronalesDialog(s),
    "icsoe_inicio": lambda s: IcsoeInicioWindow(s),
    "icsoe_efirma": lambda s: IcsoeEfirmaDialog(s),
    "icsoe_crear": lambda s: IcsoeCrearContrasenaDialog(s),
    "icsoe_recuperar": lambda s: IcsoeRecuperarDialog(s),
}


def letter(text: str) -> str | None:
    plain = text.replace("&&", "")
    at = plain.find("&")
    return plain[at + 1].lower() if 0 <= at < len(plain) - 1 else None


def show(qtbot, window: QWidget) -> QWidget:
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


@pytest.mark.parametrize("name", WINDOWS)
def test_every_control_has_its_own_letter(qtbot, services, name):
    window = show(qtbot, WINDOWS[name](services))
    controls = [
        w
        for w in window.findChildren(QWidget)
        if (isinstance(w, QAbstractButton) and w.text())
        or (isinstance(w, QLabel) and w.buddy() is not None)
    ]
    letters = [letter(w.text()) for w in controls]
    assert None not in letters, [w.text() for w in controls if letter(w.text()) is None]
    assert len(set(letters)) == len(letters), sorted(letters)


def press_alt(qtbot, window: QWidget, key: Qt.Key) -> None:
    target = window.focusWidget() or window
    qtbot.keyClick(target, key, Qt.KeyboardModifier.AltModifier)


def test_login_letters_reach_fields_and_links(qtbot, services):
    services.accounts.register(
        Registration("Ana", "Ruiz", "", "ana@nominas.com", "Nom1na$Segura", "Nom1na$Segura", True)
    )
    login = show(qtbot, IdseLoginWindow(services))
    assert login.usuario.text() == "ana@nominas.com" and login.contrasena.hasFocus()
    press_alt(qtbot, login, Qt.Key.Key_U)  # the rich-text «Usuario:» label
    assert login.usuario.hasFocus()
    press_alt(qtbot, login, Qt.Key.Key_C)  # «Contraseña:»
    assert login.contrasena.hasFocus()
    with qtbot.waitSignal(login.register_requested, timeout=2_000):
        press_alt(qtbot, login, Qt.Key.Key_R)  # «Regístrate aquí»
    press_alt(qtbot, login, Qt.Key.Key_I)  # «Ingresar en modo sólo consulta»
    qtbot.waitUntil(login.solo_consulta.isChecked)


@pytest.mark.parametrize("make", [CertificadosImssDialog, IdseUsuariosDialog])
def test_cerrar_closes_certificados_and_registrate_by_its_letter(qtbot, services, modals, make):
    dialog = show(qtbot, make(services))
    assert dialog.cerrar.text() == "&Cerrar"
    press_alt(qtbot, dialog, Qt.Key.Key_C)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert dialog.result() == dialog.DialogCode.Rejected
