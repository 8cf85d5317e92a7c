"""The kept counts taken again from the rows (store/recuento.py) and a damaged store's readable
rows copied into a new file (store/rescate.py), on real files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select

from icsoe_desktop.demo.movimientos import create_demo_movimientos
from icsoe_desktop.services.movimientos.servicio import Filtro
from icsoe_desktop.store import recuento, rescate
from icsoe_desktop.store.models import MovimientoRow, SyncRowState
from icsoe_desktop.store.sync_tables import sums_tables
from tests.paginas_danadas import zero_leaf_pages
from tests.store.test_pendientes import answer_push
from tests.store.test_sumas import assert_kept_equal_scanned

TODAY = date(2026, 11, 22)


def recount(store, rows_only: bool) -> recuento.Recuento:
    with store.session(immediate=True) as session:
        return recuento.recount(session.connection(), sums_tables(), rows_only)


def synced_with_tombstones(services, rows: int, removed: int) -> None:
    """``rows`` movimientos answered by the server, ``removed`` of them then removed in the
    app and their tombstones answered too (clean states without a row)."""
    create_demo_movimientos(services.store, rows, TODAY)
    answer_push(services.store)
    with services.store.session() as session:
        for row in session.scalars(select(MovimientoRow).limit(removed)):
            session.delete(row)
    answer_push(services.store)


def test_a_recount_of_a_store_kept_by_its_triggers_finds_nothing(services) -> None:
    synced_with_tombstones(services, 120, 5)

    found = recount(services.store, rows_only=False)

    assert (found.distintas, found.perdidos) == ({}, 0)
    assert_kept_equal_scanned(services.store)
    assert services.movimientos.count(Filtro()) == 115


def test_a_recount_trusting_only_the_rows_counts_no_state_without_a_row(services) -> None:
    """Another file: a state without a row may be a row it lost, so it stops counting (the
    repair receives the server's row again; a tombstone only as its state)."""
    synced_with_tombstones(services, 120, 5)

    found = recount(services.store, rows_only=True)

    assert found.perdidos == 5
    assert found.distintas == {"movimientos": (120, 115)}
    assert_kept_equal_scanned(services.store)
    with services.store.session() as session:
        lost = session.scalars(select(SyncRowState).where(SyncRowState.version.is_(None))).all()
    assert len(lost) == 5


def test_sums_and_counts_wiped_by_hand_are_written_again(services) -> None:
    create_demo_movimientos(services.store, 80, TODAY)
    answer_push(services.store)
    with services.store.session() as session:
        connection = session.connection()
        for table in ("sync_sums", "sync_unsent", "movimientos_conteo", "movimientos_total"):
            connection.exec_driver_sql(f"DELETE FROM {table}")
    assert services.movimientos.count(Filtro()) == 0

    found = recount(services.store, rows_only=False)

    assert found.distintas["movimientos"] == (0, 80)
    assert_kept_equal_scanned(services.store)
    assert services.movimientos.count(Filtro()) == 80


def test_the_rescue_copies_every_row_that_reads(services, tmp_path: Path) -> None:
    create_demo_movimientos(services.store, 2000, TODAY)
    answer_push(services.store)
    path = services.store.path
    services.store.close()
    lost = zero_leaf_pages(path, "movimientos", 3)
    zero_leaf_pages(path, "sync_row_state", 1)  # without rowids: read up to the damage
    assert rescate.revisar(path)

    found = rescate.rescatar(path, tmp_path / "nueva.sqlite3")

    assert found.copiados["movimientos"] == 2000 - lost
    assert found.perdidos["movimientos"] == lost
    assert found.incompletas == ["sync_row_state"]
    assert 0 < found.copiados["sync_row_state"] < 2000 + 2  # (and the demo registros')
    assert rescate.revisar(tmp_path / "nueva.sqlite3") == []
