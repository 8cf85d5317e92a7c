"""The middle of a find sorted by a column whose term the find box's copy holds (fecha, the
default order; estado, right after its header is clicked), dragged to at once: the rows the
window shows there are those SQL's ``ORDER BY`` gives over the same matches
(services/movimientos/espejo_orden.py puts them in order from the copy alone)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt

from icsoe_desktop.gui.movimientos.model import PAGE_SIZE
from icsoe_desktop.services.movimientos import espejo
from icsoe_desktop.services.movimientos.servicio import COLUMNS, Filtro, Orden
from icsoe_desktop.store import movimientos_paging as paging
from tests.gui.helpers import click
from tests.gui.test_movimientos_primera_pagina import _esperados, _ids, _window
from tests.services.test_movimientos_espejo import _construida, _store


def _en_la_mitad(qtbot, view, total: int) -> tuple[int, list[int]]:
    """The grid taken to its middle row at once: the first row shown there and the ids of the
    rows shown, once read."""
    view.tabla.scrollTo(view.model.index(total // 2, 0))
    qtbot.waitUntil(lambda: view.tabla.rowAt(5) > PAGE_SIZE)
    primera = view.tabla.rowAt(0)
    filas = range(primera, primera + 10)
    qtbot.waitUntil(lambda: None not in _ids(view, filas), timeout=10_000)
    return primera, _ids(view, filas)


def _orden_de_la_vista(view) -> Orden:
    header = view.tabla.horizontalHeader()
    descending = header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    return Orden(header.sortIndicatorSection(), descending)


def test_the_middle_of_a_sorted_find_shows_the_rows_sql_sorts(
    tmp_path, qtbot, services, monkeypatch
):
    monkeypatch.setattr(espejo, "MINIMO", 1)
    monkeypatch.setattr(paging, "GATHER_MAX", 50)  # the middle of «ma» a far page
    _store(services)
    _construida(services.movimientos)
    view = _window(qtbot, services)
    model = view.model
    view.buscar_edit.setText("ma")
    click(qtbot, view.buscar_button)
    qtbot.waitUntil(lambda: not model.loading() and not model.contando(), timeout=10_000)
    filtro = Filtro(buscar="ma")
    total = model.rowCount()
    assert total > 4 * PAGE_SIZE

    # The default order (fecha, going down): dragged to the middle at once.
    esperados = _esperados(services, filtro, model.orden)
    assert len(esperados) == total
    primera, vistos = _en_la_mitad(qtbot, view, total)
    assert PAGE_SIZE < primera < total - PAGE_SIZE
    assert vistos == esperados[primera : primera + 10]

    # A click on Estado's header, then the middle at once.
    view.tabla.scrollToTop()
    qtbot.waitUntil(lambda: view.tabla.rowAt(0) == 0)
    estado = next(i for i, c in enumerate(COLUMNS) if c.attr == "estado")
    header = view.tabla.horizontalHeader()
    x = header.sectionViewportPosition(estado) + header.sectionSize(estado) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    qtbot.waitUntil(lambda: not model.sorting(), timeout=10_000)
    orden = _orden_de_la_vista(view)
    assert orden.column == estado and model.orden == orden
    esperados = _esperados(services, filtro, orden)
    primera, vistos = _en_la_mitad(qtbot, view, total)
    assert vistos == esperados[primera : primera + 10]
    view.grab().save(str(tmp_path / "mitad_ordenada.png"))
