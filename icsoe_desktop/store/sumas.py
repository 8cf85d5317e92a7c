"""The drift check's sums, kept as rows are written: per synced table and bucket of uuids
(``sync_sums``), the row count and the sum, modulo 2**60, of ``sync_wire.row_hash`` over what
this desktop's file keeps of the table: each sent row's uuid and version, and for a row this
desktop knowingly does not keep, the version its clean sync state last saw (a «duplicado», a
hard-deleted row's tombstone). An idle sync reads a few thousand sums instead of hashing a
million rows.

What the file keeps, not what the desktop last saw: a row removed with its state clean (the
app removes a row only with its state dirty, a tombstone to send) went without the app, and its
state's version is set to NULL (the row stops counting; the repair inserts it again); a row
whose content changes under the same version with its state clean (the app writes content
with a new version, or with the state dirty: a save to send) is set to version 0, which no
server row has. Both are differences the next sync finds.

Kept by triggers (``bookkeeping``, created by migrations 0018, 0022 and 0026): on each synced
table (insert, change of version or content, delete) and on ``sync_row_state`` (a state
without a row counts).
They call ``sync_hash`` (md5, which SQLite lacks), registered on every connection of ours
(``plain.configure``); a connection without it cannot write synced rows. The sums stay below
2**60 (an addition fits SQLite's 64-bit integers, which a plain sum of a bucket's hashes
outgrows): compared with the server's exact sums modulo 2**60.

A bulk insert (``store/conteo.py``) drops the insert trigger of its table, as it drops the
counts', and adds the batch's sums in one pass: ``add_rows``.

No SQLAlchemy here: bulk writers on plain sqlite3 connections use it too.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import repeat
from operator import itemgetter, methodcaller
from typing import TYPE_CHECKING

from icsoe_desktop.domain import sync_wire
from icsoe_desktop.store import plain
from icsoe_desktop.store.sync_hash import HASH_FUNCTION, row_hash

if TYPE_CHECKING:
    import sqlite3

MOD = sync_wire.SUM_MODULUS
BUCKET = "substr({uuid}, -3)"  # sync_wire.bucket_of as text: the uuid's last three hex digits


def register(connection: sqlite3.Connection) -> None:
    """``sync_hash(uuid, version)`` on ``connection``: the triggers call it."""
    connection.create_function(HASH_FUNCTION, 2, row_hash, deterministic=True)


# --- the triggers ---------------------------------------------------------------------------
# Every connection parses the whole schema when it opens: the triggers of the synced tables only
# name each change (its table, uuid, version and sign) into two views, whose INSTEAD OF
# triggers hold the statements once.

CHANGE = "sync_sums_cambio"  # (table_name, row_uuid, version, sign): a row's hash in or out
# (table_name, row_uuid, sign): the clean, versioned state of that uuid in or out (counted
# while its row is not here: out when the row comes, in when it goes)
ROWLESS = "sync_sums_sin_fila"
ROWS = "sync_sums_filas"  # (table_name, uuid): every synced row, for the states' triggers

_UPSERT = (
    "ON CONFLICT (table_name, bucket) DO UPDATE SET rows = rows + excluded.rows, "
    f"total = (total + excluded.total) % {MOD}"
)


def _views(tables: Iterable[str]) -> list[str]:
    rows = " UNION ALL ".join(f"SELECT '{t}' AS table_name, uuid FROM {t}" for t in tables)
    part = f"{HASH_FUNCTION}(new.row_uuid, new.version)"
    bucket = BUCKET.format(uuid="new.row_uuid")
    return [
        f"CREATE VIEW {CHANGE} AS SELECT NULL AS table_name, NULL AS row_uuid, "
        "NULL AS version, NULL AS sign WHERE 0",
        f"CREATE TRIGGER {CHANGE}_insert INSTEAD OF INSERT ON {CHANGE} BEGIN "
        f"INSERT INTO sync_sums (table_name, bucket, rows, total) VALUES (new.table_name, "
        f"{bucket}, new.sign, CASE WHEN new.sign > 0 THEN {part} ELSE {MOD} - {part} END) "
        f"{_UPSERT}; END",
        f"CREATE VIEW {ROWLESS} AS SELECT NULL AS table_name, NULL AS row_uuid, NULL AS sign "
        "WHERE 0",
        f"CREATE TRIGGER {ROWLESS}_insert INSTEAD OF INSERT ON {ROWLESS} BEGIN "
        f"INSERT INTO {CHANGE} SELECT s.table_name, s.row_uuid, s.version, new.sign "
        "FROM sync_row_state AS s WHERE s.table_name = new.table_name "
        "AND s.row_uuid = new.row_uuid AND s.dirty IS 0 AND s.version IS NOT NULL; END",
        # SQLite pushes a lookup's terms into each part: the constant ``table_name = …`` first.
        f"CREATE VIEW {ROWS} AS {rows}",
    ]


def _content_trigger(table: str, sent: str | None, content: tuple[str, ...], name: str) -> str:
    """The app writes a row's content with a new version (a pulled row) or with its state dirty
    (a save, sent at the next push, even one that raced a pulled row to the same version
    number): ``content`` changed under the same version with the state clean was changed
    without the app. Version 0, which no server row has: the drift check finds it and receives
    the server's again."""
    olds = ", ".join(f"old.{c}" for c in content)
    news = ", ".join(f"new.{c}" for c in content)
    where = f" AND {sent.format(row='new')}" if sent else ""
    return (
        f"CREATE TRIGGER {name} AFTER UPDATE ON {table} "
        f"WHEN old.version IS new.version AND new.version IS NOT 0{where} "
        f"AND ({olds}) IS NOT ({news}) AND NOT EXISTS (SELECT 1 FROM sync_row_state "
        f"WHERE table_name = '{table}' AND row_uuid = new.uuid AND dirty IS 1) "
        f"BEGIN UPDATE {table} SET version = 0 WHERE id = new.id; END"
    )


def _table_triggers(
    table: str, append_only: bool, sent: str | None, content: tuple[str, ...]
) -> list[str]:
    """The triggers of one synced table. ``sent``: the SQL condition, over ``{row}``, of the
    rows that travel (None: all); ``append_only``: rows never change (version 1); ``content``:
    the columns whose change without a new version means the row is no longer the server's."""

    def change(row: str, sign: int) -> str:
        version = "1" if append_only else f"{row}.version"
        values = f"'{table}', {row}.uuid, {version}, {sign}"
        if sent:
            return f"INSERT INTO {CHANGE} SELECT {values} WHERE {sent.format(row=row)};"
        return f"INSERT INTO {CHANGE} VALUES ({values});"

    def rowless(row: str, sign: int) -> str:
        return f"INSERT INTO {ROWLESS} VALUES ('{table}', {row}.uuid, {sign});"

    triggers = [
        f"CREATE TRIGGER sync_sums_{table}_insert AFTER INSERT ON {table} BEGIN "
        f"{change('new', 1)} {rowless('new', -1)} END"
    ]
    if not append_only:  # (an append-only table refuses changes and removals itself)
        # The app removes a row only with its state dirty (a tombstone to send): a row gone
        # with its state clean went without the app, and its state stops counting for it
        # (version NULL: counted in, then out, by the states' triggers).
        triggers.append(
            f"CREATE TRIGGER sync_sums_{table}_delete AFTER DELETE ON {table} BEGIN "
            f"{change('old', -1)} {rowless('old', 1)} UPDATE sync_row_state SET version = NULL "
            f"WHERE table_name = '{table}' AND row_uuid = old.uuid AND dirty IS 0; END"
        )
        columns = "version" + (", kind" if sent and "kind" in sent else "")
        changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in columns.split(", "))
        triggers.append(
            f"CREATE TRIGGER sync_sums_{table}_update AFTER UPDATE OF {columns} ON {table} "
            f"WHEN {changed} BEGIN {change('old', -1)} {change('new', 1)} END"
        )
        if content:
            triggers.append(_content_trigger(table, sent, content, f"sync_sums_{table}_contenido"))
    return triggers


STATE_INSERT_TRIGGER = "sync_sums_state_insert"


def _state_triggers() -> list[str]:
    """The triggers of ``sync_row_state``: a clean, versioned state counts while its table
    holds no row of its uuid."""

    def rowless(state: str) -> str:
        return (
            f"NOT EXISTS (SELECT 1 FROM {ROWS} WHERE table_name = {state}.table_name "
            f"AND uuid = {state}.row_uuid)"
        )

    def counted(state: str) -> str:
        return f"{state}.dirty IS 0 AND {state}.version IS NOT NULL"

    def change(state: str, sign: int) -> str:
        return (
            f"INSERT INTO {CHANGE} SELECT {state}.table_name, {state}.row_uuid, "
            f"{state}.version, {sign} WHERE {counted(state)};"
        )

    return [
        f"CREATE TRIGGER {STATE_INSERT_TRIGGER} AFTER INSERT ON sync_row_state "
        f"WHEN {counted('new')} AND {rowless('new')} BEGIN {change('new', 1)} END",
        "CREATE TRIGGER sync_sums_state_update AFTER UPDATE OF dirty, version ON sync_row_state "
        "WHEN (old.dirty IS NOT new.dirty OR old.version IS NOT new.version) "
        f"AND ({counted('old')} OR {counted('new')}) AND {rowless('new')} "
        f"BEGIN {change('old', -1)} {change('new', 1)} END",
        "CREATE TRIGGER sync_sums_state_delete AFTER DELETE ON sync_row_state "
        f"WHEN {counted('old')} AND {rowless('old')} BEGIN {change('old', -1)} END",
    ]


SyncedTableSums = tuple[str, bool, str | None, tuple[str, ...]]


def bookkeeping(tables: Iterable[SyncedTableSums]) -> list[str]:
    """Every view and trigger that keeps the sums, for the synced ``tables``: (name,
    append-only, the SQL condition over ``{row}`` of the rows that travel or None, the
    columns of its content)."""
    tables = list(tables)
    statements = _views(t for t, _append_only, _sent, _content in tables)
    for table, append_only, sent, content in tables:
        statements += _table_triggers(table, append_only, sent, content)
    return statements + _state_triggers()


def drop_bookkeeping(connection: sqlite3.Connection) -> None:
    """Drops what ``bookkeeping`` creates (its triggers and views, by their prefix)."""
    plain.drop_triggers_and_views(connection, "sync_sums_")


def insert_trigger(table: str) -> str:
    return f"sync_sums_{table}_insert"


# A migration that writes the bookkeeping freezes each table's content columns in its content
# trigger; a column synced since (a migration that only adds it: docs/ARCHITECTURE.md «Recipe:
# add a movimientos column») gets a trigger of its own, written from the models after every
# upgrade to head (store/db.py) and dropped before every migration (migrations/env.py), so that
# a downgrade may drop the column.
ADDED = "_contenido_agregado"


def added_columns(
    connection: sqlite3.Connection, tables: Iterable[SyncedTableSums]
) -> dict[str, tuple[str, ...]]:
    """Per synced table, the content columns its migration's content trigger misses (none for
    an append-only table, or in a store without the bookkeeping: the catalog's)."""
    frozen = dict(
        connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
            "AND name LIKE 'sync\\_sums\\_%\\_contenido' ESCAPE '\\'"
        ).fetchall()
    )
    found = {}
    for name, _append_only, _sent, content in tables:
        sql = frozen.get(f"sync_sums_{name}_contenido")
        missed = tuple(c for c in content if sql and not re.search(rf"\bold\.{c}\b", sql))
        if missed:
            found[name] = missed
    return found


def add_triggers(
    connection: sqlite3.Connection, tables: Iterable[SyncedTableSums]
) -> dict[str, tuple[str, ...]]:
    """A content trigger more for each table whose migration's misses columns; what they
    watch."""
    tables = list(tables)
    added = added_columns(connection, tables)
    for name, _append_only, sent, _content in tables:
        if name in added:
            connection.execute(
                _content_trigger(name, sent, added[name], f"sync_sums_{name}{ADDED}")
            )
    return added


def drop_added(connection: sqlite3.Connection) -> None:
    """Drops what ``add_triggers`` wrote."""
    for (name,) in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' "
        "AND name LIKE 'sync\\_sums\\_%\\_contenido\\_agregado' ESCAPE '\\'"
    ).fetchall():
        connection.execute(f'DROP TRIGGER IF EXISTS "{name}"')


@contextmanager
def rows_here(connection: sqlite3.Connection) -> Iterator[None]:
    """For new states whose rows are all here (a pulled page's, every row written): the
    state insert trigger would add nothing for any of them, yet it looks each uuid up in its
    table; dropped meanwhile, in the caller's transaction (a rollback brings it back too)."""
    found = connection.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
        (STATE_INSERT_TRIGGER,),
    ).fetchone()
    if found is None:
        yield
        return
    connection.execute(f"DROP TRIGGER {STATE_INSERT_TRIGGER}")
    try:
        yield
    finally:
        connection.execute(found[0].replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS", 1))


# --- sums from the rows themselves ------------------------------------------------------------


def bucket_sums(keys: Iterable[tuple[str, int]]) -> dict[str, tuple[int, int]]:
    """(uuid, version) pairs summed per bucket (text, as the triggers key it): (rows, sum mod
    2**60). Every pair hashed in one C loop, then added to its bucket (a pulled page spreads
    over thousands of buckets, one or two rows each: hashing bucket by bucket paid a loop's
    setup per row)."""
    buckets: list[str] = []
    texts: list[str] = []
    for row_uuid, version in keys:
        buckets.append(row_uuid[-3:])
        texts.append(f"{row_uuid}:{version}")
    digests = map(_HEXDIGEST, map(hashlib.md5, map(str.encode, texts)))
    hashes = map(int, map(_FIRST_60_BITS, digests), repeat(16))
    rows: dict[str, int] = {}
    sums: dict[str, int] = {}
    for bucket, value in zip(buckets, hashes, strict=True):
        rows[bucket] = rows.get(bucket, 0) + 1
        sums[bucket] = sums.get(bucket, 0) + value
    return {bucket: (n, sums[bucket] % MOD) for bucket, n in rows.items()}


_HEXDIGEST = methodcaller("hexdigest")
_FIRST_60_BITS = itemgetter(slice(0, 15))


def add(connection: sqlite3.Connection, table: str, sums: dict[str, tuple[int, int]]) -> None:
    """Add per-bucket (rows, sum) to ``table``'s kept sums (sign by the caller: a sum taken
    out is given as ``MOD - sum``)."""
    if sums:
        connection.executemany(
            f"INSERT INTO sync_sums (table_name, bucket, rows, total) VALUES (?, ?, ?, ?) "
            f"{_UPSERT}",
            [(table, bucket, rows, total % MOD) for bucket, (rows, total) in sums.items()],
        )


def add_inserted(connection: sqlite3.Connection, table: str, after_id: int) -> None:
    """The sums of ``table``'s rows with an id above ``after_id`` (a bulk insert's batch, its
    insert trigger dropped), read by their rowid range, added in one statement per bucket; a
    clean state those rows' uuids had stops counting (the rows count now)."""
    found = connection.execute(
        f"SELECT uuid, version FROM {table} NOT INDEXED WHERE id > ?", (after_id,)
    )
    add(connection, table, bucket_sums(found))
    rowless = connection.execute(
        f"SELECT s.row_uuid, s.version FROM {table} AS m NOT INDEXED JOIN sync_row_state AS s "
        f"ON s.table_name = ? AND s.row_uuid = m.uuid WHERE m.id > ? AND s.dirty IS 0 "
        "AND s.version IS NOT NULL",
        (table, after_id),
    )
    taken = bucket_sums(rowless)
    add(connection, table, {b: (-n, MOD - total) for b, (n, total) in taken.items()})


__all__ = [
    "HASH_FUNCTION",
    "MOD",
    "STATE_INSERT_TRIGGER",
    "add",
    "add_inserted",
    "add_triggers",
    "added_columns",
    "bookkeeping",
    "bucket_sums",
    "drop_added",
    "drop_bookkeeping",
    "insert_trigger",
    "register",
    "row_hash",
    "rows_here",
]
