"""The stores' recovery code on screen: typed at start-up when the keyring lost the key (a wrong
one refused, the right one opens the login), and shown once in Configuración inicial, which
does not go on until its last group is typed back."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLineEdit

from icsoe_desktop.gui.application import Application
from icsoe_desktop.gui.codigo_recuperacion import EXPLICA, EXPLICA_OTRA, CodigoRecuperacionDialog
from icsoe_desktop.gui.configuracion.inicial import EMPRESA, ConfiguracionInicialWizard
from icsoe_desktop.gui.configuracion.pagina_codigo import CodigoPage
from icsoe_desktop.services import llave_almacen, recuperacion_almacen
from icsoe_desktop.services.acceso.accounts import Registration
from icsoe_desktop.services.secrets import SecretsService
from tests.gui.helpers import click, type_text
from tests.llaves import cuenta, perder_llaves

ADMIN = "ana@nominas.com"
GOOD = "Nom1na$Segura"


def _registrar(services) -> str:
    services.accounts.register(Registration("Ana", "Ruiz", "", ADMIN, GOOD, GOOD, True))
    return services.codigo_recuperacion.mostrar(ADMIN)


def test_the_keyring_lost_the_key_the_code_typed_opens_the_login(
    qtbot, services, data_dir, modals
) -> None:
    codigo = _registrar(services)
    services.close()
    perder_llaves()  # as a Windows profile reset leaves it
    secrets = SecretsService()
    otro = recuperacion_almacen.codigo_nuevo()
    vistos: dict[str, object] = {}

    def dialogo(d) -> None:
        assert isinstance(d, CodigoRecuperacionDialog)
        assert d.explica.text() == EXPLICA.format(carpeta=data_dir)  # names the folder
        assert d.codigo.echoMode() == QLineEdit.EchoMode.Password
        d.codigo.setFocus()
        QGuiApplication.clipboard().setText(otro)
        qtbot.keyClick(d.codigo, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)  # pasted
        assert d.codigo.text() == otro
        click(qtbot, d.abrir)
        vistos["mal"] = modals.messages[-1]
        assert d.isVisible()  # it waits for another try
        d.codigo.clear()
        # As read from paper: lowercase, spaces for dashes, an O for the zero.
        type_text(qtbot, d.codigo, codigo.lower().replace("-", " ").replace("0", "o"))
        click(qtbot, d.abrir)
        vistos["cerrado"] = not d.isVisible()

    modals.handle(dialogo)
    app = Application(data_dir)
    qtbot.addWidget(app.login)
    app.start()
    try:
        qtbot.waitUntil(lambda: app.services is not None, timeout=30_000)
        assert modals.error is None
        assert vistos["cerrado"]
        mal = vistos["mal"]
        assert mal.title == "Abrir con el código de recuperación"
        assert mal.text == recuperacion_almacen.MSG_INCORRECTO.format(carpeta=data_dir)
        assert secrets.get(llave_almacen.KEYRING_SCOPE, cuenta(llave_almacen.CUENTA))
        assert app.services.codigo_recuperacion.mostrar(ADMIN) == codigo
        type_text(qtbot, app.login.contrasena, GOOD)
        qtbot.keyClick(app.login.contrasena, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: app.main is not None, timeout=10_000)
    finally:
        app.shutdown()


def test_salir_ends_the_start_up_without_the_key(
    qtbot, services, data_dir, modals, tmp_path
) -> None:
    """The keyring's slot of this folder holds another key: the dialog says the folder is
    encrypted with another key (not damaged), naming it; «Salir» ends the start-up."""
    _registrar(services)
    services.close()
    otra = os.urandom(32).hex()
    SecretsService().set(llave_almacen.KEYRING_SCOPE, cuenta(llave_almacen.CUENTA), otra)
    textos: list[str] = []

    def dialogo(d) -> None:
        textos.append(d.explica.text())
        d.grab().save(str(tmp_path / "codigo_otra_llave.png"))
        click(qtbot, d.salir)

    modals.handle(dialogo)
    app = Application(data_dir)
    qtbot.addWidget(app.login)
    salida: list[int] = []
    app.exit_requested.connect(salida.append)
    app.start()
    try:
        qtbot.waitUntil(lambda: salida == [1], timeout=30_000)
        assert app.services is None and modals.messages == []
        assert textos == [EXPLICA_OTRA.format(carpeta=data_dir)]
    finally:
        app.shutdown()


def test_the_assistant_shows_the_code_once_and_goes_on_only_when_confirmed(
    qtbot, services, modals
) -> None:
    codigo = _registrar(services)
    wizard = ConfiguracionInicialWizard(services, ADMIN, {})
    qtbot.addWidget(wizard)
    wizard.show()
    page = wizard.currentPage()
    assert isinstance(page, CodigoPage)
    assert page.codigo.text() == codigo
    siguiente = wizard.button(wizard.WizardButton.NextButton)
    assert not siguiente.isEnabled()  # nothing typed
    assert not wizard.button(wizard.SKIP).isVisible()  # this page cannot be skipped
    click(qtbot, page.copiar)
    assert QGuiApplication.clipboard().text() == codigo

    type_text(qtbot, page.confirmar, codigo.split("-")[0])  # not the last group
    click(qtbot, siguiente)
    assert modals.texts[-1] == recuperacion_almacen.MSG_NO_CONFIRMADO
    assert wizard.currentPage() is page
    page.confirmar.clear()
    type_text(qtbot, page.confirmar, codigo.split("-")[-1].lower())
    click(qtbot, siguiente)
    assert wizard.currentPage().clave == EMPRESA
    wizard.close()

    again = ConfiguracionInicialWizard(services, ADMIN, {})  # confirmed: not shown again
    qtbot.addWidget(again)
    again.show()
    assert again.currentPage().clave == EMPRESA


def test_a_user_who_is_no_administrator_never_sees_the_code(qtbot, services) -> None:
    _registrar(services)
    otro = "luis@nominas.com"
    services.accounts.register(Registration("Luis", "Paz", "", otro, GOOD, GOOD, True))
    wizard = ConfiguracionInicialWizard(services, otro, {})
    qtbot.addWidget(wizard)
    wizard.show()
    assert wizard.currentPage().clave == EMPRESA
    assert wizard.findChild(CodigoPage) is None
