"""The drift check's local half: per synced table, this desktop's row count and checksum (the
sum of ``sync_wire.row_hash`` over uuid and version), which the server sums over its own rows.
Generic over the synced tables."""

from __future__ import annotations

from operator import itemgetter
from typing import Any

from sqlalchemy import Select, func, select, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.types import String

from icsoe_desktop.domain import sync_wire
from icsoe_desktop.services.sync_sql import cached, driver_cursor, driver_rows, rowless_states
from icsoe_desktop.store.models import SyncRowState
from icsoe_desktop.store.sync_tables import SyncedTable


def _summary_queries(table: SyncedTable) -> tuple[Select, Select]:
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


def table_summary(session: Session, table: SyncedTable) -> tuple[int, int]:
    """(rows, checksum) of what the server should hold of ``table`` as this desktop knows it:
    its rows (their version) and, for rows it does not keep, the version it last saw. Only
    meaningful with nothing pending to send."""
    connection = session.connection()
    rows, absent = _summary_sql(connection, table)
    count = total = 0
    for query in (rows, absent):
        if query is absent and count == _state_count(connection, table):
            break  # with nothing pending each row has its state: these are all of them
        # Read by the driver (plain tuples) a few thousand at a time, hashed in C loops:
        # SQLAlchemy's handling of each result row took most of a 100,000-row check's time.
        cursor = driver_cursor(connection, query)
        while found := cursor.fetchmany(5000):
            count += len(found)
            total += sync_wire.hash_sum(map(itemgetter(0), found))
    return count, total


def bucket_summary(session: Session, table: SyncedTable) -> dict[int, tuple[int, int]]:
    """``table_summary`` per bucket of uuids (``sync_wire.bucket_of``): where a table that
    differs from the server differs. (Only for a repair: it reads the whole table.)"""
    connection = session.connection()
    rows, absent = _summary_sql(connection, table)
    keys: dict[int, list[str]] = {}
    for query in (rows, absent):
        cursor = driver_cursor(connection, query)
        while found := cursor.fetchmany(5000):
            for (key,) in found:  # "uuid:version": the uuid's last three hex digits at 33
                keys.setdefault(int(key[33:36], 16), []).append(key)
    return {bucket: (len(held), sync_wire.hash_sum(held)) for bucket, held in keys.items()}


def _summary_sql(connection: Any, table: SyncedTable) -> tuple[str, str]:
    """``_summary_queries``' SQL, compiled once per process."""
    rows = cached(connection, ("summary", table.name), lambda: _summary_queries(table)[0])
    absent = cached(connection, ("absent", table.name), lambda: _summary_queries(table)[1])
    return rows, absent


def _state_count(connection: Any, table: SyncedTable) -> int:
    """How many sync states ``table`` has (read from the states' key alone)."""
    sql = cached(
        connection,
        ("states", table.name),
        lambda: select(func.count()).where(SyncRowState.table_name == table.name),
    )
    return driver_rows(connection, sql)[0][0]


def _hash_key(row_uuid: Any, version: Any) -> Any:
    """A row's "uuid:version", the text ``sync_wire.row_hash`` hashes, written by SQLite."""
    return row_uuid + ":" + type_coerce(version, String)


__all__ = ["bucket_summary", "table_summary"]
