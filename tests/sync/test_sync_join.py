"""A desktop joining a company (a pull bringing at least as many rows as it holds) builds five
of the grid's movimientos indexes, and its counts, once at the end instead of keeping them up to
date row by row. Meanwhile the grid still answers, its counts right; afterwards, after a failed
pull and after a crash (the store's next open) the indexes are all there and the counts exact. Real server on PostgreSQL, real SQLite stores."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from icsoe_desktop.demo.movimientos import create_demo_movimientos
from icsoe_desktop.services.movimientos.servicio import COLUMNS, Filtro, Orden
from icsoe_desktop.services.sync.transporte import SyncError
from icsoe_desktop.store import bulk_indexes
from icsoe_desktop.store.db import Store
from icsoe_desktop.store.models.movimientos import MovimientoRow
from tests.sync.conftest import EMPRESA, connect, connected
from tests.sync.test_sync import registros

TODAY = date(2026, 11, 22)
TIPO, ESTADO = (next(i for i, c in enumerate(COLUMNS) if c.attr == a) for a in ("tipo", "estado"))
DEFERRED = set(bulk_indexes.DEFERRABLE)


def movimientos_indexes(services) -> dict[str, str]:
    with services.store.engine.connect() as conn:
        return dict(
            conn.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                "AND tbl_name = 'movimientos' AND sql IS NOT NULL"
            ).all()
        )


def kept_counts_and_rows(store) -> tuple[set[tuple], set[tuple]]:
    """The grid's kept counts (per day and per registro/tipo/estado), and the same counted
    from the rows."""
    queries = (
        "SELECT registro_patronal, tipo, estado, fecha, n FROM movimientos_conteo WHERE n > 0",
        "SELECT registro_patronal, tipo, estado, fecha, count(*) FROM movimientos "
        "WHERE deleted = 0 GROUP BY registro_patronal, tipo, estado, fecha",
        "SELECT registro_patronal, tipo, estado, n FROM movimientos_total WHERE n > 0",
        "SELECT registro_patronal, tipo, estado, count(*) FROM movimientos "
        "WHERE deleted = 0 GROUP BY registro_patronal, tipo, estado",
    )
    with store.engine.connect() as conn:
        days, days_rows, totals, totals_rows = (set(conn.exec_driver_sql(q).all()) for q in queries)
    return days | totals, days_rows | totals_rows


def grid(services, filtro: Filtro) -> list[tuple]:
    """The grid's first page (newest fecha first), without the row ids."""
    return [row[1:] for row in services.movimientos.pagina(filtro, Orden(), 0, 500)]


def a_company_with_movimientos(sync_server, desktops, count: int):
    """A holds ``count`` movements, all on the server; B has sent its own rows already, so
    what B's next sync reports is its pull, page by page."""
    a, b = connected(sync_server, desktops)
    create_demo_movimientos(a.store, count, TODAY)
    a.sync.synchronize()
    b.sync.synchronize()
    return a, b


@pytest.fixture
def joining(sync_server, desktops):
    """A with 60 movements on the server; B, a new desktop that has sent its own rows already
    (so what its next sync reports is its pull), will pull 10 rows a page and takes 30 rows as
    a big pull."""
    a, b = connected(sync_server, desktops)
    b.sync.synchronize()
    create_demo_movimientos(a.store, 60, TODAY)
    a.sync.synchronize()
    b.sync.intercambio.pull_rows, b.sync.intercambio.bulk_pull_rows = 10, 30
    b.sync.intercambio.commit_rows = 10  # each page committed: what the grid reads meanwhile
    return a, b


def test_a_joining_desktop_builds_five_indexes_at_the_end_and_its_grid_answers_meanwhile(
    joining,
) -> None:
    a, b = joining
    before = movimientos_indexes(b)
    assert before.keys() >= DEFERRED
    during: list[set[str]] = []
    tipo_pages: list[list[tuple]] = []
    dated = Filtro(fecha_inicial=TODAY - timedelta(days=400), fecha_final=TODAY)
    counted: list[tuple[int, int]] = []

    def progress(done: int, _total: int) -> None:
        if done and len(during) < 3:  # pages of the pull
            during.append(set(movimientos_indexes(b)))
            # A clerk filtering by tab and estado meanwhile: answered, rows of that tab only.
            tipo_pages.append(grid(b, Filtro(tipo="08", estado="pendiente")))
            # And by dates: the count (it reads the first and last fecha) matches the rows.
            counted.append((b.movimientos.count(dated), len(grid(b, dated))))

    b.sync.synchronize(progress)
    assert during and all(not (names & DEFERRED) for names in during)
    assert counted and all(count == shown for count, shown in counted)
    assert counted[-1][0] > 0
    shown = [row for page in tipo_pages for row in page]
    assert shown and {(row[TIPO], row[ESTADO]) for row in shown} == {("08", "pendiente")}
    assert movimientos_indexes(b) == before  # the same definitions, built again
    assert b.movimientos.count(Filtro()) == a.movimientos.count(Filtro()) == 60
    kept, rows = kept_counts_and_rows(b.store)  # the pages' counts, added at the end
    assert kept == rows and len(kept) > 2
    for filtro in (Filtro(), Filtro(tipo="02"), Filtro(estado="pendiente")):
        assert grid(b, filtro) == grid(a, filtro)


@pytest.mark.end2end
def test_a_joining_pull_cut_off_builds_the_indexes_again(
    server_process, sync_database, desktops
) -> None:
    from icsoe_desktop.sync_server.db import create_token

    _url, engine = sync_database
    server_process.start()
    a, b = desktops
    for services, name in ((a, "A"), (b, "B")):
        connect(services, server_process.url, create_token(engine, EMPRESA, name).token)
    b.sync.synchronize()  # its own rows first: what it reports next is its pull
    create_demo_movimientos(a.store, 60, TODAY)
    a.sync.synchronize()
    b.sync.intercambio.pull_rows, b.sync.intercambio.bulk_pull_rows = 10, 30

    def server_gone(done: int, _total: int) -> None:
        if done:  # after the first page: the later pages never arrive
            server_process.kill()

    with pytest.raises(SyncError) as raised:
        b.sync.synchronize(server_gone)
    assert raised.value.offline
    assert movimientos_indexes(b).keys() >= DEFERRED
    assert 0 < b.movimientos.count(Filtro()) < 60  # the pages that came are kept


def test_a_small_pull_keeps_the_indexes(sync_server, desktops) -> None:
    a, b = a_company_with_movimientos(sync_server, desktops, 40)
    b.sync.intercambio.bulk_pull_rows = 3  # what is coming (5 rows) is big enough, but B holds more
    create_demo_movimientos(a.store, 45, TODAY)  # 5 more
    a.sync.synchronize()
    during: list[set[str]] = []
    b.sync.synchronize(lambda done, _total: during.append(set(movimientos_indexes(b))))
    assert during and all(names >= DEFERRED for names in during)
    assert b.movimientos.count(Filtro()) == 45


def test_indexes_dropped_by_a_pull_that_never_ended_are_built_when_the_store_opens(
    tmp_path,
) -> None:
    path = tmp_path / "icsoe.sqlite3"
    store = Store(path)
    create_demo_movimientos(store, 30, TODAY)
    with store.engine.begin() as conn:
        definitions = {
            name: sql
            for name, sql in conn.exec_driver_sql("SELECT name, sql FROM sqlite_master").all()
            if name in DEFERRED
        }
        assert sorted(bulk_indexes.suspend(conn)) == sorted(DEFERRED)
    create_demo_movimientos(store, 50, TODAY)  # pages written meanwhile: counted at the end
    kept, rows = kept_counts_and_rows(store)
    assert kept != rows
    store.close()  # the process ends here (a crash in the middle of the pull)

    reopened = Store(path)
    try:
        with reopened.engine.connect() as conn:
            now = dict(conn.exec_driver_sql("SELECT name, sql FROM sqlite_master").all())
        assert {name: now.get(name) for name in DEFERRED} == definitions
        kept, rows = kept_counts_and_rows(reopened)
        assert kept == rows and sum(n for *_key, n in rows) == 2 * 50  # per day, and totals
    finally:
        reopened.close()


def test_rows_that_come_while_a_joining_pull_builds_its_indexes_are_written_after(
    joining, monkeypatch
) -> None:
    """Another desktop sends rows while B's joining pull ends: B's same sync receives them
    once its index build (which holds the store's write lock, at a million rows longer than
    the busy timeout) is done, instead of failing with «base de datos ocupada»."""
    import dataclasses
    import time

    from icsoe_desktop.services.sync import intercambio
    from tests.base_bloqueada import espera_corta

    a, b = joining

    def slow_build(conn) -> list[str]:  # as a million rows' build: longer than the timeout
        built = bulk_indexes.restore(conn)
        time.sleep(1.5)
        return built

    monkeypatch.setattr(
        intercambio,
        "SYNCED_TABLES",
        tuple(
            dataclasses.replace(
                table, bulk=dataclasses.replace(table.bulk, restore_indexes=slow_build)
            )
            if table.bulk is not None
            else table
            for table in intercambio.SYNCED_TABLES
        ),
    )
    espera_corta(b.store, monkeypatch)  # shorter than the build
    sent_meanwhile: list[int] = []

    def progress(done: int, total: int) -> None:
        if done and done == total and not sent_meanwhile:  # the joining pull's last page
            a.registros.save("Y5412345106", EMPRESA, "Llegó durante la unión", "ana@empresa.com")
            sent_meanwhile.append(a.sync.synchronize().enviados)

    result = b.sync.synchronize(progress)

    assert len(sent_meanwhile) == 1 and sent_meanwhile[0] > 0
    assert result.recibidos > 60  # the movimientos, then what A sent meanwhile
    assert registros(b) == registros(a)
    assert "Y5412345106" in registros(b)
    assert b.movimientos.count(Filtro()) == 60
    assert movimientos_indexes(b).keys() >= DEFERRED


def stored_rows(store) -> set[tuple]:
    """Every movimiento as SQLite stores it: each column's value and its storage class (a NULL,
    an integer 0 or 1, a date's text), without the local id."""
    with store.engine.connect() as conn:
        names = [
            name
            for (name,) in conn.exec_driver_sql("SELECT name FROM pragma_table_info('movimientos')")
            if name != "id"
        ]
        listed = ", ".join(f"quote({name}), typeof({name})" for name in names)
        return set(conn.exec_driver_sql(f"SELECT {listed} FROM movimientos").all())


def test_a_pulled_page_is_stored_as_the_desktop_that_wrote_it_stores_it(joining) -> None:
    """The bulk insert binds a NULL as NaN and a boolean as 0 or 1 (store/enlace.py): the rows
    B stores are A's, value and storage class, its empty dates NULL and a deleted row 1."""
    a, b = joining
    gone = a.movimientos.pagina(Filtro(), Orden(), 0, 1)[0][0]
    with a.store.session() as session:  # a row deleted where it was written (tracked, sent)
        session.get(MovimientoRow, gone).deleted = True
    a.sync.synchronize()
    b.sync.synchronize()
    written = stored_rows(a.store)
    assert stored_rows(b.store) == written
    # Those rows hold what the binding changes: empty dates and both kinds of deleted.
    with b.store.engine.connect() as conn:
        found = conn.exec_driver_sql(
            "SELECT deleted, count(*), sum(fecha_rechazo IS NULL) FROM movimientos "
            "GROUP BY deleted ORDER BY deleted"
        ).all()
    assert [row[0] for row in found] == [0, 1]
    assert sum(row[2] for row in found) > 0
    assert b.movimientos.count(Filtro()) == 59
