"""A find sorted by Nombre or Apellido Paterno right after the click
(services/movimientos/espejo_nombres.py): its far pages from the find box's copy's name keys
and a few rows, the column's own order not read. On a real store of real-shaped movements with
names whose Ñ the keys read as N (MUÑOZ, NUÑEZ, ÑAKI, IÑIGO) and names of two words (JUAN JUAN,
MARIA GUADALUPE), each page is the one SQL's ``ORDER BY`` gives over the same matches, both
ways, under panel filters, and after writes; a primer apellido empty leaves it to SQL."""

from __future__ import annotations

import pytest

from icsoe_desktop.services.movimientos import espejo_nombres
from icsoe_desktop.services.movimientos.servicio import COLUMNS, Filtro, Orden
from tests.services.test_movimientos_espejo import _construida, _store
from tests.services.test_movimientos_espejo_columnas import _ordenados, busquedas
from tests.services.test_movimientos_espejo_nss import _escribir
from tests.services.test_movimientos_espejo_orden import TEXTOS, _paginas_como_sql, lejos

NOMBRES = [i for i, c in enumerate(COLUMNS) if c.sort_column in espejo_nombres.COLUMNAS]
# Besides the copy's texts: the N's and their Ñ (NUÑEZ, ÑAKI), MUÑOZ's beginning, IÑIGO's.
MAS = ("n", "mu", "i", "a")
__all__ = ["lejos"]  # the fixture, used by name


def _como_sql(movimientos_svc, column: int) -> tuple[int, int]:
    """Pages at each end and the middle of every find from the copy, both ways, under each
    panel filter, are SQL's; how many the copy gave, of how many pages with rows."""
    dadas = con_filas = 0
    for donde, filtro, total, esperados in busquedas(movimientos_svc, (*TEXTOS, *MAS), column):
        for descending in (False, True):
            abajo = esperados[::-1] if descending else esperados
            for desde in (0, total // 3, total // 2, max(total - 7, 0)):
                pagina = movimientos_svc.buscador.terminos.pagina_de(
                    filtro, Orden(column, descending), desde, 20, total
                )
                con_filas += total > 0
                if pagina is not None:
                    dadas += 1
                    assert list(pagina) == abajo[desde : desde + 20], (*donde, descending, desde)
    return dadas, con_filas


@pytest.mark.parametrize("por_indice", [0, 10**9], ids=["por id", "del índice"])
@pytest.mark.parametrize("column", NOMBRES, ids=[COLUMNS[i].attr for i in NOMBRES])
def test_right_after_the_click_the_copy_gives_the_pages_sql_gives(
    services, lejos, monkeypatch, column, por_indice
):
    """The column's sort index built (as by a first click), its order not read: every page
    the copy gives is SQL's, and the grid's far pages too; the matches between the page's
    two texts sorted by id, or read in order from the sort index."""
    monkeypatch.setattr(espejo_nombres, "POR_INDICE", por_indice)
    _store(services)
    movimientos_svc = services.movimientos
    _construida(movimientos_svc)
    movimientos_svc.prepare_sort(Orden(column))
    dadas, con_filas = _como_sql(movimientos_svc, column)
    assert dadas == con_filas
    assert _paginas_como_sql(movimientos_svc, column) > 20
    assert movimientos_svc.buscador.columna.columnas.vigente(COLUMNS[column].sort_column) is None


@pytest.mark.parametrize("column", NOMBRES, ids=[COLUMNS[i].attr for i in NOMBRES])
def test_without_the_sort_index_it_is_left_to_sql(services, lejos, column):
    """Before the header is clicked (no sort index to name the Ñ's): no page from the copy;
    the far pages are SQL's."""
    _store(services)
    movimientos_svc = services.movimientos
    _construida(movimientos_svc)
    filtro = Filtro(buscar="ma")
    total = movimientos_svc.count(filtro)
    assert (
        movimientos_svc.buscador.terminos.pagina_de(filtro, Orden(column), total // 2, 20, total)
        is None
    )
    assert _paginas_como_sql(movimientos_svc, column) > 20


@pytest.mark.parametrize("por_indice", [0, 10**9], ids=["por id", "del índice"])
def test_movements_written_since_the_copy_was_read_go_where_sql_sorts_them(
    services, lejos, monkeypatch, por_indice
):
    """Movements of the finds renamed (to names with Ñ, of two words, one the other's
    beginning), given another estado, and deleted (kept beside the copy, their old entries
    gone): each page the copy gives is still SQL's."""
    monkeypatch.setattr(espejo_nombres, "POR_INDICE", por_indice)
    _store(services)
    movimientos_svc = services.movimientos
    copia = _construida(movimientos_svc)
    ids = _ordenados(movimientos_svc, Filtro(buscar="ma"), Orden())
    ids += _ordenados(movimientos_svc, Filtro(buscar="n"), Orden())
    cambios = {}
    for k, id_ in enumerate(ids[:: len(ids) // 60][:60]):
        cambios[id_] = (
            "primer_apellido = 'MAÑON', nombre = 'MARIA'",
            "primer_apellido = 'MAN', nombre = 'ÑAKI'",
            "primer_apellido = 'MARIN DEL', nombre = 'MARIA DE JESUS'",
            "estado = 'rechazado'",
            "deleted = 1",
            "primer_apellido = 'NUÑEZ', nombre = 'NUNO'",
        )[k % 6]
    _escribir(services, cambios)
    assert movimientos_svc.buscador.copia.espejos.vigente() is copia and copia.nuevos
    for column in NOMBRES:
        movimientos_svc.prepare_sort(Orden(column))
        dadas, con_filas = _como_sql(movimientos_svc, column)
        assert dadas == con_filas
        assert _paginas_como_sql(movimientos_svc, column) > 20


def test_a_primer_apellido_empty_leaves_it_to_sql(services, lejos):
    """A primer apellido empty (its key begins with the segundo): by Apellido Paterno the copy
    gives no page; by Nombre it still does; each far page is SQL's."""
    _store(services)
    movimientos_svc = services.movimientos
    _construida(movimientos_svc)
    ids = _ordenados(movimientos_svc, Filtro(buscar="ma"), Orden())
    _escribir(services, {ids[3]: "primer_apellido = ''"})
    filtro = Filtro(buscar="ma")
    total = movimientos_svc.count(filtro)
    for column in NOMBRES:
        movimientos_svc.prepare_sort(Orden(column))
        pagina = movimientos_svc.buscador.terminos.pagina_de(
            filtro, Orden(column), total // 2, 20, total
        )
        assert (pagina is None) == (COLUMNS[column].sort_column == "primer_apellido")
        assert _paginas_como_sql(movimientos_svc, column) > 20
