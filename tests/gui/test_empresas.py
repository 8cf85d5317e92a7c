"""The login shows the empresa (a selector when several), signing in checks the grant, the main
window's title and status bar name the open empresa, Archivo › Cambiar de empresa switches
without restarting, and Nueva empresa opens its Configuración inicial."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget

from icsoe_desktop.gui.application import Application
from icsoe_desktop.gui.idse.login import MSG_ABRIENDO
from icsoe_desktop.services.acceso.idse_sign_in import open_sign_in
from tests.empresas.tres import ANA, BETO, CLIENTES, PASSWORD, build
from tests.gui.helpers import click, type_text


@pytest.fixture
def app(qtbot, data_dir):
    build(data_dir)
    application = Application(data_dir)
    qtbot.addWidget(application.login)
    application.start()
    qtbot.waitUntil(lambda: application.services is not None, timeout=30_000)
    yield application
    application.shutdown()


def _sign_in(qtbot, app, usuario: str) -> None:
    app.login.usuario.clear()
    type_text(qtbot, app.login.usuario, usuario)
    type_text(qtbot, app.login.contrasena, PASSWORD)
    click(qtbot, app.login.continuar)


def _choose(qtbot, app, cliente) -> None:
    combo = app.login.empresa_selector.combo
    index = combo.findText(f"{cliente.razon_social} ({cliente.rfc})")
    assert index >= 0
    combo.setCurrentIndex(index)
    combo.activated.emit(index)  # what a click on the item does


def _rows_shown(main) -> set[str]:
    model = main.movimientos.tabla.model()
    return {model.index(r, 0).data() for r in range(model.rowCount())}


def test_selector_sign_in_title_status_bar_and_cambiar_de_empresa(qtbot, app, modals, tmp_path):
    selector = app.login.empresa_selector
    assert selector.combo.isVisible() and selector.combo.count() == 3
    # Remembered: the empresa opened last (the first client) comes chosen.
    assert selector.combo.currentText() == f"{CLIENTES[0].razon_social} ({CLIENTES[0].rfc})"
    _choose(qtbot, app, CLIENTES[2])
    assert app.services.empresa.rfc == CLIENTES[2].rfc
    modals.handle(lambda dialog: dialog.reject())  # its Configuración inicial, if it opens
    _sign_in(qtbot, app, ANA)
    qtbot.waitUntil(lambda: app.main is not None and app.main.isVisible(), timeout=30_000)
    main = app.main
    etiqueta = f"{CLIENTES[2].razon_social} ({CLIENTES[2].rfc})"
    assert etiqueta in main.windowTitle()
    assert main.estado_empresa.text() == f"Empresa: {etiqueta}"
    assert main.estado_empresa.isVisible()
    main.grab().save(str(tmp_path / "principal.png"))
    qtbot.waitUntil(lambda: _rows_shown(main) == {CLIENTES[2].registro}, timeout=30_000)

    def cambiar(dialog) -> None:
        lista = dialog.findChild(QListWidget, "empresasList")
        assert lista.count() == 3
        dialog.grab().save(str(tmp_path / "cambiar_empresa.png"))
        [item] = [
            lista.item(i) for i in range(lista.count()) if CLIENTES[1].rfc in lista.item(i).text()
        ]
        lista.setCurrentItem(item)
        click(qtbot, dialog.abrir)

    modals.handle(cambiar)
    main.cambiar_empresa_action.trigger()
    qtbot.waitUntil(lambda: app.main is not None and app.main is not main, timeout=30_000)
    nueva = app.main
    qtbot.waitUntil(nueva.isVisible, timeout=30_000)
    etiqueta = f"{CLIENTES[1].razon_social} ({CLIENTES[1].rfc})"
    assert etiqueta in nueva.windowTitle() and nueva.estado_empresa.text().endswith(etiqueta)
    assert nueva.usuario == ANA
    qtbot.waitUntil(lambda: _rows_shown(nueva) == {CLIENTES[1].registro}, timeout=30_000)
    # Remembered at the next start.
    nueva.cerrar_sesion_action.trigger()
    assert app.login.empresa_selector.combo.currentText() == etiqueta


def test_a_user_never_enters_an_empresa_not_granted(qtbot, app, modals):
    _choose(qtbot, app, CLIENTES[0])
    _sign_in(qtbot, app, BETO)
    qtbot.waitUntil(lambda: len(modals.messages) == 1, timeout=30_000)
    assert "no tiene acceso a la empresa" in modals.texts[0]
    assert CLIENTES[0].razon_social in modals.texts[0]
    assert app.main is None and app.login.isVisible()
    _choose(qtbot, app, CLIENTES[1])
    modals.handle(lambda dialog: dialog.reject())
    _sign_in(qtbot, app, BETO)
    qtbot.waitUntil(lambda: app.main is not None and app.main.isVisible(), timeout=30_000)
    main = app.main

    def lista(dialog) -> None:
        shown = dialog.findChild(QListWidget, "empresasList")
        assert [shown.item(i).text() for i in range(shown.count())] == [
            f"{CLIENTES[1].razon_social} ({CLIENTES[1].rfc}) — abierta"
        ]
        assert not dialog.nueva_button.isEnabled()  # only an administrator creates
        dialog.reject()

    modals.handle(lista)
    main.cambiar_empresa_action.trigger()
    assert app.main is main


def test_a_sign_in_typed_before_the_services_is_refused_an_empresa_not_granted(
    qtbot, data_dir, modals
):
    """Continuar answers before the services are built (plain sqlite3 on the catalog); the grant
    of the empresa shown is checked once they are, before any window opens."""
    build(data_dir)
    app = Application(data_dir)
    qtbot.addWidget(app.login)
    try:
        app.login.show()
        app.login.set_sign_in(open_sign_in(data_dir))
        _sign_in(qtbot, app, BETO)  # the remembered empresa, the first client: not granted
        assert app.login.estado.text() == MSG_ABRIENDO and modals.messages == []
        app._open_services()
        qtbot.waitUntil(lambda: len(modals.messages) == 1, timeout=30_000)
        assert "no tiene acceso a la empresa" in modals.texts[0]
        assert CLIENTES[0].razon_social in modals.texts[0]
        assert app.main is None and app.login.isVisible() and app.login.continuar.isEnabled()
        assert app.login.contrasena.text() == ""
        assert [e.action for e in app.services.audit_instalacion.recent(2)] == [
            "empresa_acceso_rechazado",
            "inicio_sesion",
        ]
    finally:
        app.shutdown()


def test_nueva_empresa_opens_its_configuracion_inicial(qtbot, app, modals, tmp_path):
    from icsoe_desktop.gui.configuracion.inicial import ConfiguracionInicialWizard

    _choose(qtbot, app, CLIENTES[0])
    _sign_in(qtbot, app, ANA)
    qtbot.waitUntil(lambda: app.main is not None and app.main.isVisible(), timeout=30_000)
    main = app.main
    seen: list[str] = []

    def nueva(dialog) -> None:
        click(qtbot, dialog.nueva_button)

    def datos(dialog) -> None:
        type_text(qtbot, dialog.rfc, "DDD040404DD4")
        type_text(qtbot, dialog.razon_social, "Distribuidora Cuatro SA de CV")
        dialog.grab().save(str(tmp_path / "nueva_empresa.png"))
        click(qtbot, dialog.crear)

    modals.handle(nueva)
    modals.handle(datos)
    main.cambiar_empresa_action.trigger()
    qtbot.waitUntil(lambda: app.main is not None and app.main is not main, timeout=30_000)
    qtbot.waitUntil(
        lambda: (
            isinstance(getattr(app.main, "configuracion_inicial", None), ConfiguracionInicialWizard)
            and app.main.configuracion_inicial.isVisible()
        ),
        timeout=10_000,
    )
    wizard = app.main.configuracion_inicial
    seen.append(wizard.windowTitle())
    assert "Distribuidora Cuatro SA de CV (DDD040404DD4)" in app.main.windowTitle()
    assert app.services.primer_uso.empresa().rfc == "DDD040404DD4"
    assert app.services.registros.listar() == []  # a store of its own
    wizard.reject()


def test_an_administrator_grants_an_empresa_to_a_user_from_empresas_por_usuario(
    qtbot, app, modals, tmp_path
):
    from icsoe_desktop.gui.empresas.por_usuario import MSG_GUARDADO, EmpresasPorUsuarioDialog

    _choose(qtbot, app, CLIENTES[0])
    _sign_in(qtbot, app, ANA)
    qtbot.waitUntil(lambda: app.main is not None and app.main.isVisible(), timeout=30_000)
    assert app.main.empresas_usuario_action.isEnabled()
    dialog = EmpresasPorUsuarioDialog(app.services, ANA, app.main)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.usuario.setCurrentIndex(dialog.usuario.findData(BETO))
    items = {dialog.lista.item(i).text(): dialog.lista.item(i) for i in range(dialog.lista.count())}
    tres = items[f"{CLIENTES[2].razon_social} ({CLIENTES[2].rfc})"]
    dos = items[f"{CLIENTES[1].razon_social} ({CLIENTES[1].rfc})"]
    assert dos.checkState() == Qt.CheckState.Checked
    assert tres.checkState() == Qt.CheckState.Unchecked
    tres.setCheckState(Qt.CheckState.Checked)
    dos.setCheckState(Qt.CheckState.Unchecked)
    dialog.grab().save(str(tmp_path / "empresas_por_usuario.png"))
    before = len(modals.messages)  # the first day's certificate warning, after signing in
    click(qtbot, dialog.guardar)
    qtbot.waitUntil(lambda: len(modals.messages) == before + 1, timeout=30_000)
    assert modals.texts[-1] == MSG_GUARDADO.format(usuario=BETO)
    assert [e.rfc for e in app.services.empresas.listar(BETO)] == [CLIENTES[2].rfc]
    audit = [(e.actor, e.action, e.detail) for e in app.services.audit_instalacion.recent()]
    assert (ANA, "empresa_concedida", CLIENTES[2].rfc) in audit
    assert (ANA, "empresa_retirada", CLIENTES[1].rfc) in audit
    # Beto, who is no administrator, is not offered the window.
    app.main.cerrar_sesion_action.trigger()
    _choose(qtbot, app, CLIENTES[2])
    modals.handle(lambda d: d.reject())
    _sign_in(qtbot, app, BETO)
    qtbot.waitUntil(lambda: app.main is not None and app.main.isVisible(), timeout=30_000)
    assert not app.main.empresas_usuario_action.isEnabled()


def test_export_and_backup_names_suggested_carry_the_empresas_rfc(qtbot, app, modals):
    from PySide6.QtWidgets import QFileDialog, QLineEdit

    _choose(qtbot, app, CLIENTES[2])
    modals.handle(lambda dialog: dialog.reject())  # the first day's Certificados IMSS
    _sign_in(qtbot, app, ANA)
    qtbot.waitUntil(lambda: app.main is not None and app.main.isVisible(), timeout=30_000)
    main = app.main
    qtbot.waitUntil(lambda: len(modals.dialogs) == 1, timeout=30_000)
    qtbot.waitUntil(lambda: _rows_shown(main) == {CLIENTES[2].registro}, timeout=30_000)
    suggested: list[str] = []

    def read_name(dialog) -> None:
        assert isinstance(dialog, QFileDialog)
        suggested.append(dialog.findChild(QLineEdit, "fileNameEdit").text())
        dialog.reject()

    modals.handle(read_name)
    click(qtbot, main.movimientos.exportar)
    qtbot.waitUntil(lambda: len(suggested) == 1, timeout=30_000)
    modals.handle(read_name)
    main.respaldar_action.trigger()
    qtbot.waitUntil(lambda: len(suggested) == 2, timeout=30_000)
    export, backup = suggested
    assert export.startswith(f"{CLIENTES[2].rfc}_Movimientos_IDSE_") and export.endswith(".xlsx")
    assert backup.startswith(f"{CLIENTES[2].rfc}_") and backup.endswith(".icsoe-respaldo")
