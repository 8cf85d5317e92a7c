"""A wide find's far page right after a click, walked along its order's index with the find
box's copy's matches as one byte per movement (services/movimientos/fuentes/marcas.py): the
rows the clerk sees at the middle, near either end and at the last page, by every sortable
column both ways, with a tab or an estado chosen too, are those SQL sorts, and so is every id
of the find in each order (the scroll bar's keys); after another program's write
it reads the store as it is now; a narrow find, a registro patronal's or a column without its
index are left to the other sources."""

from __future__ import annotations

import pytest

from icsoe_desktop.domain.buscar import termino
from icsoe_desktop.services.movimientos import copia_aparte, espejo
from icsoe_desktop.services.movimientos.fuentes import marcas as fuente_marcas
from icsoe_desktop.services.movimientos.fuentes.comun import Conteo, Pagina, Todos
from icsoe_desktop.services.movimientos.servicio import COLUMNS, Filtro, Orden, resolve
from icsoe_desktop.store import movimientos_marcas
from icsoe_desktop.store import movimientos_paging as paging
from tests.services.test_movimientos_espejo import _construida, _store
from tests.services.test_movimientos_espejo_columnas import _escribir, _ordenados

SORTABLE = [i for i, c in enumerate(COLUMNS) if c.derive is None]
LIMIT = 20


@pytest.fixture
def movimientos_svc(services, monkeypatch):
    """1,200 movements, the copy read, each column's sort index built; a page past the 30th
    row is a far one."""
    monkeypatch.setattr(espejo, "MINIMO", 1)
    monkeypatch.setattr(copia_aparte, "APARTE", 1)
    monkeypatch.setattr(paging, "GATHER_MAX", 30)
    _store(services, 1_200)
    movimientos_svc = services.movimientos
    _construida(movimientos_svc)
    for column in SORTABLE:
        movimientos_svc.prepare_sort(Orden(column))
    return movimientos_svc


def _pagina(
    movimientos_svc, filtro: Filtro, orden: Orden, offset: int, esperados: list[int] | None = None
):
    """The source's answer (ids) to a page right after the click, and what SQL sorts there
    (``esperados``: the find's ids in that order, if read already); None when the source
    leaves it to the others."""
    resuelto = resolve(filtro, movimientos_svc.today())
    assert resuelto is not None
    total = movimientos_svc.count(filtro)
    if esperados is None:
        esperados = _ordenados(movimientos_svc, filtro, orden)
    assert len(esperados) == total
    pregunta = Pagina(resuelto, orden, None, LIMIT, offset, total)
    vigencia = movimientos_svc._store.vigencia()
    filas = movimientos_svc.buscador.marcas.pagina(pregunta, vigencia)
    vistas = None if filas is None else [fila[0] for fila in filas]
    return vistas, esperados[offset : offset + LIMIT]


@pytest.mark.parametrize("panel", [{}, {"tipo": "08"}, {"estado": "aprobado"}])
def test_every_column_both_ways_shows_the_rows_sql_sorts_there(movimientos_svc, panel) -> None:
    filtro = Filtro(buscar="ma", **panel)  # type: ignore[arg-type]  # Filtro's
    total = movimientos_svc.count(filtro)
    assert total > 4 * paging.GATHER_MAX  # a wide find: pages far from both ends
    respondidas = 0
    for column in SORTABLE:
        for descending in (False, True):
            orden = Orden(column, descending)
            ordenados = _ordenados(movimientos_svc, filtro, orden)
            # The middle, far from the start, far from the end, the last (short) page.
            for offset in (total // 2, paging.GATHER_MAX + 1, total - 2 * LIMIT, total - 7):
                vistas, esperadas = _pagina(movimientos_svc, filtro, orden, offset, ordenados)
                where = (COLUMNS[column].attr, descending, offset)
                assert vistas is not None, where
                assert vistas == esperadas, where
                respondidas += 1
    assert respondidas == len(SORTABLE) * 2 * 4


@pytest.mark.parametrize("panel", [{}, {"tipo": "08"}])
def test_every_id_in_each_order_is_sqls_order(movimientos_svc, panel) -> None:
    """The scroll bar's keys: every id of the find in each column's order going up."""
    filtro = Filtro(buscar="ma", **panel)  # type: ignore[arg-type]  # Filtro's
    resuelto = resolve(filtro, movimientos_svc.today())
    assert resuelto is not None
    total = movimientos_svc.count(filtro)
    vigencia = movimientos_svc._store.vigencia()
    for column in SORTABLE:
        orden = Orden(column, descending=False)
        ids = movimientos_svc.buscador.marcas.todos(Todos(resuelto, orden, total), vigencia)
        assert ids is not None, COLUMNS[column].attr
        assert list(ids) == _ordenados(movimientos_svc, filtro, orden), COLUMNS[column].attr


def test_after_another_programs_write_the_page_is_the_store_as_it_is_now(
    services, movimientos_svc
) -> None:
    curp = next(i for i, c in enumerate(COLUMNS) if c.attr == "curp")
    filtro, orden = Filtro(buscar="ma"), Orden(curp, descending=False)
    total = movimientos_svc.count(filtro)
    vistas, esperadas = _pagina(movimientos_svc, filtro, orden, total // 2)
    assert vistas == esperadas
    # Written with no service told (another program's): a CURP moved, one deleted, a name
    # changed out of the find, new ones that match.
    hallados = _ordenados(movimientos_svc, filtro, orden)
    otros = _ordenados(movimientos_svc, Filtro(), orden)
    antes = services.store.vigencia()
    _escribir(services, "curp", hallados, otros)
    assert services.store.vigencia() != antes
    despues = movimientos_svc.count(filtro)
    movimientos_svc.buscador.copia.espejos.esperar()  # brought up to date
    vistas, esperadas = _pagina(movimientos_svc, filtro, orden, despues // 2)
    assert vistas == esperadas
    assert vistas is not None


def test_narrow_finds_a_registros_and_unindexed_columns_are_left_to_the_others(
    services, movimientos_svc, monkeypatch
) -> None:
    nombre = next(i for i, c in enumerate(COLUMNS) if c.attr == "nombre")
    registro = movimientos_svc.registros()[0]
    con_registro = Filtro(buscar="ma", registro_patronal=registro)
    if movimientos_svc.count(con_registro) > paging.GATHER_MAX:
        vistas, _ = _pagina(movimientos_svc, con_registro, Orden(nombre), paging.GATHER_MAX + 1)
        assert vistas is None  # each index entry would read its movement's row
    resuelto = resolve(con_registro, movimientos_svc.today())
    assert resuelto is not None
    total = movimientos_svc.count(con_registro)
    todos = Todos(resuelto, Orden(nombre), total)
    assert movimientos_svc.buscador.marcas.todos(todos, services.store.vigencia()) is None
    # Where the walk would pass more index entries per match than the weighing allows (a
    # narrow find's middle), the matches are gathered instead.
    angosta = Filtro(buscar="ma")
    total = movimientos_svc.count(angosta)
    vivos = movimientos_svc.count(Filtro())
    pasadas_por_coincidencia = (total // 2 + LIMIT) * vivos / total / total
    weighed = fuente_marcas.ENTRADAS_POR_COINCIDENCIA
    monkeypatch.setattr(fuente_marcas, "ENTRADAS_POR_COINCIDENCIA", pasadas_por_coincidencia / 2)
    vistas, _ = _pagina(movimientos_svc, angosta, Orden(nombre), total // 2)
    assert vistas is None
    monkeypatch.setattr(fuente_marcas, "ENTRADAS_POR_COINCIDENCIA", weighed)
    vistas, _ = _pagina(movimientos_svc, angosta, Orden(nombre), total // 2)
    assert vistas is not None
    # The column's sort index not built (nor fecha's, which the schema always has): left.
    with services.store.engine.begin() as conn:
        conn.exec_driver_sql("DROP INDEX ix_mov_orden_nombre")
    movimientos_svc.buscador.sql._sort_indexes.clear()
    vistas, _ = _pagina(movimientos_svc, angosta, Orden(nombre), total // 2)
    assert vistas is None


def test_without_the_copy_or_past_the_end_it_leaves_the_page(services, monkeypatch) -> None:
    """Right after the store opens (the copy not read yet) the find's matches are not known
    here; a page past the last row is none of its own either."""
    monkeypatch.setattr(espejo, "MINIMO", 1)
    monkeypatch.setattr(paging, "GATHER_MAX", 30)
    _store(services, 1_200)
    movimientos_svc = services.movimientos
    buscador = movimientos_svc.buscador
    orden = Orden(SORTABLE[0])
    movimientos_svc.prepare_sort(orden)
    filtro = resolve(Filtro(buscar="ma"), movimientos_svc.today())
    assert filtro is not None and filtro.buscar
    found = termino(filtro.buscar)
    assert found is not None
    total = buscador.sql.contar(Conteo(filtro, found), 0)  # no window's count: no copy asked
    vigencia = services.store.vigencia()
    assert (
        buscador.marcas.pagina(Pagina(filtro, orden, None, LIMIT, total // 2, total), vigencia)
        is None
    )
    assert buscador.marcas.todos(Todos(filtro, orden, total), vigencia) is None
    assert buscador.copia.espejos.vigente() is None
    assert (
        buscador.marcas.pagina(Pagina(filtro, orden, None, LIMIT, total, total), vigencia) is None
    )


def test_ids_far_sparser_than_the_movements_are_left_to_the_others(
    services, movimientos_svc
) -> None:
    """Most movements removed (the ids left are the highest): one byte per id would be mostly
    zeros; the scroll bar's keys come from the other sources, as SQL sorts them."""
    with services.store.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM movimientos WHERE id <= 1100")
    filtro = Filtro(buscar="ma")
    total = movimientos_svc.count(filtro)
    movimientos_svc.buscador.copia.espejos.esperar()
    resuelto = resolve(filtro, movimientos_svc.today())
    assert resuelto is not None and total > 0
    orden = Orden(SORTABLE[0], descending=False)
    vigencia = movimientos_svc._store.vigencia()
    todos = Todos(resuelto, orden, total)
    assert movimientos_svc.buscador.marcas.todos(todos, vigencia) is None
    assert list(movimientos_svc.buscador.todos(todos)) == _ordenados(movimientos_svc, filtro, orden)


def test_the_bytes_mark_each_match_and_nothing_else() -> None:
    marcas = movimientos_marcas.marcas_de([5, 0, 3], 5)
    assert marcas == b"\x01\x00\x00\x01\x00\x01"
