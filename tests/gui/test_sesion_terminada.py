"""A session the services end under the user: an administrator at another desk withdraws the
grant of the open empresa (or disables the user) through the services; the user's next action
is refused, audited, told once in Spanish, and every window of that empresa closes, leading to
another empresa the user still has, or to the login."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import shiboken6
from PySide6.QtWidgets import QListWidget

from icsoe_desktop.gui.application import Application
from icsoe_desktop.gui.empresas.fin_de_sesion import (
    MSG_DESHABILITADO,
    MSG_NINGUNA,
    MSG_OTRA,
    MSG_SIN_ACCESO,
    TITLE,
)
from icsoe_desktop.services.container import open_services
from icsoe_desktop.services.movimientos.servicio import Filtro
from icsoe_desktop.store import cifrado
from tests.empresas.tres import ANA, BETO, CLIENTES, PASSWORD, build
from tests.gui.helpers import click, type_text

DOS, TRES = CLIENTES[1], CLIENTES[2]  # Beto is granted DOS


def _etiqueta(cliente) -> str:
    return f"{cliente.razon_social} ({cliente.rfc})"


@pytest.fixture
def ids(data_dir) -> dict[str, int]:
    return build(data_dir)


@pytest.fixture
def admin(data_dir, ids) -> Iterator:
    """Ana, the administrator, at another desk: her own services on the same data dir."""
    services = open_services(data_dir)
    yield services
    services.close()


@pytest.fixture
def app(qtbot, data_dir, ids, admin) -> Iterator[Application]:
    application = Application(data_dir)
    qtbot.addWidget(application.login)
    application.start()
    qtbot.waitUntil(lambda: application.services is not None, timeout=30_000)
    yield application
    application.shutdown()


def _beto_en_dos(qtbot, app: Application, modals):
    """Beto signed in to DOS, its main window on screen (the certificates' question put off)."""
    combo = app.login.empresa_selector.combo
    index = combo.findText(_etiqueta(DOS))
    combo.setCurrentIndex(index)
    combo.activated.emit(index)  # what a click on the item does
    modals.answer("Ahora no")
    app.login.usuario.clear()
    type_text(qtbot, app.login.usuario, BETO)
    type_text(qtbot, app.login.contrasena, PASSWORD)
    click(qtbot, app.login.continuar)
    qtbot.waitUntil(lambda: app.main is not None and app.main.isVisible(), timeout=30_000)
    qtbot.waitUntil(lambda: len(modals.messages) == 1, timeout=30_000)
    assert app.services.empresa.rfc == DOS.rfc
    modals.messages.clear()
    return app.main


def _rechazos(admin) -> list[tuple[str, str, str]]:
    return [
        (r.actor, r.target, r.detail)
        for r in admin.audit_instalacion.recent()
        if r.action == "permiso_denegado"
    ]


def _cerrada(window) -> bool:
    return not shiboken6.isValid(window) or not window.isVisible()


def _guardar_registro(qtbot, abiertos: list, antes=lambda: None):
    """Registros patronales: the registro of the grid, its razón social changed, Guardar;
    ``antes()`` once the dialog read the empresa (a window opened later is refused as it
    reads: tests/gui/test_sesion_lectura.py)."""

    def handler(dialog) -> None:
        antes()
        abiertos.append(dialog)
        dialog.tabla.selectRow(0)
        dialog.razon_social.clear()
        type_text(qtbot, dialog.razon_social, "Bodegas Dos Norte SA de CV")
        click(qtbot, dialog.guardar)

    return handler


def test_a_grant_withdrawn_ends_the_session_and_offers_the_other_empresas(
    qtbot, app, admin, ids, modals, tmp_path
):
    admin.accesos.conceder(BETO, ids[TRES.rfc], ANA)
    main = _beto_en_dos(qtbot, app, modals)
    abiertos: list = []
    elegir: list = []

    def otra(dialog) -> None:
        elegir.append(dialog)
        lista = dialog.findChild(QListWidget, "empresasList")
        assert [lista.item(i).text() for i in range(lista.count())] == [_etiqueta(TRES)]
        assert lista.currentItem() is lista.item(0)
        assert app.login.isVisible() and _cerrada(main) and _cerrada(abiertos[0])
        app.login.grab().save(str(tmp_path / "login.png"))
        dialog.grab().save(str(tmp_path / "elegir.png"))
        click(qtbot, dialog.abrir)

    modals.handle(
        _guardar_registro(qtbot, abiertos, lambda: admin.accesos.retirar(BETO, ids[DOS.rfc], ANA))
    )
    modals.handle(otra)
    main.registros_action.trigger()
    qtbot.waitUntil(lambda: app.main is not None and app.main is not main, timeout=30_000)
    qtbot.waitUntil(app.main.isVisible, timeout=30_000)

    # One message, the session's end, and not the refused window's own.
    [visto] = [m for m in modals.messages if m.title != "Certificados IMSS"]
    assert visto.title == TITLE
    assert visto.text == MSG_SIN_ACCESO.format(empresa=_etiqueta(DOS)) + "\n\n" + MSG_OTRA
    assert elegir and _cerrada(main) and _cerrada(abiertos[0])
    assert app.main.usuario == BETO and app.services.empresa.rfc == TRES.rfc
    assert _etiqueta(TRES) in app.main.windowTitle()
    # Refused at the gate every call goes through, before the action's own check.
    assert _rechazos(admin)[0] == (
        BETO,
        "CONSULTAR",
        f"rol: usuario IDSE; RegistrosService.save; sin acceso a la empresa {_etiqueta(DOS)}",
    )
    # Nothing was saved in DOS.
    admin.abrir_empresa(ids[DOS.rfc])
    assert [r.razon_social for r in admin.registros.listar()] == [DOS.razon_social]


def test_the_other_empresas_put_off_leave_the_keyboard_in_the_login(qtbot, app, admin, ids, modals):
    """The session ended, the other empresas offered over the login: Cancelar, and the login
    has the keyboard (its Usuario typed into at once), not no window at all."""
    from PySide6.QtWidgets import QApplication

    admin.accesos.conceder(BETO, ids[TRES.rfc], ANA)
    main = _beto_en_dos(qtbot, app, modals)
    abiertos: list = []
    ofrecidas: list = []

    def cancelar(dialog) -> None:
        ofrecidas.append(dialog.windowTitle())
        click(qtbot, dialog.cancelar)

    modals.handle(
        _guardar_registro(qtbot, abiertos, lambda: admin.accesos.retirar(BETO, ids[DOS.rfc], ANA))
    )
    modals.handle(cancelar)
    main.registros_action.trigger()
    qtbot.waitUntil(lambda: ofrecidas != [], timeout=30_000)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is app.login)
    assert app.main is None and _cerrada(main)


def test_a_grant_withdrawn_with_no_other_empresa_returns_to_the_login(
    qtbot, app, admin, ids, modals
):
    main = _beto_en_dos(qtbot, app, modals)
    abiertos: list = []
    modals.handle(
        _guardar_registro(qtbot, abiertos, lambda: admin.accesos.retirar(BETO, ids[DOS.rfc], ANA))
    )
    main.registros_action.trigger()
    qtbot.waitUntil(lambda: app.login.isVisible() and bool(modals.messages), timeout=30_000)

    assert modals.texts == [MSG_SIN_ACCESO.format(empresa=_etiqueta(DOS)) + "\n\n" + MSG_NINGUNA]
    assert app.main is None and _cerrada(main) and _cerrada(abiertos[0])
    assert len(modals.dialogs) == 1  # no empresa offered
    assert _rechazos(admin)[0][:2] == (BETO, "CONSULTAR")


def test_a_user_disabled_meanwhile_is_taken_back_to_the_login(qtbot, app, admin, ids, modals):
    admin.accesos.conceder(BETO, ids[TRES.rfc], ANA)  # another empresa is no way out
    main = _beto_en_dos(qtbot, app, modals)
    abiertos: list = []

    def eliminar(dialog) -> None:
        admin.accounts.set_enabled(BETO, False, ANA)
        abiertos.append(dialog)
        dialog.tabla.selectRow(0)
        modals.answer("Continuar")  # ¿Deseas eliminar el registro patronal …?
        click(qtbot, dialog.eliminar)

    modals.handle(eliminar)
    main.registros_action.trigger()
    qtbot.waitUntil(lambda: app.login.isVisible() and len(modals.messages) == 2, timeout=30_000)

    assert modals.messages[1].title == TITLE
    assert modals.messages[1].text == MSG_DESHABILITADO.format(usuario=BETO)
    assert app.main is None and _cerrada(main) and _cerrada(abiertos[0])
    assert len(modals.dialogs) == 1  # no empresa offered
    assert _rechazos(admin)[0] == (
        BETO,
        "CONSULTAR",
        "rol: usuario deshabilitado; RegistrosService.delete",
    )
    assert [r.registro for r in app.services.registros.listar()] == [DOS.registro]


def test_a_refusal_in_background_work_ends_the_session_the_same_way(
    qtbot, app, admin, ids, modals, tmp_path
):
    """Importar movimientos runs its service off the window's thread, behind a progress bar:
    the refusal there ends the session as well, with one message and no window left."""
    from tests.gui.helpers import wait_operations
    from tests.services.movimientos_data import known_rows, write_csv

    main = _beto_en_dos(qtbot, app, modals)
    archivo = write_csv(tmp_path / "movimientos.csv", known_rows())
    admin.accesos.retirar(BETO, ids[DOS.rfc], ANA)
    main.movimientos.import_from(archivo)  # the file Importar movimientos… asks for
    qtbot.waitUntil(lambda: app.login.isVisible() and bool(modals.messages), timeout=30_000)
    wait_operations(qtbot)

    assert modals.texts == [MSG_SIN_ACCESO.format(empresa=_etiqueta(DOS)) + "\n\n" + MSG_NINGUNA]
    assert app.main is None and _cerrada(main)
    assert _rechazos(admin)[0][:2] == (BETO, "CONSULTAR")
    assert app.services.movimientos.count(Filtro()) == DOS.movimientos  # nothing imported


def test_a_grant_withdrawn_while_an_import_runs_rolls_it_back_with_a_spanish_message(
    qtbot, app, admin, ids, modals, data_dir, tmp_path
):
    """The import passed the gate and holds rows in its transaction when the grant goes: it
    asks the gate again before saving, so nothing stays, and the clerk reads why in Spanish."""

    from tests.gui.helpers import wait_operations
    from tests.services.movimientos_data import write_csv
    from tests.services.test_import_files import many_rows

    main = _beto_en_dos(qtbot, app, modals)
    filas = many_rows(3_000)
    for fila in filas:
        fila["Registro Patronal"] = DOS.registro
    archivo = write_csv(tmp_path / "nomina.csv", filas)
    marcas = data_dir / "en_curso"
    # Another program holds the store's write lock: the import, past the gate, waits for it
    # (the busy timeout) while Ana withdraws the grant at her desk.
    otro = cifrado.conectar(app.services.store.path, isolation_level=None)
    otro.execute("BEGIN IMMEDIATE")
    try:
        main.movimientos.import_from(archivo)  # the file Importar movimientos… asks for
        qtbot.waitUntil(lambda: any(marcas.glob("*.json")), timeout=30_000)  # it runs
        admin.accesos.retirar(BETO, ids[DOS.rfc], ANA)
    finally:
        otro.execute("ROLLBACK")
        otro.close()
    qtbot.waitUntil(lambda: app.login.isVisible() and bool(modals.messages), timeout=30_000)
    wait_operations(qtbot)

    assert modals.texts == [MSG_SIN_ACCESO.format(empresa=_etiqueta(DOS)) + "\n\n" + MSG_NINGUNA]
    assert app.main is None and _cerrada(main)
    admin.abrir_empresa(ids[DOS.rfc])
    assert admin.movimientos.count(Filtro()) == DOS.movimientos  # nothing of the file
    [detenido] = [r for r in admin.audit.recent() if r.action == "trabajo_detenido"]
    assert (detenido.actor, detenido.target) == (BETO, "MovimientosImporter.import_file")
    assert detenido.detail.startswith("La importación de movimientos de «nomina.csv»: se deshizo")
