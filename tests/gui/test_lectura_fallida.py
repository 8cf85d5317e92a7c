"""A read a window makes that the database refuses (here a real driver error: a table taken
away by another connection, as a lock held past the busy timeout or a damaged page would) is
never SQLite's English text: the app's Spanish message with «Reintentar», which reads again.
Movimientos con IDSE's search (on the window's thread), its sort (first page in the
background) and an export behind its progress bar; Sincronización's estado. Each window that
reads in the background, with the file locked by another connection (SQLite's own «database is
locked»): Movimientos' find counted again after a change, the empresa's workers search (Agregar
de la empresa) and the sync's label in the main window's status bar."""

from __future__ import annotations

from contextlib import closing
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt

from icsoe_desktop.store import cifrado
from icsoe_desktop.store.plain import MSG_FALLA
from tests.gui.helpers import click, wait_operations
from tests.gui.test_movimientos_idse import window

TITLE = "Movimientos con IDSE"


def _renombrar(path: Path, de: str, a: str) -> None:
    with closing(cifrado.conectar(path)) as conn:
        conn.execute(f"ALTER TABLE {de} RENAME TO {a}")
        conn.commit()


def _sin_tabla(services) -> None:
    _renombrar(services.store.path, "movimientos", "movimientos_fuera")


def _con_tabla(services) -> None:
    _renombrar(services.store.path, "movimientos_fuera", "movimientos")


def _vistos(modals) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(m.title, m.text, m.buttons) for m in modals.messages]


def test_a_refused_search_says_so_in_spanish_and_offers_to_retry(qtbot, services, modals):
    from icsoe_desktop.demo.movimientos import create_demo_movimientos

    create_demo_movimientos(services.store, 300, date(2026, 11, 22))
    view = window(qtbot, services, None)
    view.tabs.setCurrentIndex(3)  # Todos
    assert view.model.rowCount() == 300
    _sin_tabla(services)
    modals.answer("Reintentar", "Cerrar")  # the retry reads again: refused again, then left
    click(qtbot, view.buscar_button)
    esperado = (TITLE, MSG_FALLA.format(nombre=services.store.path.name), ("Reintentar", "Cerrar"))
    assert _vistos(modals) == [esperado, esperado]
    assert "no such table" not in " ".join(modals.texts)
    _con_tabla(services)
    click(qtbot, view.buscar_button)
    assert view.model.rowCount() == 300 and len(modals.messages) == 2


def test_a_sort_refused_in_the_background_is_told_and_retried(qtbot, services, modals, tmp_path):
    from icsoe_desktop.demo.movimientos import create_demo_movimientos

    create_demo_movimientos(services.store, 300, date(2026, 11, 22))
    view = window(qtbot, services, None)
    view.tabs.setCurrentIndex(3)
    wait_operations(qtbot)
    antes = [view.model.index(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(20)]
    _sin_tabla(services)
    modals.answer("Reintentar", "Cerrar")
    columna = COLUMNA_NSS(view)
    header = view.tabla.horizontalHeader()
    header.setSortIndicator(columna, Qt.SortOrder.AscendingOrder)  # what a click on it does
    qtbot.waitUntil(lambda: len(modals.messages) == 2)
    wait_operations(qtbot)
    esperado = (TITLE, MSG_FALLA.format(nombre=services.store.path.name), ("Reintentar", "Cerrar"))
    assert _vistos(modals) == [esperado, esperado]
    # Left as it was shown, not blank nor half sorted, and its header says so.
    assert [view.model.index(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(20)] == antes
    assert header.sortIndicatorSection() == view.model.orden.column != columna
    view.main.grab().save(str(tmp_path / "lectura_fallida.png"))
    _con_tabla(services)
    header.setSortIndicator(columna, Qt.SortOrder.DescendingOrder)
    header.setSortIndicator(columna, Qt.SortOrder.AscendingOrder)
    wait_operations(qtbot)
    qtbot.waitUntil(lambda: not view.model.sorting(), timeout=30_000)
    nss = [view.model.index(r, columna).data() for r in range(20)]
    assert nss == sorted(nss) and len(modals.messages) == 2


def COLUMNA_NSS(view) -> int:
    return next(
        i
        for i in range(view.model.columnCount())
        if view.model.headerData(i, Qt.Orientation.Horizontal) == "NSS"
    )


def test_an_export_refused_in_the_background_offers_to_retry(qtbot, services, modals, tmp_path):
    """Every operation behind a progress dialog (gui/kit/operaciones.py): the database's
    refusal with «Reintentar», which runs the same work again."""
    from icsoe_desktop.demo.movimientos import create_demo_movimientos

    create_demo_movimientos(services.store, 300, date(2026, 11, 22))
    view = window(qtbot, services, None)
    view.tabs.setCurrentIndex(3)
    wait_operations(qtbot)
    destino = tmp_path / "movimientos.csv"
    _sin_tabla(services)
    modals.answer("Reintentar", "Cerrar")
    view.export_to(destino)
    qtbot.waitUntil(lambda: len(modals.messages) == 2, timeout=30_000)
    wait_operations(qtbot)
    esperado = (TITLE, MSG_FALLA.format(nombre=services.store.path.name), ("Reintentar", "Cerrar"))
    assert _vistos(modals) == [esperado, esperado]
    assert not destino.exists()
    _con_tabla(services)
    modals.answer("Cerrar")  # «Se exportaron 300 movimientos…: ¿Abrir archivo?»
    view.export_to(destino)
    qtbot.waitUntil(lambda: len(modals.messages) == 3, timeout=30_000)
    assert len(destino.read_text(encoding="utf-8-sig").splitlines()) == 301


def test_the_sync_status_read_in_the_background_offers_to_retry(qtbot, services, modals):
    """Sincronización reads its estado off the window's thread: refused, its message and
    «Reintentar» (not «Error inesperado»)."""
    from icsoe_desktop.domain.roles import CLI_ACTOR
    from icsoe_desktop.gui.sync.configuracion import TITLE as SINCRONIZACION
    from icsoe_desktop.gui.sync.configuracion import SincronizacionDialog

    services.sync.configure("http://127.0.0.1:9", "token-de-prueba", True, 0, CLI_ACTOR)
    _renombrar(services.store.path, "sync_conflicts", "sync_conflicts_fuera")
    modals.answer("Reintentar", "Cerrar")
    dialog = SincronizacionDialog(services, "admin@nominas.com")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: len(modals.messages) == 2, timeout=30_000)
    wait_operations(qtbot)
    esperado = (
        SINCRONIZACION,
        MSG_FALLA.format(nombre=services.store.path.name),
        ("Reintentar", "Cerrar"),
    )
    assert _vistos(modals) == [esperado, esperado]
    _renombrar(services.store.path, "sync_conflicts_fuera", "sync_conflicts")
    dialog.close()


def test_the_empresa_workers_search_refused_by_a_lock_offers_reintentar(
    qtbot, services, modals, monkeypatch
):
    """Agregar trabajadores de la empresa searches in the background: with the file locked, the
    app's message under the search (not SQLite's text) and «Reintentar», which finds them once
    the lock is gone."""
    from icsoe_desktop.gui.informativa.trabajadores_empresa import TrabajadoresEmpresaDialog
    from icsoe_desktop.store.plain import MSG_OCUPADA
    from tests.base_bloqueada import base_bloqueada
    from tests.gui.helpers import type_text
    from tests.gui.test_informativa_dialogos import seed_workers

    seed_workers(services)
    dialog = TrabajadoresEmpresaDialog(services, None, "contrato-no-usado")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.reintentar.isHidden()
    with base_bloqueada(services.store, monkeypatch):
        type_text(qtbot, dialog.buscar, "garcía")
        qtbot.keyClick(dialog.buscar, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not dialog.reintentar.isHidden(), timeout=10_000)
        wait_operations(qtbot)
        assert dialog.estado.text() == MSG_OCUPADA and "locked" not in dialog.estado.text()
        assert dialog.model.rowCount() == 0 and not dialog.agregar.isEnabled()
        click(qtbot, dialog.reintentar)  # still locked: told again
        wait_operations(qtbot)
        assert dialog.estado.text() == MSG_OCUPADA and not dialog.reintentar.isHidden()
    click(qtbot, dialog.reintentar)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2, timeout=10_000)
    assert dialog.estado.text().startswith("2 trabajadores encontrados")
    assert dialog.reintentar.isHidden() and modals.messages == []


def test_the_sync_label_of_the_status_bar_refused_by_a_lock_offers_reintentar(
    qtbot, services, modals, monkeypatch
):
    """The main window's status bar reads the sync's estado in the background: with the file
    locked, the app's message there (not only in the log) and «Reintentar» beside it."""
    from icsoe_desktop.demo.movimientos import create_demo_movimientos
    from icsoe_desktop.domain.roles import CLI_ACTOR
    from icsoe_desktop.gui.ventana_principal import VentanaPrincipal
    from icsoe_desktop.store.plain import MSG_OCUPADA
    from tests.base_bloqueada import base_bloqueada

    create_demo_movimientos(services.store, 3, date(2026, 11, 22))  # changes to send
    services.sync.configure("http://127.0.0.1:9", "token-de-prueba", True, 0, CLI_ACTOR)
    main = VentanaPrincipal(services, "admin@nominas.com")
    qtbot.addWidget(main)
    main.show()
    barra = main.barra_sincronizacion
    qtbot.waitUntil(lambda: not barra.leyendo(), timeout=10_000)
    wait_operations(qtbot)
    leido = barra.label.text()
    assert leido.endswith("cambios por enviar") and barra.reintentar.isHidden()
    with base_bloqueada(services.store, monkeypatch):
        barra.refresh()  # what any change of data does
        qtbot.waitUntil(lambda: not barra.reintentar.isHidden(), timeout=10_000)
        wait_operations(qtbot)
        assert barra.label.text() == MSG_OCUPADA
        assert barra.label.toolTip() == MSG_OCUPADA
    click(qtbot, barra.reintentar)
    qtbot.waitUntil(lambda: barra.reintentar.isHidden(), timeout=10_000)
    wait_operations(qtbot)
    assert barra.label.text() == leido and modals.messages == []


def _encontrado(qtbot, services) -> tuple:
    """Movimientos with a find on (one worker's NSS): the window, and the rows it found."""
    from icsoe_desktop.demo.movimientos import create_demo_movimientos
    from tests.gui.helpers import type_text

    create_demo_movimientos(services.store, 300, date(2026, 11, 22))
    view = window(qtbot, services, None)
    view.tabs.setCurrentIndex(3)
    wait_operations(qtbot)
    type_text(qtbot, view.buscar_edit, view.model.index(0, COLUMNA_NSS(view)).data())
    view.buscar_edit.buscar_ya()
    qtbot.waitUntil(lambda: not view.model.loading(), timeout=10_000)
    wait_operations(qtbot)
    assert 0 < view.model.rowCount() < 300
    return view, view.model.rowCount()


def test_a_change_heard_under_a_lock_is_told_and_retried(qtbot, services, modals, monkeypatch):
    """A change announced (another window's import, a sync) reads Movimientos again: with the
    file locked, the app's message with «Reintentar» (not «Error inesperado»), the rows shown
    kept; once the lock is gone the next change reads them."""
    from icsoe_desktop.domain.cambios import MOVIMIENTOS
    from icsoe_desktop.gui.kit.notificador import notificador
    from icsoe_desktop.store.plain import MSG_OCUPADA
    from tests.base_bloqueada import base_bloqueada

    view, encontrados = _encontrado(qtbot, services)
    modals.answer("Reintentar", "Cerrar")  # the retry, still locked: told again, then left
    with base_bloqueada(services.store, monkeypatch):
        notificador(services).anunciar(frozenset({MOVIMIENTOS}))
        qtbot.waitUntil(lambda: len(modals.messages) == 2, timeout=10_000)
        wait_operations(qtbot)
    esperado = (TITLE, MSG_OCUPADA, ("Reintentar", "Cerrar"))
    assert _vistos(modals) == [esperado, esperado]
    assert view.model.rowCount() == encontrados  # the rows shown stay
    notificador(services).anunciar(frozenset({MOVIMIENTOS}))
    wait_operations(qtbot)
    assert view.model.rowCount() == encontrados and len(modals.messages) == 2


def test_a_find_counted_again_in_the_background_under_a_lock_is_told_and_retried(
    qtbot, services, modals, monkeypatch
):
    """The find's count read again in the pool (what a change does after the window's own
    reads): with the file locked, told with «Reintentar» (not a line in the log and a stale
    count); the retry counts it once the lock is gone."""
    from icsoe_desktop.store.plain import MSG_OCUPADA
    from tests.base_bloqueada import base_bloqueada

    view, encontrados = _encontrado(qtbot, services)
    with base_bloqueada(services.store, monkeypatch):
        modals.answer("Cerrar")
        view.model.refrescar()
        qtbot.waitUntil(lambda: len(modals.messages) == 1, timeout=10_000)
        wait_operations(qtbot)
    assert _vistos(modals) == [(TITLE, MSG_OCUPADA, ("Reintentar", "Cerrar"))]
    assert view.model.rowCount() == encontrados
    view.model.refrescar()  # a later change: counted now, nothing told
    wait_operations(qtbot)
    assert view.model.rowCount() == encontrados and len(modals.messages) == 1
