"""The SQLite store: file, pragmas, migrations, append-only audit log, damaged/newer files."""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from icsoe_desktop.config import DATABASE_FILE
from icsoe_desktop.services.container import open_services
from icsoe_desktop.store import cifrado
from icsoe_desktop.store.db import Store, StoreError, large_page_cache, small_page_cache
from icsoe_desktop.store.migrations import HEAD_REVISION, MIGRATIONS_DIR
from icsoe_desktop.store.models import AuditEntry, Base

if TYPE_CHECKING:
    import sqlite3


@contextmanager
def _raw(path: Path) -> Iterator[sqlite3.Connection]:
    """A plain sqlite3 connection, as any other program would open the file."""
    conn = cifrado.conectar(path)
    try:
        with conn:
            yield conn
    finally:
        conn.close()


def _record(store: Store, action: str, target: str = "") -> None:
    with store.session() as session:
        session.add(AuditEntry(actor="admin@empresa.com", action=action, target=target))


def test_new_data_dir_gets_the_database_file(data_dir: Path, clock) -> None:
    assert not (data_dir / DATABASE_FILE).exists()
    services = open_services(data_dir, clock)
    try:
        assert (data_dir / DATABASE_FILE).is_file()
        assert services.store.path == data_dir / DATABASE_FILE
    finally:
        services.close()


def test_connections_use_wal_and_foreign_keys(services) -> None:
    with services.store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000


def test_a_kept_connection_keeps_64_mib_of_pages_and_a_bulk_write_keeps_them(services) -> None:
    # SQLCipher decrypts each page read from the file: the grid's pages stay decrypted here.
    with services.store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -64 * 1024
        temp_store = conn.exec_driver_sql("PRAGMA temp_store").scalar()
        with large_page_cache(conn):
            assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -64 * 1024
            assert conn.exec_driver_sql("PRAGMA temp_store").scalar() == 2  # MEMORY
        assert conn.exec_driver_sql("PRAGMA temp_store").scalar() == temp_store
        # A one-pass job (Firmar) holds SQLite's own 2 MiB, and the kept size comes back
        # after it, even when the job fails.
        with pytest.raises(ZeroDivisionError), small_page_cache(conn):
            assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -2048
            assert conn.exec_driver_sql("SELECT count(*) FROM icsoe_informativas").scalar() == 0
            1 / 0  # noqa: B018  # the job failing half-way
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -64 * 1024


def test_wal_mode_is_kept_in_the_file(services) -> None:
    with _raw(services.store.path) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_new_file_is_at_head_revision(services) -> None:
    with _raw(services.store.path) as raw:
        assert raw.execute("SELECT version_num FROM alembic_version").fetchall() == [
            (HEAD_REVISION,)
        ]


def test_head_revision_is_the_newest_migration_and_each_file_is_named_by_its_revision() -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    scripts = ScriptDirectory.from_config(config)
    assert scripts.get_heads() == [HEAD_REVISION]
    for script in scripts.walk_revisions():
        assert Path(script.path).stem == script.revision


def test_migrated_schema_matches_the_models(services) -> None:
    # SQLAlchemy reflects no index on an expression (the find box's names): both sides skip them.
    with warnings.catch_warnings(), services.store.engine.connect() as conn:
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based")
        warnings.filterwarnings("ignore", "autogenerate skipping metadata-specified expression")
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_upgrading_a_database_with_lotes_keeps_every_lote_and_its_movements(
    tmp_path: Path,
) -> None:
    """0006 rebuilds the lotes table; its children (ON DELETE CASCADE) must survive it."""
    from alembic import command
    from sqlalchemy import column, insert, table

    from icsoe_desktop.demo.movimientos import demo_rows
    from icsoe_desktop.store.db import make_engine
    from icsoe_desktop.store.models import Lote, LoteMovimiento

    path = tmp_path / DATABASE_FILE
    engine = make_engine(path)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    stamp = datetime(2026, 11, 20, 9, 30)
    envelope = {"created_at": stamp, "updated_at": stamp, "version": 1, "deleted": False}
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0005_sync")
        conn.execute(
            insert(Lote.__table__),
            {"id": 1, "numero": 1, "registro_patronal": "Y5412345106", "generado_at": stamp,
             "archivo": "Lote_000001_Y5412345106.txt", "generado_por": "ana@empresa.com",
             "uuid": "7c0e7d0e-0000-4000-8000-000000000001", **envelope},
        )  # fmt: skip
        # Only the columns movimientos had at 0005: a later migration adds the others.
        then = [r[1] for r in conn.exec_driver_sql("PRAGMA table_info(movimientos)")]
        rows = list(demo_rows(3, date(2026, 11, 22)))
        for n, row in enumerate(rows, start=1):
            row.update(id=n, lote_id=1, estado="enviado")
        conn.execute(
            insert(table("movimientos", *map(column, then))),
            [{c: row[c] for c in then if c in row} for row in rows],
        )
        conn.execute(
            insert(LoteMovimiento.__table__),
            [{"lote_id": 1, "movimiento_id": n, "resultado": "enviado", "causa_rechazo": "",
              "uuid": f"7c0e7d0e-0000-4000-8000-00000000010{n}", **envelope}
             for n in (1, 2, 3)],
        )  # fmt: skip
    engine.dispose()

    store = Store(path)
    try:
        with store.engine.begin() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM lote_movimientos").scalar() == 3
            assert (
                conn.exec_driver_sql("SELECT count(*) FROM movimientos WHERE lote_id = 1").scalar()
                == 3
            )
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            # Another desktop's lote 1 can now live beside this one.
            conn.execute(
                insert(Lote.__table__),
                {"numero": 1, "registro_patronal": "B1234567105", "generado_at": stamp,
                 "archivo": "Lote_000001_B1234567105.txt", "generado_por": "beto@empresa.com",
                 "uuid": "7c0e7d0e-0000-4000-8000-000000000002", **envelope},
            )  # fmt: skip
            assert conn.exec_driver_sql("SELECT count(*) FROM lotes WHERE numero = 1").scalar() == 2
    finally:
        store.close()


@pytest.mark.slow
def test_upgrading_keeps_every_sync_state_and_what_waits_to_be_sent(tmp_path: Path) -> None:
    """0014 rebuilds sync_row_state (one b-tree per state): the changes waiting to be sent
    before the update still wait after it, and the rows seen stay seen."""
    from alembic import command

    from icsoe_desktop.services.sync.encode import pending_count
    from icsoe_desktop.store.db import make_engine

    path = tmp_path / DATABASE_FILE
    engine = make_engine(path)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    states = [  # two deletions of registros to send, three rows seen as the server has them
        ("registros_patronales", f"7c0e7d0e-0000-4000-8000-00000000000{n}", 10 + n, n < 2, n)
        for n in range(5)
    ]
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0013_e20gaps_solo_consulta")
        conn.exec_driver_sql("INSERT INTO sync_row_state VALUES (?, ?, ?, ?, ?)", states)
    engine.dispose()

    store = Store(path)
    try:
        with store.session() as session:
            assert pending_count(session) == 2
            kept = session.connection().exec_driver_sql(
                "SELECT table_name, row_uuid, server_seq, dirty, version FROM sync_row_state "
                "ORDER BY row_uuid"
            )
            assert [tuple(row) for row in kept] == states
    finally:
        store.close()
    with _raw(path) as conn:
        (table,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'sync_row_state'")
    assert table[0].endswith("WITHOUT ROWID")


def test_audit_log_refuses_update_and_delete_even_outside_the_app(services) -> None:
    _record(services.store, "usuario_idse_alta", "ana@empresa.com")
    with _raw(services.store.path) as raw:
        with pytest.raises(cifrado.IntegrityError, match="sólo inserción"):
            raw.execute("UPDATE audit_log SET actor = 'otro@empresa.com'")
        with pytest.raises(cifrado.IntegrityError, match="sólo inserción"):
            raw.execute("DELETE FROM audit_log")
        rows = raw.execute("SELECT actor, action, target FROM audit_log").fetchall()
    assert rows == [("admin@empresa.com", "usuario_idse_alta", "ana@empresa.com")]


def test_audit_log_refuses_changes_through_the_store(services) -> None:
    _record(services.store, "usuario_idse_alta", "ana@empresa.com")
    with pytest.raises(StoreError) as refused, services.store.session() as session:
        session.execute(text("DELETE FROM audit_log"))
    assert refused.value.code == "cambio_rechazado"
    assert refused.value.message.startswith("La base de datos rechazó el cambio")
    assert [r.action for r in services.audit.recent()] == ["usuario_idse_alta"]


def test_reopening_an_existing_file_keeps_the_data(data_dir: Path, clock) -> None:
    path = data_dir / DATABASE_FILE
    store = Store(path)
    _record(store, "configuracion_smtp", "smtp.empresa.com:587")
    store.close()

    reopened = open_services(data_dir, clock)
    try:
        _record(reopened.store, "usuario_idse_alta", "ana@empresa.com")
        actions = [r.action for r in reopened.audit.recent()]
    finally:
        reopened.close()
    # A chain written without the installation's key (here: by the store alone) goes on keyed
    # from an entry that says so.
    assert actions == ["usuario_idse_alta", "bitacora_con_llave", "configuracion_smtp"]


def test_file_that_is_not_a_database_gives_a_spanish_error_and_is_left_alone(
    data_dir: Path,
) -> None:
    path = data_dir / DATABASE_FILE
    garbage = os.urandom(64 * 1024)
    path.write_bytes(garbage)
    with pytest.raises(StoreError) as info:
        Store(path)
    assert info.value.code == "base_datos_danada"
    assert "No se pudo abrir la base de datos" in info.value.message
    assert "dañado" in info.value.message
    assert str(path) in info.value.message  # the user can find the file
    assert path.read_bytes() == garbage  # never overwritten


def test_open_services_on_a_damaged_file_raises_store_error(data_dir: Path, clock) -> None:
    (data_dir / DATABASE_FILE).write_bytes(b"esto no es una base de datos\n" * 500)
    with pytest.raises(StoreError) as info:
        open_services(data_dir, clock)
    assert info.value.code == "base_datos_danada"


def test_database_from_a_newer_app_version_is_refused_untouched(data_dir: Path) -> None:
    path = data_dir / DATABASE_FILE
    store = Store(path)
    _record(store, "usuario_idse_alta", "ana@empresa.com")
    store.close()
    with _raw(path) as raw:
        raw.execute("UPDATE alembic_version SET version_num = '0099_futura'")

    with pytest.raises(StoreError) as info:
        Store(path)
    assert info.value.code == "base_datos_mas_nueva"
    assert "versión más reciente" in info.value.message
    assert "Actualiza icsoe-desktop" in info.value.message

    with _raw(path) as raw:
        assert raw.execute("SELECT version_num FROM alembic_version").fetchone() == ("0099_futura",)
        assert raw.execute("SELECT count(*) FROM audit_log").fetchone() == (1,)


def test_failed_unit_of_work_leaves_nothing_behind(services) -> None:
    with pytest.raises(RuntimeError), services.store.session() as session:
        session.add(AuditEntry(actor="admin@empresa.com", action="a_medias"))
        session.flush()
        raise RuntimeError("falla a la mitad")
    assert services.audit.recent() == []


def test_stores_open_at_once_share_compiled_sql_and_each_keeps_its_own_rows(tmp_path: Path) -> None:
    """Every store's engine uses one dialect, so a statement compiled for one serves all (the
    catalog, an empresa, the next empresa opened): each store still reads and writes its own
    file, also after another one was closed."""
    from sqlalchemy import select

    first, second = Store(tmp_path / "a.sqlite3"), Store(tmp_path / "b.sqlite3")
    assert first.engine.dialect is second.engine.dialect
    for store, actor in ((first, "ana@nominas.com"), (second, "beto@nominas.com")):
        with store.session() as session:
            session.add(AuditEntry(actor=actor, action="prueba"))
    first.close()
    third = Store(tmp_path / "c.sqlite3")
    actors = select(AuditEntry.actor).where(AuditEntry.action == "prueba")
    with second.session() as session:
        assert session.scalars(actors).all() == ["beto@nominas.com"]
    with third.session() as session:
        assert session.scalars(actors).all() == []
    reopened = Store(tmp_path / "a.sqlite3")
    with reopened.session() as session:
        assert session.scalars(actors).all() == ["ana@nominas.com"]
    for store in (second, third, reopened):
        store.close()


def test_a_change_is_stamped_by_the_desktop_clock_and_never_before_the_one_it_replaced(
    services, clock
) -> None:
    """The stamp that travels with each change: the services' clock; a clock set back stamps
    just after the row's previous change instead of before it."""
    from datetime import timedelta

    from sqlalchemy import select

    from icsoe_desktop.store.models import RegistroPatronal

    def stamp() -> datetime:
        with services.store.session() as session:
            return session.scalar(select(RegistroPatronal.updated_at))

    services.registros.save("Y5412345106", "EDE0101018A2", "Primera", "admin")
    assert stamp() == clock.now
    first = stamp()
    clock.advance(days=-2)
    services.registros.save("Y5412345106", "EDE0101018A2", "Segunda", "admin")
    assert stamp() == first + timedelta(microseconds=1)
    clock.advance(days=3)
    services.registros.save("Y5412345106", "EDE0101018A2", "Tercera", "admin")
    assert stamp() == clock.now
