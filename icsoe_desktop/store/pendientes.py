"""Whether anything waits to be sent, without reading every row: per synced table, the rows
that travel and have no sync state yet (``sync_unsent``: never seen by sync, each a change
to send). The other rows to send (dirty states, tombstones) are read from the partial index
of dirty states, small when nothing waits.

Kept by triggers (``bookkeeping``, created by migrations 0021 and 0022): on each synced table
(insert, delete, a change of uuid or of whether the row travels) and on ``sync_row_state`` (a
state of a row here takes it out; a state removed puts it back). A bulk insert
(``store/conteo.py``) drops its table's insert trigger (and, for a pulled page that writes its
rows' states with them, the state insert trigger) and adds the batch's count in one pass:
``add_inserted``.

No SQLAlchemy here: the migration and the bulk path call it with a driver connection.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from icsoe_desktop.store import plain

if TYPE_CHECKING:
    import sqlite3

_UPSERT = "ON CONFLICT (table_name) DO UPDATE SET rows = rows + excluded.rows"

# The triggers of the synced tables name each change into a view whose INSTEAD OF trigger holds
# the statement once (every connection parses the whole schema when it opens).
CHANGE = "sync_unsent_cambio"  # (table_name, row_uuid, sign): a row that travels, in or out
ROWS = "sync_unsent_filas"  # (table_name, uuid): every synced row that travels


def _stateless(table: str, row_uuid: str) -> str:
    """SQL: no sync state of ``row_uuid`` in ``table`` (both SQL expressions)."""
    return (
        f"NOT EXISTS (SELECT 1 FROM sync_row_state WHERE table_name = {table} "
        f"AND row_uuid = {row_uuid})"
    )


def _views(tables: list[tuple[str, str | None]]) -> list[str]:
    rows = " UNION ALL ".join(
        f"SELECT '{t}' AS table_name, uuid FROM {t}"
        + (f" WHERE {sent.format(row=t)}" if sent else "")
        for t, sent in tables
    )
    return [
        f"CREATE VIEW {CHANGE} AS SELECT NULL AS table_name, NULL AS row_uuid, NULL AS sign "
        "WHERE 0",
        f"CREATE TRIGGER {CHANGE}_insert INSTEAD OF INSERT ON {CHANGE} BEGIN "
        "INSERT INTO sync_unsent (table_name, rows) SELECT new.table_name, new.sign "
        f"WHERE {_stateless('new.table_name', 'new.row_uuid')} {_UPSERT}; END",
        # SQLite pushes a lookup's terms into each part: the constant ``table_name = …`` first.
        f"CREATE VIEW {ROWS} AS {rows}",
    ]


def _table_triggers(table: str, sent: str | None = None) -> list[str]:
    """The triggers of one synced table. ``sent``: the SQL condition, over ``{row}``, of the
    rows that travel (None: all)."""

    def change(row: str, sign: int) -> str:
        values = f"'{table}', {row}.uuid, {sign}"
        if sent:
            return f"INSERT INTO {CHANGE} SELECT {values} WHERE {sent.format(row=row)};"
        return f"INSERT INTO {CHANGE} VALUES ({values});"

    columns = "uuid" + (", kind" if sent and "kind" in sent else "")
    changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in columns.split(", "))
    return [
        f"CREATE TRIGGER sync_unsent_{table}_insert AFTER INSERT ON {table} "
        f"BEGIN {change('new', 1)} END",
        f"CREATE TRIGGER sync_unsent_{table}_delete AFTER DELETE ON {table} "
        f"BEGIN {change('old', -1)} END",
        f"CREATE TRIGGER sync_unsent_{table}_update AFTER UPDATE OF {columns} ON {table} "
        f"WHEN {changed} BEGIN {change('old', -1)} {change('new', 1)} END",
    ]


def _state_triggers() -> list[str]:
    """The triggers of ``sync_row_state``: a state whose table holds a row of its uuid that
    travels takes that row out of the count while it exists."""

    def has_row(state: str) -> str:
        return (
            f"EXISTS (SELECT 1 FROM {ROWS} WHERE table_name = {state}.table_name "
            f"AND uuid = {state}.row_uuid)"
        )

    def add(state: str, sign: int, where: str = "") -> str:
        return (
            f"INSERT INTO sync_unsent (table_name, rows) SELECT {state}.table_name, {sign} "
            f"WHERE {where or 'true'} {_UPSERT};"
        )

    return [
        "CREATE TRIGGER sync_unsent_state_insert AFTER INSERT ON sync_row_state "
        f"WHEN {has_row('new')} BEGIN {add('new', -1)} END",
        "CREATE TRIGGER sync_unsent_state_delete AFTER DELETE ON sync_row_state "
        f"WHEN {has_row('old')} BEGIN {add('old', 1)} END",
        "CREATE TRIGGER sync_unsent_state_update AFTER UPDATE OF table_name, row_uuid "
        "ON sync_row_state WHEN old.table_name IS NOT new.table_name "
        f"OR old.row_uuid IS NOT new.row_uuid BEGIN {add('old', 1, has_row('old'))} "
        f"{add('new', -1, has_row('new'))} END",
    ]


def bookkeeping(tables: Iterable[tuple[str, str | None]]) -> list[str]:
    """Every view and trigger that keeps the count, for the synced ``tables``: (name, the SQL
    condition over ``{row}`` of the rows that travel or None)."""
    tables = list(tables)
    statements = _views(tables)
    for table, sent in tables:
        statements += _table_triggers(table, sent)
    return statements + _state_triggers()


def drop_bookkeeping(connection: sqlite3.Connection) -> None:
    """Drops what ``bookkeeping`` creates (its triggers and views, by their prefix)."""
    plain.drop_triggers_and_views(connection, "sync_unsent_")


def insert_trigger(table: str) -> str:
    return f"sync_unsent_{table}_insert"


# A state inserted for a row that is here takes it out of the count (a lookup and an upsert per
# state): a pulled page's bulk insert drops it with the table's while it writes its rows and
# their states, then counts its batch once (``add_inserted``).
STATE_INSERT_TRIGGER = "sync_unsent_state_insert"


def count_table(connection: sqlite3.Connection, table: str, sent: str | None = None) -> int:
    """The rows of ``table`` that travel and have no state, counted from the rows."""
    where = f"AND {sent.format(row='m')}" if sent else ""
    stateless = _stateless(f"'{table}'", "m.uuid")
    (n,) = connection.execute(
        f"SELECT count(*) FROM {table} AS m WHERE {stateless} {where}"
    ).fetchone()
    return int(n)


def add(connection: sqlite3.Connection, table: str, rows: int) -> None:
    if rows:
        connection.execute(
            f"INSERT INTO sync_unsent (table_name, rows) VALUES (?, ?) {_UPSERT}", (table, rows)
        )


def add_inserted(connection: sqlite3.Connection, table: str, after_id: int) -> None:
    """Count ``table``'s rows with an id above ``after_id`` (a bulk insert's batch, its insert
    trigger dropped) that have no state, read by their rowid range."""
    stateless = _stateless(f"'{table}'", "m.uuid")
    (n,) = connection.execute(
        f"SELECT count(*) FROM {table} AS m NOT INDEXED WHERE m.id > ? AND {stateless}",
        (after_id,),
    ).fetchone()
    add(connection, table, n)


__all__ = [
    "STATE_INSERT_TRIGGER",
    "add",
    "add_inserted",
    "bookkeeping",
    "count_table",
    "drop_bookkeeping",
    "insert_trigger",
]
