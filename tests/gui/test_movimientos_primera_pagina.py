"""A find under a panel filter whose count would read every match's row (the find box's copy not
in memory: a store past the copy's limit, or one whose copy is still being read) shows its
first page at once with «contando…», and its count and the rest of its rows when counted: never
a count or a row that is not the find's."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QPoint, Qt

from bench.datos_reales import crear_movimientos
from icsoe_desktop.gui.movimientos.model import ID_ROLE, PAGE_SIZE
from icsoe_desktop.gui.ventana_principal import VentanaPrincipal
from icsoe_desktop.services.movimientos import espejo
from icsoe_desktop.services.movimientos.servicio import COLUMNS, Filtro, Orden
from tests.gui.helpers import click, wait_operations

ADMIN = "admin@nominas.com"
TODAY = date(2026, 11, 22)
CONTANDO = "Movimientos encontrados: contando…"


@pytest.fixture
def sin_copia(services, monkeypatch):
    """3,000 real-shaped movements in a store treated as past the copy's limit: no copy of
    the find box is ever read, every find under a panel filter is counted by SQL."""
    monkeypatch.setattr(espejo, "MINIMO", 1)
    monkeypatch.setattr(espejo, "MAXIMO", 1)
    crear_movimientos(services.store, 3_000, TODAY)
    return services


def _window(qtbot, services):
    main = VentanaPrincipal(services, ADMIN)
    qtbot.addWidget(main)
    main.show()
    view = main.movimientos
    view.tabs.setCurrentIndex(3)  # Todos
    wait_operations(qtbot)
    return view


def _ids(view, rows: range) -> list[int]:
    return [view.model.index(r, 0).data(ID_ROLE) for r in rows]


def _esperados(services, filtro: Filtro, orden: Orden) -> list[int]:
    """The find's ids in the grid's order, as an export streams them (every row of the
    filter, read apart from the grid's pages and counts)."""
    return [row[0] for row in services.movimientos.iter_rows(filtro, orden)]


def _registro_con_muchas(services) -> tuple[str, list[int]]:
    """A registro patronal with more than a page of «ma» matches, and their ids."""
    for registro in services.movimientos.registros():
        ids = _esperados(services, Filtro(buscar="ma", registro_patronal=registro), Orden())
        if len(ids) > 2 * PAGE_SIZE:
            return registro, ids
    raise AssertionError("ningún registro con tantas coincidencias")


def _buscar(qtbot, view, texto: str, registro: str) -> list[tuple[str, int, list[int]]]:
    """Buscar with ``texto`` and ``registro``; what the clerk saw when the first rows came
    before the count (label, rows, their ids), if they did."""
    vistos: list[tuple[str, int, list[int]]] = []
    model = view.model

    def por_contar() -> None:
        rows = model.rowCount()
        vistos.append((view.total.text(), rows, _ids(view, range(rows))))

    model.por_contar.connect(por_contar)
    view.buscar_edit.setText(texto)
    view.registro.setCurrentIndex(view.registro.findData(registro))
    click(qtbot, view.buscar_button)
    qtbot.waitUntil(lambda: not model.loading() and not model.contando(), timeout=10_000)
    model.por_contar.disconnect(por_contar)
    return vistos


def test_a_filtered_find_shows_its_first_page_then_its_count_and_every_row(qtbot, sin_copia):
    services = sin_copia
    registro, esperados = _registro_con_muchas(services)
    view = _window(qtbot, services)

    vistos = _buscar(qtbot, view, "ma", registro)

    # The first page came before the count: its rows the find's first, no count said.
    assert vistos == [(CONTANDO, PAGE_SIZE, esperados[:PAGE_SIZE])]
    # Then the count, and every row below the first page.
    assert view.total.text() == f"Movimientos encontrados: {len(esperados):,}"
    assert view.model.rowCount() == len(esperados)
    view.tabla.scrollToBottom()
    last = range(len(esperados) - 5, len(esperados))
    qtbot.waitUntil(lambda: None not in _ids(view, last))
    assert _ids(view, last) == esperados[-5:]
    # The rows right below the first page, once shown (read when the grid reaches them: what
    # the window read before, and what another window's work still running in the shared pool
    # delays, is not what this asks).
    siguientes = range(PAGE_SIZE, PAGE_SIZE + 5)
    view.tabla.scrollTo(view.model.index(PAGE_SIZE, 0))
    qtbot.waitUntil(lambda: None not in _ids(view, siguientes))
    assert _ids(view, siguientes) == esperados[PAGE_SIZE : PAGE_SIZE + 5]


def test_a_filtered_find_of_fewer_rows_than_a_page_is_counted_with_it(qtbot, sin_copia):
    """Its first page holds every match: the count is said with it, never «contando…»."""
    services = sin_copia
    registro = services.movimientos.registros()[0]
    filtro = Filtro(buscar="maria guadalupe", registro_patronal=registro)
    esperados = _esperados(services, filtro, Orden())
    assert 0 < len(esperados) < PAGE_SIZE
    view = _window(qtbot, services)

    assert _buscar(qtbot, view, "maria guadalupe", registro) == []
    assert view.total.text() == f"Movimientos encontrados: {len(esperados):,}"
    assert _ids(view, range(view.model.rowCount())) == esperados


def test_a_header_clicked_before_the_count_sorts_the_whole_find(qtbot, sin_copia):
    """A sort asked while the find is being counted: its first rows in that order, then the
    count, every row of the find in it."""
    services = sin_copia
    registro, esperados = _registro_con_muchas(services)
    view = _window(qtbot, services)
    model = view.model
    nombre = next(i for i, c in enumerate(COLUMNS) if c.attr == "nombre")
    header = view.tabla.horizontalHeader()
    clics: list[str] = []

    def clic_al_mostrar() -> None:  # as soon as the first page shows, counting
        if clics:  # the sorted page may also come before the count: one click only
            return
        x = header.sectionViewportPosition(nombre) + header.sectionSize(nombre) // 2
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
        clics.append(view.total.text())

    model.por_contar.connect(clic_al_mostrar)
    _buscar(qtbot, view, "ma", registro)
    qtbot.waitUntil(lambda: not model.sorting(), timeout=10_000)
    model.por_contar.disconnect(clic_al_mostrar)

    assert clics == [CONTANDO]
    orden = Orden(nombre, header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder)
    filtro = Filtro(buscar="ma", registro_patronal=registro)
    en_orden = _esperados(services, filtro, orden)
    assert sorted(en_orden) == sorted(esperados)
    assert view.total.text() == f"Movimientos encontrados: {len(esperados):,}"
    assert model.orden == orden and model.rowCount() == len(esperados)
    # Counted after the sort's page was read: its first page read again, in the pool (the
    # rows shown before stay meanwhile), then painted.
    qtbot.waitUntil(lambda: _ids(view, range(PAGE_SIZE)) == en_orden[:PAGE_SIZE])


def test_a_change_heard_before_the_count_is_counted_in(qtbot, sin_copia):
    """Another program takes movements of the find out of its registro while the find is
    being counted: the count and rows shown are those of the store after that change."""
    from sqlalchemy import text

    from icsoe_desktop.domain.cambios import MOVIMIENTOS

    services = sin_copia
    registro, esperados = _registro_con_muchas(services)
    otro = next(r for r in services.movimientos.registros() if r != registro)
    view = _window(qtbot, services)
    quitados = esperados[-3:]

    def cambio() -> None:  # as soon as the first page shows, counting
        with services.store.engine.begin() as conn:
            conn.execute(
                text(
                    f"UPDATE movimientos SET registro_patronal = :otro WHERE id IN {tuple(quitados)}"
                ),
                {"otro": otro},
            )
        services.store.cambios.anunciar({MOVIMIENTOS})

    view.model.por_contar.connect(cambio)
    vistos = _buscar(qtbot, view, "ma", registro)
    view.model.por_contar.disconnect(cambio)
    qtbot.waitUntil(lambda: view.total.text() == f"Movimientos encontrados: {len(esperados) - 3:,}")
    assert [v[0] for v in vistos] == [CONTANDO]
    assert view.model.rowCount() == len(esperados) - 3
    view.tabla.scrollToBottom()
    last = range(len(esperados) - 8, len(esperados) - 3)
    qtbot.waitUntil(lambda: None not in _ids(view, last))
    assert _ids(view, last) == esperados[-8:-3]
