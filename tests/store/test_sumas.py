"""The drift check's kept sums (store/sumas.py) stay equal to the rows hashed one by one, per
table and per bucket of uuids, whoever writes: bulk inserts (demo data, an import, a sync
pull), the ORM's edits, soft and hard removals, push answers recorded, states of rows this
desktop does not keep (a «duplicado»), and a row arriving for such a state. The rows without
a state kept per table (store/pendientes.py) are checked through the same writes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select, update

from icsoe_desktop.demo.movimientos import create_demo_movimientos
from icsoe_desktop.domain import sync_wire
from icsoe_desktop.services.container import open_services
from icsoe_desktop.services.sync.apply import apply_remote
from icsoe_desktop.services.sync.check import bucket_summary, kept_buckets, kept_view
from icsoe_desktop.services.sync.encode import local_changes, pending_count
from icsoe_desktop.services.sync.insert import upsert_states
from icsoe_desktop.store import cifrado, sumas
from icsoe_desktop.store.models import MovimientoRow, RegistroPatronal, SyncConflict
from icsoe_desktop.store.sync_tables import SYNCED_TABLES
from tests import respaldos
from tests.services.movimientos_data import add_registros, known_rows, write_csv
from tests.store.test_pendientes import answer_push, assert_unsent_equal_scanned

TODAY = date(2026, 11, 22)
MOD = sync_wire.SUM_MODULUS


def assert_kept_equal_scanned(store) -> None:
    """Every synced table's kept sums, per bucket and whole, are its rows hashed now."""
    with store.session() as session:
        view = kept_view(session, pending_count)
        for table in SYNCED_TABLES:
            scanned = {b: (n, t % MOD) for b, (n, t) in bucket_summary(session, table).items()}
            assert kept_buckets(session, table) == scanned, table.name
            whole = (sum(n for n, _t in scanned.values()), sum(t for _n, t in scanned.values()))
            assert view.sums.get(table.name, (0, 0)) == (whole[0], whole[1] % MOD), table.name
    assert_unsent_equal_scanned(store)


@pytest.mark.slow
def test_a_plain_sqlite_connection_keeps_the_sums_without_loading_them_first(services) -> None:
    """The connections the login and the mail queues open through ``store/plain.py`` do not load
    this module; one that writes a synced row still keeps its sums (the function's name is the
    one the triggers call)."""
    from contextlib import closing

    from icsoe_desktop.store import plain

    create_demo_movimientos(services.store, 20, TODAY)
    with closing(plain.connect(services.store.path)) as connection:
        connection.execute("UPDATE movimientos SET version = version + 1 WHERE id % 2 = 0")
        connection.execute("DELETE FROM movimientos WHERE id = 3")
    assert_kept_equal_scanned(services.store)


def test_kept_sums_equal_the_rows_whoever_writes(services, tmp_path: Path, clock) -> None:
    create_demo_movimientos(services.store, 300, TODAY, batch=70)  # several bulk batches
    assert_kept_equal_scanned(services.store)
    add_registros(services)
    assert services.importador.import_file(write_csv(tmp_path / "a.csv", known_rows()), "t")
    assert_kept_equal_scanned(services.store)
    answer_push(services.store)  # push answers: states clean with their versions
    assert_kept_equal_scanned(services.store)
    with services.store.session() as session:  # edits (versions bumped), removals
        for row in session.query(MovimientoRow).filter(MovimientoRow.id % 4 == 0):
            row.estado = "rechazado"
        for row in session.query(MovimientoRow).filter(MovimientoRow.id % 9 == 0):
            session.delete(row)  # hard: the clean state now counts, then the dirty one not
        session.execute(update(MovimientoRow).where(MovimientoRow.id % 7 == 0).values(version=9))
    assert_kept_equal_scanned(services.store)
    answer_push(services.store)  # the hard-deleted rows' tombstones answered: counted as states
    assert_kept_equal_scanned(services.store)
    with services.store.session() as session:
        registro = session.query(RegistroPatronal).first()
        rowless = registro.uuid
        session.add(SyncConflict(table_name="x", row_uuid="u", kind="duplicado", loser="{}"))
        session.add(SyncConflict(table_name="x", row_uuid="v", kind="cambio", loser="{}"))
    with services.store.session() as session:
        # A row whose state stays (a «duplicado» kept as a state only), then the row again.
        connection = session.connection()
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        session.info["sync_applying_remote"] = True
        session.execute(delete(RegistroPatronal).where(RegistroPatronal.uuid == rowless))
        upsert_states(session, [("registros_patronales", rowless, 5, False, 4, None)])
    assert_kept_equal_scanned(services.store)

    # Another desktop pulls them all (bulk insert and states), then changes of them.
    (tmp_path / "otro").mkdir()
    other = open_services(tmp_path / "otro", clock)
    try:
        with services.store.session() as session:
            wire = [r for r in local_changes(session) if r["table"] != "sync_conflicts"]
            with_state = list(local_changes(session))
        for seq, row in enumerate(wire, start=1):
            row["seq"] = seq
        with other.store.session() as session:
            apply_remote(session, sync_wire.groups_of_rows(wire), clock())
        assert_kept_equal_scanned(other.store)
        with services.store.session() as session:
            session.execute(
                update(MovimientoRow).where(MovimientoRow.id % 5 == 0).values(version=20)
            )
            changed = [r for r in local_changes(session) if r["table"] == "movimientos"]
        for seq, row in enumerate(changed, start=len(wire) + 1):
            row["seq"] = seq
        with other.store.session() as session:
            apply_remote(session, sync_wire.groups_of_rows(changed), clock())
        assert_kept_equal_scanned(other.store)
        assert with_state
    finally:
        other.close()


def test_a_pulled_page_with_rows_adopted_keeps_sums_and_count(
    services, tmp_path: Path, clock
) -> None:
    """A pulled page whose rows clash with local ones never sent is written with its states in
    one bulk step: the local rows take the pulled uuids (those captured otherwise also the
    pulled content, their own kept as «recapturado» conflicts); the kept sums and the unsent
    count still equal the rows read one by one."""
    create_demo_movimientos(services.store, 60, TODAY, batch=60)
    with services.store.session() as session:
        wire = [r for r in local_changes(session) if r["table"] == "movimientos"]
    for seq, row in enumerate(wire, start=1):
        row["seq"] = seq
    (tmp_path / "otro").mkdir()
    other = open_services(tmp_path / "otro", clock)
    try:
        create_demo_movimientos(other.store, 20, TODAY, batch=20)  # the same natural keys
        with other.store.session() as session:  # 5 of them captured otherwise
            session.execute(
                update(MovimientoRow).where(MovimientoRow.id <= 5).values(nombre="OTRO")
            )
        waiting = other.sync.pending_count()
        with other.store.session() as session:
            apply_remote(session, sync_wire.groups_of_rows(wire), clock())
        with other.store.session() as session:
            recaptured = session.scalar(
                select(func.count())
                .select_from(SyncConflict)
                .where(SyncConflict.kind == "recapturado")
            )
            others = session.scalar(
                select(func.count())
                .select_from(MovimientoRow)
                .where(MovimientoRow.nombre == "OTRO")
            )
            kept = session.scalar(select(func.count()).select_from(MovimientoRow))
            held = set(session.scalars(select(MovimientoRow.uuid)))
        assert (recaptured, others) == (5, 0)
        assert kept == 60  # 20 local + the 40 pulled that did not clash
        assert held == {row["uuid"] for row in wire}  # 20 adopted + 40 inserted
        assert other.sync.pending_count() == waiting - 20  # the adopted ones are the server's
        assert_kept_equal_scanned(other.store)
    finally:
        other.close()


@pytest.mark.slow
def test_a_backup_with_the_earlier_triggers_restores_and_keeps_sums_and_count(
    services, tmp_path: Path
) -> None:
    """A backup of the revision whose bookkeeping triggers were written out in full on each
    table (0021), with rows written there under them, is accepted as the app wrote it, migrated
    to the compact triggers, and its sums and unsent count stay the rows' as writing goes on."""
    from contextlib import closing

    from icsoe_desktop.domain.roles import CLI_ACTOR
    from icsoe_desktop.store.migrations import HEAD_REVISION
    from tests.store.test_pendientes import _downgrade

    create_demo_movimientos(services.store, 60, TODAY, batch=60)
    answer_push(services.store)
    backup = services.backup.backup(tmp_path / "anterior.icsoe-respaldo", actor=CLI_ACTOR)
    respaldos.en_llave_de_la_instalacion(backup)  # as the version of before wrote it
    _downgrade(backup, "0021_pendientes")
    with closing(respaldos.abrir(backup)) as conn, conn:
        views = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'view'")
        assert views.fetchone() == (0,)
        sumas.register(conn)  # the earlier triggers keep the sums and the count of these
        conn.execute("UPDATE movimientos SET version = version + 1 WHERE id % 3 = 0")
        conn.execute("DELETE FROM movimientos WHERE id % 5 = 0")
        conn.execute(
            "DELETE FROM sync_row_state WHERE row_uuid IN "
            "(SELECT uuid FROM movimientos WHERE id % 11 = 0)"
        )

    services.backup.restore(backup, actor=CLI_ACTOR)
    with closing(cifrado.conectar(services.store.path)) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (
            HEAD_REVISION,
        )
    assert_kept_equal_scanned(services.store)
    create_demo_movimientos(services.store, 90, TODAY, batch=30)  # new rows, bulk batches
    with services.store.session() as session:
        for row in session.query(MovimientoRow).filter(MovimientoRow.id % 4 == 0):
            row.estado = "rechazado"
        session.execute(delete(MovimientoRow).where(MovimientoRow.id % 7 == 0))
    assert_kept_equal_scanned(services.store)
    answer_push(services.store)
    assert_kept_equal_scanned(services.store)


def test_what_is_changed_without_the_app_leaves_the_sums_of_what_the_file_keeps(
    services,
) -> None:
    """A row removed with its state clean (not by the app, which marks a tombstone to send)
    stops counting, its state with it; content changed under the same version counts as
    version 0. The kept sums stay the rows hashed now, and so differ from the server's."""
    from contextlib import closing

    from icsoe_desktop.store import plain
    from icsoe_desktop.store.models import SyncRowState

    create_demo_movimientos(services.store, 30, TODAY)
    answer_push(services.store)
    with services.store.session() as session:
        before = kept_view(session, pending_count).sums["movimientos"]
    with closing(plain.connect(services.store.path)) as connection, connection:
        connection.execute("DELETE FROM movimientos WHERE id IN (2, 3)")
        connection.execute("UPDATE movimientos SET nombre = 'OTRO' WHERE id = 5")
        connection.execute("UPDATE movimientos SET nombre = 'OTRO', version = 9 WHERE id = 6")
    assert_kept_equal_scanned(services.store)
    with services.store.session() as session:
        versions = dict(session.execute(select(MovimientoRow.id, MovimientoRow.version)).all())
        lost = session.scalars(
            select(func.count())
            .select_from(SyncRowState)
            .where(SyncRowState.table_name == "movimientos", SyncRowState.version.is_(None))
        ).one()
        after = kept_view(session, pending_count).sums["movimientos"]
    assert (versions[5], versions[6], 2 in versions) == (0, 9, False)
    assert lost == 2
    assert after[0] == before[0] - 2


def test_a_change_to_any_sent_column_without_the_app_is_noticed(services) -> None:
    """The content triggers list each synced table's columns as a migration froze them: a
    column synced since must be watched too (by the trigger the store adds after the upgrade),
    or a change to it outside the app goes unseen."""

    from icsoe_desktop.store.sync_tables import SYNCED_TABLES

    conn = cifrado.conectar(services.store.path)
    try:
        sql = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"))
    finally:
        conn.close()
    missing = {}
    for table in SYNCED_TABLES:
        trigger = sql.get(f"sync_sums_{table.name}_contenido")
        if trigger is None:
            continue  # append-only: its rows never change
        trigger += sql.get(f"sync_sums_{table.name}{sumas.ADDED}", "")
        content = set(table.columns) - {"uuid", "version", "updated_at"}
        lost = sorted(
            c for c in content if f"old.{c}," not in trigger and f"old.{c})" not in trigger
        )
        if lost:
            missing[table.name] = lost
    assert missing == {}


def test_a_column_synced_after_the_last_bookkeeping_gets_a_trigger_of_its_own(services) -> None:
    """A migration that adds a synced column only adds it: after the upgrade to head the store
    finds the column its migration's content trigger misses (store/db.py) and watches it with
    one more trigger, so a change to it without the app is noticed (version 0); before any
    migration that trigger goes, so that a downgrade may drop the column."""
    from contextlib import closing

    from icsoe_desktop.store import plain
    from icsoe_desktop.store.sync_tables import sums_tables

    tables = sums_tables()
    older = tuple(
        (n, a, s, tuple(c for c in content if c != "nombre") if n == "movimientos" else content)
        for n, a, s, content in tables
    )
    create_demo_movimientos(services.store, 3, TODAY)
    answer_push(services.store)
    with closing(plain.connect(services.store.path)) as connection, connection:
        sumas.drop_bookkeeping(connection)
        for statement in sumas.bookkeeping(older):  # as a migration before «nombre» froze it
            connection.execute(statement)
        assert sumas.added_columns(connection, tables) == {"movimientos": ("nombre",)}
        connection.execute("UPDATE movimientos SET nombre = 'OTRO' WHERE id = 1")
        assert sumas.add_triggers(connection, tables) == {"movimientos": ("nombre",)}
        connection.execute("UPDATE movimientos SET nombre = 'OTRO' WHERE id = 2")
        sumas.drop_added(connection)
        names = [n for (n,) in connection.execute("SELECT name FROM sqlite_master")]
        assert "sync_sums_movimientos_contenido_agregado" not in names
        assert "sync_sums_movimientos_contenido" in names
    with services.store.session() as session:
        versions = dict(session.execute(select(MovimientoRow.id, MovimientoRow.version)).all())
    assert (versions[1], versions[2]) == (1, 0)  # unseen with the migration's trigger alone
    assert_kept_equal_scanned(services.store)
