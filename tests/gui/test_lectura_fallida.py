"""A read a window makes that the database refuses (here a real driver error: a table taken
away by another connection, as a lock held past the busy timeout or a damaged page would) is
never SQLite's English text: the app's Spanish message with «Reintentar», which reads again.
Movimientos con IDSE's search (on the window's thread), its sort (first page in the
background) and an export behind its progress bar; Sincronización's estado."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt

from icsoe_desktop.store.plain import MSG_FALLA
from tests.gui.helpers import click, wait_operations
from tests.gui.test_movimientos_idse import window

TITLE = "Movimientos con IDSE"


def _renombrar(path: Path, de: str, a: str) -> None:
    with closing(sqlite3.connect(path)) as conn:
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
    qtbot.waitUntil(lambda: len(modals.messages) == 2, timeout=5_000)
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
