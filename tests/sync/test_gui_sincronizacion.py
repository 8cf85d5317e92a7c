"""The Sincronización dialog, the Conflictos window and the main window's status text, driven
through their real widgets against the real server on PostgreSQL."""

from __future__ import annotations

import keyring

from icsoe_desktop.gui.sync.configuracion import MSG_GUARDADA, TITLE, SincronizacionDialog
from icsoe_desktop.gui.sync.conflictos import TITLE as CONFLICTOS
from icsoe_desktop.gui.sync.conflictos import ConflictosDialog
from icsoe_desktop.gui.ventana_principal import VentanaPrincipal
from icsoe_desktop.services.acceso.accounts import Registration
from icsoe_desktop.services.sync.servicio import TOKEN_SCOPE
from tests.conftest import free_port
from tests.gui.helpers import click, type_text, wait_operations
from tests.sync.conftest import EMPRESA, connect, import_rows, sharing_registros

ADMIN = "admin@empresa.com"


def _administrador(services) -> None:
    """The administrator, the first user registered here: what the windows ask of the matrix."""
    if ADMIN not in {u.usuario for u in services.accounts.listar()}:
        clave = "Nom1na$Segura"
        services.accounts.register(Registration("Admin", "Ruiz", "", ADMIN, clave, clave, True))


def open_dialog(qtbot, services) -> SincronizacionDialog:
    """As the administrator opens it."""
    _administrador(services)
    dialog = SincronizacionDialog(services, ADMIN)
    qtbot.addWidget(dialog)
    dialog.show()
    wait_operations(qtbot)  # its estado is read in the background
    return dialog


def fill(qtbot, dialog: SincronizacionDialog, url: str, token: str) -> None:
    dialog.url.clear()
    type_text(qtbot, dialog.url, url)
    dialog.token.clear()
    type_text(qtbot, dialog.token, token)


def press(qtbot, modals, button):
    before = len(modals.messages)
    click(qtbot, button)
    qtbot.waitUntil(lambda: len(modals.messages) > before, timeout=30_000)
    return modals.messages[-1]


def test_guardar_keeps_the_token_in_the_keyring_only(qtbot, modals, sync_server, desktops):
    a, _ = desktops
    token = sync_server.token()
    dialog = open_dialog(qtbot, a)
    fill(qtbot, dialog, sync_server.url, token)
    dialog.intervalo.setValue(10)
    seen = press(qtbot, modals, dialog.guardar)
    assert (seen.title, seen.text) == (TITLE, MSG_GUARDADA)
    assert a.sync.settings.url == sync_server.url and a.sync.settings.interval_min == 10
    assert a.sync.settings.verify_tls is True
    assert token not in (a.store.path.parent / "settings.toml").read_text(encoding="utf-8")
    stored = keyring.get_password(f"icsoe-desktop/{TOKEN_SCOPE}", a.sync._desktop_id())
    assert stored == token


def test_a_bad_address_is_explained(qtbot, modals, desktops):
    a, _ = desktops
    dialog = open_dialog(qtbot, a)
    fill(qtbot, dialog, "sync.empresa.com", "un-token")
    seen = press(qtbot, modals, dialog.guardar)
    assert seen.text.startswith("La dirección del servidor debe empezar con https://")
    qtbot.waitUntil(lambda: dialog.focusWidget() is dialog.url)
    assert a.sync.settings.url == ""


def test_probar_conexion_names_the_company(qtbot, modals, sync_server, desktops):
    a, _ = desktops
    dialog = open_dialog(qtbot, a)
    fill(qtbot, dialog, sync_server.url, sync_server.token(nombre="Escritorio nómina 1"))
    seen = press(qtbot, modals, dialog.probar)
    assert seen.text == (
        f"Conexión correcta con el servidor de sincronización: empresa {EMPRESA}, escritorio "
        "«Escritorio nómina 1»."
    )
    fill(qtbot, dialog, sync_server.url, "token-equivocado")
    seen = press(qtbot, modals, dialog.probar)
    assert "rechazó el token" in seen.text


def test_sincronizar_ahora_shows_progress_and_the_result(qtbot, modals, sync_server, desktops):
    a, b = desktops
    a.registros.save("Y5412345106", EMPRESA, "Nóminas del Centro", ADMIN)
    dialog = open_dialog(qtbot, a)
    fill(qtbot, dialog, sync_server.url, sync_server.token())
    maxima: list[int] = []
    dialog.progreso.valueChanged.connect(lambda _v: maxima.append(dialog.progreso.maximum()))
    seen = press(qtbot, modals, dialog.sincronizar)
    assert seen.text.startswith("Sincronización terminada: ")
    assert "enviado" in seen.text and max(maxima) >= 2
    wait_operations(qtbot)  # the estado read again
    assert dialog.estado.text().startswith("Estado: Sincronizado ")
    connect(b, sync_server.url, sync_server.token())
    b.sync.synchronize()
    assert [r.registro for r in b.registros.listar()] == ["Y5412345106"]


def test_a_first_sync_shows_how_many_rows_came_of_how_many(qtbot, modals, sync_server, desktops):
    from datetime import date

    from icsoe_desktop.demo.movimientos import create_demo_movimientos
    from tests.sync.test_convergence import server_tables
    from tests.sync.test_pull_reanudable import held

    a, b = desktops
    connect(a, sync_server.url, sync_server.token(nombre="A"))
    create_demo_movimientos(a.store, 60, date(2026, 11, 22))
    a.sync.synchronize()
    total = held(server_tables(sync_server.engine))
    b.sync.intercambio.pull_rows = 10  # a busy company: several pages
    dialog = open_dialog(qtbot, b)
    fill(qtbot, dialog, sync_server.url, sync_server.token(nombre="B"))
    seen: list[str] = []  # what the clerk reads each time the bar moves
    dialog.progreso.valueChanged.connect(lambda _v: seen.append(dialog.estado.text()))
    assert press(qtbot, modals, dialog.sincronizar).text.startswith("Sincronización terminada")
    assert f"Sincronizando… Recibidos 10 de {total}" in seen
    assert f"Sincronizando… Recibidos 20 de {total}" in seen


def test_sincronizar_without_server_says_sin_conexion(qtbot, modals, sync_server, desktops):
    a, _ = desktops
    a.registros.save("Y5412345106", EMPRESA, "Nóminas del Centro", ADMIN)
    dialog = open_dialog(qtbot, a)
    fill(qtbot, dialog, f"http://127.0.0.1:{free_port()}", sync_server.token())
    seen = press(qtbot, modals, dialog.sincronizar)
    assert seen.text.startswith("Sin conexión con el servidor de sincronización.")
    assert "no se pierde nada" in seen.text
    wait_operations(qtbot)
    assert dialog.estado.text().startswith("Estado: Sin conexión · ")
    assert a.sync.pending_count() > 0


def test_conflictos_window_keeps_the_chosen_version(qtbot, modals, sync_server, desktops):
    a, b = desktops
    connect(a, sync_server.url, sync_server.token())
    connect(b, sync_server.url, sync_server.token())
    a.registros.save("Y5412345106", EMPRESA, "Original", ADMIN)
    a.sync.synchronize()
    b.sync.synchronize()
    a.registros.save("Y5412345106", EMPRESA, "Versión de A", ADMIN)
    b.registros.save("Y5412345106", EMPRESA, "Versión de B", ADMIN)
    a.sync.synchronize()
    b.sync.synchronize()

    window = ConflictosDialog(b, ADMIN)
    qtbot.addWidget(window)
    window.show()
    assert window.model.rowCount() == 1
    assert "Razón social: Versión de B" in window.actual.toPlainText()
    assert "Razón social: Versión de A" in window.otra.toPlainText()
    seen = press(qtbot, modals, window.conservar_otra)
    assert (seen.title, seen.text) == (CONFLICTOS, "No quedan conflictos por revisar.")
    assert window.model.rowCount() == 0
    assert not window.conservar_otra.isEnabled()
    assert [r.razon_social for r in b.registros.listar()] == ["Versión de A"]
    b.sync.synchronize()
    a.sync.synchronize()
    assert [r.razon_social for r in a.registros.listar()] == ["Versión de A"]


def test_main_window_status_bar_and_automatic_sync(qtbot, sync_server, desktops):
    a, b = desktops
    connect(a, sync_server.url, sync_server.token(), interval=5)
    a.registros.save("Y5412345106", EMPRESA, "Nóminas del Centro", ADMIN)
    _administrador(a)
    window = VentanaPrincipal(a, ADMIN, "Admin")
    qtbot.addWidget(window)
    window.show()
    status = window.barra_sincronizacion
    pending = a.sync.pending_count()
    # Read in the background: the window shows before the count arrives.
    qtbot.waitUntil(lambda: status.label.text() == f"{pending} cambios por enviar")
    assert status.auto_timer.isActive() and status.auto_timer.interval() == 5 * 60_000
    assert window.sincronizacion_action.isEnabled() and window.conflictos_action.isEnabled()
    status.auto_timer.timeout.emit()  # the timer firing, without waiting 5 minutes
    qtbot.waitUntil(lambda: status.label.text().startswith("Sincronizado "), timeout=30_000)
    assert a.sync.pending_count() == 0
    connect(b, sync_server.url, sync_server.token())
    b.sync.synchronize()
    assert [r.registro for r in b.registros.listar()] == ["Y5412345106"]
    window.close()  # Salir: no automatic sync once the window is gone
    assert not status.auto_timer.isActive() and not status.reintento.isActive()


def test_conflictos_window_settles_every_selected_duplicate_at_once(
    qtbot, modals, sync_server, desktops, tmp_path
):
    from PySide6.QtCore import Qt

    from tests.services.movimientos_data import KNOWN, known_rows

    a, b = sharing_registros(sync_server, desktops)
    for i, desktop in enumerate((a, b)):  # the same file imported on both desktops
        import_rows(desktop, known_rows(), tmp_path / f"mov_{i}.csv")
    a.sync.synchronize()
    b.sync.synchronize()

    window = ConflictosDialog(b, ADMIN)
    qtbot.addWidget(window)
    window.show()
    assert window.model.rowCount() == len(KNOWN)
    assert window.model.data(window.model.index(0, 0)) == "Movimiento afiliatorio"
    first = window.selected()
    assert f"NSS: {first.renglon}" in window.actual.toPlainText()
    assert f"NSS: {first.renglon}" in window.otra.toPlainText()
    [sbc] = [row[5] for row in KNOWN if row[4] == first.renglon]
    if sbc:  # money in pesos, as the grid shows it (stored in centavos)
        assert f"SBC: {sbc}" in window.actual.toPlainText()
    window.tabla.setFocus()
    qtbot.keyClick(window.tabla, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert len(window.selected_all()) == len(KNOWN)
    seen = press(qtbot, modals, window.conservar_actual)
    assert (seen.title, seen.text) == (CONFLICTOS, "No quedan conflictos por revisar.")
    assert b.conflictos.conflicts() == []


def test_a_desktop_that_drifted_repairs_itself_and_the_dialog_says_verificado(
    qtbot, modals, sync_server, desktops
):
    from sqlalchemy import select

    from icsoe_desktop.domain.clock import texto_del_centro
    from icsoe_desktop.store.models import RegistroPatronal
    from icsoe_desktop.store.tracking import APPLYING_REMOTE
    from tests.sync.conftest import connected

    a, b = connected(sync_server, desktops)
    a.registros.save("Y5412345106", EMPRESA, "Original", ADMIN)
    a.sync.synchronize()
    b.sync.synchronize()
    a.registros.save("Y5412345106", EMPRESA, "Nuevo", ADMIN)
    a.sync.synchronize()
    b.sync.synchronize()
    # What the «row changed between two pages» bug left behind: B noted the new version as
    # received but kept the old copy, with nothing pending that a later pull would repair.
    with b.store.session() as session:
        session.info[APPLYING_REMOTE] = True
        row = session.scalar(select(RegistroPatronal))
        row.razon_social, row.version = "Original", 1
    b.sync.estado.escribir(verified_at="")

    dialog = open_dialog(qtbot, b)
    assert "Verificado" not in dialog.estado.text()
    seen = press(qtbot, modals, dialog.sincronizar)
    assert seen.title == TITLE and seen.text.startswith("Sincronización terminada")
    assert {r.registro: r.razon_social for r in b.registros.listar()} == {"Y5412345106": "Nuevo"}
    verified_at = b.sync.status().verified_at
    assert verified_at is not None
    wait_operations(qtbot)
    estado, reparacion = dialog.estado.text().split("\n")
    assert estado.endswith(f" · Verificado {texto_del_centro(verified_at, '%H:%M')}")
    assert reparacion == (  # what the check found and received again
        "Última reparación: Registro patronal: 1 renglón en otra versión; recibidos de nuevo "
        "del servidor."
    )


def test_a_signed_informativa_received_altered_is_told_and_its_copy_cannot_be_kept(
    qtbot, modals, sync_server, desktops, tmp_path
):
    from icsoe_desktop.domain.roles import CLI_ACTOR
    from tests import credentials_factory as cf
    from tests.icsoe_helpers import enter_contratista
    from tests.informativa_servicios import PERIODO, contrato_con_trabajadores
    from tests.sync.test_sync_informativa import OtroPrograma, alterada, copias, sbc_cambiado

    a, b = desktops
    connect(a, sync_server.url, sync_server.token())
    rfc = enter_contratista(a, a.data_dir, tmp_path)
    uuid = a.informativas.crear(rfc, CLI_ACTOR, PERIODO)
    contrato_con_trabajadores(a, rfc, CLI_ACTOR, uuid, trabajadores=3)
    cer = tmp_path / "fiel" / f"{rfc}.cer"
    a.informativa_firma.firmar(uuid, rfc, cer, cer.with_suffix(".key"), cf.PASSWORD)
    a.sync.synchronize()
    dialog = open_dialog(qtbot, b)
    fill(qtbot, dialog, sync_server.url, sync_server.token())
    assert "no se aplicó" not in press(qtbot, modals, dialog.sincronizar).text
    genuinas = copias(b, uuid)

    OtroPrograma(sync_server, uuid).enviar(congelada=sbc_cambiado(genuinas[0]))
    seen = press(qtbot, modals, dialog.sincronizar)
    mensaje = alterada(PERIODO.clave, rfc)
    assert mensaje in seen.text and "Hay 1 conflicto" in seen.text
    assert copias(b, uuid) == genuinas

    window = ConflictosDialog(b, ADMIN)
    qtbot.addWidget(window)
    window.show()
    columnas = [window.model.data(window.model.index(0, column)) for column in range(3)]
    assert columnas == ["Informativa", PERIODO.clave, "No coincide con lo firmado"]
    assert f"Periodo: {PERIODO.clave}" in window.otra.toPlainText()
    assert "Cadena" not in window.otra.toPlainText()  # a few MB for a big one: not shown
    window.grab().save(str(tmp_path / "conflictos.png"))
    seen = press(qtbot, modals, window.conservar_otra)
    assert (seen.title, seen.text) == (CONFLICTOS, f"Informativa {PERIODO.clave}: {mensaje}")
    assert copias(b, uuid) == genuinas
    seen = press(qtbot, modals, window.conservar_actual)
    assert seen.text == "No quedan conflictos por revisar."
    assert copias(b, uuid) == genuinas


def test_a_server_back_after_a_restart_is_synced_with_in_seconds_not_the_interval(
    qtbot, sync_database, desktops
):
    """Its automatic sync found no server: it tries again after a few seconds (longer each
    time, a random part of it: a company's desktops do not all come back at once), and once
    the server is up again the changes go without waiting the 5 minutes."""
    from icsoe_desktop.sync_server.app import create_app
    from icsoe_desktop.sync_server.db import create_token
    from tests.sync.pg import ThreadServer

    _url, engine = sync_database
    port = free_port()
    a, _ = desktops
    connect(a, f"http://127.0.0.1:{port}", create_token(engine, EMPRESA, "A").token, interval=5)
    a.registros.save("Y5412345106", EMPRESA, "Nóminas del Centro", ADMIN)
    _administrador(a)
    window = VentanaPrincipal(a, ADMIN, "Admin")
    qtbot.addWidget(window)
    window.show()
    status = window.barra_sincronizacion
    status.auto_timer.timeout.emit()  # the timer firing, with the server down
    qtbot.waitUntil(lambda: status.label.text().startswith("Sin conexión"), timeout=30_000)
    assert status.reintento.isActive() and 1_000 <= status.reintento.interval() <= 2_000
    status.reintento.stop()
    status.reintento.timeout.emit()  # its second try, the server still down: it waits longer
    qtbot.waitUntil(lambda: status.fallos == 2, timeout=30_000)
    assert 2_000 <= status.reintento.interval() <= 4_000
    server = ThreadServer(create_app(engine), port)
    server.start()
    try:
        qtbot.waitUntil(lambda: status.label.text().startswith("Sincronizado "), timeout=30_000)
        assert a.sync.pending_count() == 0 and status.fallos == 0
        assert not status.reintento.isActive()
    finally:
        server.stop()
