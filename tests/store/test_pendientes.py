"""«Is anything waiting to be sent?» answered from the kept per-table count of rows without a
sync state (store/pendientes.py) gives the same answer as reading every row: after local
writes, soft and hard removals, push answers, and in a store migrated with rows already in it.
(tests/store/test_sumas.py checks the same count through bulk inserts and pulls.)"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import func, select, update

from icsoe_desktop.demo.movimientos import create_demo_movimientos
from icsoe_desktop.domain import sync_wire
from icsoe_desktop.services.sync.apply import record_push_results
from icsoe_desktop.services.sync.encode import (
    has_pending,
    local_changes,
    pending_count,
    stateless_rows,
)
from icsoe_desktop.store import cifrado, sumas
from icsoe_desktop.store.db import Store, make_engine
from icsoe_desktop.store.migrations import MIGRATIONS_DIR
from icsoe_desktop.store.models import MovimientoRow, SyncConflict, SyncUnsent
from icsoe_desktop.store.sync_tables import SYNCED_TABLES

TODAY = date(2026, 11, 22)


def assert_unsent_equal_scanned(store) -> None:
    """Per synced table, the kept count of rows without a state is the rows read one by one;
    ``has_pending`` and ``pending_count`` agree with the rows to send."""
    with store.session() as session:
        kept = dict(session.execute(select(SyncUnsent.table_name, SyncUnsent.rows)).all())
        for table in SYNCED_TABLES:
            scanned = session.scalar(
                select(func.count()).select_from(stateless_rows(table).subquery())
            )
            assert kept.get(table.name, 0) == scanned, table.name
        total = pending_count(session)
        assert total == len(list(local_changes(session)))
        assert has_pending(session) is (total > 0)


def answer_push(store) -> None:
    """Every pending row recorded as the server's answer would (clean, its version)."""
    with store.session() as session:
        changes = list(local_changes(session))
        results = [
            sync_wire.push_result(r["table"], r["uuid"], r["version"], seq, None)
            for seq, r in enumerate(changes, start=1)
        ]
        record_push_results(session, results, TODAY)


def test_nothing_pending_after_the_push_whatever_is_written_next(services) -> None:
    store = services.store
    create_demo_movimientos(store, 120, TODAY, batch=50)  # bulk: counted per batch
    assert_unsent_equal_scanned(store)
    answer_push(store)
    assert_unsent_equal_scanned(store)
    with store.session() as session:
        assert not has_pending(session)
        assert pending_count(session) == 0
    with store.session() as session:  # edits, a soft removal, a hard one
        rows = session.query(MovimientoRow).order_by(MovimientoRow.id).limit(3).all()
        rows[0].estado = "rechazado"
        rows[1].deleted = True
        session.delete(rows[2])
    assert_unsent_equal_scanned(store)
    with store.session() as session:
        assert pending_count(session) == 3
    answer_push(store)
    assert_unsent_equal_scanned(store)
    with store.session() as session:  # a conflict that travels, one that does not, then both
        session.add(SyncConflict(table_name="x", row_uuid="u", kind="duplicado", loser="{}"))
        session.add(SyncConflict(table_name="x", row_uuid="v", kind="cambio", loser="{}"))
    assert_unsent_equal_scanned(store)
    with store.session() as session:
        session.execute(update(SyncConflict).values(kind="cambio"))
    assert_unsent_equal_scanned(store)
    answer_push(store)
    assert_unsent_equal_scanned(store)
    with store.session() as session:
        assert not has_pending(session)


def _downgrade(path: Path, target: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    engine = make_engine(path)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, target)
    engine.dispose()


def test_a_store_migrated_with_rows_counts_them(tmp_path: Path) -> None:
    """A store of the revision before the count, with rows sync never saw and rows it did:
    the migration counts the first ones."""
    path = tmp_path / "anterior.sqlite3"
    store = Store(path)
    try:
        create_demo_movimientos(store, 40, TODAY, batch=40)
        answer_push(store)
    finally:
        store.close()
    _downgrade(path, "0020_registro_estado")
    conn = cifrado.conectar(path)
    sumas.register(conn)  # the sums' triggers still run
    with conn:  # without the count's triggers: states removed unseen
        conn.execute(
            "DELETE FROM sync_row_state WHERE table_name = 'movimientos' AND row_uuid IN "
            "(SELECT uuid FROM movimientos WHERE id % 3 = 0)"
        )
    conn.close()
    store = Store(path)  # brings it to head: the count starts from the rows there
    try:
        assert_unsent_equal_scanned(store)
        with store.session() as session:
            assert pending_count(session) == len(range(3, 41, 3))
    finally:
        store.close()
