"""The drift check's local half: per synced table, this desktop's row count and checksum (the
sum of ``sync_wire.row_hash`` over uuid and version), which the server keeps for its own rows.

``kept_view`` reads the sums the store keeps as rows are written (``store/sumas.py``: a few
thousand rows, whatever the tables hold) with the cursor and whether anything waits to be sent,
in one snapshot; ``kept_buckets`` one table's per bucket, and ``row_versions`` its rows'
versions under some buckets, for a repair (``domain/sync_tree.py`` narrows them further).
``bucket_summary`` hashes the rows themselves per bucket (what the kept sums must equal).
Generic over the synced tables."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.types import String

from icsoe_desktop.domain import sync_wire
from icsoe_desktop.services.sync.sql import driver, driver_cursor, rowless_states
from icsoe_desktop.store.models import SyncRowState, SyncState
from icsoe_desktop.store.sync_tables import SyncedTable

_HALF = 30  # kept sums are added in two halves: a table's sum of 4,096 fits 64 bits so


@dataclass(frozen=True)
class LocalView:
    """What this desktop holds, read in one snapshot: whether changes wait to be sent, the
    pull cursor, and per synced table its kept (rows, checksum modulo 2**60)."""

    pending: bool
    cursor: int
    sums: dict[str, tuple[int, int]]


def kept_view(session: Session, pending: Any) -> LocalView:
    """The kept sums with the cursor and ``pending(session)`` (anything waiting to be sent),
    in one read transaction: a save or a pulled page committing meanwhile is either in all
    three or in none (it could otherwise look like drift)."""
    connection = session.connection()
    if not driver(connection).in_transaction:
        connection.exec_driver_sql("BEGIN")  # pysqlite would read each SELECT on its own
    waiting = bool(pending(session))
    cursor = session.scalar(select(SyncState.value).where(SyncState.key == "cursor"))
    found = connection.exec_driver_sql(
        f"SELECT table_name, sum(rows), sum(total >> {_HALF}), sum(total & {(1 << _HALF) - 1}) "
        "FROM sync_sums GROUP BY table_name"
    ).all()
    sums = {
        name: (int(rows), ((high << _HALF) + low) % sync_wire.SUM_MODULUS)
        for name, rows, high, low in found
    }
    return LocalView(waiting, int(cursor or 0), sums)


def kept_buckets(session: Session, table: SyncedTable) -> dict[int, tuple[int, int]]:
    """``table``'s kept (rows, checksum modulo 2**60) per bucket of uuids that holds any."""
    found = session.connection().exec_driver_sql(
        "SELECT bucket, rows, total FROM sync_sums WHERE table_name = ? AND rows != 0",
        (table.name,),
    )
    return {int(bucket, 16): (rows, total) for bucket, rows, total in found}


def _summary_queries(table: SyncedTable) -> tuple[Select[str], Select[Any]]:
    """The "uuid:version" keys the server should hold of ``table``: its rows (sent ones only),
    and the versions last seen of rows this desktop does not keep."""
    model = table.model
    rows = select(model.uuid + ":1" if table.append_only else _hash_key(model.uuid, model.version))
    if table.sent_rows is not None:
        rows = rows.where(table.sent_rows(model))
    absent = rowless_states(
        table, False, _hash_key(SyncRowState.row_uuid, SyncRowState.version)
    ).where(SyncRowState.version.is_not(None))
    return rows, absent


def bucket_summary(session: Session, table: SyncedTable) -> dict[int, tuple[int, int]]:
    """(rows, checksum) of what the server should hold of ``table`` per bucket of uuids (``sync_wire.bucket_of``): where a table that
    differs from the server differs. (Only for a repair: it reads the whole table.)"""
    rows, absent = _summary_queries(table)
    keys: dict[int, list[str]] = {}
    connection = session.connection()
    for query in (rows, absent):
        cursor = driver_cursor(connection, query)
        while found := cursor.fetchmany(5000):
            for (key,) in found:  # "uuid:version": the uuid's last three hex digits at 33
                keys.setdefault(int(key[33:36], 16), []).append(key)
    return {bucket: (len(held), sync_wire.hash_sum(held)) for bucket, held in keys.items()}


def row_versions(session: Session, table: SyncedTable, buckets: list[int]) -> dict[str, int]:
    """Per uuid in ``buckets``, the version the server should hold of it as this desktop
    knows it (the kept sums' rows: sent rows, and clean states of rows not kept here). Reads
    the whole table once (a repair's finer level, rare)."""
    rows, absent = _summary_queries(table)
    ends = {f"{bucket:03x}" for bucket in buckets}
    found: dict[str, int] = {}
    connection = session.connection()
    for query in (rows, absent):
        cursor = driver_cursor(connection, query)
        while keys := cursor.fetchmany(5000):
            for (key,) in keys:  # "uuid:version"
                if key[33:36] in ends:
                    found[key[:36]] = int(key[37:])
    return found


def _hash_key(row_uuid: Any, version: Any) -> Any:
    """A row's "uuid:version", the text ``sync_wire.row_hash`` hashes, written by SQLite."""
    return row_uuid + ":" + type_coerce(version, String)


__all__ = [
    "LocalView",
    "bucket_summary",
    "kept_buckets",
    "kept_view",
    "row_versions",
]
