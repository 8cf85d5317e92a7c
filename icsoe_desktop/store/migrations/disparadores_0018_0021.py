"""The sync's bookkeeping triggers as migrations 0018 (sums) and 0021 (unsent counts) create
them, written out in full on each table; migration 0022 replaces them with the compact form of
``store/sumas.py`` and ``store/pendientes.py``. Kept as they were: a store or a backup at those
revisions holds exactly this text, and a restore compares a file's schema with it
(``services/respaldo/esquema.py``)."""

from __future__ import annotations

from collections.abc import Iterable

from icsoe_desktop.domain.sync_wire import SUM_MODULUS as MOD

HASH_FUNCTION = "sync_hash"
BUCKET = "substr({uuid}, -3)"

# --- sums (0018) ------------------------------------------------------------------------------

_SUMS_UPSERT = (
    "ON CONFLICT (table_name, bucket) DO UPDATE SET rows = rows + excluded.rows, "
    f"total = (total + excluded.total) % {MOD}"
)


def _sums_change(table: str, row_uuid: str, version: str, sign: int, where: str = "") -> str:
    """The statement adding (``sign`` 1) or taking out (-1) one row's hash."""
    part = f"{HASH_FUNCTION}({row_uuid}, {version})"
    total = part if sign > 0 else f"{MOD} - {part}"
    bucket = BUCKET.format(uuid=row_uuid)
    return (
        f"INSERT INTO sync_sums (table_name, bucket, rows, total) SELECT {table}, {bucket}, "
        f"{sign}, {total} {where or 'WHERE true'} {_SUMS_UPSERT};"
    )


def _sums_rowless(table: str, row_uuid: str, sign: int) -> str:
    """Adds or takes out the clean, versioned state of ``row_uuid`` (counted while the row is
    not here)."""
    return _sums_change(
        f"'{table}'",
        "s.row_uuid",
        "s.version",
        sign,
        f"FROM sync_row_state AS s WHERE s.table_name = '{table}' AND s.row_uuid = {row_uuid} "
        "AND s.dirty IS 0 AND s.version IS NOT NULL",
    )


def sums_table_triggers(table: str, append_only: bool, sent: str | None = None) -> list[str]:
    """The triggers of one synced table. ``sent``: the SQL condition, over ``{row}``, of the
    rows that travel (None: all); ``append_only``: rows never change (version 1)."""

    def version(row: str) -> str:
        return "1" if append_only else f"{row}.version"

    def travels(row: str) -> str:
        return f"WHERE {sent.format(row=row)}" if sent else ""

    name = f"'{table}'"
    triggers = [
        f"CREATE TRIGGER sync_sums_{table}_insert AFTER INSERT ON {table} BEGIN "
        f"{_sums_change(name, 'new.uuid', version('new'), 1, travels('new'))} "
        f"{_sums_rowless(table, 'new.uuid', -1)} END"
    ]
    if not append_only:  # (an append-only table refuses changes and removals itself)
        triggers.append(
            f"CREATE TRIGGER sync_sums_{table}_delete AFTER DELETE ON {table} BEGIN "
            f"{_sums_change(name, 'old.uuid', version('old'), -1, travels('old'))} "
            f"{_sums_rowless(table, 'old.uuid', 1)} END"
        )
        columns = "version" + (", kind" if sent and "kind" in sent else "")
        changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in columns.split(", "))
        triggers.append(
            f"CREATE TRIGGER sync_sums_{table}_update AFTER UPDATE OF {columns} ON {table} "
            f"WHEN {changed} BEGIN "
            f"{_sums_change(name, 'old.uuid', version('old'), -1, travels('old'))} "
            f"{_sums_change(name, 'new.uuid', version('new'), 1, travels('new'))} END"
        )
    return triggers


def sums_state_triggers(tables: Iterable[str]) -> list[str]:
    """The triggers of ``sync_row_state``: a clean, versioned state counts while its table
    holds no row of its uuid. (One EXISTS over every synced table: SQLite tests the constant
    ``table_name = …`` of each part before looking its index up.)"""

    def has_row(state: str) -> str:
        parts = " UNION ALL ".join(
            f"SELECT 1 FROM {t} WHERE {state}.table_name = '{t}' AND uuid = {state}.row_uuid"
            for t in tables
        )
        return f"EXISTS ({parts})"

    def counted(state: str) -> str:
        return f"{state}.dirty IS 0 AND {state}.version IS NOT NULL"

    def change(state: str, sign: int) -> str:
        return _sums_change(
            f"{state}.table_name",
            f"{state}.row_uuid",
            f"{state}.version",
            sign,
            f"WHERE {counted(state)}",
        )

    return [
        "CREATE TRIGGER sync_sums_state_insert AFTER INSERT ON sync_row_state "
        f"WHEN {counted('new')} AND NOT {has_row('new')} BEGIN {change('new', 1)} END",
        "CREATE TRIGGER sync_sums_state_update AFTER UPDATE OF dirty, version ON sync_row_state "
        "WHEN (old.dirty IS NOT new.dirty OR old.version IS NOT new.version) "
        f"AND ({counted('old')} OR {counted('new')}) AND NOT {has_row('new')} "
        f"BEGIN {change('old', -1)} {change('new', 1)} END",
        "CREATE TRIGGER sync_sums_state_delete AFTER DELETE ON sync_row_state "
        f"WHEN {counted('old')} AND NOT {has_row('old')} BEGIN {change('old', -1)} END",
    ]


# --- unsent counts (0021) -------------------------------------------------------------------

_UNSENT_UPSERT = "ON CONFLICT (table_name) DO UPDATE SET rows = rows + excluded.rows"


def _unsent_add(table: str, sign: int) -> str:
    return f"INSERT INTO sync_unsent (table_name, rows) VALUES ({table}, {sign}) {_UNSENT_UPSERT};"


def _unsent_stateless(table: str, row_uuid: str) -> str:
    return (
        f"NOT EXISTS (SELECT 1 FROM sync_row_state WHERE table_name = '{table}' "
        f"AND row_uuid = {row_uuid})"
    )


def unsent_table_triggers(table: str, sent: str | None = None) -> list[str]:
    """The triggers of one synced table. ``sent``: the SQL condition, over ``{row}``, of the
    rows that travel (None: all)."""

    def counts(row: str) -> str:
        travels = f"({sent.format(row=row)}) AND " if sent else ""
        return f"{travels}{_unsent_stateless(table, f'{row}.uuid')}"

    name = f"'{table}'"
    columns = "uuid" + (", kind" if sent and "kind" in sent else "")
    changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in columns.split(", "))
    return [
        f"CREATE TRIGGER sync_unsent_{table}_insert AFTER INSERT ON {table} "
        f"WHEN {counts('new')} BEGIN {_unsent_add(name, 1)} END",
        f"CREATE TRIGGER sync_unsent_{table}_delete AFTER DELETE ON {table} "
        f"WHEN {counts('old')} BEGIN {_unsent_add(name, -1)} END",
        f"CREATE TRIGGER sync_unsent_{table}_update AFTER UPDATE OF {columns} ON {table} "
        f"WHEN {changed} BEGIN "
        f"INSERT INTO sync_unsent (table_name, rows) SELECT {name}, -1 WHERE {counts('old')} "
        f"{_UNSENT_UPSERT}; "
        f"INSERT INTO sync_unsent (table_name, rows) SELECT {name}, 1 WHERE {counts('new')} "
        f"{_UNSENT_UPSERT}; END",
    ]


def unsent_state_triggers(tables: Iterable[tuple[str, str | None]]) -> list[str]:
    """The triggers of ``sync_row_state``: a state whose table holds a row of its uuid that
    travels takes that row out of the count while it exists. (One EXISTS over every synced
    table: SQLite tests the constant ``table_name = …`` of each part first.)"""
    tables = list(tables)

    def has_row(state: str) -> str:
        parts = " UNION ALL ".join(
            f"SELECT 1 FROM {t} AS m WHERE {state}.table_name = '{t}' "
            f"AND m.uuid = {state}.row_uuid" + (f" AND {sent.format(row='m')}" if sent else "")
            for t, sent in tables
        )
        return f"EXISTS ({parts})"

    def add(state: str, sign: int) -> str:
        return (
            f"INSERT INTO sync_unsent (table_name, rows) SELECT {state}.table_name, {sign} "
            f"WHERE {has_row(state)} {_UNSENT_UPSERT};"
        )

    return [
        "CREATE TRIGGER sync_unsent_state_insert AFTER INSERT ON sync_row_state "
        f"WHEN {has_row('new')} BEGIN {add('new', -1)} END",
        "CREATE TRIGGER sync_unsent_state_delete AFTER DELETE ON sync_row_state "
        f"WHEN {has_row('old')} BEGIN {add('old', 1)} END",
        "CREATE TRIGGER sync_unsent_state_update AFTER UPDATE OF table_name, row_uuid "
        "ON sync_row_state WHEN old.table_name IS NOT new.table_name "
        f"OR old.row_uuid IS NOT new.row_uuid BEGIN {add('old', 1)} {add('new', -1)} END",
    ]


def sums(tables: Iterable[tuple[str, bool, str | None]]) -> list[str]:
    """Migration 0018's triggers for ``tables``: (name, append-only, which rows travel)."""
    tables = list(tables)
    statements = [t for table in tables for t in sums_table_triggers(*table)]
    return statements + sums_state_triggers([name for name, _a, _s in tables])


def unsent(tables: Iterable[tuple[str, str | None]]) -> list[str]:
    """Migration 0021's triggers for ``tables``: (name, which rows travel)."""
    tables = list(tables)
    statements = [t for table in tables for t in unsent_table_triggers(*table)]
    return statements + unsent_state_triggers(tables)
