"""The registry of synced tables, checked generically (a new table gets these checks for free),
and the change tracking that marks rows to send."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import create_engine, func, select, update
from sqlalchemy.orm import Session

from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.domain.sync_registry import ENVELOPE, LOCAL_ONLY
from icsoe_desktop.services.acceso.accounts import Registration
from icsoe_desktop.store.models import Base, RegistroPatronal, SyncRowState
from icsoe_desktop.store.sync_tables import SYNCED_TABLES, by_name

SECRET_LOOKING = re.compile(r"hash|secret|secreto|keyring|password|contrasena|token|llave")
PASSWORD = "Nom1na$Segura"


def test_every_table_is_synced_or_declared_local() -> None:
    tables = {t.name for t in Base.metadata.sorted_tables}
    synced = {t.name for t in SYNCED_TABLES}
    assert not synced & LOCAL_ONLY
    assert tables == synced | LOCAL_ONLY, "declare the new table in domain/sync_registry.py"


def test_synced_tables_carry_the_envelope_and_never_send_what_looks_secret() -> None:
    for table in SYNCED_TABLES:
        columns = set(table.model.__table__.columns.keys())
        envelope = {"uuid"} if table.append_only else set(ENVELOPE)
        assert envelope <= columns, table.name
        assert table.never_sent <= columns, table.name
        assert set(table.local_defaults) == set(table.never_sent), table.name
        for name in columns - table.never_sent:
            assert not SECRET_LOOKING.search(name), f"{table.name}.{name} looks secret"
        assert not set(table.columns) & table.never_sent


def test_foreign_keys_point_to_earlier_synced_tables() -> None:
    order = [t.name for t in SYNCED_TABLES]
    for table in SYNCED_TABLES:
        for column, parent in table.foreign_keys.items():
            parent_name = parent.__tablename__
            assert by_name(parent_name) is not None, f"{table.name}.{column}"
            assert order.index(parent_name) < order.index(table.name), "parents first"


def _dirty(services, store=None) -> set[tuple[str, str]]:
    with (store or services.store).session() as session:
        rows = session.scalars(select(SyncRowState).where(SyncRowState.dirty.is_(True))).all()
        return {(r.table_name, r.row_uuid) for r in rows}


def _clean(services, store=None) -> None:
    with (store or services.store).session() as session:
        session.execute(update(SyncRowState).values(dirty=False))


def _user(services, store, usuario: str):
    from icsoe_desktop.store.models import IdseUser

    with store.session() as session:
        return session.scalar(select(IdseUser).where(IdseUser.usuario == usuario))


def test_every_shared_table_has_a_key_to_adopt_by_and_its_stamps_are_sent_columns() -> None:
    """A desktop installed again matches what it made before its first sync to the server's
    rows by these keys (services/sync/adopt.py): a table without one would be copied twice.
    Only the bitácora (each desktop's own events) and the conflicts have none, and the receipts,
    whose UUID is their timbre's: the same on every desktop that reads the XML."""
    keyless = {t.name for t in SYNCED_TABLES if not t.adoption_keys}
    assert keyless == {"audit_log", "sync_conflicts", "nomina_recibos", "nomina_sustituidos"}
    for table in SYNCED_TABLES:
        spec = table.spec
        named = {*spec.cuando, *spec.referencias, *(n for key in spec.claves for n in key)}
        assert named <= set(table.columns), f"{table.name}: {named - set(table.columns)}"
        for key in table.adoption_keys:  # a stamp in a key would never match again
            assert not set(key) & table.when, (table.name, key)


def test_the_servers_rows_that_wait_for_an_exclusive_parent_are_its_descendants() -> None:
    """The server keeps no contract or worker without its informativa and its contratante
    (sync_server/exclusivas.py): its list of children must be every table under an exclusive
    one, by each of its real foreign keys, parents first."""
    from icsoe_desktop.sync_server.exclusivas import CLAVES, HIJOS

    under = set(CLAVES)
    expected: list[tuple[str, str, str]] = []
    for table in SYNCED_TABLES:  # parents first
        for column, parent in table.foreign_keys.items():
            if parent.__tablename__ in under:
                expected.append((table.name, column, parent.__tablename__))
                under.add(table.name)
    assert tuple(expected) == HIJOS


def test_local_changes_are_marked_to_send_without_the_services_knowing(services) -> None:
    for nombre, usuario in (("Admin", "admin@empresa.com"), ("Ana", "ana@empresa.com")):
        services.accounts.register(
            Registration(nombre, "López", "", usuario, PASSWORD, PASSWORD, True)
        )
    services.registros.save("Y5412345106", "ABC010101AB1", "Nóminas del Centro", "admin")
    # The empresa's store marks its own rows; the catalog (users, sign-ins) is never synced,
    # so nothing of it waits to be sent, before or after an edit.
    assert {name for name, _ in _dirty(services)} == {"registros_patronales", "audit_log"}
    assert _dirty(services, services.catalogo) == set()
    services.accounts.set_enabled("ana@empresa.com", False, CLI_ACTOR)
    assert _dirty(services, services.catalogo) == set()
    assert not _user(services, services.catalogo, "ana@empresa.com").habilitado


def test_a_change_of_never_sent_columns_alone_is_not_sent(services) -> None:
    """A row whose only change is a column that never travels (a password hash) is not a
    change to send, and keeps its version; a sent column's change is one, with a new version."""
    from datetime import datetime

    from icsoe_desktop.store.models import IdseUser

    with services.store.session() as session:
        session.add(
            IdseUser(
                usuario="ana@empresa.com",
                nombre="Ana",
                primer_apellido="López",
                password_hash="antes",
                aviso_aceptado_at=datetime(2026, 11, 1),
            )
        )
    _clean(services)
    with services.store.session() as session:
        session.scalar(select(IdseUser)).password_hash = "despues"
    assert _dirty(services) == set()
    assert _user(services, services.store, "ana@empresa.com").version == 1
    with services.store.session() as session:
        session.scalar(select(IdseUser)).nombre = "Ana María"
    assert {n for n, _ in _dirty(services)} == {"idse_users"}
    assert _user(services, services.store, "ana@empresa.com").version == 2


def test_only_the_stores_sessions_track_changes(services, tmp_path: Path) -> None:
    """Importing the models no longer makes every SQLAlchemy session in the process a sync
    tracker: a plain Session on another database (a tool, a test, the sync server's own) writes
    nothing to its sync_row_state, while an edit saved through the store is a change to send."""
    engine = create_engine(f"sqlite:///{tmp_path / 'otra.sqlite3'}")
    Base.metadata.create_all(engine)
    with Session(engine) as other, other.begin():
        other.add(RegistroPatronal(registro="Y5412345106", rfc="ABC010101AB1", razon_social="A"))
    with Session(engine) as other:
        assert other.scalar(select(func.count()).select_from(RegistroPatronal)) == 1
        assert other.scalar(select(func.count()).select_from(SyncRowState)) == 0
    engine.dispose()

    services.registros.save("Y5412345106", "ABC010101AB1", "Nóminas del Centro", "admin")
    _clean(services)
    assert services.sync.pending_count() == 0
    services.registros.save("Y5412345106", "ABC010101AB1", "Nóminas del Norte", "admin")
    assert services.sync.pending_count() == 2  # the registro's edit and its audit entry
    assert {n for n, _ in _dirty(services)} == {"registros_patronales", "audit_log"}


def test_the_generic_sync_names_no_table() -> None:
    """A table's own work is a hook on its spec (``BulkHooks``, ``on_remote_change``…), so a
    column or a table added to the registry syncs without a change to the generic code."""
    root = Path(__file__).resolve().parents[2] / "icsoe_desktop"
    generic = [*sorted((root / "services" / "sync").glob("*.py")), root / "sync_server" / "app.py"]
    assert len(generic) > 10  # the folder is read
    names = re.compile(rf"\b({'|'.join(t.name for t in SYNCED_TABLES)})\b")
    for path in generic:
        found = names.findall(path.read_text(encoding="utf-8"))
        assert not found, f"{path.name} names {sorted(set(found))}"
