"""A find sorted by a column whose term the find box's copy holds (fecha, estado, tipo,
registro patronal: services/movimientos/espejo_orden.py), its far pages and all its ids put in
order from that copy alone, the column's own order not read: on a real store of real-shaped
movements, the page the clerk sees at the middle of the scroll bar is the one SQL's ``ORDER
BY`` gives over the same matches, both ways, under panel filters, with the column's sort index
built (right after the click) or not (the default order, fecha), and right after writes."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from icsoe_desktop.domain.cambios import MOVIMIENTOS
from icsoe_desktop.services.movimientos import espejo, espejo_orden
from icsoe_desktop.services.movimientos.servicio import COLUMNS, Filtro, Orden
from icsoe_desktop.store import movimientos_paging as paging
from tests.services.test_movimientos_espejo import REGISTROS, _construida, _store
from tests.services.test_movimientos_espejo_columnas import PANELES, _ordenados, busquedas

# The grid's columns sorted by a term the copy holds (Vence sorts by fecha).
DE_LA_COPIA = [i for i, c in enumerate(COLUMNS) if c.sort_column in espejo_orden.COLUMNAS]
TEXTOS = ("ma", "ju", "gar", "muñ", "JUAN JUAN")


@pytest.fixture
def lejos(monkeypatch):
    """The copy read from a small store; a page past its 50th row is a far one."""
    monkeypatch.setattr(espejo, "MINIMO", 1)
    monkeypatch.setattr(paging, "GATHER_MAX", 50)


def _paginas_como_sql(movimientos_svc, column: int, textos=TEXTOS, paneles=PANELES) -> int:
    """Each find's middle page and last rows by position, both ways, under each panel
    filter, against SQL's (nothing kept of the find); how many were far pages."""
    lejanas = 0
    for buscar in textos:
        for nombre, terms in paneles.items():
            filtro = Filtro(buscar=buscar, **terms)  # type: ignore[arg-type]  # Filtro's
            total = movimientos_svc.count(filtro)
            for descending in (False, True):
                orden = Orden(column, descending)
                esperados = _ordenados(movimientos_svc, filtro, orden)
                assert len(esperados) == total
                for desde in (total // 2, max(total - 7, 0)):
                    movimientos_svc.buscador.hallados._ids._valores.clear()  # nothing kept of it
                    pagina = movimientos_svc.pagina(filtro, orden, desde, 20, total)
                    donde = (COLUMNS[column].attr, buscar, nombre, descending, desde)
                    assert [row[0] for row in pagina] == esperados[desde : desde + 20], donde
                    lejanas += desde > paging.GATHER_MAX
    return lejanas


@pytest.mark.parametrize("pocos", [espejo_orden.POCOS, 0], ids=["ordenados", "por id"])
def test_a_far_page_by_a_term_of_the_copy_is_the_page_sql_sorts(
    services, lejos, monkeypatch, pocos
):
    """Without the column's sort index (as the default order, fecha, until its header is
    clicked) the column's order is never read: each far page comes from the copy; a rank's
    movements sorted, or marked by id (as a big rank's are)."""
    monkeypatch.setattr(espejo_orden, "POCOS", pocos)
    _store(services)
    movimientos_svc = services.movimientos
    _construida(movimientos_svc)
    for column in DE_LA_COPIA:
        assert not movimientos_svc.sort_ready(Orden(column))
        assert _paginas_como_sql(movimientos_svc, column) > 20
        assert (
            movimientos_svc.buscador.columna.columnas.vigente(COLUMNS[column].sort_column) is None
        )


def test_right_after_the_click_the_copy_gives_the_page_and_every_id(services, lejos):
    """The column's sort index built (as by a first click), its order not read yet: the
    middle page and the scroll bar's ids, in that order, are SQL's, both ways."""
    _store(services)
    movimientos_svc = services.movimientos
    _construida(movimientos_svc)
    for column in DE_LA_COPIA:
        movimientos_svc.prepare_sort(Orden(column))
        for donde, filtro, total, esperados in busquedas(movimientos_svc, TEXTOS, column):
            up = Orden(column, descending=False)
            todos = movimientos_svc.buscador.terminos.en_orden(filtro, up, total)
            assert todos is not None and list(todos) == esperados, donde
            for descending in (False, True):
                orden = Orden(column, descending)
                abajo = esperados[::-1] if descending else esperados
                mitad = total // 2
                pagina = movimientos_svc.buscador.terminos.pagina_de(
                    filtro, orden, mitad, 20, total
                )
                assert pagina is not None and list(pagina) == abajo[mitad : mitad + 20], donde


def test_movements_written_since_the_copy_was_read_go_where_sql_sorts_them(services, lejos):
    """Movements of the find given another estado, fecha and registro patronal (kept beside
    the copy, their old entries gone) and one deleted: each page is still SQL's."""
    _store(services)
    movimientos_svc = services.movimientos
    copia = _construida(movimientos_svc)
    ids = _ordenados(movimientos_svc, Filtro(buscar="ma"), Orden())
    with services.store.engine.begin() as conn:
        for k, id_ in enumerate(ids[:: len(ids) // 40][:40]):
            cambio = (
                "estado = 'rechazado'",
                "fecha = '2019-03-01'",  # before the copy's first fecha
                f"registro_patronal = '{REGISTROS[k % 3]}'",
                "deleted = 1",
            )[k % 4]
            conn.execute(text(f"UPDATE movimientos SET {cambio} WHERE id = :id"), {"id": id_})
    services.store.cambios.anunciar({MOVIMIENTOS})
    movimientos_svc.count(Filtro())  # the copy brought up to date, as the window's count
    assert movimientos_svc.buscador.copia.espejos.vigente() is copia and copia.nuevos
    for column in DE_LA_COPIA:
        assert _paginas_como_sql(movimientos_svc, column) > 20


def test_a_find_the_copy_does_not_hold_is_left_to_sql(services, lejos):
    """A CURP's beginning (the copy leaves it to SQL): no order from the copy; its page is
    SQL's."""
    _store(services)
    movimientos_svc = services.movimientos
    _construida(movimientos_svc)
    with services.store.engine.connect() as conn:
        curp = conn.execute(text("SELECT curp FROM movimientos LIMIT 1")).scalar_one()
    fecha = next(i for i in DE_LA_COPIA if COLUMNS[i].attr == "fecha")
    filtro = Filtro(buscar=curp[:10])
    total = movimientos_svc.count(filtro)
    assert total > 0
    orden = Orden(fecha, descending=False)
    assert movimientos_svc.buscador.terminos.en_orden(filtro, orden, total) is None
    assert movimientos_svc.buscador.terminos.pagina_de(filtro, orden, 0, 20, total) is None
    esperados = _ordenados(movimientos_svc, filtro, orden)
    pagina = movimientos_svc.pagina(filtro, orden, total // 2, 20, total)
    assert [row[0] for row in pagina] == esperados[total // 2 : total // 2 + 20]
    nombre = next(i for i, c in enumerate(COLUMNS) if c.attr == "nombre")  # not held
    assert (
        movimientos_svc.buscador.terminos.en_orden(Filtro(buscar="ma"), Orden(nombre), total)
        is None
    )


def test_a_page_of_many_movements_is_the_slice_of_their_order():
    """The page read a byte of the key at a time: any slice of (rank, id) of tens of
    thousands of movements with few ranks (a code) or many (a fecha, NULL's 0 among them),
    ids scattered up to millions, is the slice their sort gives."""
    import random
    from array import array

    azar = random.Random(108)
    ids = array("I", azar.sample(range(3_000_000), 60_000))
    codigos = bytearray(azar.choice((0, 1, 2, 2, 2, 3)) for _ in ids)
    dias = array("I", (azar.choice((0, (1 << 20) + azar.randrange(900))) for _ in ids))
    for rangos in (codigos, dias):
        todos = sorted(zip(rangos, ids, strict=True))
        for desde, hasta in ((0, 100), (29_950, 30_050), (59_990, 60_100), (10, 10)):
            esperados = [i for _r, i in todos[desde:hasta]]
            assert list(espejo_orden.pagina(ids, rangos, desde, hasta)) == esperados
