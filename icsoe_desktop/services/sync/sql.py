"""The queries every sync step shares: which local rows are pending, the states without a local
row, a page's lookups in one statement, and queries run by the driver itself. Generic over the
synced tables (``store/sync_tables.py``): no table is named here."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, cast

import orjson
from sqlalchemy import (
    ColumnClause,
    Connection,
    Table,
    and_,
    bindparam,
    func,
    literal_column,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session
from sqlalchemy.types import NullType

from icsoe_desktop.store.models import SyncRowState
from icsoe_desktop.store.sync_tables import SyncedTable

if TYPE_CHECKING:
    import sqlite3

# The sync states' table (SQLAlchemy types a model's ``__table__`` as any FromClause).
STATES = cast(Table, SyncRowState.__table__)

# Rows as a lookup returns them: SQLAlchemy's rows, or the driver's plain tuples.
Rows = Sequence[Sequence[Any]]


def raw(column: Any) -> Any:
    """The column as SQLite keeps it: no result processing (dates stay ISO text)."""
    return type_coerce(column, NullType())


def pending_filter(table: SyncedTable) -> tuple[Any, Any]:
    """(join to the state, condition) of the rows of ``table`` to send: dirty, or never seen
    by sync (no state row at all: rows that existed before sync was added count as changes)."""
    model = table.model
    state = SyncRowState
    join = and_(state.table_name == table.name, state.row_uuid == model.uuid)
    pending = or_(state.row_uuid.is_(None), state.dirty.is_(True))
    if table.sent_rows is not None:
        pending = and_(pending, table.sent_rows(model))
    return join, pending


def rowless_states(table: SyncedTable, dirty: bool, *columns: Any) -> Any:
    """``SELECT columns`` over the states of ``table`` with no local row behind them: dirty,
    a hard-deleted row's tombstone to send; clean, a row the server has and this desktop does
    not keep (a «duplicado», a tombstone of a row it never had)."""
    model = table.model
    return (
        select(*columns)
        .select_from(SyncRowState)
        .outerjoin(model, model.uuid == SyncRowState.row_uuid)
        .where(
            SyncRowState.table_name == table.name,
            SyncRowState.dirty.is_(dirty),
            model.id.is_(None),
        )
    )


def json_values(values: list[Any], param: Any = None) -> Any:
    """The rows of ``json_each(:values)``: a whole page's values in one parameter (one JSON
    text), where an IN list needs a statement per few hundred of them. ``param``: the
    parameter that will hold ``json_text(values)`` instead (the SQL then holds no values)."""
    if param is None:
        param = bindparam("values", json_text(values))
    return func.json_each(param).table_valued("value")


def json_text(values: list[Any]) -> str:
    return orjson.dumps(values, default=_iso, option=orjson.OPT_PASSTHROUGH_DATETIME).decode()


def _iso(value: Any) -> str:
    """A date or datetime in a lookup's JSON as SQLite keeps a Date (ISO text)."""
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def lookup(
    session: Session,
    columns: tuple[Any, ...],
    where: Any,
    values: list[Any],
    *also: Any,
    key: Hashable | None = None,
) -> Rows:
    """``SELECT columns WHERE where IN values [AND also]`` in one statement; SQLite looks each
    value up in ``where``'s index. With ``key`` (what the lookup is, of which table: its
    columns and conditions must be the same each time), its SQL is compiled once per process
    and the driver returns its values as SQLite keeps them (for integers and texts only)."""
    if not values:
        return []
    if key is not None:
        connection = session.connection()

        def build() -> Any:
            wanted = select(json_values([], _DRIVER_PARAM).c.value).scalar_subquery()
            return select(*columns).where(where.in_(wanted), *also)

        sql = cached(connection, ("lookup", key), build)
        return driver_rows(connection, sql, (json_text(list(values)),))
    wanted = select(json_values(list(values)).c.value).scalar_subquery()
    # Core rows (the session's connection, its transaction): no ORM result handling.
    query = select(*columns).where(where.in_(wanted), *also)
    return session.connection().execute(query).all()


# A parameter of the driver's in SQL compiled with its other values written in.
_DRIVER_PARAM: ColumnClause[Any] = literal_column("?")


def driver_rows(
    connection: Connection, query: Any, params: tuple[Any, ...] = ()
) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = driver_cursor(connection, query, params).fetchall()
    return rows


def driver_cursor(
    connection: Connection, query: Any, params: tuple[Any, ...] = ()
) -> sqlite3.Cursor:
    """``query`` run by the driver (rows as its plain tuples, read as they are iterated), in
    ``connection``'s transaction. Its values are written into the SQL: the fixed ones of the
    sync's own queries (table names, flags). ``query`` may be its SQL already (``cached``);
    ``params`` fill the ``?`` it holds."""
    sql = query if isinstance(query, str) else _literal_sql(connection, query)
    return driver(connection).execute(sql, params)


def driver(connection: Connection) -> sqlite3.Connection:
    """The driver's own connection under ``connection``."""
    # The store is SQLite, and a connection in use has its driver's (typed as Any | None).
    return cast("sqlite3.Connection", connection.connection.driver_connection)


# The SQL of the sync's fixed queries, compiled once per process: building and compiling
# them (a few per synced table) was most of the CPU of a sync that had little to do.
_COMPILED: dict[Hashable, str] = {}


def cached(connection: Connection, key: Hashable, build: Callable[[], Any]) -> str:
    """The SQL of the query ``build()`` makes (``key`` names it: what it asks, of which
    table), built and compiled on first use only; run it with ``driver_cursor``."""
    sql = _COMPILED.get(key)
    if sql is None:
        sql = _COMPILED[key] = _literal_sql(connection, build())
    return sql


def _literal_sql(connection: Connection, query: Any) -> str:
    return str(query.compile(connection, compile_kwargs={"literal_binds": True}))


__all__ = [
    "STATES",
    "Rows",
    "cached",
    "driver",
    "driver_cursor",
    "driver_rows",
    "json_text",
    "json_values",
    "lookup",
    "pending_filter",
    "raw",
    "rowless_states",
]
