"""The grid's keyset paging and counts against SQLite's own ORDER BY and COUNT over the same
rows: every column, both directions, filters that fix the sort index's prefix or not, the
seek (walk) and the sort-the-few (gather) plans, forwards, backwards and from the end; with
each column's sort index built (after its first sort) and without it (SQLite sorts)."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from sqlalchemy import func, select, update

from icsoe_desktop.demo.movimientos import create_demo_movimientos
from icsoe_desktop.domain.movimientos import CAMPO
from icsoe_desktop.services.movimientos.servicio import COLUMNS, Filtro, Orden, apply_filter
from icsoe_desktop.store import cifrado, movimientos_paging
from icsoe_desktop.store.models import Lote, MovimientoRow
from tests.conftest import built_once, copy_data

TODAY = date(2026, 11, 22)
FILTERS = [
    Filtro(),
    Filtro(tipo="02"),
    Filtro(estado="rechazado"),
    Filtro(tipo="08", estado="aprobado", fecha_inicial=date(2025, 1, 1)),
    Filtro(registro_patronal="B1234567105", fecha_final=date(2025, 6, 30)),
    # A few months: the IDSE dates and the lote are read one stream per month (BY_MONTH).
    Filtro(estado="aprobado", fecha_inicial=date(2025, 1, 15), fecha_final=date(2025, 4, 10)),
    # Longer than month streams: their walk is bounded by the span of values (span_sql).
    Filtro(fecha_inicial=date(2024, 3, 10), fecha_final=date(2025, 8, 20)),
]


def _build_grid(data_dir) -> None:
    from icsoe_desktop.services.container import open_services

    services = open_services(data_dir)
    try:
        create_demo_movimientos(services.store, 240, TODAY)
        with services.store.session() as session:
            lotes = [
                Lote(
                    numero=n,
                    registro_patronal="Y5412345106",
                    generado_at=datetime(2026, 1, n),
                    archivo=f"lote{n}.txt",
                    generado_por="t",
                )
                for n in (1, 2)
            ]
            session.add_all(lotes)
            session.flush()
            for i, lote in enumerate(lotes):
                session.execute(
                    update(MovimientoRow).where(MovimientoRow.id % 7 == i).values(lote_id=lote.id)
                )
            # Removed rows never show, nor count.
            session.execute(
                update(MovimientoRow).where(MovimientoRow.id % 11 == 0).values(deleted=True)
            )
    finally:
        services.close()


@pytest.fixture(scope="module")
def grid_data(tmp_path_factory):
    """The grid's movements built once for the module; each test opens its own copy."""
    return built_once(tmp_path_factory, _build_grid)


@pytest.fixture
def services(request, data_dir, clock):
    """The conftest's, over a copy of the grid's movements for the tests that use ``grid``."""
    from icsoe_desktop.services.container import open_services

    if "grid" in request.fixturenames:
        copy_data(request.getfixturevalue("grid_data"), data_dir)
    opened = open_services(data_dir, clock)
    yield opened
    opened.close()


@pytest.fixture
def grid(services):
    return services.movimientos


def _key_query(filtro, orden, gather: bool) -> movimientos_paging.KeyQuery:
    """The keys of ``filtro`` in ``orden`` read through the column's sort index (``gather``:
    the filter's own index), whatever the grid would choose."""
    from icsoe_desktop.services.movimientos.servicio import _sort_column

    return movimientos_paging.key_query(
        filtro.busqueda(), _sort_column(orden), orden.descending, gather=gather
    )


def reference(service, filtro, orden) -> list[int]:
    return [row[0] for row in service.iter_rows(filtro, orden)]


def walk_forward(service, filtro, orden, size, total=None) -> list[int]:
    rows = service.pagina(filtro, orden, 0, size, total)
    seen = list(rows)
    while len(rows) == size:
        rows = service.pagina_desde(filtro, orden, rows[-1], size, total=total)
        seen.extend(rows)
    return [r[0] for r in seen]


def walk_backward(service, filtro, orden, size, total=None) -> list[int]:
    rows = service.last_page(filtro, orden, size, total)
    seen = list(rows)
    while rows:
        rows = service.pagina_desde(filtro, orden, rows[0], size, backwards=True, total=total)
        seen[:0] = rows
    return [r[0] for r in seen]


@pytest.fixture(scope="module")
def references() -> dict:
    """SQLite's ORDER BY of each filter and sort, read once for the module: every test's grid
    is a copy of the same movements."""
    return {}


@pytest.mark.slow
@pytest.mark.parametrize("indexed", [True, False], ids=["indexed", "no-index"])
@pytest.mark.parametrize("gather_max", [0, 10_000], ids=["seek", "gather"])
def test_every_sort_and_filter_pages_like_order_by(
    grid, monkeypatch, gather_max, indexed, references
):
    monkeypatch.setattr(movimientos_paging, "GATHER_MAX", gather_max)
    for column in range(len(COLUMNS)):
        orden = Orden(column)
        if indexed:
            grid.prepare_sort(orden)
        assert grid.sort_ready(orden) == indexed
    for n, filtro in enumerate(FILTERS):
        total = grid.count(filtro)  # as the grid does: counted once, given to every page
        for column in range(len(COLUMNS)):
            for descending in (False, True):
                orden = Orden(column, descending)
                key = (n, column, descending)
                if key not in references:
                    references[key] = reference(grid, filtro, orden)
                expected = references[key]
                assert total == len(expected)
                label = (filtro, COLUMNS[column].attr, descending)
                assert walk_forward(grid, filtro, orden, 41, total) == expected, label
                assert walk_backward(grid, filtro, orden, 37, total) == expected, label
                middle = grid.pagina(filtro, orden, 20, 9, total)
                assert [r[0] for r in middle] == expected[20:29], label
                bounds = grid.boundaries(filtro, orden, 23, total)
                assert [b[0] for b in bounds] == expected[22::23], label
                if bounds:  # a page read from its boundary key is the same page
                    page = grid.pagina_desde(filtro, orden, bounds[-1], 5, total=total)
                    assert [r[0] for r in page] == expected[len(bounds) * 23 :][:5], label


def test_the_default_order_pages_alike_while_a_sync_pull_has_dropped_its_index(grid, services):
    """Before fecha's sort index is built, its order reads the schema's (deleted, tipo, fecha)
    index; a sync pull joining a company drops that one until its end: the pages are the same,
    from a pass over the table."""
    from icsoe_desktop.store import bulk_indexes

    orden = Orden()
    assert not grid.sort_ready(orden) and grid.keys_indexed(orden)
    with services.store.engine.begin() as conn:
        assert "ix_mov_tipo_fecha" in bulk_indexes.suspend(conn)
    assert not grid.keys_indexed(orden)
    for filtro in FILTERS[:3]:
        expected = reference(grid, filtro, orden)
        assert walk_forward(grid, filtro, orden, 41) == expected, filtro
        assert walk_backward(grid, filtro, orden, 37) == expected, filtro


def test_while_a_pull_has_its_counts_waiting_the_grid_counts_and_pages_from_the_rows(
    grid, services, monkeypatch
):
    """A sync pull joining a company counts its pages only at its end (store/conteo.py):
    meanwhile the grid's counts and a far page under a registro patronal in
    fecha's order (found from the counts per day otherwise) come from the rows themselves."""
    from icsoe_desktop.store import bulk_indexes

    monkeypatch.setattr(movimientos_paging, "GATHER_MAX", 0)  # the index, not the few rows
    grid.prepare_sort(Orden())  # fecha's own index: a registro's tipos are merged streams
    with services.store.engine.begin() as conn:
        bulk_indexes.suspend(conn)
    create_demo_movimientos(services.store, 400, TODAY)  # 160 more, not counted yet
    for filtro in (Filtro(), Filtro(registro_patronal="B1234567105"), *FILTERS[:4]):
        for descending in (True, False):
            orden = Orden(descending=descending)
            expected = reference(grid, filtro, orden)
            total = grid.count(filtro)
            assert total == len(expected), filtro
            for offset in (1, total // 2, total - 2):
                page = grid.pagina(filtro, orden, offset, 9, total)
                assert [r[0] for r in page] == expected[offset:][:9], (filtro, offset)


def test_counts_follow_inserts_updates_and_removals(grid, services):
    def exact(filtro):
        query = apply_filter(select(func.count()).select_from(MovimientoRow), filtro)
        with services.store.session() as session:
            return session.scalar(query)

    for filtro in FILTERS:
        assert grid.count(filtro) == exact(filtro) > 0
    with services.store.session() as session:
        session.execute(
            update(MovimientoRow)
            .where(MovimientoRow.id % 5 == 0)
            .values(estado="rechazado", fecha=date(2025, 2, 3), registro_patronal="B1234567105")
        )
        session.execute(
            update(MovimientoRow).where(MovimientoRow.id % 13 == 0).values(deleted=True)
        )
        session.execute(
            update(MovimientoRow).where(MovimientoRow.id % 22 == 0).values(deleted=False)
        )
        session.query(MovimientoRow).filter(MovimientoRow.id % 17 == 0).delete()
    create_demo_movimientos(services.store, 300, TODAY)  # 60 more after the first 240
    for filtro in FILTERS:
        assert grid.count(filtro) == exact(filtro), filtro


def sort_indexes(store) -> list[str]:
    sql = "SELECT name FROM sqlite_master WHERE name LIKE 'ix_mov_orden_%' ORDER BY name"
    with store.engine.connect() as conn:
        return conn.exec_driver_sql(sql).scalars().all()


def test_a_new_store_has_no_sort_index_until_a_column_is_sorted(services):
    """Imports and sync pulls must not pay for indexes nobody sorts by."""
    assert sort_indexes(services.store) == []
    curp = Orden(next(i for i, c in enumerate(COLUMNS) if c.attr == "curp"))
    assert not services.movimientos.sort_ready(curp)
    services.movimientos.prepare_sort(curp)
    services.movimientos.prepare_sort(curp)  # again: nothing to do, no error
    assert sort_indexes(services.store) == ["ix_mov_orden_curp"]
    assert services.movimientos.sort_ready(curp)


def test_two_stores_building_the_same_index_at_once_and_a_save_meanwhile(grid, services):
    """Two windows or processes sorting by the same column at once, while a third saves
    movements: every one succeeds (IF NOT EXISTS, busy timeout)."""
    import threading

    from icsoe_desktop.services.container import open_services

    others = [open_services(services.store.path.parent) for _ in range(2)]
    nss = Orden(next(i for i, c in enumerate(COLUMNS) if c.attr == "nss"))
    errors: list[BaseException] = []

    def run(fn):
        try:
            fn()
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    before = grid.count(Filtro())
    threads = [
        threading.Thread(target=run, args=(lambda o=o: o.movimientos.prepare_sort(nss),))
        for o in others
    ]
    save = threading.Thread(
        target=run, args=(lambda: create_demo_movimientos(services.store, 400, TODAY),)
    )
    threads.append(save)
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        for o in others:
            o.close()
    assert errors == []
    assert sort_indexes(services.store) == ["ix_mov_orden_nss"]
    assert grid.count(Filtro()) > before


def reads_rows(conn, sql: str, params: dict) -> bool:
    """Whether ``sql`` reads a movement's row (a column of the table, or a seek to it), from its
    bytecode: an index on expressions that answers alone is not called COVERING by SQLite's
    plan, its table cursor only seeked when a column is read (DeferredSeek)."""
    root = conn.exec_driver_sql(
        "SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = 'movimientos'"
    ).scalar()
    program = conn.exec_driver_sql(f"EXPLAIN {sql}", params).all()
    tables = {r[2] for r in program if r[1] in ("OpenRead", "ReopenIdx") and r[3] == root}
    reads = ("Column", "SeekRowid", "NotExists", "NotFound", "Rowid")
    return any(r[1] in reads and r[2] in tables for r in program)


@pytest.mark.slow
def test_a_filtered_sorted_page_is_read_from_its_sort_index(grid, monkeypatch):
    """Every sort with every filter, from its first row and after a row, seeks its sort index,
    in grid order. A tab and an estado are part of the index's prefix: such a search reads the
    index alone (no movement's row is read to skip one); a registro patronal or a date range
    is tested on the row. No stream is sorted: SQLite merges them as they come and
    stops at the page's last key. A few months' range on a column that follows fecha reads the
    month index, one stream per month; a longer range walks the sort index between the lowest
    and highest value of the filter's rows."""
    from icsoe_desktop.store.models import BY_MONTH, DATES, sort_key

    monkeypatch.setattr(movimientos_paging, "GATHER_MAX", 0)
    for column in range(len(COLUMNS)):
        grid.prepare_sort(Orden(column))
    spans = 0
    with grid._store.engine.connect() as conn:
        for filtro in FILTERS:
            for column in range(len(COLUMNS)):
                orden = Orden(column, descending=column % 2 == 0)
                query = movimientos_paging.with_span(conn, _key_query(filtro, orden, False))
                row = grid.pagina(filtro, orden, 0, 5)[-1]
                for after in (None, (row[-1], row[0])):
                    for condition, order, extra in movimientos_paging.seeks(query, after):
                        sql, params = movimientos_paging.key_sql(query, condition, order, 50)
                        params.update(extra)
                        plan = [
                            r[3] for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params)
                        ]
                        searches = [step for step in plan if step.startswith("SEARCH m")]
                        label = (filtro, COLUMNS[column].attr, condition, plan)
                        sorts = (f"ix_mov_orden_{query.column}", f"ix_mov_mes_{query.column}")
                        assert searches and all(
                            any(f"INDEX {name} " in s for name in sorts) for s in searches
                        ), label
                        if not (filtro.registro_patronal or filtro.fecha_inicial):
                            assert not reads_rows(conn, sql, params), label
                        assert not any("TEMP B-TREE" in s for s in plan), label
                        # One bound per side on the sort column: beside a looser one (the
                        # range's end beside "before this row"), SQLite may seek by that one.
                        key = re.escape(sort_key(query.column, f"m.{query.column}"))
                        for arm in sql.split(" UNION ALL "):
                            where = arm.split(" WHERE ", 1)[1]
                            for side in "<>":
                                bounds = re.findall(rf"{key} {side}=? ", where)
                                assert len(bounds) <= 1, (label, where)
                        if COLUMNS[column].attr in BY_MONTH | {"lote"} and query.months:
                            assert all("ix_mov_mes_" in s for s in searches), label
                        # (At the row's own value the seek is that value.)
                        walked = "IS NULL" not in condition and "= :after" not in condition
                        if query.span and walked:
                            key = "<expr>" if query.column in DATES else query.column
                            assert all(f"{key}>? AND {key}<?" in s for s in searches), label
                            spans += 1
    assert spans > 0  # the open and the long date ranges


# The planner's statistics of a store of a million movements (ANALYZE), for the schema's
# indexes: with them, and a covering index in reach, SQLite's own choice for a narrow search
# walked that index's million entries.
MILLION_STATS = {
    "ix_mov_tipo_fecha": "1000000 1000000 333334 305",
    "ix_mov_registro_tipo_fecha": "1000000 1000000 333334 111112 102",
    "ix_mov_registro_estado_fecha": "1000000 1000000 333334 66667 22223 25",
    "ix_mov_fecha": "1000000 1000000 914",
    "ix_mov_estado_fecha": "1000000 1000000 200000 66667 61",
}


def _as_at_a_million(services) -> None:
    with services.store.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE movimientos")
        for name, stat in MILLION_STATS.items():
            conn.exec_driver_sql(
                "UPDATE sqlite_stat1 SET stat = ? WHERE tbl = 'movimientos' AND idx = ?",
                (stat, name),
            )
    services.store.engine.dispose()  # every connection reads the statistics anew


@pytest.mark.parametrize(
    ("terms", "index"),
    [
        ({}, "ix_mov_fecha"),
        ({"registro_patronal": "B1234567105"}, "ix_mov_registro_tipo_fecha"),
        ({"estado": "aprobado"}, "ix_mov_estado_fecha"),
        ({"tipo": "08", "estado": "aprobado"}, "ix_mov_estado_fecha"),
        (
            {"registro_patronal": "B1234567105", "estado": "aprobado"},
            "ix_mov_registro_estado_fecha",
        ),
    ],
    ids=["día", "registro+día", "estado+día", "tab+estado+día", "registro+estado+día"],
)
def test_a_narrow_search_reads_its_few_rows_through_the_filters_index(grid, services, terms, index):
    """A search of one day (few rows: the gather plan) is read through the schema's index that
    holds its terms and fecha under every sort, from its first row and after a row, a seek on
    the day: the sort column's value after a row («estado = …», «registro = …») must not lead
    SQLite into that column's own index, which walks a whole estado or registro, nor (with a
    million rows' statistics) a covering index walked from end to end for a sort by tipo,
    estado or registro (~0.1-0.2 s a page instead of a few ms)."""
    for column in range(len(COLUMNS)):
        grid.prepare_sort(Orden(column))
    _as_at_a_million(services)
    with grid._store.engine.connect() as conn:
        held = "".join(f" AND {column} = :{column}" for column in terms)  # the busiest day
        (dia,) = conn.exec_driver_sql(
            f"SELECT fecha FROM movimientos WHERE deleted = 0{held} GROUP BY fecha "
            "ORDER BY count(*) DESC LIMIT 1",
            terms,
        ).one()
        dia = date.fromisoformat(dia)
        filtro = Filtro(fecha_inicial=dia, fecha_final=dia, **terms)
        total = grid.count(filtro)
        assert 1 < total <= movimientos_paging.GATHER_MAX
        for column in range(len(COLUMNS)):
            for descending in (False, True):
                orden = Orden(column, descending)
                query = grid.buscador.sql.query(conn, filtro, orden, total, 0)
                if query.schema:  # fecha's order is that index's (the test above)
                    continue
                assert query.gather, query
                expected = reference(grid, filtro, orden)
                row = grid.pagina(filtro, orden, 0, 1)[-1]
                for after in (None, (row[-1], row[0])):
                    for condition, order, extra in movimientos_paging.seeks(query, after):
                        sql, params = movimientos_paging.key_sql(query, condition, order, 50)
                        plan = [
                            r[3]
                            for r in conn.exec_driver_sql(
                                f"EXPLAIN QUERY PLAN {sql}", {**params, **extra}
                            )
                        ]
                        searches = [step for step in plan if step.startswith("SEARCH m")]
                        label = (COLUMNS[column].attr, descending, condition, plan)
                        assert searches and all(
                            f" {index} (" in s and "fecha>? AND fecha<?" in s for s in searches
                        ), label
                # The rows as SQLite's ORDER BY gives them.
                assert [r[0] for r in grid.pagina(filtro, orden, 0, total)] == expected


def test_a_long_range_span_seeks_months_only_of_the_estados_with_that_date(grid):
    """Sorting a long date range by Aviso Rechazo: its span (lowest and highest date of the
    search's rows) is exact, and the month index is read only for the (tipo, estado) pairs that
    have a rejection date at all (rechazado), found by one seek each in the sort index: not 24
    months × 15 pairs × 2 ends of index pages read on the first click (README «Rendimiento»)."""
    column = next(i for i, c in enumerate(COLUMNS) if c.attr == "fecha_rechazo")
    orden = Orden(column, descending=True)
    grid.prepare_sort(orden)
    filtro = FILTERS[-1]
    exact = select(func.min(MovimientoRow.fecha_rechazo), func.max(MovimientoRow.fecha_rechazo))
    with grid._store.engine.connect() as conn:
        low, high = conn.execute(apply_filter(exact, filtro)).one()
        assert low is not None and low < high
        query = movimientos_paging.with_span(conn, _key_query(filtro, orden, False))
        assert query.span == (low.isoformat(), high.isoformat())
        sql, params = movimientos_paging.span_sql(query, "2024-03", "2025-08")
        plan = [r[3] for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params)]
    # The pairs are kept first (materialized), each by a seek for a non-NULL date in the
    # sort index; the months are read for those pairs only.
    kept = plan.index("MATERIALIZE g")
    seeks = [i for i, step in enumerate(plan) if "ix_mov_orden_fecha_rechazo" in step]
    months = [i for i, step in enumerate(plan) if "ix_mov_mes_fecha_rechazo" in step]
    assert seeks and kept < seeks[0] < min(months), plan
    assert "<expr>>?" in plan[seeks[0]], plan  # the date's day number, not NULL
    assert any(step == "SCAN g" for step in plan[seeks[0] : min(months)]), plan


@pytest.mark.parametrize(
    ("filtro", "index"),
    [
        (Filtro(registro_patronal="B1234567105"), "ix_mov_registro_tipo_fecha"),
        (Filtro(registro_patronal="B1234567105", tipo="07"), "ix_mov_registro_tipo_fecha"),
        (
            Filtro(registro_patronal="B1234567105", fecha_inicial=date(2025, 1, 1)),
            "ix_mov_registro_tipo_fecha",
        ),
        (Filtro(), "ix_mov_fecha"),
        (Filtro(fecha_inicial=date(2024, 3, 10), fecha_final=date(2025, 8, 20)), "ix_mov_fecha"),
        (Filtro(tipo="02"), "ix_mov_tipo_fecha"),
        (Filtro(estado="rechazado"), "ix_mov_estado_fecha"),
        (Filtro(tipo="02", estado="rechazado"), "ix_mov_estado_fecha"),
        (
            Filtro(registro_patronal="B1234567105", estado="pendiente"),
            "ix_mov_registro_estado_fecha",
        ),
        (
            Filtro(
                registro_patronal="B1234567105",
                tipo="08",
                estado="aprobado",
                fecha_inicial=date(2024, 6, 1),
                fecha_final=date(2025, 12, 31),
            ),
            "ix_mov_registro_estado_fecha",
        ),
    ],
    ids=[
        "registro",
        "registro+tab",
        "registro+desde",
        "todos",
        "fechas",
        "tab",
        "estado",
        "tab+estado",
        "registro+estado",
        "registro+tab+estado+fechas",
    ],
)
def test_the_middle_right_after_buscar_walks_an_index_in_fechas_order(grid, filtro, index):
    """The default order (fecha) under a search of a registro patronal, a tab, an estado (with
    a tab or not) or dates: its first page, a far page by offset (the middle of the scroll bar
    right after Buscar) and every key (the scroll bar's) walk the schema's index that holds the
    search's terms and fecha, covering, one stream (one per tipo under an estado or a registro
    without a tab), never sorted. Read
    through the registro's index and sorted, the middle of one registro of three took ~1 s at a
    million rows (every key of the registro sorted to skip half of them) instead of ~0.1 s;
    walking fecha's sort index tests the registro on each movement's row."""
    for column in range(len(COLUMNS)):  # every sort index there, as after a day's sorting
        grid.prepare_sort(Orden(column))
    total = grid.count(filtro)
    assert total > 2
    with grid._store.engine.connect() as conn:
        for descending in (True, False):
            orden = Orden(descending=descending)
            expected = reference(grid, filtro, orden)
            row = grid.pagina(filtro, orden, 1, 1, total)[0]
            # (after, offset, limit): the first page, the page after its second row, the middle
            # by offset, every key.
            reads = [
                (None, 0, 50),
                ((row[-1], row[0]), 0, 50),
                (None, total // 2, 50),
                (None, 0, total),
            ]
            for after, offset, limit in reads:
                walked = total if limit == total else offset
                query = grid.buscador.sql.query(conn, filtro, orden, total, walked)
                assert not query.gather and query.schema and query.schema[0] == index, query
                for condition, order, extra in movimientos_paging.seeks(query, after):
                    sql, params = movimientos_paging.key_sql(query, condition, order, limit, offset)
                    plan = [
                        r[3]
                        for r in conn.exec_driver_sql(
                            f"EXPLAIN QUERY PLAN {sql}", {**params, **extra}
                        )
                    ]
                    label = (filtro, descending, after, offset, condition, plan)
                    searches = [step for step in plan if step.startswith("SEARCH m")]
                    assert searches and all(
                        f"USING COVERING INDEX {index} " in s for s in searches
                    ), label
                    assert not any("TEMP B-TREE" in s for s in plan), label
            # The middle page and the scroll bar's keys are the grid's rows in its order.
            middle = grid.pagina(filtro, orden, total // 2, 7, total)
            assert [r[0] for r in middle] == expected[total // 2 :][:7]
            bounds = grid.boundaries(filtro, orden, 5, total)
            assert [b[0] for b in bounds] == expected[4::5]


@pytest.mark.parametrize(
    "filtro",
    [
        Filtro(registro_patronal="B1234567105"),
        Filtro(registro_patronal="B1234567105", estado="aprobado"),
        Filtro(registro_patronal="B1234567105", fecha_inicial=date(2025, 1, 1)),
        Filtro(estado="aprobado"),
    ],
    ids=["registro", "registro+estado", "registro+desde", "estado"],
)
def test_a_far_page_of_merged_streams_starts_at_its_day_from_the_counts(grid, filtro):
    """The middle of the scroll bar right after Buscar under an estado or a registro patronal
    without a tab, in fecha's order: its keys come from one stream per tipo, merged. The page's first day and
    the rows of that day before it are found from the kept counts per day
    (movimientos_conteo), and the keys are read from that day on: SQLite skips at most a day's
    rows, not half the search's keys across the merged streams (60 ms at a million, 8 ms
    from the counts). Every offset gives the grid's rows in its order."""
    for column in range(len(COLUMNS)):
        grid.prepare_sort(Orden(column))
    total = grid.count(filtro)
    assert total > 20
    statements: list[str] = []
    with grid._store.engine.connect() as conn:
        conn.connection.driver_connection.set_trace_callback(statements.append)
        try:
            for descending in (True, False):
                orden = Orden(descending=descending)
                expected = reference(grid, filtro, orden)
                for offset in (1, total // 3, total // 2, total - 3, total - 1, total):
                    query = grid.buscador.sql.query(conn, filtro, orden, total, offset)
                    assert query.schema and not query.gather, query
                    statements.clear()
                    keys = movimientos_paging.page_keys(conn, query, None, 9, offset)
                    assert [k[0] for k in keys] == expected[offset:][:9], (descending, offset)
                    skipped = [
                        int(n)
                        for sql in statements
                        if "INDEXED BY ix_mov_" in sql
                        for n in re.findall(r"OFFSET (\d+)", sql)
                    ]
                    assert statements and all(n <= 3 for n in skipped), (offset, statements)
        finally:
            conn.connection.driver_connection.set_trace_callback(None)


def test_dates_far_apart_sort_and_page_as_their_text(grid, services, monkeypatch):
    """A sort index keeps a date as its day number: dates before 1970, at its first day and
    far ahead still sort as the grid shows them, from the index and without it, both ways."""
    monkeypatch.setattr(movimientos_paging, "GATHER_MAX", 0)  # the sort index, not the few
    column = next(i for i, c in enumerate(COLUMNS) if c.attr == "fecha_emision")
    far = [date(1950, 1, 1), date(1969, 12, 31), date(1970, 1, 1), date(2099, 12, 31)]
    with services.store.session() as session:
        for n, day in enumerate(far):
            session.execute(
                update(MovimientoRow).where(MovimientoRow.id == 3 + n).values(fecha_emision=day)
            )
    for indexed in (False, True):
        if indexed:
            grid.prepare_sort(Orden(column))
        assert grid.sort_ready(Orden(column)) == indexed
        for descending in (False, True):
            orden = Orden(column, descending)
            expected = reference(grid, Filtro(), orden)
            assert walk_forward(grid, Filtro(), orden, 13) == expected, (indexed, descending)
            assert walk_backward(grid, Filtro(), orden, 11) == expected, (indexed, descending)
            shown = [r[column + 1] for r in grid.pagina(Filtro(), orden, 0, 300)]
            assert [d for d in shown if d in far] == sorted(far, reverse=descending)


def test_sort_indexes_of_an_earlier_version_are_dropped_by_the_migration(tmp_path, monkeypatch):
    """A store whose sort indexes hold the text of (deleted, tipo, estado, column): the
    migration drops them, and the next sort builds the compact one and pages as ORDER BY."""
    monkeypatch.setattr(movimientos_paging, "GATHER_MAX", 0)
    from icsoe_desktop.services.container import open_services
    from icsoe_desktop.store.db import upgrade_file

    data = tmp_path / "datos"
    data.mkdir()
    path = data / "icsoe.sqlite3"
    upgrade_file(path, "0017_orden_estrecho")
    with cifrado.conectar(path) as conn:
        conn.execute(
            "CREATE INDEX ix_mov_orden_nombre ON movimientos (deleted, tipo, estado, nombre)"
        )
    conn.close()
    services = open_services(data, lambda: datetime(2026, 11, 22, 9))
    try:
        assert sort_indexes(services.store) == []
        create_demo_movimientos(services.store, 90, TODAY)
        grid, orden = services.movimientos, Orden(COLUMNS.index(CAMPO["nombre"]))
        grid.prepare_sort(orden)
        assert sort_indexes(services.store) == ["ix_mov_orden_nombre"]
        assert walk_forward(grid, Filtro(), orden, 7) == reference(grid, Filtro(), orden)
    finally:
        services.close()


# Values as the store holds them: dates as ISO text (or empty), amounts as numbers, the rest text.
_GUARDADOS = {
    "fecha_recibido": [None, "", "2024-01-02", "2023-12-31", "1999-12-31", "xx", "2024-01-02"],
    "estado": [None, "enviado", "aprobado", "pendiente", "rechazado", "otro", "", "aprobado"],
    "sbc": [None, 17, 3, 2.5, 17, 1_000_000, 0],
    "guia": [None, "", "17", "Ñandú", "zeta", "Z", "a", "zeta", "ü"],
}


@pytest.mark.parametrize("column", sorted(_GUARDADOS))
def test_a_value_sorts_in_python_where_its_sort_index_puts_it(column):
    """A movement written since a column's order was read is put in it by ``sort_rank``: the
    same order SQLite gives sort_key's term, empty and unreadable values included."""
    from icsoe_desktop.store.models.movimientos import sort_key, sort_rank

    valores = _GUARDADOS[column]
    conn = cifrado.conectar(":memory:")
    conn.execute(f"CREATE TABLE m (id INTEGER PRIMARY KEY, {column})")
    conn.executemany("INSERT INTO m VALUES (?, ?)", list(enumerate(valores, 1)))
    sql = f"SELECT id FROM m ORDER BY {sort_key(column, column)}, id"
    por_sqlite = [i for (i,) in conn.execute(sql)]
    ids = range(1, len(valores) + 1)
    assert sorted(ids, key=lambda i: (sort_rank(column, valores[i - 1]), i)) == por_sqlite
