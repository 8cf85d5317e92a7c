"""Archivo › Respaldar…, Restaurar… and Reparar… in the running app: the real file dialogs, the progress
dialog, the confirmation, the messages; after a restore the app signs out onto the restored
store."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PySide6.QtWidgets import QFileDialog, QLabel, QLineEdit, QMessageBox, QWizard

from icsoe_desktop.domain.bitacora import LLAVE_RESTAURADA
from icsoe_desktop.gui.application import Application
from icsoe_desktop.services.audit import verificar_bitacora
from icsoe_desktop.services.empresas.servicio import CLI_ACTOR
from icsoe_desktop.store import cifrado
from tests.gui.helpers import click, type_text
from tests.gui.test_application import GOOD, seed

if TYPE_CHECKING:
    pass


@pytest.fixture
def signed_in(qtbot, data_dir):
    seed(data_dir)
    app = Application(data_dir)
    qtbot.addWidget(app.login)
    app.start()
    qtbot.waitUntil(lambda: app.login.continuar.isEnabled(), timeout=10_000)
    type_text(qtbot, app.login.contrasena, GOOD)
    click(qtbot, app.login.continuar)
    qtbot.waitUntil(lambda: app.main is not None and app.main.isVisible())
    # A new company opens the Configuración inicial: close it as the user would, so the only
    # dialogs left are the ones each test opens (else the modal driver may answer it instead).
    wizard = app.main.configuracion_inicial
    click(qtbot, wizard.button(QWizard.WizardButton.CancelButton))
    qtbot.waitUntil(lambda: not wizard.isVisible())
    yield app
    # Closed here, not by qtbot: a restore signs out, and its window is deleted while work that
    # ran for it may still hold its Python side (qtbot would close a deleted window).
    if app.main is not None:
        app.main.close()
    app.shutdown()


def choose(path: Path):
    """Type the file name in the real file dialog and accept it, as a user would."""

    def handler(dialog) -> None:
        assert isinstance(dialog, QFileDialog), dialog
        name = dialog.findChild(QLineEdit, "fileNameEdit")
        name.setText(str(path))
        dialog.accept()

    return handler


def archivo_action(app: Application, text: str):
    menu = app.main.findChild(type(app.main.menuBar().actions()[0].menu()), "archivoMenu")
    [action] = [a for a in menu.actions() if a.text() == text]
    return action


def _restore_refused(qtbot, app, modals, path):
    """Archivo › Restaurar… with ``path``, confirmed: the warning that refuses it."""
    modals.handle(choose(path))
    modals.answer("Restaurar", "Aceptar")
    archivo_action(app, "Res&taurar…").trigger()
    qtbot.waitUntil(lambda: len(modals.messages) == 2, timeout=10_000)
    refused = modals.messages[1]
    assert refused.icon == QMessageBox.Icon.Warning
    return refused


def test_respaldar_then_restaurar_from_the_archivo_menu(qtbot, signed_in, modals, tmp_path):
    app = signed_in
    respaldo = tmp_path / "lunes.icsoe-respaldo"
    modals.handle(choose(respaldo))
    archivo_action(app, "&Respaldar…").trigger()
    qtbot.waitUntil(lambda: len(modals.messages) == 1, timeout=10_000)
    [saved] = modals.messages
    assert saved.title == "Respaldar la base de datos"
    assert saved.text.startswith(f"El respaldo se guardó en «{respaldo}».")
    assert saved.icon == QMessageBox.Icon.Information
    assert respaldo.exists()

    # A change after the backup, which the restore takes back.
    app.services.registros.save(
        "NO191919191", "ABC010101AB1", "Nóminas del Centro", "idse@nominas.com"
    )
    modals.handle(choose(respaldo))
    modals.answer("Restaurar", "Aceptar")
    archivo_action(app, "Res&taurar…").trigger()
    qtbot.waitUntil(lambda: len(modals.messages) == 3, timeout=10_000)
    confirm, done = modals.messages[1:]
    assert confirm.title == "Restaurar un respaldo"
    assert confirm.buttons == ("Restaurar", "Cancelar")
    assert "Se reemplazará la base de datos actual por el respaldo «lunes.icsoe-respaldo»" in (
        confirm.text
    )
    assert done.text.startswith("Se restauró el respaldo «lunes.icsoe-respaldo».")
    assert done.text.endswith("Inicia sesión de nuevo.")
    assert done.icon == QMessageBox.Icon.Information
    # Signed out onto the restored store: the registro is gone, the old store kept aside.
    qtbot.waitUntil(lambda: app.main is None and app.login.isVisible())
    assert app.services.registros.listar() == []
    [aside] = list(app.services.store.path.parent.glob("*antes-de-restaurar*"))
    with cifrado.conectar(aside) as old:
        assert old.execute("SELECT count(*) FROM registros_patronales").fetchone() == (1,)
    old.close()


def test_a_backup_in_clear_is_restored_with_a_warning_that_says_so(
    qtbot, signed_in, modals, tmp_path
):
    """A backup of a version before encryption: restored, the clerk told it was readable by
    anyone, and the store it puts in place encrypted."""
    from tests.en_claro import copia_en_claro

    app = signed_in
    plano = copia_en_claro(app.services.store.path, tmp_path / "de-antes.icsoe-respaldo")
    assert cifrado.es_plano(plano)
    modals.handle(choose(plano))
    modals.answer("Restaurar", "Aceptar")
    archivo_action(app, "Res&taurar…").trigger()
    qtbot.waitUntil(lambda: len(modals.messages) == 2, timeout=10_000)
    done = modals.messages[1]
    assert done.icon == QMessageBox.Icon.Warning
    assert done.text.startswith("Se restauró el respaldo «de-antes.icsoe-respaldo».")
    assert "\n\nEl respaldo «de-antes.icsoe-respaldo» no estaba cifrado:" in done.text
    assert done.text.endswith("Inicia sesión de nuevo.")
    qtbot.waitUntil(lambda: app.main is None and app.login.isVisible())
    assert not cifrado.es_plano(app.services.store.path)


def test_a_foreign_file_is_refused_with_a_message_and_the_session_stays(
    qtbot, signed_in, modals, tmp_path
):
    app = signed_in
    foreign = tmp_path / "clientes.sqlite3"
    with cifrado.conectar(foreign) as conn:
        conn.execute("CREATE TABLE clientes (id INTEGER PRIMARY KEY)")
    conn.close()
    refused = _restore_refused(qtbot, app, modals, foreign)
    assert refused.text == (
        "El archivo «clientes.sqlite3» no es un respaldo de icsoe-desktop. No se restauró nada."
    )
    assert app.main is not None and app.main.isVisible()
    assert not list(app.services.store.path.parent.glob("*antes-de-restaurar*"))


def test_respaldar_and_restaurar_are_offered_to_administrators_only(qtbot, data_dir, services):
    """The menu mirrors the role matrix (the service refuses anyway: tests/services/test_roles.py):
    a backup holds every user's password hash and every NSS/CURP of the empresa."""
    from icsoe_desktop.gui.ventana_principal import VentanaPrincipal
    from icsoe_desktop.services.acceso.accounts import Registration

    for usuario in ("admin@empresa.com", "ana@empresa.com"):  # the first one administers
        clave = "Nom1na$Segura"
        services.accounts.register(Registration("N", "A", "", usuario, clave, clave, True))
    for actor, offered in ((None, False), ("ana@empresa.com", False), ("admin@empresa.com", True)):
        window = VentanaPrincipal(services, actor)
        qtbot.addWidget(window)
        assert window.respaldar_action.isEnabled() is offered, actor
        assert window.restaurar_action.isEnabled() is offered, actor
        assert window.reparar_action.isEnabled() is offered, actor


def test_reparar_from_the_archivo_menu_says_what_it_did(qtbot, signed_in, modals):
    app = signed_in
    path = app.services.store.path
    modals.answer("Reparar", "Aceptar")
    archivo_action(app, "Re&parar la base de datos…").trigger()
    qtbot.waitUntil(lambda: len(modals.messages) == 2, timeout=10_000)
    question, done = modals.messages
    assert question.title == done.title == "Reparar la base de datos"
    assert question.text.startswith("Se revisará la base de datos de la empresa.")
    assert done.icon == QMessageBox.Icon.Information
    assert done.text == "La base de datos está íntegra; se volvieron a contar sus sumas."
    assert not list(path.parent.glob("*antes-de-restaurar*"))  # a whole store stays in place
    assert app.main is not None and app.main.isVisible()


def test_another_empresas_backup_is_refused_with_its_rfc(qtbot, signed_in, modals, tmp_path):
    from icsoe_desktop.services.container import open_services

    app = signed_in
    otra = tmp_path / "otra-empresa"
    otra.mkdir()
    services = open_services(otra)
    try:
        services.primer_uso.guardar_empresa("BBB020202BB2", "Bodegas Dos SA de CV", CLI_ACTOR)
        ajeno = services.backup.backup(tmp_path / "dos.icsoe-respaldo", actor=CLI_ACTOR)
    finally:
        services.close()
    app.services.primer_uso.guardar_empresa("AAA010101AA1", "Abarrotes Uno SA de CV", CLI_ACTOR)
    app.services.nombrar_empresa()

    refused = _restore_refused(qtbot, app, modals, ajeno)
    assert refused.text == (
        "El respaldo «dos.icsoe-respaldo» es de la empresa RFC BBB020202BB2 (Bodegas Dos SA de "
        "CV), no de AAA010101AA1 (Abarrotes Uno SA de CV). No se restauró nada."
    )
    assert app.main is not None and app.main.isVisible()  # the session goes on, same store
    assert app.services.primer_uso.empresa().rfc == "AAA010101AA1"


def test_a_restore_killed_mid_swap_is_finished_at_the_next_start_and_the_user_is_told(
    qtbot, data_dir, modals, tmp_path
):
    from tests.services.test_restore_kill import kill_at

    seed(data_dir)
    from icsoe_desktop.services.container import open_services

    services = open_services(data_dir)
    try:
        backup = services.backup.backup(tmp_path / "lunes.icsoe-respaldo", actor=CLI_ACTOR)
        services.registros.save("NO191919191", "ABC010101AB1", "Nóminas del Centro", CLI_ACTOR)
    finally:
        services.close()
    kill_at("reemplazada", data_dir, backup)

    app = Application(data_dir)
    qtbot.addWidget(app.login)
    app.start()
    qtbot.waitUntil(lambda: len(modals.messages) == 1, timeout=20_000)
    [aviso] = modals.messages
    [aside] = data_dir.glob("icsoe.sqlite3.antes-de-restaurar-*")
    assert aviso.title == "Restaurar un respaldo"
    assert aviso.icon == QMessageBox.Icon.Information
    assert aviso.text == (
        "La restauración del respaldo «lunes.icsoe-respaldo» se interrumpió después de "
        f"reemplazar la base de datos; se terminó al abrir la empresa. La base de datos anterior "
        f"quedó en «{aside}»."
    )
    assert app.services.registros.listar() == []  # the backup's store, whole
    app.shutdown()


@pytest.fixture
def respaldo_de_otro_equipo(tmp_path) -> tuple[Path, str]:
    """Another PC's backup (its own data folder and keyring) and its recovery code; made
    before this test's app opens its own installation, whose keyring holds its own keys (the
    backup carries the audit key its log is linked with)."""
    from icsoe_desktop.services import recuperacion_almacen
    from icsoe_desktop.services.container import open_services
    from tests.conftest import build_isolated
    from tests.services.test_accounts import form as registro

    folder = tmp_path / "otro-equipo"
    folder.mkdir()
    respaldo = tmp_path / "otro-equipo.icsoe-respaldo"

    def build(data_dir: Path) -> str:
        services = open_services(data_dir)
        try:
            services.accounts.register(registro())
            services.primer_uso.guardar_empresa("ABC010101AB1", "Nóminas del Centro", CLI_ACTOR)
            services.registros.save("NO191919191", "ABC010101AB1", "Nóminas del Centro", CLI_ACTOR)
            services.backup.backup(respaldo, actor=CLI_ACTOR)
            return str(recuperacion_almacen.codigo_guardado())
        finally:
            services.close()

    return respaldo, build_isolated(folder, build)


def test_a_backup_of_another_pc_asks_for_its_code_a_wrong_one_is_said(
    qtbot, respaldo_de_otro_equipo, signed_in, modals
):
    from icsoe_desktop.gui.empresas.codigo_respaldo import CodigoRespaldoDialog
    from icsoe_desktop.services import recuperacion_almacen

    app = signed_in
    respaldo, codigo = respaldo_de_otro_equipo
    vistos: list[str] = []

    def escribir(dialog) -> None:
        assert isinstance(dialog, CodigoRespaldoDialog), dialog
        vistos.append(dialog.findChild(QLabel, "explicaLabel").text())
        type_text(qtbot, dialog.codigo, recuperacion_almacen.codigo_nuevo())
        click(qtbot, dialog.restaurar)  # refused: said, the dialog stays
        assert dialog.isVisible()
        dialog.codigo.clear()
        type_text(qtbot, dialog.codigo, codigo.lower().replace("-", " "))
        click(qtbot, dialog.restaurar)

    modals.handle(choose(respaldo))
    modals.handle(escribir)
    modals.answer("Restaurar", "Aceptar", "Aceptar")
    archivo_action(app, "Res&taurar…").trigger()
    qtbot.waitUntil(lambda: len(modals.messages) == 3, timeout=30_000)
    assert modals.error is None
    confirm, mal, done = modals.messages
    assert "Se reemplazará la base de datos actual" in confirm.text
    assert mal.title == "Restaurar con el código de recuperación"
    assert mal.text.startswith("El código de recuperación no abre el respaldo «otro-equipo.")
    assert mal.icon == QMessageBox.Icon.Critical
    assert "se hizo en otra instalación" in vistos[0]
    assert done.text.startswith("Se restauró el respaldo «otro-equipo.icsoe-respaldo».")
    qtbot.waitUntil(lambda: app.main is None and app.login.isVisible())
    assert [r.registro for r in app.services.registros.listar()] == ["NO191919191"]
    assert not app.services.store.path.read_bytes().startswith(cifrado.CABECERA_PLANA)
    # Its log, linked with the other PC's audit key, checked and linked on with this one's.
    integridad = verificar_bitacora(app.services.store.path)
    assert integridad.integra and integridad.llave_restaurada, integridad.problema
    acciones = [e.action for e in app.services.audit.recent()]
    assert acciones[:2] == ["respaldo_restaurado", LLAVE_RESTAURADA]


def test_cancelar_in_the_code_dialog_restores_nothing(
    qtbot, respaldo_de_otro_equipo, signed_in, modals
):
    app = signed_in
    respaldo, _codigo = respaldo_de_otro_equipo
    modals.handle(choose(respaldo))
    modals.handle(lambda dialog: dialog.reject())
    modals.answer("Restaurar")
    archivo_action(app, "Res&taurar…").trigger()
    qtbot.waitUntil(lambda: len(modals.dialogs) >= 2, timeout=30_000)
    qtbot.wait(200)
    assert type(modals.dialogs[1]).__name__ == "CodigoRespaldoDialog"
    assert len(modals.messages) == 1  # the confirmation only
    assert app.main is not None and app.main.isVisible()
    assert not list(app.services.store.path.parent.glob("*antes-de-restaurar*"))
