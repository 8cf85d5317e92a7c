"""Consulta de capturistas by keyboard and at the window's default size: Enter/Space on an action
cell, the buttons' Alt-letters and the context menu act on the selected row; no header, action
link or fixed value is cut."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QContextMenuEvent, QFont, QFontMetrics
from PySide6.QtWidgets import QApplication

from icsoe_desktop.gui.icsoe.capturistas_model import ACTIONS, ACTIVAR, ELIMINAR, ENVIAR, HEADERS
from icsoe_desktop.gui.icsoe.consulta import SAMPLES
from icsoe_desktop.gui.icsoe.contratista import IcsoeContratistaWindow
from icsoe_desktop.services.capturistas.administracion import (
    MSG_BAJA,
    MSG_BAJA_PREGUNTA,
    MSG_CORREO_ENVIADO,
    MSG_REACTIVADO,
)
from tests.conftest import made_once, services_copying
from tests.gui.helpers import ENTER
from tests.icsoe_helpers import CURP_BETO, CURP_CARLA, enter_contratista, form


def _capturistas(services, data_dir: Path, folder: Path, _smtp) -> str:
    rfc = enter_contratista(services, data_dir, folder)
    services.capturistas.alta(rfc, form())
    beto = form(CURP_BETO, "Alberto", "García", "Ruiz", correo="beto@capturas.mx")
    services.capturistas.alta(rfc, beto)
    carla = form(CURP_CARLA, "Carla", "Pérez", "Domínguez", correo="carla@capturas.mx")
    services.capturistas.baja(rfc, services.capturistas.alta(rfc, carla).id)
    return rfc


@pytest.fixture(scope="module")
def _consulta_una_vez(tmp_path_factory):
    return made_once(tmp_path_factory, _capturistas)


services = services_copying(consulta="_consulta_una_vez")


@pytest.fixture
def consulta(qtbot, _consulta_una_vez, services):
    rfc = _consulta_una_vez[1]
    window = IcsoeContratistaWindow(services, services.contratistas.sesion(rfc))
    qtbot.addWidget(window)
    window.show()  # at its default size
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.show_consulta()
    page = window.consulta
    page.tabla.setFocus()
    yield page  # the window stays alive (referenced here) for the whole test
    window.close()


def go_to(qtbot, page, row: int, column: int) -> None:
    """Arrow keys only: Home/Ctrl+Home to the first cell, then down and right."""
    table = page.tabla
    qtbot.keyClick(table, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    for _ in range(row):
        qtbot.keyClick(table, Qt.Key.Key_Down)
    for _ in range(column):
        qtbot.keyClick(table, Qt.Key.Key_Right)
    assert (table.currentIndex().row(), table.currentIndex().column()) == (row, column)


def test_enter_and_space_on_an_action_cell_act(qtbot, consulta, modals):
    go_to(qtbot, consulta, 1, ENVIAR)  # Alberto, Registrada: Enviar email
    qtbot.keyClick(consulta.tabla, Qt.Key.Key_Return)
    assert modals.texts == [MSG_CORREO_ENVIADO]
    go_to(qtbot, consulta, 2, ACTIVAR)  # Carla, Baja: Activar
    modals.answer("Continuar")
    qtbot.keyClick(consulta.tabla, Qt.Key.Key_Space)
    assert modals.texts[-1] == MSG_REACTIVADO
    assert consulta.model.rows[2].estatus == "Registrada"


def test_buttons_act_on_the_selected_row_by_alt_letter(qtbot, consulta, modals):
    go_to(qtbot, consulta, 1, 2)  # Alberto's CURP cell
    buttons = consulta.buttons
    assert [b.text() for b in buttons.values()] == [
        "&Editar",
        "Enviar e&mail",
        "Ac&tivar",
        "E&liminar",
    ]
    assert buttons[ELIMINAR].isEnabled() and not buttons[ACTIVAR].isEnabled()
    modals.answer("Continuar")
    qtbot.keyClick(consulta.tabla, Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: len(modals.texts) == 2)  # a mnemonic «animates» its click first
    assert modals.texts[-2] == MSG_BAJA_PREGUNTA.format(nombre="ALBERTO GARCÍA RUIZ")
    assert modals.texts[-1] == MSG_BAJA
    assert consulta.model.rows[1].estatus == "Baja"
    assert buttons[ACTIVAR].isEnabled() and not buttons[ELIMINAR].isEnabled()


def test_context_menu_from_the_keyboard_offers_the_rows_actions(qtbot, consulta, modals):
    go_to(qtbot, consulta, 1, 3)
    table = consulta.tabla
    # What the Menu key sends: a keyboard context-menu event at the current cell.
    at = table.visualRect(table.currentIndex()).center()
    event = QContextMenuEvent(
        QContextMenuEvent.Reason.Keyboard, at, table.viewport().mapToGlobal(at)
    )
    QApplication.sendEvent(table.viewport(), event)
    menu = consulta.context_menu
    qtbot.waitUntil(menu.isVisible)
    enabled = {a.text(): a.isEnabled() for a in menu.actions()}
    assert enabled == {"&Editar": True, "Enviar e&mail": True, "Ac&tivar": False, "E&liminar": True}
    qtbot.keyClick(menu, Qt.Key.Key_M)  # Enviar e&mail
    qtbot.waitUntil(lambda: modals.texts == [MSG_CORREO_ENVIADO])


def test_nothing_is_cut_at_the_default_size(qtbot, consulta):
    table = consulta.tabla
    header = table.horizontalHeader()
    window = consulta.window()
    assert window.width() <= 1366 - 16  # the 1366×768 screen's width, with its frame
    link_font = QFont(table.font())
    link_font.setUnderline(True)
    header_metrics = QFontMetrics(header.font())
    cell_metrics = QFontMetrics(table.font())
    margin = 8  # the cell and header margins the style draws inside a section
    flags = int(Qt.AlignmentFlag.AlignCenter.value | Qt.TextFlag.TextWordWrap.value)
    for column, title in enumerate(HEADERS):
        width = header.sectionSize(column) - margin
        needed = header_metrics.boundingRect(QRect(0, 0, width, 1000), flags, title)
        assert needed.width() <= width, title
        assert needed.height() <= header.height() - 4, title
        assert all(header_metrics.horizontalAdvance(word) <= width for word in title.split())
        if column in ACTIONS:  # on the row's two lines
            link = QFontMetrics(link_font).boundingRect(
                QRect(0, 0, width, 1000), flags, ACTIONS[column][0]
            )
            assert link.width() <= width and link.height() <= table.rowHeight(0), title
        if column in SAMPLES:
            for row in range(consulta.model.rowCount()):
                text = consulta.model.index(row, column).data()
                assert cell_metrics.horizontalAdvance(text) <= width, (title, text)
    # …and every column is on screen without scrolling.
    assert header.length() <= table.viewport().width()


def test_enter_on_a_row_opens_its_editar(qtbot, consulta):
    """Enter on a cell that is no action (the CURP, the name) opens the row's Editar."""
    edited = []
    consulta.edit_requested.connect(edited.append)
    go_to(qtbot, consulta, 1, 3)  # Alberto's name
    qtbot.keyClick(consulta.tabla, Qt.Key.Key_Return)
    assert [row.curp for row in edited] == [CURP_BETO]
    alta = consulta.window().alta
    assert consulta.window().paginas.currentWidget() is alta
    assert alta.curp.text() == CURP_BETO and alta.curp.isReadOnly()


def test_the_menu_key_opens_the_menu_at_the_current_row_not_at_the_pointer(qtbot, consulta, modals):
    go_to(qtbot, consulta, 2, 3)  # Carla, in baja
    table = consulta.tabla
    # The Menu key as the platform sends it: to the focused grid, at the mouse pointer (far
    # to the right of the grid, on its header row).
    pointer = QPoint(table.width() - 5, 2)
    event = QContextMenuEvent(
        QContextMenuEvent.Reason.Keyboard, pointer, table.mapToGlobal(pointer)
    )
    QApplication.sendEvent(table, event)
    menu = consulta.context_menu
    qtbot.waitUntil(menu.isVisible)
    row = table.visualRect(table.currentIndex())
    at = table.viewport().mapToGlobal(row.bottomLeft())
    assert abs(menu.pos().y() - at.y()) <= 2 and abs(menu.pos().x() - at.x()) <= 2
    enabled = {a.text(): a.isEnabled() for a in menu.actions()}
    assert enabled == {
        "&Editar": False,
        "Enviar e&mail": False,
        "Ac&tivar": True,
        "E&liminar": False,
    }
    modals.answer(ENTER)
    qtbot.keyClick(menu, Qt.Key.Key_T)  # Ac&tivar: Carla's, not the row the pointer is on
    qtbot.waitUntil(lambda: modals.texts[-1:] == [MSG_REACTIVADO])
    assert consulta.model.rows[2].estatus == "Registrada"


def test_enter_in_activar_usuario_continues_as_the_guide_says(qtbot, consulta, modals):
    go_to(qtbot, consulta, 2, ACTIVAR)
    modals.answer(ENTER)
    qtbot.keyClick(consulta.tabla, Qt.Key.Key_Return)
    assert modals.messages[0].title == "Activar usuario"
    assert modals.texts[-1] == MSG_REACTIVADO
    assert consulta.model.rows[2].estatus == "Registrada"
