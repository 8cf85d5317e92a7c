"""The find box of the movimientos grid through the service, on a real store: a worker by the
beginning of their NSS, CURP or name, without accents or case, with the search panel's filters,
in any order, page after page, counted and exported alike."""

from __future__ import annotations

import pytest

from icsoe_desktop.services.movimientos.servicio import COLUMNS, Filtro, Orden
from icsoe_desktop.store import movimientos_paging
from tests.services.movimientos_data import REGISTRO_A, load_nunez, nss

NSS_COL = next(i for i, c in enumerate(COLUMNS) if c.attr == "nss")
FECHA = next(i for i, c in enumerate(COLUMNS) if c.attr == "fecha")
APELLIDO = next(i for i, c in enumerate(COLUMNS) if c.attr == "primer_apellido")


def _found(services, buscar: str, column: int = APELLIDO, **terms) -> list[tuple[str, str]]:
    filtro = Filtro(buscar=buscar, **terms)
    total = services.movimientos.count(filtro)
    rows = services.movimientos.pagina(filtro, Orden(column, descending=False), 0, 100, total)
    assert len(rows) == total
    return [(row[1 + APELLIDO], row[1 + NSS_COL]) for row in rows]


@pytest.fixture(params=["pocos", "muchos"])
def plan(request, monkeypatch) -> str:
    """Both ways the grid reads a find: its few matches gathered by id, or (over GATHER_MAX)
    the order's index walked with the find tested on each row."""
    if request.param == "muchos":
        monkeypatch.setattr(movimientos_paging, "GATHER_MAX", 0)
    return str(request.param)


def test_a_name_is_found_without_accents_or_case(services, tmp_path, plan):
    load_nunez(services, tmp_path)
    nunez = [("NUÑEZ", nss(40))] * 3
    assert _found(services, "nunez") == nunez
    assert _found(services, "NÚÑEZ pe") == nunez  # apellido paterno, materno
    assert _found(services, "jose nu") == nunez  # the nombre first
    assert _found(services, "  josé   núñez ") == nunez
    assert _found(services, "nuñezz") == []
    assert _found(services, "PEREZ") == [("PEREZ", nss(2))]
    assert _found(services, "peña") == []  # a segundo apellido does not begin a name


def test_an_nss_and_a_curp_are_found_by_their_beginning(services, tmp_path, plan):
    load_nunez(services, tmp_path)
    assert _found(services, nss(40)) == [("NUÑEZ", nss(40))] * 3
    assert nss(6).startswith("1200000") and not nss(40).startswith("1200000")
    assert _found(services, "1200000", NSS_COL) == [
        ("LOPEZ", nss(1)), ("PEREZ", nss(2)), ("GOMEZ", nss(3)), ("CRUZ", nss(4)),
        ("RAMOS", nss(5)), ("ORTIZ", nss(6)),
    ]  # fmt: skip
    assert _found(services, nss(40)[:9]) == [("NUÑEZ", nss(40))] * 3
    assert _found(services, "nupj800101hdfxxs06") == [("NUÑEZ", nss(40))] * 3
    assert _found(services, "nupj80") == [("NUÑEZ", nss(40))] * 3
    assert _found(services, "nupj81") == []


def test_the_find_narrows_the_search_panel_and_pages_in_every_order(services, tmp_path, plan):
    load_nunez(services, tmp_path)
    assert _found(services, "nunez", tipo="02") == [("NUÑEZ", nss(40))]
    assert _found(services, "nunez", registro_patronal=REGISTRO_A, estado="aprobado") == []
    movimientos = services.movimientos
    filtro = Filtro(buscar="NUÑEZ")
    fechas = [r[1 + FECHA] for r in movimientos.pagina(filtro, Orden(FECHA, False), 0, 10)]
    assert fechas == sorted(fechas) and len(fechas) == 3
    # Page by page after a row, and the last page, as the grid reads them.
    first = movimientos.pagina(filtro, Orden(FECHA, True), 0, 1)
    rest = movimientos.pagina_desde(filtro, Orden(FECHA, True), first[-1], 10)
    assert [r[1 + FECHA] for r in first + rest] == fechas[::-1]
    last = movimientos.last_page(filtro, Orden(FECHA, True), 2)
    assert [r[1 + FECHA] for r in last] == fechas[::-1][1:]
    # The scroll bar's keys, and the export: the find's rows only.
    assert len(movimientos.boundaries(filtro, Orden(FECHA, True), 1, 3)) == 3
    exported = list(movimientos.iter_rows(filtro, Orden(FECHA, True)))
    assert [r[1 + NSS_COL] for r in exported] == [nss(40)] * 3


def test_a_deleted_movement_is_not_found(services, tmp_path):
    load_nunez(services, tmp_path)
    with services.store.engine.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE movimientos SET deleted = 1 WHERE nss = ? AND tipo = '02'", (nss(40),)
        )
    assert services.movimientos.count(Filtro(buscar="nunez")) == 2
    assert len(_found(services, "nunez")) == 2


def test_while_a_big_pull_has_dropped_the_indexes_a_find_is_slower_never_wrong(
    services, tmp_path, plan
):
    from icsoe_desktop.store import bulk_indexes

    load_nunez(services, tmp_path)
    with services.store.engine.begin() as conn:
        dropped = bulk_indexes.suspend(conn)  # as a pull's first page leaves them until its end
    assert "ix_mov_buscar_nombre" in dropped
    assert _found(services, "nunez") == [("NUÑEZ", nss(40))] * 3
    assert _found(services, "juan cruz") == [("CRUZ", nss(4))]
    assert _found(services, "nunez", tipo="02", registro_patronal=REGISTRO_A) == [
        ("NUÑEZ", nss(40))
    ]
    with services.store.engine.begin() as conn:
        assert "ix_mov_buscar_nombre_pila" in bulk_indexes.restore(conn)
    assert _found(services, "juan cruz") == [("CRUZ", nss(4))]


def test_a_name_begun_in_both_orders_is_found_once_from_the_name_indexes(services):
    """«ma» begins both MARTINEZ … and MARIA …: a worker named so is counted and listed once,
    and the find's ids are read from the two name indexes, never by a pass over every
    movement (under a UNION, SQLite merged the two ranges by id, one read by a scan: a second
    of a pool thread's processor at a million, beside the window dragging the scroll bar)."""
    from datetime import date

    from bench.datos_reales import crear_movimientos
    from icsoe_desktop.domain.buscar import termino
    from icsoe_desktop.store import movimientos_buscar

    crear_movimientos(services.store, 2_000, date(2026, 11, 22))
    with services.store.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")  # with its figures a UNION of the ranges was a scan
        nombres = conn.exec_driver_sql(
            "SELECT id, primer_apellido, segundo_apellido, nombre FROM movimientos"
            " WHERE deleted = 0 AND tipo = '02'"
        ).all()
    esperados = {
        i
        for i, paterno, materno, nombre in nombres
        if f"{paterno} {materno}".strip().startswith("MA") or nombre.startswith("MA")
    }
    ambos = [i for i, paterno, _m, nombre in nombres if paterno[:2] == nombre[:2] == "MA"]
    assert ambos and len(esperados) > 2 * len(ambos)  # some found by both orders
    salario = next(i for i, c in enumerate(COLUMNS) if c.attr == "salario")
    filtro = Filtro(buscar="ma", tipo="02")
    movimientos = services.movimientos
    total = movimientos.count(filtro)
    filas = movimientos.pagina(filtro, Orden(salario, descending=True), 0, total + 1, total)
    assert total == len(esperados) and sorted(r[0] for r in filas) == sorted(esperados)
    assert movimientos.count(Filtro(buscar="ma")) >= total
    ma = termino("ma")
    assert ma is not None
    ids = movimientos_buscar.ids_sql(ma)
    with services.store.engine.connect() as conn:
        assert movimientos_buscar.count(conn, ma) == movimientos.count(Filtro(buscar="ma"))
        for sql in (f"SELECT count(DISTINCT id) FROM ({ids})", f"SELECT 1 WHERE 1 IN ({ids})"):
            plan = [
                r[3]
                for r in conn.exec_driver_sql(
                    f"EXPLAIN QUERY PLAN {sql}", movimientos_buscar.params(ma)
                )
            ]
            assert not any(s.startswith("SCAN movimientos") for s in plan), plan
            assert sum("ix_mov_buscar_nombre" in s for s in plan) == 2, plan
