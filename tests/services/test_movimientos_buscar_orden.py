"""The find box with the search panel's filters and any order, on a store of demo movements
with the common beginnings of names («ma»: MARTINEZ and MARIA, «gar»): whichever way the grid
reads a find (its matches by id from its indexes, the panel's rows through their own index with
the find tested on each, the order's index walked, or gathered once the walk runs out of time),
it finds the same rows in the same order as the panel's search alone shows them, page after
page, and counts them alike; so do the matches kept between questions (hallados.py), also
after the store changes."""

from __future__ import annotations

import functools
from dataclasses import replace
from datetime import date

import pytest

from icsoe_desktop.domain.buscar import CURP, NSS, normalizar, termino
from icsoe_desktop.domain.cambios import TODO
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.movimientos import hallados
from icsoe_desktop.services.movimientos.servicio import COLUMNS, Filtro, Orden
from icsoe_desktop.store import lectura, movimientos_paging
from tests.services.movimientos_data import add_registros, known_rows, write_csv

TODAY = date(2026, 11, 22)
PAGE = 20
PANELES = {
    "sin filtro": {},
    "registro": {"registro_patronal": "Y5412345106"},
    "Bajas": {"tipo": "02"},
    "fechas": {"fecha_inicial": date(2025, 1, 1), "fecha_final": date(2025, 6, 30)},
}
ORDENES = ("primer_apellido", "curp", "fecha", "sbc")


@functools.cache  # the same rows come in every order, panel and plan: each worked out once
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
        ("pocos", "recorridos entre las filas del filtro"),
        ("muchos", "recorridos"),
        ("muchos", "recorridos sin tiempo: por sus índices"),
        ("muchos", "recorridos sin tiempo: por el filtro"),
        ("muchos", "guardados"),
        ("muchos", "más que los ids guardables"),
    ],
    ids=lambda p: "-".join(p),
)
def plan(request, monkeypatch) -> tuple[str, str]:
    """Each way the grid reads a find: its matches gathered (few) or walked along the order's
    index (over GATHER_MAX), a walk out of time gathered after all; gathered by id from the
    find's indexes or through the panel filter's own index; or its panel terms, its counts and
    its ids in the order kept from an earlier question (every page past the first from them);
    or too many matches to keep their ids, each far page gathered on its own; or a few
    matches walked along the order among a panel filter's rows (``_walk_sooner``)."""
    many, how = request.param
    if how != "guardados":  # each question asks the store
        monkeypatch.setattr(hallados, "RESUMENES", 0)
        monkeypatch.setattr(hallados, "CONTEOS", 0)
        monkeypatch.setattr(hallados, "ORDENES", 0)
    if how == "más que los ids guardables":
        monkeypatch.setattr(hallados, "CLAVES_MAX", 0)
    if many == "muchos":
        monkeypatch.setattr(movimientos_paging, "GATHER_MAX", 0)
    if "sin tiempo" in how:
        monkeypatch.setattr(movimientos_paging, "WALK_CPU_S", -1.0)
        monkeypatch.setattr(movimientos_paging, "_STEPS_BETWEEN_CHECKS", 1)
    if how == "recorridos entre las filas del filtro":
        monkeypatch.setattr(movimientos_paging, "WALK_PAGE", 0)  # a page expected at once
    else:
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
    last page, the scroll bar's keys and then pages by position again: ``expected``'s. Its
    panel terms, read in the background after a first count under a panel filter, are waited
    for: the next filter of the same text is counted from them."""
    total = movimientos.count(filtro)
    assert total == len(expected), where
    movimientos.buscador.hallados.esperar_fondo()
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
    for offset in (PAGE, total // 2, max(total - PAGE // 2, 0)):  # once its keys may be kept
        page = movimientos.pagina(filtro, orden, offset, PAGE, total)
        assert [r[0] for r in page] == expected[offset:][:PAGE], where


@pytest.mark.parametrize("contados", ["por sus coincidencias", "por las filas del filtro"])
def test_a_kept_find_shows_what_the_store_holds_after_an_insert_an_edit_and_a_delete(
    services, tmp_path, monkeypatch, contados
):
    """A find's panel terms (or its counts under each panel filter narrower than its matches)
    and its ids in each order are kept between questions; each write announced by the store
    (an import, a correction, a sync's pull) forgets them, and the grid then counts and pages
    what the store holds."""
    from icsoe_desktop.demo.movimientos import create_demo_movimientos

    monkeypatch.setattr(movimientos_paging, "GATHER_MAX", 0)  # far pages from the kept ids
    narrower = contados == "por las filas del filtro"
    monkeypatch.setattr(movimientos_paging, "FIND_TEST_COST", 0 if narrower else 10**9)
    monkeypatch.setattr(hallados, "ORDENES", len(PANELES))  # each panel's, until a write
    create_demo_movimientos(services.store, 600, TODAY)
    movimientos = services.movimientos
    orden = Orden(next(i for i, c in enumerate(COLUMNS) if c.attr == "primer_apellido"))

    def every_panel() -> None:
        # The find alone last: counted from the panel terms the filters kept.
        for panel, terms in reversed(PANELES.items()):
            shown = list(movimientos.iter_rows(Filtro(**terms), orden))
            expected = [row[0] for row in shown if _finds("ma", row)]
            _same_rows(movimientos, Filtro(buscar="ma", **terms), orden, expected, panel)

    every_panel()
    # A window refreshed as it hears of a change (on the GUI thread, at once) reads the store.
    heard = []

    def refresh(_cambios) -> None:
        heard.append(movimientos.count(Filtro(buscar="ma")))

    services.cambios.escuchar(refresh)
    add_registros(services)
    nuevos = [{**row, "Apellido Paterno": "MARTINEZ"} for row in known_rows()]
    report = services.importador.import_file(write_csv(tmp_path / "m.csv", nuevos), "t")
    assert report.aplicado, report.rechazadas
    every_panel()

    rechazado = next(
        row for row in movimientos.iter_rows(Filtro(estado="rechazado"), orden) if _finds("ma", row)
    )
    # Still found, elsewhere in Apellido Paterno's order: as many matches, in another order.
    corregido = replace(movimientos.movimiento(rechazado[0]), primer_apellido="MAAAB")
    movimientos.corregir(rechazado[0], corregido, CLI_ACTOR)
    every_panel()

    borrado = next(row for row in movimientos.iter_rows(Filtro(), orden) if _finds("ma", row))
    with services.store.engine.begin() as conn:  # as a sync's pull applies a deletion
        conn.exec_driver_sql("UPDATE movimientos SET deleted = 1 WHERE id = ?", (borrado[0],))
    services.store.cambios.anunciar(TODO)  # and announces once it landed
    every_panel()
    assert heard[-1] == sum(_finds("ma", row) for row in movimientos.iter_rows(Filtro(), orden))


def test_a_finds_scroll_bar_keys_stopped_midway_are_read_whole_the_next_time(services, monkeypatch):
    """The grid stops the read of a find's keys for the scroll bar when the clerk moves on
    (another order, another text); none of what it had read is kept as the find's: the next
    read gives every key, and the pages from them are the find's."""
    from icsoe_desktop.demo.movimientos import create_demo_movimientos
    from icsoe_desktop.services.movimientos.servicio import Interrumpida

    monkeypatch.setattr(lectura, "PASOS_ENTRE_PREGUNTAS", 1)
    create_demo_movimientos(services.store, 600, TODAY)
    movimientos = services.movimientos
    orden = Orden(next(i for i, c in enumerate(COLUMNS) if c.attr == "curp"))
    filtro = Filtro(buscar="ma")
    total = movimientos.count(filtro)
    with pytest.raises(Interrumpida):
        movimientos.boundaries(filtro, orden, PAGE, total, seguir=lambda: False)
    shown = list(movimientos.iter_rows(Filtro(), orden))
    expected = [row[0] for row in shown if _finds("ma", row)]
    _same_rows(movimientos, filtro, orden, expected, "tras interrumpirse")


def test_a_far_page_asked_while_the_scroll_bars_keys_are_read_shows_the_finds_rows(
    services, monkeypatch
):
    """Right after a find the grid reads the scroll bar's keys in its pool; a jump to the
    middle meanwhile (another thread of the pool) needs the same ids in that order: it gets
    the find's rows, and so does the scroll bar."""
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    from icsoe_desktop.demo.movimientos import create_demo_movimientos

    monkeypatch.setattr(lectura, "PASOS_ENTRE_PREGUNTAS", 1)
    create_demo_movimientos(services.store, 600, TODAY)
    movimientos = services.movimientos
    orden = Orden(next(i for i, c in enumerate(COLUMNS) if c.attr == "curp"), descending=True)
    filtro = Filtro(buscar="ma")
    total = movimientos.count(filtro)
    shown = list(movimientos.iter_rows(Filtro(), orden))
    expected = [row[0] for row in shown if _finds("ma", row)]
    monkeypatch.setattr(movimientos_paging, "GATHER_MAX", total // 4)  # the middle is far
    leyendo, soltar = threading.Event(), threading.Event()

    def seguir() -> bool:  # the scroll bar's read, held inside SQLite until let go
        leyendo.set()
        return soltar.wait(30)

    with ThreadPoolExecutor(2) as pool:
        keys = pool.submit(movimientos.boundaries, filtro, orden, PAGE, total, seguir)
        assert leyendo.wait(30)
        middle = pool.submit(movimientos.pagina, filtro, orden, total // 2, PAGE, total)
        time.sleep(0.2)  # the jump asked while the keys are still being read
        soltar.set()
        assert [k[0] for k in keys.result(30)] == expected[PAGE - 1 :: PAGE]
        assert [r[0] for r in middle.result(30)] == expected[total // 2 :][:PAGE]


def _expected_count(movimientos, text: str, terms: dict) -> int:
    return sum(_finds(text, row) for row in movimientos.iter_rows(Filtro(**terms), Orden()))


def test_a_change_announced_while_a_finds_panel_terms_are_read_in_the_background_is_counted(
    services, tmp_path, monkeypatch
):
    """A find's first count under a panel filter is answered by SQL and its panel terms are
    then read in the background for the next filters; an import announced while that read
    runs (its rows read before the import) leaves them unused: the next filter counts the
    imported rows too."""
    import threading

    from icsoe_desktop.demo.movimientos import create_demo_movimientos
    from icsoe_desktop.store import movimientos_buscar

    monkeypatch.setattr(movimientos_paging, "FIND_TEST_COST", 10**9)  # by the find's matches
    create_demo_movimientos(services.store, 600, TODAY)
    add_registros(services)
    movimientos = services.movimientos
    leidos, seguir_leyendo = threading.Event(), threading.Event()
    real = movimientos_buscar.panel_terms

    def panel_terms(conn, t, seguir=None):  # the real read, held once done until let go
        counted = real(conn, t, seguir)
        leidos.set()
        assert seguir_leyendo.wait(30)
        return counted

    monkeypatch.setattr(movimientos_buscar, "panel_terms", panel_terms)
    registro = PANELES["registro"]
    assert movimientos.count(Filtro(buscar="ma", **registro)) == _expected_count(
        movimientos, "ma", registro
    )
    assert leidos.wait(30)
    nuevos = [{**row, "Apellido Paterno": "MARTINEZ"} for row in known_rows()]
    report = services.importador.import_file(write_csv(tmp_path / "m.csv", nuevos), "t")
    assert report.aplicado, report.rechazadas
    seguir_leyendo.set()
    movimientos.buscador.hallados.esperar_fondo()
    monkeypatch.setattr(movimientos_buscar, "panel_terms", real)
    for terms in (PANELES["Bajas"], {"estado": "rechazado"}, registro):
        filtro = Filtro(buscar="ma", **terms)
        assert movimientos.count(filtro) == _expected_count(movimientos, "ma", terms), terms
        movimientos.buscador.hallados.esperar_fondo()  # then from the terms read after the import


def test_a_finds_background_read_waits_for_the_clerk_and_is_abandoned_for_another_text(
    services, monkeypatch
):
    """While the clerk's questions are answered the background read of a find's panel terms
    waits; once the clerk asks about another text it is abandoned (that text's counts are
    right, and the first text is read again when asked again); letting go of the file ends it."""
    from icsoe_desktop.demo.movimientos import create_demo_movimientos

    monkeypatch.setattr(movimientos_paging, "FIND_TEST_COST", 10**9)
    create_demo_movimientos(services.store, 600, TODAY)
    movimientos = services.movimientos
    kept = movimientos.buscador.hallados
    ma, bajas = termino("ma"), PANELES["Bajas"]
    with kept.primer_plano(None):  # a question of the clerk's still being answered
        movimientos.count(Filtro(buscar="ma", **bajas))
        assert kept.resumen_guardado(ma) is None  # waiting
        assert movimientos.count(Filtro(buscar="gar", **bajas)) == _expected_count(
            movimientos, "gar", bajas
        )
    kept.esperar_fondo()
    assert kept.resumen_guardado(ma) is None  # abandoned
    assert kept.resumen_guardado(termino("gar")) is not None  # its own, read once let go
    for terms in (bajas, PANELES["registro"]):
        assert movimientos.count(Filtro(buscar="ma", **terms)) == _expected_count(
            movimientos, "ma", terms
        )
    kept.esperar_fondo()
    assert kept.resumen_guardado(ma) is not None
    assert movimientos.count(Filtro(buscar="ma", **PANELES["fechas"])) == _expected_count(
        movimientos, "ma", PANELES["fechas"]
    )

    with kept.primer_plano(None):
        movimientos.count(Filtro(buscar="ju", **bajas))
        fondo = kept._fondo
        assert fondo is not None and fondo.hilo.is_alive()
        # The file let go of, as a restore or a repair does before replacing it (Windows
        # refuses to replace an open file): the read ends, no longer waiting for the clerk.
        services.store.reopen()
        assert not fondo.hilo.is_alive()
    assert kept.resumen_guardado(termino("ju")) is None
