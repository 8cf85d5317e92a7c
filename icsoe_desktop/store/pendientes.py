"""Whether anything waits to be sent, without reading every row: per synced table, the rows
that travel and have no sync state yet (``sync_unsent``: never seen by sync, each a change
to send). The other rows to send (dirty states, tombstones) are read from the partial index
of dirty states, small when nothing waits.

Kept by triggers (migration 0021): on each synced table (insert, delete, a change of uuid or
of whether the row travels) and on ``sync_row_state`` (a state of a row here takes it out; a
state removed puts it back). A bulk insert (``store/conteo.py``) drops its table's insert
trigger (and, for a pulled page that writes its rows' states with them, the state insert
trigger) and adds the batch's count in one pass: ``add_inserted``.

No SQLAlchemy here: the migration and the bulk path call it with a driver connection.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

_UPSERT = "ON CONFLICT (table_name) DO UPDATE SET rows = rows + excluded.rows"


def _add(table: str, sign: int) -> str:
    return f"INSERT INTO sync_unsent (table_name, rows) VALUES ({table}, {sign}) {_UPSERT};"


def _stateless(table: str, row_uuid: str) -> str:
    return (
        f"NOT EXISTS (SELECT 1 FROM sync_row_state WHERE table_name = '{table}' "
        f"AND row_uuid = {row_uuid})"
    )


def table_triggers(table: str, sent: str | None = None) -> list[str]:
    """The triggers of one synced table. ``sent``: the SQL condition, over ``{row}``, of the
    rows that travel (None: all)."""

    def counts(row: str) -> str:
        travels = f"({sent.format(row=row)}) AND " if sent else ""
        return f"{travels}{_stateless(table, f'{row}.uuid')}"

    name = f"'{table}'"
    columns = "uuid" + (", kind" if sent and "kind" in sent else "")
    changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in columns.split(", "))
    return [
        f"CREATE TRIGGER sync_unsent_{table}_insert AFTER INSERT ON {table} "
        f"WHEN {counts('new')} BEGIN {_add(name, 1)} END",
        f"CREATE TRIGGER sync_unsent_{table}_delete AFTER DELETE ON {table} "
        f"WHEN {counts('old')} BEGIN {_add(name, -1)} END",
        f"CREATE TRIGGER sync_unsent_{table}_update AFTER UPDATE OF {columns} ON {table} "
        f"WHEN {changed} BEGIN "
        f"INSERT INTO sync_unsent (table_name, rows) SELECT {name}, -1 WHERE {counts('old')} "
        f"{_UPSERT}; "
        f"INSERT INTO sync_unsent (table_name, rows) SELECT {name}, 1 WHERE {counts('new')} "
        f"{_UPSERT}; END",
    ]


def state_triggers(tables: Iterable[tuple[str, str | None]]) -> list[str]:
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
            f"WHERE {has_row(state)} {_UPSERT};"
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


def insert_trigger(table: str) -> str:
    return f"sync_unsent_{table}_insert"


# A state inserted for a row that is here takes it out of the count (a lookup and an upsert per
# state): a pulled page's bulk insert drops it with the table's while it writes its rows and
# their states, then counts its batch once (``add_inserted``).
STATE_INSERT_TRIGGER = "sync_unsent_state_insert"


def count_table(connection: sqlite3.Connection, table: str, sent: str | None = None) -> int:
    """The rows of ``table`` that travel and have no state, counted from the rows."""
    where = f"AND {sent.format(row='m')}" if sent else ""
    (n,) = connection.execute(
        f"SELECT count(*) FROM {table} AS m WHERE {_stateless(table, 'm.uuid')} {where}"
    ).fetchone()
    return n


def add(connection: sqlite3.Connection, table: str, rows: int) -> None:
    if rows:
        connection.execute(
            f"INSERT INTO sync_unsent (table_name, rows) VALUES (?, ?) {_UPSERT}", (table, rows)
        )


def add_inserted(connection: sqlite3.Connection, table: str, after_id: int) -> None:
    """Count ``table``'s rows with an id above ``after_id`` (a bulk insert's batch, its insert
    trigger dropped) that have no state, read by their rowid range."""
    (n,) = connection.execute(
        f"SELECT count(*) FROM {table} AS m NOT INDEXED WHERE m.id > ? "
        f"AND {_stateless(table, 'm.uuid')}",
        (after_id,),
    ).fetchone()
    add(connection, table, n)


__all__ = [
    "STATE_INSERT_TRIGGER",
    "add",
    "add_inserted",
    "count_table",
    "insert_trigger",
    "state_triggers",
    "table_triggers",
]
