"""The find box as a clerk uses it: typed into the real box of Movimientos and of Lotes, the
rows shown read back; Ctrl+F goes to it, Escape empties it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from icsoe_desktop.domain.cambios import MOVIMIENTOS
from icsoe_desktop.gui.kit.caja_buscar import PLACEHOLDER
from icsoe_desktop.gui.ventana_principal import VentanaPrincipal
from icsoe_desktop.services.movimientos.servicio import COLUMNS
from tests.gui.helpers import type_text
from tests.services.movimientos_data import REGISTRO_A, load_nunez, nss

ADMIN = "admin@nominas.com"


def _window(qtbot, services):
    main = VentanaPrincipal(services, ADMIN)
    qtbot.addWidget(main)
    main.show()
    main.activateWindow()  # keys go where the clerk's focus is
    qtbot.waitUntil(main.isActiveWindow)
    view = main.movimientos
    view.main = main
    return view


def _shown(view, attr: str) -> list[str]:
    column = next(i for i, c in enumerate(COLUMNS) if c.attr == attr)
    return [view.model.index(r, column).data() for r in range(view.model.rowCount())]


def test_typing_in_movimientos_finds_one_worker(qtbot, services, tmp_path):
    load_nunez(services, tmp_path)
    view = _window(qtbot, services)
    box = view.buscar_edit
    assert box.placeholderText() == PLACEHOLDER == "Buscar por NSS, CURP o nombre"
    view.tabs.setCurrentIndex(3)  # Todos
    assert view.total.text() == "Movimientos encontrados: 9"

    view.tabla.setFocus()
    qtbot.keyClick(view.tabla, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is box
    type_text(qtbot, box, "núñez")  # searched once the clerk pauses
    qtbot.waitUntil(lambda: view.total.text() == "Movimientos encontrados: 3")
    assert _shown(view, "primer_apellido") == ["NUÑEZ"] * 3
    assert _shown(view, "nss") == [nss(40)] * 3

    # Within the search panel's terms: the tab Bajas shows the baja alone.
    view.tabs.setCurrentIndex(2)
    qtbot.waitUntil(lambda: not view.model.loading())  # a find is counted off the window
    assert _shown(view, "nss") == [nss(40)] and _shown(view, "tipo") == ["Baja"]
    view.tabs.setCurrentIndex(3)
    qtbot.waitUntil(lambda: not view.model.loading())

    qtbot.keyClick(box, Qt.Key.Key_Escape)  # empties it and shows every movement again
    assert box.text() == "" and view.total.text() == "Movimientos encontrados: 9"

    type_text(qtbot, box, nss(2)[:10])
    qtbot.waitUntil(lambda: view.total.text() == "Movimientos encontrados: 1")
    assert _shown(view, "primer_apellido") == ["PEREZ"]
    box.clear()
    type_text(qtbot, box, "nupj800101hdfxxs06")  # a CURP in lower case
    qtbot.waitUntil(lambda: view.total.text() == "Movimientos encontrados: 3")
    box.clear()
    type_text(qtbot, box, "zz")
    qtbot.waitUntil(lambda: view.total.text() == "Movimientos encontrados: 0")
    assert view.model.rowCount() == 0


def test_typing_in_lotes_finds_the_pending_movements_of_one_worker(qtbot, services, tmp_path):
    load_nunez(services, tmp_path)
    view = _window(qtbot, services)
    view.tabs.setCurrentIndex(4)
    lotes = view.lotes
    lotes.registro.setCurrentIndex(lotes.registro.findText(REGISTRO_A))
    assert len(lotes.pendientes.rows) == 5
    # Ctrl+F goes to Lotes' own box (the grid's is hidden with its search panel).
    lotes.pendientes_tabla.setFocus()
    qtbot.keyClick(lotes.pendientes_tabla, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is lotes.buscar
    type_text(qtbot, lotes.buscar, "jose")
    qtbot.waitUntil(lambda: len(lotes.pendientes.rows) == 3)
    assert {p.nss for p in lotes.pendientes.rows} == {nss(40)}
    assert lotes.pendientes_label.text() == "Pendientes: 3. Seleccionados: 0."
    qtbot.keyClick(lotes.buscar, Qt.Key.Key_Escape)
    assert len(lotes.pendientes.rows) == 5


def test_a_find_counted_slowly_leaves_the_window_free_and_shows_its_rows_when_read(
    qtbot, services, tmp_path
):
    """A find is counted and its first page read off the window's thread (an apellido at a
    million rows with a panel filter: ~0.15 s): with the pool busy, the window answers with the
    rows it showed and «contando…»; the find's rows and count come when read. A header click
    meanwhile sorts the find, not the rows on screen."""
    import threading

    from PySide6.QtCore import QThreadPool

    from icsoe_desktop.gui.kit.operaciones import en_segundo_plano

    load_nunez(services, tmp_path)
    view = _window(qtbot, services)
    view.tabs.setCurrentIndex(3)  # Todos
    before = _shown(view, "nss")
    assert len(before) == 9

    gate, started = threading.Event(), threading.Semaphore(0)
    threads = QThreadPool.globalInstance().maxThreadCount()
    for _ in range(threads):
        en_segundo_plano(lambda: (started.release(), gate.wait(30)), lambda _: None, print)
    for _ in range(threads):
        assert started.acquire(timeout=10)

    view.buscar_edit.setText("núñez")
    view.buscar()
    assert view.model.loading()
    assert view.total.text() == "Movimientos encontrados: contando…"
    assert _shown(view, "nss") == before  # the window answered, its rows as they were
    nombre = next(i for i, c in enumerate(COLUMNS) if c.attr == "nombre")
    view.tabla.horizontalHeader().setSortIndicator(nombre, Qt.SortOrder.AscendingOrder)
    gate.set()
    qtbot.waitUntil(lambda: not view.model.loading())
    assert view.total.text() == "Movimientos encontrados: 3"
    assert _shown(view, "nss") == [nss(40)] * 3
    assert view.model.orden.column == nombre and not view.model.orden.descending
    assert view.tabla.verticalScrollBar().value() == 0


def test_a_find_shown_is_counted_again_when_the_movements_change(qtbot, services, tmp_path):
    """A change elsewhere (a sync, an import) refreshes the find shown: counted again off the
    window's thread, its rows then the ones left."""
    load_nunez(services, tmp_path)
    view = _window(qtbot, services)
    view.tabs.setCurrentIndex(3)  # Todos
    type_text(qtbot, view.buscar_edit, "núñez")
    qtbot.waitUntil(lambda: view.total.text() == "Movimientos encontrados: 3")
    with services.store.engine.begin() as conn:  # as a sync pull deleting the baja
        conn.exec_driver_sql(
            "UPDATE movimientos SET deleted = 1 WHERE nss = ? AND tipo = '02'", (nss(40),)
        )
    services.store.cambios.anunciar({MOVIMIENTOS})  # what the pull says once it committed
    qtbot.waitUntil(lambda: view.total.text() == "Movimientos encontrados: 2")
    assert _shown(view, "nss") == [nss(40)] * 2
    assert "Baja" not in _shown(view, "tipo")


def test_ctrl_end_on_a_find_of_many_rows_reads_its_last_page_off_the_window(
    qtbot, services, monkeypatch
):
    """A find of many rows (an apellido at a million) reads the last page by walking or
    gathering its matches: Ctrl+Fin leaves it to the pool, and its rows, the find's last in
    the order shown, are painted when read."""
    from datetime import date

    from icsoe_desktop.demo.movimientos import create_demo_movimientos
    from icsoe_desktop.gui.movimientos import model as grid_model
    from icsoe_desktop.services.movimientos.servicio import Filtro, Orden

    monkeypatch.setattr(grid_model, "FIND_AT_ONCE", 0)  # as a find of more than a few pages
    monkeypatch.setattr(grid_model, "BOUNDS_DELAY_MS", 600_000)  # no page's key read yet
    create_demo_movimientos(services.store, 1_500, date(2026, 11, 22))
    view = _window(qtbot, services)
    view.tabs.setCurrentIndex(3)  # Todos
    type_text(qtbot, view.buscar_edit, "m")
    qtbot.waitUntil(lambda: view.model.filtro.buscar == "m" and not view.model.loading())
    model, total = view.model, view.model.rowCount()
    assert total > 3 * grid_model.PAGE_SIZE
    expected = [r[0] for r in services.movimientos.iter_rows(Filtro(buscar="m"), Orden())]
    assert len(expected) == total

    view.tabla.setFocus()
    qtbot.keyClick(view.tabla, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    last = total - 1
    assert model.index(last, 0).data(grid_model.ID_ROLE) is None  # not waited for
    qtbot.waitUntil(lambda: model.index(last, 0).data(grid_model.ID_ROLE) is not None)
    shown = [model.index(r, 0).data(grid_model.ID_ROLE) for r in range(last - 9, total)]
    assert shown == expected[-10:]
