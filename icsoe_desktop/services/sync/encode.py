"""Encode: this desktop's pending changes as wire rows (``domain/sync_wire.py``), the JSON of
each written by SQLite itself (``json_object``) and, for the rows SQLite cannot write the same
way (bytes, a timestamp not stored as SQLAlchemy stores it), by Python from SQLite's own values,
byte for byte the same. Generic over the synced tables: no table is named here."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import partial, reduce
from typing import Any

import orjson
from sqlalchemy import (
    ColumnClause,
    Connection,
    Select,
    and_,
    case,
    exists,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
)
from sqlalchemy.orm import Session, aliased

from icsoe_desktop.domain import contenido, sync_wire
from icsoe_desktop.domain.clock import utcnow
from icsoe_desktop.services.sync.sql import (
    cached,
    driver_cursor,
    driver_rows,
    pending_filter,
    raw,
    rowless_states,
)
from icsoe_desktop.store.models import SyncRowState, SyncUnsent
from icsoe_desktop.store.sync_tables import SYNCED_TABLES, SyncedTable


def pending_count(session: Session) -> int:
    """The rows to send: without a state (kept per table by triggers, ``store/pendientes.py``),
    dirty, and tombstones of hard-deleted rows (both read from the partial index of dirty
    states). Counted only in the tables ``waiting_tables`` finds, a statement each, compiled
    on its first use."""
    connection = session.connection()
    total = 0
    for table in waiting_tables(session):
        sql = cached(connection, ("pending_count", table.name), partial(_pending_count, table))
        total += driver_rows(connection, sql)[0][0] or 0
    return total


def has_pending(session: Session) -> bool:
    """Whether any row waits to be sent (the drift check and an idle push need no more);
    independent of the tables' size."""
    return bool(waiting_tables(session))


def waiting_tables(session: Session) -> list[SyncedTable]:
    """The synced tables with a row to send, in one statement compiled once per process (each
    table's look stops at the first row found): a push reads, counts and builds the SQL of
    only those (building every table's made most of the CPU of a desktop's first sync)."""
    connection = session.connection()
    sql = cached(connection, "waiting_tables", _waiting)
    flags = driver_rows(connection, sql)[0]
    return [table for table, waiting in zip(SYNCED_TABLES, flags, strict=True) if waiting]


def stateless_rows(table: SyncedTable) -> Select[int]:
    """The rows of ``table`` that travel and have no state, read from the rows themselves
    (what ``sync_unsent`` keeps; the tests compare the two)."""
    model = table.model
    state, _pending = pending_filter(table)
    sent = () if table.sent_rows is None else (table.sent_rows(model),)
    return select(model.id).where(~exists().where(state), *sent)


def _pending_parts(table: SyncedTable) -> tuple[Select[str], Select[Any]]:
    """The rows of ``table`` to send that have a state: dirty ones, tombstones to send."""
    model = table.model
    state, _pending = pending_filter(table)
    sent = () if table.sent_rows is None else (table.sent_rows(model),)
    dirty = (
        select(SyncRowState.row_uuid).join(model, state).where(SyncRowState.dirty.is_(True), *sent)
    )
    return dirty, rowless_states(table, True, SyncRowState.row_uuid)


def _unsent(table: SyncedTable) -> Select[Any]:
    return select(SyncUnsent.table_name).where(
        SyncUnsent.table_name == table.name, SyncUnsent.rows != 0
    )


def _pending_count(table: SyncedTable) -> Select[Any]:
    rows = select(func.coalesce(func.sum(SyncUnsent.rows), 0)).where(
        SyncUnsent.table_name == table.name
    )
    counts = [
        select(func.count()).select_from(part.subquery()).scalar_subquery()
        for part in _pending_parts(table)
    ]
    return select(reduce(operator.add, counts, rows.scalar_subquery()))


def _waiting() -> Select[Any]:
    waits: list[Any] = [
        or_(_unsent(table).exists(), *(part.exists() for part in _pending_parts(table)))
        for table in SYNCED_TABLES
    ]
    return select(*waits)


def local_changes(session: Session) -> Iterator[sync_wire.PushRow]:
    """Every pending local change as a wire row, parents before children."""
    return map(orjson.loads, encoded_changes(session))


def _wire_datetime(text: str) -> str:
    """A DateTime as SQLAlchemy keeps it on SQLite ("2026-11-22 10:00:00.000000") as it
    travels (``datetime.isoformat``: "2026-11-22T10:00:00"). In that form, cut and joined as
    ``_sql_iso`` does in SQL (a third of the time: every row of the content check has one);
    in any other, read as a date."""
    if _STORED_FORM.fullmatch(text):
        if text.endswith(".000000"):
            return f"{text[:10]}T{text[11:19]}"
        return f"{text[:10]}T{text[11:]}"
    return datetime.fromisoformat(text).isoformat()


_STORED_FORM = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}")


# Per codec, how the stored value becomes the wire's; None: the same. A Date is kept as its
# ISO text already.
_FROM_STORED: dict[sync_wire.Codec, Callable[[Any], Any]] = {
    sync_wire.DATETIME: _wire_datetime,
    sync_wire.BOOLEAN: bool,
    sync_wire.BYTES: sync_wire.BYTES.encode,
}


def encoded_changes(session: Session, in_sql: bool = True) -> Iterator[bytes]:
    """``local_changes`` as the JSON bytes of each wire row (what a push batch is made of).
    SQLite writes each row's JSON itself (``json_object``: a fourth of the time of reading
    the values into Python and dumping them there, the push's own cost on this side); a row
    SQLite cannot write the same way (bytes, a date not stored as SQLAlchemy stores it) is
    encoded in Python from SQLite's own values by position. ``in_sql`` False: every row in
    Python (the reference the SQL must match byte for byte). A foreign key travels as its
    parent's UUID (joined)."""
    connection = session.connection()
    for table in waiting_tables(session):  # (in SYNCED_TABLES' order: parents first)
        plan = _plan(table)
        if not in_sql or "as_json" not in plan.queries:
            for row in driver_cursor(connection, plan.sql(connection, "plain")):
                yield plan.encode(row)
        else:
            for text, row_id in driver_cursor(connection, plan.sql(connection, "as_json")):
                if text is None:
                    (row,) = driver_rows(connection, plan.sql(connection, "one"), (row_id,))
                    yield plan.encode(row)
                else:
                    yield text.encode()
        # Hard-deleted rows: a tombstone with no data (other desktops soft-delete their copy).
        for row_uuid, base_seq in driver_cursor(connection, plan.sql(connection, "orphans")):
            yield orjson.dumps(
                sync_wire.push_row(
                    table.name,
                    row_uuid,
                    2**31 - 1,  # beats any live version of the row
                    utcnow(),
                    True,
                    base_seq,
                    {},
                )
            )


@dataclass(frozen=True)
class _Plan:
    """How a table's pending rows are read and encoded: each query's SQL compiled on its
    first use only, once per process."""

    table: str
    queries: dict[str, Callable[[], Any]]  # what ``sql`` compiles, by kind:
    # plain: the values of each row to send, for Python to encode (by id); one: the same, of
    # one row (``?``: its id); as_json: each row's JSON written by SQLite, and its id (absent:
    # not possible); orphans: the tombstones to send (uuid, server sequence)
    encode: Callable[[tuple[Any, ...]], bytes]  # a row of ``plain`` as its JSON
    data: Callable[[tuple[Any, ...]], dict[str, Any]]  # its data, from the sent columns
    fingerprint: Callable[[Any, tuple[Any, ...]], int]  # (deleted, sent columns) → huella

    def sql(self, connection: Connection, kind: str) -> str:
        return cached(connection, (f"encode_{kind}", self.table), self.queries[kind])


_PLANS: dict[str, _Plan] = {}


def _plan(table: SyncedTable) -> _Plan:
    plan = _PLANS.get(table.name)
    if plan is None:
        plan = _PLANS[table.name] = _make_plan(table)
    return plan


def _make_plan(table: SyncedTable) -> _Plan:
    model = table.model
    columns = model.__table__.c
    parents = {col: aliased(parent) for col, parent in table.foreign_keys.items()}
    names = list(table.codecs)
    # Append-only rows have no updated_at: their first date column stands for it.
    stamp = next(columns[n] for n in ("updated_at", "created_at", "at") if n in columns)
    envelope = (
        raw(columns.uuid),
        literal(1) if table.append_only else columns.version,
        raw(stamp),
        literal(False) if table.append_only else columns.deleted,
        func.coalesce(SyncRowState.server_seq, 0),
    )
    sent = [parents[n].uuid if n in parents else raw(columns[n]) for n in names]

    def plain() -> Any:
        return _changes(table, parents, *envelope, *sent)

    queries: dict[str, Callable[[], Any]] = {
        "plain": lambda: plain().order_by(model.id),
        "one": lambda: plain().where(model.id == _ROW_ID),
        "orphans": lambda: rowless_states(
            table, True, SyncRowState.row_uuid, SyncRowState.server_seq
        ),
    }
    # Every row that travels, pending or not (the content check's): uuid, version, deleted, then
    # the sent columns.
    queries["everything"] = lambda: _travelling(table, parents, *envelope[:2], envelope[3], *sent)
    if not table.append_only:
        # The same split by the fingerprint kept with the state (``SyncRowState.huella``):
        # kept, (uuid, version, huella) of the rows whose kept one holds; unkept, the others
        # as ``everything``.
        queries["kept"] = lambda: _kept(table, {}, True, *envelope[:2], SyncRowState.huella)
        # Their count and sum in SQLite: two sums of 30 bits each (a sum of 60-bit numbers
        # outgrows SQLite's 64-bit integers), no Python step per row.
        queries["kept_sum"] = lambda: _kept(
            table,
            {},
            True,
            func.count(),
            func.coalesce(func.sum(SyncRowState.huella.op(">>")(_HALF)), 0),
            func.coalesce(func.sum(SyncRowState.huella.op("&")(_LOW)), 0),
        )
        # The rows that travel, counted (from an index where every row travels): all of
        # them kept, ``unkept`` is not read (it reads every row to find none).
        queries["travelling"] = lambda: _travelling(table, {}, func.count())
        queries["unkept"] = lambda: _kept(table, parents, False, *envelope[:2], envelope[3], *sent)
    if sync_wire.BYTES not in table.codecs.values():  # SQLite's JSON has no bytes
        queries["as_json"] = lambda: _changes(
            table, parents, _sql_encoded(table, names, parents, envelope, sent), model.id
        ).order_by(model.id)
    data = _data_of(table, names, parents)
    fingerprint = _fingerprint_of(table, names, parents)
    return _Plan(table.name, queries, _python_encoder(table.name, data), data, fingerprint)


# The one row's id, a parameter of the driver's (the SQL is compiled with its values written).
_ROW_ID: ColumnClause[Any] = literal_column("?")


def contents(
    session: Session, table: SyncedTable
) -> Iterator[tuple[str, int, bool, dict[str, Any]]]:
    """Every row of ``table`` that travels, pending or not, as its push would carry it: (uuid,
    version, deleted, data). The content check's (``contenido.py``)."""
    plan = _plan(table)
    connection = session.connection()
    for row in driver_cursor(connection, plan.sql(connection, "everything")):
        yield row[0], row[1], bool(row[2]), plan.data(row[3:])


def fingerprints(session: Session, table: SyncedTable) -> Iterator[tuple[str, int, int]]:
    """(uuid, version, content fingerprint) of every row of ``table`` that travels: the one
    kept with its state where it holds (``_kept``: neither read nor hashed again), the others
    each of ``contents``' rows hashed as ``contenido.huella`` hashes its data, with the data's
    keys put in jsonb's order once for the table, not for each row."""
    plan = _plan(table)
    connection = session.connection()
    fingerprint = plan.fingerprint
    if "kept" not in plan.queries:
        for row in driver_cursor(connection, plan.sql(connection, "everything")):
            yield row[0], row[1], fingerprint(row[2], row[3:])
        return
    yield from driver_cursor(connection, plan.sql(connection, "kept"))
    for row in driver_cursor(connection, plan.sql(connection, "unkept")):
        yield row[0], row[1], fingerprint(row[2], row[3:])


def fingerprint_summary(session: Session, table: SyncedTable) -> tuple[int, int]:
    """(rows, sum of their content fingerprints) of ``table``'s rows that travel, as
    ``fingerprints`` gives them: the kept ones summed by SQLite, the others hashed."""
    plan = _plan(table)
    if "kept_sum" not in plan.queries:
        found = [h for _u, _v, h in fingerprints(session, table)]
        return len(found), sum(found)
    connection = session.connection()
    ((rows, high, low),) = driver_rows(connection, plan.sql(connection, "kept_sum"))
    total = (high << _HALF) + low
    if driver_rows(connection, plan.sql(connection, "travelling"))[0][0] == rows:
        return rows, total
    fingerprint = plan.fingerprint
    for row in driver_cursor(connection, plan.sql(connection, "unkept")):
        rows += 1
        total += fingerprint(row[2], row[3:])
    return rows, total


_HALF = 30
_LOW = (1 << _HALF) - 1


def _kept(table: SyncedTable, parents: dict[str, Any], holds: bool, *selected: Any) -> Any:
    """``_travelling``'s rows whose fingerprint kept with their state holds (``holds``) or
    not. It holds while the state is clean and at the row's version: the row as this desktop
    and the server agreed on it. The app writes a row with its state dirty (``tracking``) or
    with a new version and the state written with its fingerprint (a pull, a push's answer);
    a change made without the app gets version 0 (``store/sumas.py``), which no state has."""
    model = table.model
    state = and_(SyncRowState.table_name == table.name, SyncRowState.row_uuid == model.uuid)
    holding = and_(
        SyncRowState.dirty.is_(False),
        SyncRowState.version.is_(model.__table__.c.version),
        SyncRowState.huella.is_not(None),
    )
    query = _travelling(table, parents, *selected)
    if holds:
        return query.join(SyncRowState, state).where(holding)
    return query.outerjoin(SyncRowState, state).where(~holding)


def _travelling(table: SyncedTable, parents: dict[str, Any], *selected: Any) -> Any:
    """``SELECT selected`` over ``table``'s rows that travel, joined to the parents (aliased)
    of their foreign keys."""
    columns = table.model.__table__.c
    query = select(*selected).select_from(table.model)
    for col, parent in parents.items():
        query = query.outerjoin(parent, parent.id == columns[col])
    if table.sent_rows is not None:
        query = query.where(table.sent_rows(table.model))
    return query


def _changes(table: SyncedTable, parents: dict[str, Any], *selected: Any) -> Any:
    """``SELECT selected`` over ``table``'s rows to send, joined to their sync state and to
    the parents (aliased) of their foreign keys."""
    join, pending = pending_filter(table)
    columns = table.model.__table__.c
    query = select(*selected).outerjoin(SyncRowState, join)
    for col, parent in parents.items():
        query = query.outerjoin(parent, parent.id == columns[col])
    return query.where(pending)


def _data_of(
    table: SyncedTable, names: list[str], parents: dict[str, Any]
) -> Callable[[tuple[Any, ...]], dict[str, Any]]:
    """A wire row's data from SQLite's values of its sent columns."""
    found = [(i, _FROM_STORED.get(codec)) for i, codec in enumerate(table.codecs.values())]
    fix = [(i, convert) for i, convert in found if convert is not None and names[i] not in parents]

    def data(sent: tuple[Any, ...]) -> dict[str, Any]:
        values = list(sent)
        for i, convert in fix:
            value = values[i]
            if value is not None:
                values[i] = convert(value)
        return dict(zip(names, values, strict=True))

    return data


def _fingerprint_of(
    table: SyncedTable, names: list[str], parents: dict[str, Any]
) -> Callable[[Any, tuple[Any, ...]], int]:
    """A row's content fingerprint from SQLite's values of its sent columns: its data (as
    ``_data_of`` gives it) without nulls, its keys in jsonb's order, hashed by
    ``contenido.huella_ordenada``."""
    found = [(i, _FROM_STORED.get(codec)) for i, codec in enumerate(table.codecs.values())]
    fix = [(i, convert) for i, convert in found if convert is not None and names[i] not in parents]
    order = sorted(range(len(names)), key=lambda i: contenido.jsonb_order(names[i]))
    keyed = [(names[i], i) for i in order]
    tombstone = contenido.huella(True, {})

    def fingerprint(deleted: Any, sent: tuple[Any, ...]) -> int:
        if deleted:
            return tombstone
        values = list(sent)
        for i, convert in fix:
            value = values[i]
            if value is not None:
                values[i] = convert(value)
        kept = {name: value for name, i in keyed if (value := values[i]) is not None}
        return contenido.huella_ordenada(kept)

    return fingerprint


def _python_encoder(
    name: str, data: Callable[[tuple[Any, ...]], dict[str, Any]]
) -> Callable[[tuple[Any, ...]], bytes]:
    """A wire row's JSON from SQLite's values (envelope, then the sent columns)."""

    def encode(row: tuple[Any, ...]) -> bytes:
        row_uuid, number, updated_at, deleted, base_seq = row[:5]
        return orjson.dumps(
            {
                "table": name,
                "uuid": row_uuid,
                "version": number,
                "updated_at": _wire_datetime(updated_at) if updated_at else _now(),
                "deleted": bool(deleted),
                "base_seq": base_seq,
                "data": data(row[5:]),
            }
        )

    return encode


# A DateTime as SQLAlchemy stores it on SQLite, the only form _sql_iso rewrites.
_STORED_DATETIME = (
    "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]"
    ".[0-9][0-9][0-9][0-9][0-9][0-9]"
)


def _sql_iso(text: Any) -> Any:
    """``_wire_datetime`` in SQL, for a text in ``_STORED_DATETIME``'s form: "T" between day
    and time, and no fraction when it is zero (as ``datetime.isoformat``)."""
    day_t = func.substr(text, 1, 10).op("||")("T")
    return case(
        (func.substr(text, 20) == ".000000", day_t.op("||")(func.substr(text, 12, 8))),
        else_=day_t.op("||")(func.substr(text, 12)),
    )


def _sql_bool(value: Any) -> Any:
    return case(
        (value.is_(None), null()), (value != 0, func.json("true")), else_=func.json("false")
    )


def _sql_encoded(
    table: SyncedTable,
    names: list[str],
    parents: dict[str, Any],
    envelope: tuple[Any, ...],
    sent: list[Any],
) -> Any:
    """The wire row's JSON written by SQLite (the same bytes as ``_python_encoder``'s), or
    NULL for a row with a date not in ``_STORED_DATETIME``'s form (then Python encodes it)."""
    row_uuid, number, stamp, deleted, base_seq = envelope
    data = []
    dates = [stamp]
    for name, value in zip(names, sent, strict=True):
        codec = table.codecs[name]
        if name in parents:
            pass  # the parent's UUID, as it is
        elif codec is sync_wire.DATETIME:
            dates.append(value)
            value = _sql_iso(value)
        elif codec is sync_wire.BOOLEAN:
            value = _sql_bool(value)
        data += [literal(name), value]
    encoded = func.json_object(
        literal("table"),
        literal(table.name),
        literal("uuid"),
        row_uuid,
        literal("version"),
        number,
        literal("updated_at"),
        _sql_iso(stamp),
        literal("deleted"),
        _sql_bool(deleted),
        literal("base_seq"),
        base_seq,
        literal("data"),
        func.json_object(*data),
    )
    fits = and_(
        stamp.is_not(None),
        *(or_(d.is_(None), d.op("GLOB")(_STORED_DATETIME)) for d in dates),
    )
    return case((fits, encoded), else_=null())


def _now() -> str:
    return utcnow().isoformat()


__all__ = [
    "contents",
    "encoded_changes",
    "fingerprints",
    "has_pending",
    "local_changes",
    "pending_count",
    "stateless_rows",
    "waiting_tables",
]
