"""The find box with the search panel's filters and any order, on a store of demo movements
with the common beginnings of names («ma»: MARTINEZ and MARIA, «gar»): whichever way the grid
reads a find (its matches by id from its indexes, the panel's rows through their own index with
the find tested on each, the order's index walked, or gathered once the walk runs out of time),
it finds the same rows in the same order as the panel's search alone shows them, page after
page, and counts them alike."""

from __future__ import annotations

from datetime import date

import pytest

from icsoe_desktop.domain.buscar import CURP, NSS, normalizar, termino
from icsoe_desktop.services.movimientos.servicio import COLUMNS, Filtro, Orden
from icsoe_desktop.store import movimientos_paging

TODAY = date(2026, 11, 22)
PAGE = 20
PANELES = {
    "sin filtro": {},
    "registro": {"registro_patronal": "Y5412345106"},
    "Bajas": {"tipo": "02"},
    "fechas": {"fecha_inicial": date(2025, 1, 1), "fecha_final": date(2025, 6, 30)},
}
ORDENES = ("primer_apellido", "curp", "fecha", "sbc")


def _finds(text: str, row: tuple) -> bool:
    """What the clerk expects ``text`` to find in a grid row, worked out here on its own."""
    t = termino(text)
    assert t is not None
    value = {c.attr: row[1 + i] for i, c in enumerate(COLUMNS)}
    if t.campos == (NSS,):
        return str(value["nss"]).startswith(t.texto)
    if t.campos == (CURP,):
        return str(value["curp"]).upper().startswith(t.texto)
    apellidos = f"{value['primer_apellido']} {value['segundo_apellido'] or ''}".strip()
    names = (f"{apellidos} {value['nombre']}", f"{value['nombre']} {apellidos}")
    return any(normalizar(name).startswith(t.texto) for name in names)


@pytest.fixture(
    params=[
        ("pocos", "por sus índices"),
        ("pocos", "por el filtro"),
        ("muchos", "recorridos"),
        ("muchos", "recorridos sin tiempo: por sus índices"),
        ("muchos", "recorridos sin tiempo: por el filtro"),
    ],
    ids=lambda p: "-".join(p),
)
def plan(request, monkeypatch) -> tuple[str, str]:
    """Each way the grid reads a find: its matches gathered (few) or walked along the order's
    index (over GATHER_MAX), a walk out of time gathered after all; gathered by id from the
    find's indexes or through the panel filter's own index."""
    many, how = request.param
    if many == "muchos":
        monkeypatch.setattr(movimientos_paging, "GATHER_MAX", 0)
    if "sin tiempo" in how:
        monkeypatch.setattr(movimientos_paging, "WALK_CPU_S", -1.0)
        monkeypatch.setattr(movimientos_paging, "_STEPS_BETWEEN_CHECKS", 1)
    cost = 0 if how.endswith("por el filtro") else 10**9
    monkeypatch.setattr(movimientos_paging, "FIND_TEST_COST", cost)
    return request.param


def test_a_find_with_any_panel_filter_shows_the_panels_rows_it_matches_in_every_order(
    services, plan
):
    from icsoe_desktop.demo.movimientos import create_demo_movimientos

    create_demo_movimientos(services.store, 600, TODAY)
    movimientos = services.movimientos
    first = next(iter(movimientos.iter_rows(Filtro(), Orden())))
    nss_prefix = first[1 + next(i for i, c in enumerate(COLUMNS) if c.attr == "nss")][:6]
    curp_prefix = first[1 + next(i for i, c in enumerate(COLUMNS) if c.attr == "curp")][:6]
    for attr in ORDENES:
        column = next(i for i, c in enumerate(COLUMNS) if c.attr == attr)
        for indexed in (False, True):  # each order read without its sort index, then with
            if indexed:
                movimientos.prepare_sort(Orden(column))
            for descending in (False, True):
                orden = Orden(column, descending)
                for panel, terms in PANELES.items():
                    shown = list(movimientos.iter_rows(Filtro(**terms), orden))
                    for text in ("ma", "gar", nss_prefix, curp_prefix):
                        where = f"{text!r}, {panel}, {attr} {'desc' if descending else 'asc'}"
                        expected = [row[0] for row in shown if _finds(text, row)]
                        _same_rows(
                            movimientos, Filtro(buscar=text, **terms), orden, expected, where
                        )


def _same_rows(movimientos, filtro: Filtro, orden: Orden, expected: list[int], where: str) -> None:
    """The find's count, first page, the next after its last row, the middle by position, the
    last page and the scroll bar's keys: ``expected``'s."""
    total = movimientos.count(filtro)
    assert total == len(expected), where
    page = movimientos.pagina(filtro, orden, 0, PAGE, total)
    assert [r[0] for r in page] == expected[:PAGE], where
    if len(page) == PAGE:
        after = movimientos.pagina_desde(filtro, orden, page[-1], PAGE, total=total)
        assert [r[0] for r in after] == expected[PAGE : 2 * PAGE], where
    middle = movimientos.pagina(filtro, orden, total // 2, PAGE, total)
    assert [r[0] for r in middle] == expected[total // 2 :][:PAGE], where
    last = movimientos.last_page(filtro, orden, PAGE, total)
    assert [r[0] for r in last] == expected[-PAGE:], where
    keys = movimientos.boundaries(filtro, orden, PAGE, total)
    assert [k[0] for k in keys] == expected[PAGE - 1 :: PAGE], where
