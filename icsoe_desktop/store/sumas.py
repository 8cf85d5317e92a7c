"""The drift check's sums, kept as rows are written: per synced table and bucket of uuids
(``sync_sums``), the row count and the sum, modulo 2**60, of ``sync_wire.row_hash`` over what
the server should hold of the table as this desktop knows it: each sent row's uuid and version,
and for a row this desktop does not keep, the version its clean sync state last saw (a
«duplicado», a hard-deleted row's tombstone). An idle sync reads a few thousand sums instead of
hashing a million rows.

Kept by triggers (migration 0018): on each synced table (insert, change of version, delete) and
on ``sync_row_state`` (a state without a row counts). They call ``sync_hash`` (md5, which SQLite
lacks), registered on every connection of ours (``plain.configure``); a connection without it
cannot write synced rows. The sums stay below 2**60 (an addition fits SQLite's 64-bit
integers, which a plain sum of a bucket's hashes outgrows): compared with the server's exact
sums modulo 2**60.

A bulk insert (``store/conteo.py``) drops the insert trigger of its table, as it drops the
counts', and adds the batch's sums in one pass: ``add_rows``.

No SQLAlchemy here: bulk writers on plain sqlite3 connections use it too.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import repeat
from operator import itemgetter, methodcaller

from icsoe_desktop.domain import sync_wire

MOD = sync_wire.SUM_MODULUS
HASH_FUNCTION = "sync_hash"  # plain.SYNC_HASH registers it before this module loads
BUCKET = "substr({uuid}, -3)"  # sync_wire.bucket_of as text: the uuid's last three hex digits


def row_hash(row_uuid: str, version: int) -> int:
    """``sync_wire.row_hash``, as SQLite calls it (one call per row written)."""
    return int(hashlib.md5(f"{row_uuid}:{version}".encode()).hexdigest()[:15], 16)


def register(connection: sqlite3.Connection) -> None:
    """``sync_hash(uuid, version)`` on ``connection``: the triggers call it."""
    connection.create_function(HASH_FUNCTION, 2, row_hash, deterministic=True)


# --- the triggers ---------------------------------------------------------------------------

_UPSERT = (
    "ON CONFLICT (table_name, bucket) DO UPDATE SET rows = rows + excluded.rows, "
    f"total = (total + excluded.total) % {MOD}"
)


def _change(table: str, row_uuid: str, version: str, sign: int, where: str = "") -> str:
    """The statement adding (``sign`` 1) or taking out (-1) one row's hash."""
    part = f"{HASH_FUNCTION}({row_uuid}, {version})"
    total = part if sign > 0 else f"{MOD} - {part}"
    bucket = BUCKET.format(uuid=row_uuid)
    return (
        f"INSERT INTO sync_sums (table_name, bucket, rows, total) SELECT {table}, {bucket}, "
        f"{sign}, {total} {where or 'WHERE true'} {_UPSERT};"
    )


def _rowless(table: str, row_uuid: str, sign: int) -> str:
    """Adds or takes out the clean, versioned state of ``row_uuid`` (counted while the row is
    not here)."""
    return _change(
        f"'{table}'",
        "s.row_uuid",
        "s.version",
        sign,
        f"FROM sync_row_state AS s WHERE s.table_name = '{table}' AND s.row_uuid = {row_uuid} "
        "AND s.dirty IS 0 AND s.version IS NOT NULL",
    )


def table_triggers(table: str, append_only: bool, sent: str | None = None) -> list[str]:
    """The triggers of one synced table. ``sent``: the SQL condition, over ``{row}``, of the
    rows that travel (None: all); ``append_only``: rows never change (version 1)."""

    def version(row: str) -> str:
        return "1" if append_only else f"{row}.version"

    def travels(row: str) -> str:
        return f"WHERE {sent.format(row=row)}" if sent else ""

    name = f"'{table}'"
    triggers = [
        f"CREATE TRIGGER sync_sums_{table}_insert AFTER INSERT ON {table} BEGIN "
        f"{_change(name, 'new.uuid', version('new'), 1, travels('new'))} "
        f"{_rowless(table, 'new.uuid', -1)} END"
    ]
    if not append_only:  # (an append-only table refuses changes and removals itself)
        triggers.append(
            f"CREATE TRIGGER sync_sums_{table}_delete AFTER DELETE ON {table} BEGIN "
            f"{_change(name, 'old.uuid', version('old'), -1, travels('old'))} "
            f"{_rowless(table, 'old.uuid', 1)} END"
        )
        columns = "version" + (", kind" if sent and "kind" in sent else "")
        changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in columns.split(", "))
        triggers.append(
            f"CREATE TRIGGER sync_sums_{table}_update AFTER UPDATE OF {columns} ON {table} "
            f"WHEN {changed} BEGIN "
            f"{_change(name, 'old.uuid', version('old'), -1, travels('old'))} "
            f"{_change(name, 'new.uuid', version('new'), 1, travels('new'))} END"
        )
    return triggers


STATE_INSERT_TRIGGER = "sync_sums_state_insert"


def state_triggers(tables: Iterable[str]) -> list[str]:
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
        return _change(
            f"{state}.table_name",
            f"{state}.row_uuid",
            f"{state}.version",
            sign,
            f"WHERE {counted(state)}",
        )

    return [
        f"CREATE TRIGGER {STATE_INSERT_TRIGGER} AFTER INSERT ON sync_row_state "
        f"WHEN {counted('new')} AND NOT {has_row('new')} BEGIN {change('new', 1)} END",
        "CREATE TRIGGER sync_sums_state_update AFTER UPDATE OF dirty, version ON sync_row_state "
        "WHEN (old.dirty IS NOT new.dirty OR old.version IS NOT new.version) "
        f"AND ({counted('old')} OR {counted('new')}) AND NOT {has_row('new')} "
        f"BEGIN {change('old', -1)} {change('new', 1)} END",
        "CREATE TRIGGER sync_sums_state_delete AFTER DELETE ON sync_row_state "
        f"WHEN {counted('old')} AND NOT {has_row('old')} BEGIN {change('old', -1)} END",
    ]


def insert_trigger(table: str) -> str:
    return f"sync_sums_{table}_insert"


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
    "bucket_sums",
    "insert_trigger",
    "register",
    "row_hash",
    "rows_here",
    "state_triggers",
    "table_triggers",
]
