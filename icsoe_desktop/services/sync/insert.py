"""Writing a pulled page's new rows: column by column from the decoded page to the driver's
executemany (no dict per row), each column converted by its type's own bind processor, with the
table's own bookkeeping around it (``BulkHooks.insert``: e.g. a table's counts). Generic over
the synced tables."""

from __future__ import annotations

import operator
from collections.abc import Callable, Collection
from datetime import date, datetime
from itertools import compress
from typing import Any

from sqlalchemy import Boolean, Connection, Dialect, Table, insert
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeEngine

from icsoe_desktop.services.sync.decode import any_zoned
from icsoe_desktop.services.sync.sql import driver
from icsoe_desktop.store import enlace, sumas
from icsoe_desktop.store.sync_tables import SyncedTable

Columns = tuple[list[str], list[list[Any]]]  # column names, and each column's values

# A row's sync state as written: (table_name, row_uuid, server_seq, dirty, version, huella:
# the row's content fingerprint at that version where known, else None). ``dirty`` as the
# 0 or 1 stored (``store/enlace.py``: a bool costs the driver ten times as much to bind).
StateRow = tuple[str, str, int, int, int, int | None]


Convert = Callable[[list[Any]], list[Any]]


def _insert_plan(
    conn: Connection, table: Table, keys: tuple[str, ...]
) -> tuple[str, list[Convert | None], list[bool]] | None:
    """The driver's INSERT for rows giving ``keys``, per column what turns its values into
    the storage SQLAlchemy would give them (dates as ISO text…; None: kept as they are), and
    which columns may hold NULL; None when a column left out has a Python-side default
    (SQLAlchemy's insert fills it in)."""
    columns = table.columns
    if defaults_left_out(table, keys):
        return None
    dialect = conn.dialect
    quote = dialect.identifier_preparer.quote
    sql = (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(k) for k in keys)}) "
        f"VALUES ({', '.join('?' for _ in keys)})"
    )
    converters = [_converter(columns[k].type.dialect_impl(dialect), dialect) for k in keys]
    return sql, converters, [bool(columns[k].nullable) for k in keys]


def defaults_left_out(table: Table, keys: Collection[str]) -> bool:
    """Whether a column not in ``keys`` has a Python-side default (SQLAlchemy's INSERT fills
    it in; the driver's would not)."""
    return any(c.default is not None and c.name not in keys for c in table.columns)


def _converter(impl: TypeEngine[Any], dialect: Dialect) -> Convert | None:
    """A whole column through the column type's bind processor. SQLite's DATE and DATETIME in
    their default storage (ISO text) get the same text from the C ``isoformat``, mapped over
    the column (SQLAlchemy's formats each value with a dict and ``%``: a tenth of a pulled
    page's time)."""
    process = impl.bind_processor(dialect)
    if process is None:
        return None
    fast: Callable[[Any], Any] | None = None
    kind: type | None = None
    if isinstance(impl, sqlite.DATE) and impl._storage_format == sqlite.DATE._storage_format:
        kind, fast = date, date.isoformat
    elif (
        isinstance(impl, sqlite.DATETIME)
        and impl._storage_format == sqlite.DATETIME._storage_format
    ):
        kind, fast = datetime, operator.methodcaller("isoformat", " ", "microseconds")
    elif isinstance(impl, Boolean) and dialect.name == "sqlite":
        kind = bool  # stored as 1 and 0, as the processor does

    def convert(column: list[Any]) -> list[Any]:
        if kind is not None:
            kinds = set(map(type, column))
            kinds.discard(type(None))
            if not kinds:
                return column  # all None
            if kind is bool and kinds == {bool}:
                return list(map(int, column))  # (enlace.py: an int binds ten times faster)
            if fast is not None and kinds == {kind} and not _zoned(kind, column):
                # Each distinct value converted once (a page's dates repeat).
                stored = {value: fast(value) for value in set(column) if value is not None}
                stored[None] = None
                return list(map(stored.__getitem__, column))
        return [None if v is None else process(v) for v in column]

    return convert


def _zoned(kind: type, column: list[Any]) -> bool:
    """Whether a column of datetimes holds one with a time zone (SQLAlchemy's processor then
    decides how it is stored)."""
    return kind is datetime and any_zoned(column)


def insert_columns(
    session: Session,
    synced: SyncedTable,
    groups: list[Columns],
    skip_clashes: bool = False,
    states: list[StateRow] | None = None,
) -> int:
    """New rows, a statement per group of columns: the driver's executemany on tuples
    converted by each column's own bind processor, a column at a time (the same stored text).
    SQLAlchemy's per-row parameter handling was about a third of the insert's time in a
    profile of 100,000 pulled rows. With ``skip_clashes`` (only for groups the driver
    writes, ``_insert_plan``), a row holding a unique value of another row (a local one, an
    earlier one of the group) is left out. ``states``: the rows' sync states (as
    ``upsert_states``), written with them inside the table's bulk hooks (a pulled page's states
    then cost no per-row bookkeeping). Returns how many rows were written."""
    groups = [(names, columns) for names, columns in groups if columns and columns[0]]
    if not groups:
        upsert_states(session, states or [])
        return 0
    conn = session.connection()
    bulk = synced.bulk
    counted = bulk.counted if bulk is not None else ()
    table = synced.model.__table__
    tallies: list[Any] = []  # per group: its live rows' counted columns (None: not all given)
    given = sum(len(columns[0]) for _names, columns in groups)
    wrote: list[int] = []

    def write() -> int:
        written = 0
        for names, columns in groups:
            keys = tuple(names)
            plan = _insert_plan(conn, table, keys) if conn.dialect.name == "sqlite" else None
            if plan is None:
                if skip_clashes:
                    raise ValueError(f"{table.name}: sin INSERT directo para {keys}")
                rows = [dict(zip(keys, row, strict=True)) for row in zip(*columns, strict=True)]
                written += conn.execute(insert(table), rows).rowcount
                continue
            sql, converters, nullable = plan
            stored = list(columns)
            for i, convert in enumerate(converters):
                if convert is not None:
                    stored[i] = convert(stored[i])
            bound = [enlace.sin_nulos(c) if n else c for c, n in zip(stored, nullable, strict=True)]
            params = list(zip(*bound, strict=True))
            if skip_clashes:
                count = conn.exec_driver_sql(f"{sql} ON CONFLICT DO NOTHING", params).rowcount
            else:
                count = conn.exec_driver_sql(sql, params).rowcount
            written += count
            # Some row left out: the counts read back what was written (store/conteo.py).
            if bulk is not None:
                tallies.append(_tally(counted, keys, stored) if count == len(params) else None)
        wrote.append(written)
        return written

    def tally() -> Any:
        if len(tallies) < len(groups) or None in tallies:
            return None
        return [row for rows in tallies for row in rows]

    def write_states() -> None:
        if not states:
            return
        if wrote == [given] and len(states) == given:
            # Each state's row is here: the sums' state trigger would add nothing.
            with sumas.rows_here(driver(conn)):
                conn.exec_driver_sql(_UPSERT_STATES, states)
        else:
            conn.exec_driver_sql(_UPSERT_STATES, states)

    if bulk is not None:  # e.g. counted per page, not per row
        return bulk.insert(conn, write, tally, write_states)
    written = write()
    write_states()
    return written


def _tally(
    counted: tuple[str, ...], keys: tuple[str, ...], stored: list[list[Any]]
) -> list[tuple[Any, ...]] | None:
    """The counted columns of the rows that are not deleted (store/conteo.py), as stored."""
    if not all(name in keys for name in (*counted, "deleted")):
        return None
    values = zip(*(stored[keys.index(name)] for name in counted), strict=True)
    return list(compress(values, map(operator.not_, stored[keys.index("deleted")])))


_UPSERT_STATES = (
    "INSERT INTO sync_row_state (table_name, row_uuid, server_seq, dirty, version, huella) "
    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (table_name, row_uuid) DO UPDATE SET "
    "server_seq = excluded.server_seq, dirty = excluded.dirty, version = excluded.version, "
    "huella = excluded.huella"
)


def upsert_states(session: Session, states: list[StateRow]) -> None:
    if states:
        # The driver's executemany on plain tuples (every column given, none to convert):
        # SQLAlchemy's per-row parameter handling took more time than SQLite's upsert.
        session.connection().exec_driver_sql(_UPSERT_STATES, states)


# A batch's results for one table, in one statement: each row's server sequence and version,
# still dirty when the local row changed again while the batch was in flight (its version is
# not the one sent). The results go as one JSON array of [uuid, seq, version] arrays, each
# element read once (a third less time than reading keys of objects: each ->> parses the
# element again). ``WHERE true``: SQLite's parser needs it before an upsert's ON CONFLICT.


__all__ = ["Columns", "StateRow", "defaults_left_out", "insert_columns", "upsert_states"]
