"""A big import (as many new movimientos as the store holds) builds five of the grid's indexes,
and its counts, once at its end, inside its own transaction (store/bulk_indexes.py): afterwards
the indexes, the grid's counts, the sync sums and the unsent count are those of a store that kept
them row by row. A big import refused for one bad line leaves the store as it was."""

from __future__ import annotations

import threading

import pytest

from icsoe_desktop.services.movimientos import importar as movimientos_import
from icsoe_desktop.services.movimientos.servicio import Filtro
from icsoe_desktop.store import cifrado, plain
from icsoe_desktop.store.models.movimientos import sort_index_ddl
from tests.services.movimientos_data import add_registros, write_csv
from tests.services.test_import_files import many_rows
from tests.store.test_sumas import assert_kept_equal_scanned
from tests.sync.test_sync_join import kept_counts_and_rows


def indexes(store) -> dict[str, str]:
    sql = (
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'movimientos' "
        "AND sql IS NOT NULL"
    )
    with store.engine.connect() as conn:
        return dict(conn.exec_driver_sql(sql).all())


def test_a_big_import_ends_with_the_grids_indexes_counts_and_sums(services, tmp_path, monkeypatch):
    monkeypatch.setattr(movimientos_import, "BATCH", 10)  # 35 rows: four batches
    add_registros(services)
    before = indexes(services.store)
    report = services.importador.import_file(write_csv(tmp_path / "a.csv", many_rows(35)), "t")
    assert report.aplicado and report.importados == 35
    assert indexes(services.store) == before
    kept, rows = kept_counts_and_rows(services.store)
    assert kept == rows and sum(n for *_key, n in rows) == 2 * 35  # per day, and totals
    assert services.movimientos.count(Filtro()) == 35
    assert_kept_equal_scanned(services.store)
    # A second, smaller than what the store holds, keeps them as it goes: the same end.
    more = many_rows(45)[35:]
    assert services.importador.import_file(write_csv(tmp_path / "b.csv", more), "t").aplicado
    kept, rows = kept_counts_and_rows(services.store)
    assert kept == rows and services.movimientos.count(Filtro()) == 45
    assert indexes(services.store) == before


def test_a_big_import_refused_for_one_line_leaves_the_store_as_it_was(
    services, tmp_path, monkeypatch
):
    monkeypatch.setattr(movimientos_import, "BATCH", 10)
    add_registros(services)
    before = indexes(services.store)
    rows = many_rows(35)
    rows[-1]["NSS"] = "12345"  # the last line: after three batches went in
    report = services.importador.import_file(write_csv(tmp_path / "a.csv", rows), "t")
    assert not report.aplicado and report.importados == 0 and report.rechazadas
    assert indexes(services.store) == before
    assert services.movimientos.count(Filtro()) == 0
    kept, rows_now = kept_counts_and_rows(services.store)
    assert kept == rows_now == set()
    assert_kept_equal_scanned(services.store)


@pytest.mark.parametrize("batch", [10, 5_000], ids=["big", "small"])
def test_an_import_while_another_window_writes_waits_for_it(services, tmp_path, monkeypatch, batch):
    """Another window builds the grid's NSS sort index (SQLite's write lock held) when the import
    starts writing: the import waits for it and goes in whole, not «base de datos ocupada»."""
    monkeypatch.setattr(movimientos_import, "BATCH", batch)
    add_registros(services)
    other = cifrado.conectar(services.store.path, isolation_level=None, check_same_thread=False)
    plain.configure(other)
    other.execute("BEGIN IMMEDIATE")
    for ddl in sort_index_ddl("nss"):
        other.execute(ddl)
    done = threading.Timer(0.5, other.execute, ("COMMIT",))
    done.start()
    try:
        report = services.importador.import_file(write_csv(tmp_path / "a.csv", many_rows(35)), "t")
    finally:
        done.join()
        other.close()
    assert report.aplicado and report.importados == 35, report
    assert services.movimientos.count(Filtro()) == 35
    assert "ix_mov_orden_nss" in indexes(services.store)
