"""A find sorted by NSS (services/movimientos/espejo_nss.py): its far pages and all its ids put
in order from the find box's copy alone, the column's own order not read: on a real store of
real-shaped movements (a worker's movements share an NSS: ties broken by id), the page the
clerk sees at the middle of the scroll bar is the one SQL's ``ORDER BY`` gives over the same
matches, both ways, under panel filters, right after the click and after writes."""

from __future__ import annotations

from sqlalchemy import text

from icsoe_desktop.domain.cambios import MOVIMIENTOS
from icsoe_desktop.services.movimientos.servicio import COLUMNS, Filtro, Orden
from tests.services.test_movimientos_espejo import _construida, _store
from tests.services.test_movimientos_espejo_columnas import _ordenados, busquedas
from tests.services.test_movimientos_espejo_orden import TEXTOS, _paginas_como_sql, lejos

NSS = next(i for i, c in enumerate(COLUMNS) if c.attr == "nss")
__all__ = ["lejos"]  # the fixture, used by name


def _textos(movimientos_svc) -> list[str]:
    """Names, and the beginning of an NSS (found through the copy's NSS order)."""
    with movimientos_svc._store.engine.connect() as conn:
        nss = conn.execute(text("SELECT nss FROM movimientos ORDER BY id LIMIT 1")).scalar_one()
    return [*TEXTOS, nss[:1], nss[:3]]


def _como_sql(movimientos_svc) -> None:
    """Every find's ids and its middle page from the copy, both ways, under each panel
    filter, are SQL's."""
    for donde, filtro, total, esperados in busquedas(
        movimientos_svc, _textos(movimientos_svc), NSS
    ):
        todos = movimientos_svc.buscador.terminos.en_orden(
            filtro, Orden(NSS, descending=False), total
        )
        assert todos is not None and list(todos) == esperados, donde
        for descending in (False, True):
            abajo = esperados[::-1] if descending else esperados
            for desde in (0, total // 2, max(total - 7, 0)):
                pagina = movimientos_svc.buscador.terminos.pagina_de(
                    filtro, Orden(NSS, descending), desde, 20, total
                )
                assert pagina is not None, donde
                assert list(pagina) == abajo[desde : desde + 20], (*donde, descending, desde)


def test_right_after_the_click_the_copy_gives_the_page_and_every_id(services, lejos):
    """The NSS sort index built (as by a first click), its order not read: the middle page
    and the scroll bar's ids, in NSS order, are SQL's, both ways; the pages the grid shows
    too."""
    _store(services)
    movimientos_svc = services.movimientos
    _construida(movimientos_svc)
    movimientos_svc.prepare_sort(Orden(NSS))
    _como_sql(movimientos_svc)
    assert _paginas_como_sql(movimientos_svc, NSS) > 20
    assert (
        movimientos_svc.buscador.columna.columnas.vigente("nss") is None
    )  # from the copy, not the column's


def test_without_the_sort_index_the_far_pages_are_sql_s(services, lejos):
    """Before the header is clicked (no sort index): each far page comes from the copy."""
    _store(services)
    movimientos_svc = services.movimientos
    _construida(movimientos_svc)
    assert not movimientos_svc.sort_ready(Orden(NSS))
    assert _paginas_como_sql(movimientos_svc, NSS) > 20


def _escribir(services, cambios: dict[int, str]) -> None:
    with services.store.engine.begin() as conn:
        for id_, cambio in cambios.items():
            conn.execute(text(f"UPDATE movimientos SET {cambio} WHERE id = :id"), {"id": id_})
    services.store.cambios.anunciar({MOVIMIENTOS})
    services.movimientos.count(Filtro())  # the copy brought up to date, as the window's count


def test_movements_written_since_the_copy_was_read_go_where_sql_sorts_them(services, lejos):
    """Movements of the find given another worker's NSS (before and after the ones that
    share it, by id), a shorter NSS, another estado, and one deleted (kept beside the copy,
    their old entries gone): each page is still SQL's."""
    _store(services)
    movimientos_svc = services.movimientos
    copia = _construida(movimientos_svc)
    movimientos_svc.prepare_sort(Orden(NSS))
    ids = _ordenados(movimientos_svc, Filtro(buscar="ma"), Orden())
    with services.store.engine.connect() as conn:
        otros = conn.execute(text("SELECT nss FROM movimientos ORDER BY id LIMIT 40")).scalars()
        ajenos = list(otros)
    cambios = {}
    for k, id_ in enumerate(ids[:: len(ids) // 40][:40]):
        cambios[id_] = (
            f"nss = '{ajenos[k]}'",
            "nss = '0000001'",
            "estado = 'rechazado'",
            "deleted = 1",
            f"nss = '{ajenos[-1 - k]}', registro_patronal = 'C1234567104'",
        )[k % 5]
    _escribir(services, cambios)
    assert movimientos_svc.buscador.copia.espejos.vigente() is copia and copia.nuevos
    _como_sql(movimientos_svc)
    assert _paginas_como_sql(movimientos_svc, NSS) > 20


def test_an_nss_the_keys_do_not_tell_apart_is_left_to_sql(services, lejos):
    """A movement written since with an NSS as long as the copy's keys (a longer one would
    have the same key): the copy gives no order; the pages are SQL's."""
    _store(services)
    movimientos_svc = services.movimientos
    _construida(movimientos_svc)
    movimientos_svc.prepare_sort(Orden(NSS))
    ids = _ordenados(movimientos_svc, Filtro(buscar="ma"), Orden())
    _escribir(services, {ids[5]: "nss = '123456789012'", ids[6]: "nss = '1234567890123'"})
    filtro = Filtro(buscar="ma")
    total = movimientos_svc.count(filtro)
    assert movimientos_svc.buscador.terminos.en_orden(filtro, Orden(NSS), total) is None
    assert (
        movimientos_svc.buscador.terminos.pagina_de(filtro, Orden(NSS), total // 2, 20, total)
        is None
    )
    assert _paginas_como_sql(movimientos_svc, NSS) > 20
