"""The very first start: a new installation's
login says that the first step is Regístrate aquí; the Configuración inicial's optional step
(the sync server) neither holds Terminar back nor shows as pending; the main window's title
names the empresa as soon as its RFC is saved."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from icsoe_desktop.gui.application import Application
from icsoe_desktop.gui.configuracion.inicial import ORDER, ConfiguracionInicialWizard
from icsoe_desktop.gui.idse.usuarios import IdseUsuariosDialog
from icsoe_desktop.gui.ventana_principal import VentanaPrincipal
from icsoe_desktop.services.acceso.accounts import Registration
from icsoe_desktop.services.empresas.primer_uso import CERTIFICADOS, CORREO, SINCRONIZACION
from icsoe_desktop.services.empresas.servicio import SIN_CONFIGURAR
from tests import credentials_factory as cf
from tests.gui.helpers import click, codigo_guardado, type_text

ADMIN = "ana@nominas.com"
PASSWORD = "Nom1na$Segura"


@pytest.fixture
def app(qtbot, data_dir):
    application = Application(data_dir)
    qtbot.addWidget(application.login)
    application.start()
    qtbot.waitUntil(lambda: application.services is not None, timeout=10_000)
    yield application
    application.shutdown()


def test_a_new_installation_says_the_first_step_is_registrate_aqui(qtbot, app, modals):
    login = app.login
    assert login.primer_paso.isVisible()
    assert "«Regístrate aquí»" in login.primer_paso.text()
    assert "administrador" in login.primer_paso.text()
    login.activateWindow()
    qtbot.waitUntil(login.registrate.hasFocus)  # Space or Enter opens it

    def registrate(dialog) -> None:
        assert isinstance(dialog, IdseUsuariosDialog)
        type_text(qtbot, dialog.nombre, "Ana")
        type_text(qtbot, dialog.primer_apellido, "Ruiz")
        type_text(qtbot, dialog.usuario, ADMIN)
        type_text(qtbot, dialog.contrasena, PASSWORD)
        type_text(qtbot, dialog.confirmacion, PASSWORD)
        click(qtbot, dialog.aviso)
        click(qtbot, dialog.guardar)
        dialog.reject()

    modals.handle(registrate)
    qtbot.keyClick(login.registrate, Qt.Key.Key_Space)
    assert modals.texts[-1] == f"El usuario {ADMIN} se guardó correctamente."
    assert not login.primer_paso.isVisible()  # done: the login is an ordinary login now
    assert login.usuario.text() == ADMIN
    assert login.focusWidget() is login.contrasena  # where the window puts the cursor


def test_an_installation_with_users_shows_no_first_step(qtbot, services, data_dir):
    services.accounts.register(Registration("Ana", "Ruiz", "", ADMIN, PASSWORD, PASSWORD, True))
    application = Application(data_dir)
    qtbot.addWidget(application.login)
    application.start()
    try:
        qtbot.waitUntil(lambda: application.services is not None, timeout=10_000)
        assert not application.login.primer_paso.isVisible()
        assert application.login.usuario.text() == ADMIN
    finally:
        application.shutdown()


@pytest.fixture
def empresa(services):
    services.accounts.register(Registration("Ana", "Ruiz", "", ADMIN, PASSWORD, PASSWORD, True))
    services.primer_uso.guardar_empresa(cf.RFC_MORAL, "Empresa Demo, S.A. de C.V.", ADMIN)
    services.nombrar_empresa()
    services.registros.save("Y5412345106", cf.RFC_MORAL, "Empresa Demo, S.A. de C.V.", ADMIN)
    codigo_guardado(services, ADMIN)
    return services


def test_the_optional_sync_step_is_never_pending(empresa):
    primer_uso = empresa.primer_uso
    assert [p.clave for p in primer_uso.pendientes()] == [CORREO, CERTIFICADOS]
    primer_uso.omitir(CORREO)
    primer_uso.omitir(CERTIFICADOS)
    # Skipped required steps stay pending in the band; the sync server, never touched, is not
    # pending and does not open the assistant by itself at the next sign-in either.
    assert [p.clave for p in primer_uso.pendientes()] == [CORREO, CERTIFICADOS]
    assert not primer_uso.debe_abrirse()


def test_terminar_is_offered_on_the_sync_step_without_skipping_it(qtbot, empresa):
    wizard = ConfiguracionInicialWizard(empresa, ADMIN, {k: (lambda _parent: None) for k in ORDER})
    qtbot.addWidget(wizard)
    wizard.setStartId(ORDER.index(SINCRONIZACION))
    wizard.show()
    page = wizard.currentPage()
    assert page.clave == SINCRONIZACION
    terminar = wizard.button(wizard.WizardButton.FinishButton)
    assert terminar.isVisible() and terminar.isEnabled()
    assert page.estado.text().startswith('<span style="color:#555555; font-weight:600;">Opcional')
    click(qtbot, terminar)
    assert not wizard.isVisible() and wizard.result() == wizard.DialogCode.Accepted
    main = VentanaPrincipal(empresa, ADMIN, "Ana Ruiz")
    qtbot.addWidget(main)
    assert "sincronización" not in main.pendientes_label.text()


def test_the_title_names_the_empresa_as_soon_as_its_rfc_is_saved(qtbot, services, modals):
    services.accounts.register(Registration("Ana", "Ruiz", "", ADMIN, PASSWORD, PASSWORD, True))
    codigo_guardado(services, ADMIN)
    main = VentanaPrincipal(services, ADMIN, "Ana Ruiz")
    qtbot.addWidget(main)
    main.show()
    assert main.windowTitle().endswith(f"— {SIN_CONFIGURAR}")
    main.open_configuracion_inicial()
    wizard = main.configuracion_inicial
    page = wizard.currentPage()
    type_text(qtbot, page.rfc, cf.RFC_MORAL)
    type_text(qtbot, page.razon_social, "Empresa Demo, S.A. de C.V.")
    click(qtbot, page.guardar)
    assert wizard.isVisible()  # still in the assistant
    etiqueta = f"Empresa Demo, S.A. de C.V. ({cf.RFC_MORAL})"
    assert main.windowTitle().endswith(f"— {etiqueta}")
    assert main.estado_empresa.text() == f"Empresa: {etiqueta}"
    wizard.reject()
