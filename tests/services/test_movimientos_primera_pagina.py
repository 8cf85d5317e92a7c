"""A find's first page read before its count (``primera_pagina``), on a real store of
real-shaped movements: only when that count would read every match's row, and then the find's
own first rows in the grid's order; otherwise None (count first, as always)."""

from __future__ import annotations

from datetime import date

import pytest

from bench.datos_reales import crear_movimientos
from icsoe_desktop.domain.movimientos import VENCIDOS
from icsoe_desktop.services.movimientos import espejo
from icsoe_desktop.services.movimientos.servicio import COLUMNS, Filtro, Orden
from icsoe_desktop.store import movimientos_paging

TODAY = date(2026, 11, 22)
PAGE = 100


@pytest.fixture
def grande(services, monkeypatch):
    """600 movements in a store taken for one of the find box's copy's size (MINIMO), whose
    copy is never read (past MAXIMO): as one whose copy is still being read."""
    monkeypatch.setattr(espejo, "MINIMO", 1)
    monkeypatch.setattr(espejo, "MAXIMO", 1)
    crear_movimientos(services.store, 600, TODAY)
    return services


def _ids(services, filtro: Filtro, orden: Orden) -> list[int]:
    return [row[0] for row in services.movimientos.iter_rows(filtro, orden)]


def test_the_first_page_is_the_finds_first_rows_in_any_order(grande):
    movimientos = grande.movimientos
    registro = movimientos.registros()[0]
    nombre = next(i for i, c in enumerate(COLUMNS) if c.attr == "nombre")
    movimientos.prepare_sort(Orden(nombre))  # as its header's click: walked along its index
    for texto in ("ma", "ju", "gar", "maria guadalupe"):
        for terms in ({"registro_patronal": registro}, {"tipo": "07"}, {"estado": "pendiente"}):
            filtro = Filtro(buscar=texto, **terms)
            for orden in (Orden(), Orden(nombre), Orden(nombre, descending=False)):
                pagina = movimientos.primera_pagina(filtro, orden, PAGE)
                assert pagina is not None, (texto, terms, orden)
                assert [r[0] for r in pagina] == _ids(grande, filtro, orden)[:PAGE]


def test_none_when_the_count_is_had_cheaply(grande, monkeypatch):
    movimientos = grande.movimientos
    registro = movimientos.registros()[0]
    filtro = Filtro(buscar="ma", registro_patronal=registro)
    assert movimientos.primera_pagina(Filtro(registro_patronal=registro), Orden(), PAGE) is None
    assert movimientos.primera_pagina(Filtro(buscar="ma"), Orden(), PAGE) is None  # its indexes
    # Conditions that leave no row (a past-due aviso is pending, not approved): counted, 0.
    nada = Filtro(buscar="ma", estado="aprobado", condicion=("vence", VENCIDOS))
    assert movimientos.primera_pagina(nada, Orden(), PAGE) is None
    assert movimientos.count(nada) == 0

    contado = movimientos.count(filtro)  # then kept: asked again, not read again
    assert movimientos.primera_pagina(filtro, Orden(), PAGE) is None
    assert contado == len(_ids(grande, filtro, Orden()))

    monkeypatch.setattr(espejo, "MINIMO", 601)  # a small store: its count costs little
    assert movimientos.primera_pagina(Filtro(buscar="ju", tipo="02"), Orden(), PAGE) is None


def test_none_when_the_copy_counts_it(services, monkeypatch):
    monkeypatch.setattr(espejo, "MINIMO", 1)
    crear_movimientos(services.store, 600, TODAY)
    movimientos = services.movimientos
    movimientos.count(Filtro())  # the window's first count asks for the copy
    movimientos.buscador.copia.espejos.esperar()
    assert movimientos.primera_pagina(Filtro(buscar="ma", tipo="07"), Orden(), PAGE) is None


def test_none_when_the_walk_runs_out(grande, monkeypatch):
    """Matches too far apart to meet a page walking the order: counted, then paged."""
    monkeypatch.setattr(movimientos_paging, "WALK_CPU_S", -1.0)
    filtro = Filtro(buscar="gar", tipo="08")
    assert grande.movimientos.primera_pagina(filtro, Orden(), PAGE) is None


def test_a_far_page_in_an_order_not_kept_is_read_from_the_copys_matches(services, monkeypatch):
    """A far page of a find sorted by a column whose order is not in memory (right after the
    header's click), and the scroll bar's keys: its matches taken from the find box's copy,
    their rows sorted by SQLite; the same rows as the store's own sort, either way, alone and under a panel filter; and
    without the copy, by the store's own sort."""
    monkeypatch.setattr(espejo, "MINIMO", 1)
    monkeypatch.setattr(movimientos_paging, "GATHER_MAX", 50)  # far: past 50 rows, not 4,000
    crear_movimientos(services.store, 3_000, TODAY)
    movimientos = services.movimientos
    movimientos.count(Filtro())  # the window's first count asks for the copy
    movimientos.buscador.copia.espejos.esperar()
    assert movimientos.buscador.copia.espejos.vigente() is not None
    registro = movimientos.registros()[0]

    def lejos(filtro: Filtro, orden: Orden) -> None:
        total = movimientos.count(filtro)
        esperados = _ids(services, filtro, orden)
        assert len(esperados) == total > 2 * PAGE
        for offset in (total // 2, total - PAGE - 7):
            movimientos.buscador.columna.columnas.cerrar()  # its order not in memory: asked for again
            pagina = movimientos.pagina(filtro, orden, offset, PAGE, total)
            assert [r[0] for r in pagina] == esperados[offset : offset + PAGE], (filtro, orden)
        # The scroll bar's keys: every id in that order, then kept.
        movimientos.buscador.columna.columnas.cerrar()
        llaves = movimientos.boundaries(filtro, orden, PAGE, total)
        assert [k[0] for k in llaves] == esperados[PAGE - 1 :: PAGE], (filtro, orden)

    for attr in ("nombre", "estado", "fecha"):
        column = next(i for i, c in enumerate(COLUMNS) if c.attr == attr)
        movimientos.prepare_sort(Orden(column))
        for filtro in (Filtro(buscar="ma"), Filtro(buscar="ma", registro_patronal=registro)):
            lejos(filtro, Orden(column))
            lejos(filtro, Orden(column, descending=False))
    monkeypatch.setattr(espejo, "MINIMO", 10**9)  # no copy (as a store past its limit)
    movimientos.buscador.columna.columnas.esperar()
    movimientos.buscador.copia.espejos.cerrar()
    lejos(Filtro(buscar="ju"), Orden(column))
