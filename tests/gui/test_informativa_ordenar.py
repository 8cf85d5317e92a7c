"""The informativa's worker list sorted by a click on its real header: each column ascending,
then descending, read back from the rows shown; the find box keeps the order; the end of a
sorted list is its last worker; a worker added or a Revisar row shows the list as added again."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt

from icsoe_desktop.gui.informativa.ventana import InformativaWindow
from tests.conftest import services_copying
from tests.gui.helpers import type_text
from tests.informativa_datos import trabajadores_limpios
from tests.informativa_servicios import PERIODO, capturista_una_vez, contrato_con_trabajadores

NOMBRES = ("Ñandú Ortiz", "maría López", "MARIO PÉREZ", "Álvaro Díaz", "ana Ruiz", "MARIA ABAD")


def _seis(services, rfc: str, ana: str, _fiel: Path) -> tuple[str, list]:
    uuid = services.informativas.crear(rfc, ana, PERIODO)
    contrato = contrato_con_trabajadores(services, rfc, ana, uuid, trabajadores=0)
    workers = [
        replace(t, nombre=n)
        for t, n in zip(
            trabajadores_limpios(len(NOMBRES), random.Random(3), PERIODO.anio), NOMBRES, strict=True
        )
    ]
    assert services.informativa_trabajadores.agregar_varios(contrato, ana, workers).agregados == 6
    return uuid, workers


@pytest.fixture(scope="module")
def _ventana_una_vez(tmp_path_factory):
    return capturista_una_vez(tmp_path_factory, _seis)


services = services_copying(ventana="_ventana_una_vez")


@pytest.fixture
def ventana(qtbot, _ventana_una_vez, services, smtp_configured):
    rfc, ana, (uuid, workers) = _ventana_una_vez[1]
    window = InformativaWindow(services, ana, rfc, uuid, False)
    qtbot.addWidget(window)
    window.resize(1300, 700)
    window.show()
    return window, workers


def _click_header(qtbot, window, column: int) -> None:
    header = window.trabajadores.tabla.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))


def _shown(window, column: int = 0) -> list[str]:
    model = window.trabajadores.model
    return [model.index(r, column).data() for r in range(model.rowCount())]


def _llano(nombre: str) -> str:
    sin = unicodedata.normalize("NFD", nombre.upper())
    return "".join(c for c in sin if not unicodedata.combining(c))


def test_a_header_click_sorts_the_workers_each_way(qtbot, ventana):
    window, workers = ventana
    header = window.trabajadores.tabla.horizontalHeader()
    added = [t.nss for t in workers]
    assert _shown(window) == added  # at first, as added: no column sorted
    assert header.sortIndicatorSection() == -1

    for column, key in (
        (0, lambda t: t.nss),
        (1, lambda t: t.curp),
        (2, lambda t: t.sbc),
        (3, lambda t: _llano(t.nombre)),
    ):
        ascending = [t.nss for t in sorted(workers, key=key)]
        _click_header(qtbot, window, column)
        assert _shown(window) == ascending, column
        assert header.sortIndicatorSection() == column
        assert header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
        _click_header(qtbot, window, column)
        assert _shown(window) == ascending[::-1], column
        assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder

    # By name without case or accents: Álvaro before ana, María with MARIA, Ñandú as N.
    _click_header(qtbot, window, 3)
    assert _shown(window, 3) == [
        "Álvaro Díaz",
        "ana Ruiz",
        "MARIA ABAD",
        "maría López",
        "MARIO PÉREZ",
        "Ñandú Ortiz",
    ]


def test_the_find_box_and_ctrl_end_keep_the_order(qtbot, ventana):
    window, _workers = ventana
    panel = window.trabajadores
    _click_header(qtbot, window, 3)
    _click_header(qtbot, window, 3)  # by name, descending
    type_text(qtbot, panel.buscar, "mari")
    qtbot.waitUntil(lambda: panel.total.text() == "Trabajadores encontrados: 3")
    assert _shown(window, 3) == ["MARIO PÉREZ", "maría López", "MARIA ABAD"]

    panel.buscar.clear()
    panel.buscar.buscar_ya()
    panel.tabla.setFocus()
    panel.tabla.setCurrentIndex(panel.model.index(0, 0))
    qtbot.keyClick(panel.tabla, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    last = panel.tabla.currentIndex()
    assert last.row() == 5 and panel.model.index(last.row(), 3).data() == "Álvaro Díaz"


def test_a_revisar_row_shows_the_list_as_added(qtbot, ventana):
    window, workers = ventana
    panel = window.trabajadores
    _click_header(qtbot, window, 0)
    assert _shown(window) != [t.nss for t in workers]
    panel.seleccionar_renglon(2)  # Revisar's rows count the workers as added
    header = panel.tabla.horizontalHeader()
    assert header.sortIndicatorSection() == -1
    assert _shown(window) == [t.nss for t in workers]
    assert panel.model.index(panel.tabla.currentIndex().row(), 0).data() == workers[1].nss
