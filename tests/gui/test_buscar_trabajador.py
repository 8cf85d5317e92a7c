"""The find box as a clerk uses it: typed into the real box of Movimientos and of Lotes, the
rows shown read back; Ctrl+F goes to it, Escape empties it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

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
    assert _shown(view, "nss") == [nss(40)] and _shown(view, "tipo") == ["Baja"]
    view.tabs.setCurrentIndex(3)

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
