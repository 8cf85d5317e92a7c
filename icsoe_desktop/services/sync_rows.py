"""The store side of sync: reading the local changes to send (as wire rows) and applying the
rows pulled from the server. No HTTP here (services.sync does that); one registry drives both
(store/sync_tables.py), and the wire format is domain/sync_wire.py's."""

from __future__ import annotations

import json
import logging
import operator
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from itertools import compress, repeat
from operator import itemgetter
from typing import Any

import orjson
from sqlalchemy import (
    Boolean,
    and_,
    bindparam,
    case,
    exists,
    func,
    insert,
    literal,
    null,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session, aliased
from sqlalchemy.types import NullType, String

from icsoe_desktop.domain import sync_wire
from icsoe_desktop.domain.clock import utcnow
from icsoe_desktop.store.conteo import insert_counted
from icsoe_desktop.store.models import SyncConflict, SyncPending, SyncRowState
from icsoe_desktop.store.sync_tables import SYNCED_TABLES, SyncedTable, by_name
from icsoe_desktop.store.tracking import APPLYING_REMOTE

log = logging.getLogger(__name__)

Columns = tuple[list[str], list[list[Any]]]  # column names, and each column's values


def parent_ids(
    session: Session, table: SyncedTable, datas: list[dict[str, Any]]
) -> dict[str, dict[str, int]]:
    """Per foreign-key column: the parent row's UUID → its local id (what decode_row needs), for
    the parents these rows' ``data`` name only (not every movimiento of the store)."""
    return _parents(
        session, table, {col: [d.get(col) for d in datas] for col in table.foreign_keys}
    )


def _parents(
    session: Session, table: SyncedTable, given: dict[str, list[Any]]
) -> dict[str, dict[str, int]]:
    """``parent_ids`` of rows given column by column (``given``: name → the rows' values)."""
    parents: dict[str, dict[str, int]] = {}
    for col, parent in table.foreign_keys.items():
        wanted = {str(value) for value in given.get(col, ()) if value is not None}
        parents[col] = dict(_lookup(session, (parent.uuid, parent.id), parent.uuid, list(wanted)))
    return parents


def _pending_filter(table: SyncedTable):
    """Rows of ``table`` to send: dirty, or never seen by sync (no state row at all: rows that
    existed before sync was added count as changes)."""
    model = table.model
    state = SyncRowState
    join = and_(state.table_name == table.name, state.row_uuid == model.uuid)
    pending = or_(state.row_uuid.is_(None), state.dirty.is_(True))
    if table.sent_rows is not None:
        pending = and_(pending, table.sent_rows(model))
    return join, pending


def _rowless_states(table: SyncedTable, dirty: bool, *columns: Any) -> Any:
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


def pending_count(session: Session) -> int:
    """The rows to send: without a state, dirty, and tombstones of hard-deleted rows. Counted
    apart: the stateless ones by the state index alone (``NOT EXISTS``, half the time of an
    outer join that reads each state row for its flag), the dirty ones from their index."""
    total = 0
    for table in SYNCED_TABLES:
        model = table.model
        state, _pending = _pending_filter(table)
        sent = () if table.sent_rows is None else (table.sent_rows(model),)
        stateless = ~exists().where(state)
        total += session.scalar(select(func.count()).select_from(model).where(stateless, *sent))
        total += session.scalar(
            select(func.count())
            .select_from(SyncRowState)
            .join(model, state)
            .where(SyncRowState.dirty.is_(True), *sent)
        )
        # Tombstones of hard-deleted rows: a dirty state with no row behind it.
        total += session.scalar(_rowless_states(table, True, func.count()))
    return total


def local_changes(session: Session) -> Iterator[sync_wire.PushRow]:
    """Every pending local change as a wire row, parents before children."""
    return map(orjson.loads, encoded_changes(session))


def _raw(column: Any) -> Any:
    """The column as SQLite keeps it: no result processing (dates stay ISO text)."""
    return type_coerce(column, NullType())


def _wire_datetime(text: str) -> str:
    """A DateTime as SQLAlchemy keeps it on SQLite ("2026-11-22 10:00:00.000000") as it
    travels (``datetime.isoformat``: "2026-11-22T10:00:00")."""
    return datetime.fromisoformat(text).isoformat()


# Per codec, how the stored value becomes the wire's; None: the same. A Date is kept as its
# ISO text already.
_FROM_STORED = {
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
    for table in SYNCED_TABLES:
        model = table.model
        columns = model.__table__.c
        parents = {col: aliased(parent) for col, parent in table.foreign_keys.items()}
        names = list(table.codecs)
        # Append-only rows have no updated_at: their first date column stands for it.
        stamp = next(columns[n] for n in ("updated_at", "created_at", "at") if n in columns)
        envelope = (
            _raw(columns.uuid),
            literal(1) if table.append_only else columns.version,
            _raw(stamp),
            literal(False) if table.append_only else columns.deleted,
            func.coalesce(SyncRowState.server_seq, 0),
        )
        sent = [parents[n].uuid if n in parents else _raw(columns[n]) for n in names]

        encode = _python_encoder(table, names, parents)
        plain = _changes(table, parents, *envelope, *sent)  # the values, for Python to encode
        if not in_sql or sync_wire.BYTES in table.codecs.values():  # SQLite's JSON has no bytes
            for row in _driver_cursor(connection, plain.order_by(model.id)):
                yield encode(row)
        else:
            as_json = _sql_encoded(table, names, parents, envelope, sent)
            query = _changes(table, parents, as_json, model.id).order_by(model.id)
            for text, row_id in _driver_cursor(connection, query):
                if text is None:
                    (row,) = _driver_rows(connection, plain.where(model.id == row_id))
                    yield encode(row)
                else:
                    yield text.encode()
        # Hard-deleted rows: a tombstone with no data (other desktops soft-delete their copy).
        orphans = session.execute(
            _rowless_states(table, True, SyncRowState.row_uuid, SyncRowState.server_seq)
        ).all()
        for row_uuid, base_seq in orphans:
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


def _changes(table: SyncedTable, parents: dict[str, Any], *selected: Any) -> Any:
    """``SELECT selected`` over ``table``'s rows to send, joined to their sync state and to
    the parents (aliased) of their foreign keys."""
    join, pending = _pending_filter(table)
    columns = table.model.__table__.c
    query = select(*selected).outerjoin(SyncRowState, join)
    for col, parent in parents.items():
        query = query.outerjoin(parent, parent.id == columns[col])
    return query.where(pending)


def _python_encoder(
    table: SyncedTable, names: list[str], parents: dict[str, Any]
) -> Callable[[tuple], bytes]:
    """A wire row's JSON from SQLite's values (envelope, then the sent columns)."""
    fix = [(i, _FROM_STORED.get(codec)) for i, codec in enumerate(table.codecs.values())]
    fix = [(i, convert) for i, convert in fix if convert is not None and names[i] not in parents]
    name = table.name

    def encode(row: tuple) -> bytes:
        values = list(row[5:])
        for i, convert in fix:
            value = values[i]
            if value is not None:
                values[i] = convert(value)
        row_uuid, number, updated_at, deleted, base_seq = row[:5]
        return orjson.dumps(
            {
                "table": name,
                "uuid": row_uuid,
                "version": number,
                "updated_at": _wire_datetime(updated_at) if updated_at else _now(),
                "deleted": bool(deleted),
                "base_seq": base_seq,
                "data": dict(zip(names, values, strict=True)),
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
    table: SyncedTable, names: list[str], parents: dict[str, Any], envelope: tuple, sent: list
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


Convert = Callable[[list[Any]], list[Any]]


def _insert_plan(conn: Any, table: Any, keys: tuple[str, ...]) -> tuple[str, list[Any]] | None:
    """The driver's INSERT for rows giving ``keys``, and per column what turns its values into
    the storage SQLAlchemy would give them (dates as ISO text…; None: kept as they are); None
    when a column left out has a Python-side default (SQLAlchemy's insert fills it in)."""
    columns = table.columns
    if _defaults_left_out(table, keys):
        return None
    dialect = conn.dialect
    quote = dialect.identifier_preparer.quote
    sql = (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(k) for k in keys)}) "
        f"VALUES ({', '.join('?' for _ in keys)})"
    )
    return sql, [_converter(columns[k].type.dialect_impl(dialect), dialect) for k in keys]


def _defaults_left_out(table: Any, keys: Collection[str]) -> bool:
    """Whether a column not in ``keys`` has a Python-side default (SQLAlchemy's INSERT fills
    it in; the driver's would not)."""
    return any(c.default is not None and c.name not in keys for c in table.columns)


def _converter(impl: Any, dialect: Any) -> Convert | None:
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
        kind = bool  # the driver stores True and False as 1 and 0, as the processor does

    def convert(column: list[Any]) -> list[Any]:
        if kind is not None:
            kinds = set(map(type, column))
            kinds.discard(type(None))
            if not kinds or (kind is bool and kinds == {bool}):
                return column  # all None, or booleans (stored as the processor would)
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
    return kind is datetime and any(map(_aware, column))


def _insert_rows(session: Session, model: type, rows: list[dict[str, Any]]) -> None:
    """New rows given as dicts: one statement per set of keys (a pulled row may leave out
    nullable columns)."""
    by_keys: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        by_keys.setdefault(tuple(row), []).append(row)
    _insert(
        session,
        model,
        [(list(k), [list(map(itemgetter(n), group)) for n in k]) for k, group in by_keys.items()],
    )


def _insert(
    session: Session, model: type, groups: list[Columns], skip_clashes: bool = False
) -> int:
    """New rows, a statement per group of columns: the driver's executemany on tuples
    converted by each column's own bind processor, a column at a time (the same stored text).
    SQLAlchemy's per-row parameter handling was about a third of the insert's time in a
    profile of 100,000 pulled movimientos. With ``skip_clashes`` (only for groups the driver
    writes, ``_insert_plan``), a row holding a unique value of another row (a local one, an
    earlier one of the group) is left out. Returns how many rows were written."""
    groups = [(names, columns) for names, columns in groups if columns and columns[0]]
    if not groups:
        return 0
    conn = session.connection()
    table = model.__table__
    tallies: list[Any] = []  # per group: its live rows' counted columns (None: not all given)

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
            sql, converters = plan
            stored = list(columns)
            for i, convert in enumerate(converters):
                if convert is not None:
                    stored[i] = convert(stored[i])
            params = list(zip(*stored, strict=True))
            if skip_clashes:
                count = conn.exec_driver_sql(f"{sql} ON CONFLICT DO NOTHING", params).rowcount
            else:
                count = conn.exec_driver_sql(sql, params).rowcount
            written += count
            # Some row left out: the counts read back what was written (store/conteo.py).
            tallies.append(_tally(keys, stored) if count == len(params) else None)
        return written

    def tally() -> Any:
        if len(tallies) < len(groups) or None in tallies:
            return None
        return [row for rows in tallies for row in rows]

    if model.__tablename__ == "movimientos":
        return insert_counted(conn, write, tally)  # counts per page, not per row (conteo.py)
    return write()


_COUNTED = ("registro_patronal", "tipo", "estado", "fecha")


def _tally(keys: tuple[str, ...], stored: list[list[Any]]) -> list[tuple] | None:
    """The counted columns of the rows that are not deleted (store/conteo.py), as stored."""
    if not all(name in keys for name in (*_COUNTED, "deleted")):
        return None
    counted = zip(*(stored[keys.index(name)] for name in _COUNTED), strict=True)
    return list(compress(counted, map(operator.not_, stored[keys.index("deleted")])))


_UPSERT_STATES = (
    "INSERT INTO sync_row_state (table_name, row_uuid, server_seq, dirty, version) "
    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (table_name, row_uuid) DO UPDATE SET "
    "server_seq = excluded.server_seq, dirty = excluded.dirty, version = excluded.version"
)


def _upsert_states(session: Session, states: list[tuple[str, str, int, bool, int]]) -> None:
    """``states``: (table_name, row_uuid, server_seq, dirty, version) tuples."""
    if states:
        # The driver's executemany on plain tuples (every column given, none to convert):
        # SQLAlchemy's per-row parameter handling took more time than SQLite's upsert.
        session.connection().exec_driver_sql(_UPSERT_STATES, states)


# A batch's results for one table, in one statement: each row's server sequence and version,
# still dirty when the local row changed again while the batch was in flight (its version is
# not the one sent). The results go as one JSON array of [uuid, seq, version] arrays, each
# element read once (a third less time than reading keys of objects: each ->> parses the
# element again). ``WHERE true``: SQLite's parser needs it before an upsert's ON CONFLICT.
_RECORD_RESULTS = (
    "INSERT INTO sync_row_state (table_name, row_uuid, server_seq, dirty, version) "
    "SELECT :table_name, r.u, r.s, coalesce({version} != r.v, 0), r.v FROM "
    "(SELECT value ->> 0 AS u, value ->> 1 AS s, value ->> 2 AS v FROM json_each(:results)) "
    "AS r LEFT JOIN {table} AS m ON m.uuid = r.u WHERE true "
    "ON CONFLICT (table_name, row_uuid) DO UPDATE SET server_seq = excluded.server_seq, "
    "dirty = excluded.dirty, version = excluded.version"
)


_RESULT_FIELDS = itemgetter("table", "uuid", "seq", "version")


def record_push_results(
    session: Session, results: list[sync_wire.PushResult], now: datetime
) -> int:
    """After the server answered a batch: remember each row's server sequence, clear what was
    sent unless it changed again meanwhile, and keep every overwritten version as a conflict.
    Returns the number of conflicts. Set-based: the answer goes to SQLite as its JSON, one
    statement per table (no Python step per row)."""
    conn = session.connection()
    quote = conn.dialect.identifier_preparer.quote
    per_table: dict[str, list[tuple[str, int, int]]] = {}
    for name, row_uuid, seq, version in map(_RESULT_FIELDS, results):
        per_table.setdefault(name, []).append((row_uuid, seq, version))
    for name, answered in per_table.items():
        table = by_name(name)
        if table is None:
            continue
        version = "1" if table.append_only else "m.version"
        conn.exec_driver_sql(
            _RECORD_RESULTS.format(version=version, table=quote(name)),
            {"table_name": name, "results": orjson.dumps(answered).decode()},
        )
    conflicts = 0
    for result in results:
        # Two desktops settled one conflict at once: the last word stands, not a new one.
        overwritten = result.get("overwritten")
        table = by_name(result["table"]) if overwritten else None
        if table is not None and table.model is not SyncConflict:
            conflicts += 1
            session.add(
                SyncConflict(
                    table_name=result["table"],
                    row_uuid=result["uuid"],
                    kind="cambio",
                    detected_at=now,
                    loser=json.dumps(overwritten, ensure_ascii=False),
                )
            )
    return conflicts


@dataclass
class ApplyReport:
    received: int = 0
    applied: int = 0
    conflicts: int = 0
    waiting: int = 0  # kept in sync_pending until their parent row arrives

    def add(self, other: ApplyReport) -> None:
        self.received += other.received
        self.applied += other.applied
        self.conflicts += other.conflicts
        self.waiting += other.waiting


class _Unfit(ValueError):
    pass


class _NoParent(_Unfit):
    pass


_MISSING = object()


def decode_row(
    table: SyncedTable, data: dict[str, Any], parents: dict[str, dict[str, int]]
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    foreign_keys = table.foreign_keys
    for name, decode, optional, exact in table.decoders:
        raw = data.get(name, _MISSING)
        if raw.__class__ is exact:  # most values: text, integers (a bool is not an int here)
            values[name] = raw
        elif raw is _MISSING:
            if optional:
                continue
            raise _Unfit(f"falta {name}")
        elif raw is None:
            values[name] = None
        elif name in foreign_keys:
            parent_id = parents[name].get(str(raw))
            if parent_id is None:
                raise _NoParent(f"no existe el renglón padre de {name}")
            values[name] = parent_id
        else:
            try:
                values[name] = decode(raw)
            except (TypeError, ValueError) as exc:
                raise _Unfit(f"{name}: {exc}") from exc
    return values


def _decode_columns(
    table: SyncedTable, datas: list[dict[str, Any]], parents: dict[str, dict[str, int]]
) -> Columns | None:
    """``decode_row`` of every row of a page, as columns, decoded column by column in C loops
    (``map``, the set of a column's types) instead of a Python step per value: decoding was a
    quarter of a pulled page's time. None when some value needs its row's own answer (left
    out, of another type, without its parent, unfit): then each row goes through
    ``decode_row``."""
    sent = table.columns.keys()
    given: dict[str, Any] = {}
    if all(map(sent.__eq__, map(dict.keys, datas))) and len(sent) > 1:
        # Each row gives each column: the page turned into columns at once (one itemgetter
        # per row, one transposition).
        given = dict(zip(sent, zip(*map(itemgetter(*sent), datas), strict=True), strict=True))
    else:
        for name in sent:
            present = sum(map(operator.contains, datas, repeat(name)))
            if present == len(datas):
                given[name] = list(map(itemgetter(name), datas))
            elif present:
                return None  # some rows give it, some do not
    return _decode_given(table, given, parents)


def _decode_given(
    table: SyncedTable, given: dict[str, Any], parents: dict[str, dict[str, int]]
) -> Columns | None:
    """``_decode_columns`` of rows given column by column (``given``: name → every row's value
    of it, a sequence; a column left out: no row gives it)."""
    names: list[str] = []
    columns: list[list[Any]] = []
    for name, decode, optional, exact in table.decoders:
        raws = given.get(name)
        if raws is None:
            if optional:
                continue  # no row gives it: the column's default, as decode_row leaves it
            return None
        raws = list(raws)
        kinds = set(map(type, raws))
        kinds.discard(type(None))
        if exact is not None:
            if not kinds <= {exact}:
                return None
            values = raws
        elif name in table.foreign_keys:
            if not kinds <= {str}:
                return None
            values = list(map(parents[name].get, raws))
            if values.count(None) != raws.count(None):
                return None  # some parent is not here
        else:
            codec = table.codecs[name]
            if codec in (sync_wire.DATE, sync_wire.DATETIME) and kinds <= {str}:
                # What _date and _datetime do to text, without a Python call per value.
                decode = date.fromisoformat if codec is sync_wire.DATE else datetime.fromisoformat
            try:
                if kinds <= {str}:
                    # Each distinct text decoded once: a page's dates repeat (a thousand
                    # distinct among 5,000 rows).
                    seen = {raw: decode(raw) for raw in set(raws) if raw is not None}
                    seen[None] = None
                    values = list(map(seen.__getitem__, raws))
                elif None in raws:
                    values = [None if raw is None else decode(raw) for raw in raws]
                else:
                    values = list(map(decode, raws))
            except (TypeError, ValueError):
                return None
            if codec is sync_wire.DATETIME and any(map(_aware, values)):
                values = [None if v is None else v.replace(tzinfo=None) for v in values]
        names.append(name)
        columns.append(values)
    return (names, columns) if columns else None


def _aware(value: datetime | None) -> bool:
    return value is not None and value.tzinfo is not None


def _decode_rows(
    table: SyncedTable,
    datas: list[dict[str, Any]],
    parents: dict[str, dict[str, int]],
    page: Columns | None,
) -> list[dict[str, Any] | _Unfit]:
    """Per row: its column values, or why it does not fit (``_NoParent``, ``_Unfit``);
    ``page``: the rows' ``_decode_columns`` (None: each row decoded on its own)."""
    if page is not None:
        names, columns = page
        return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]
    out: list[dict[str, Any] | _Unfit] = []
    for data in datas:
        try:
            out.append(decode_row(table, data, parents))
        except _Unfit as exc:
            out.append(exc)
    return out


def _json_values(values: list[Any]) -> Any:
    """The rows of ``json_each(:values)``: a whole page's values in one parameter (one JSON
    text), where an IN list needs a statement per few hundred of them."""
    text = orjson.dumps(values, default=_iso, option=orjson.OPT_PASSTHROUGH_DATETIME).decode()
    return func.json_each(bindparam("values", text)).table_valued("value")


def _iso(value: Any) -> str:
    """A date or datetime in a lookup's JSON as SQLite keeps a Date (ISO text)."""
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def _lookup(session: Session, columns: tuple, where, values: list[Any], *also) -> list[Any]:
    """``SELECT columns WHERE where IN values [AND also]`` in one statement; SQLite looks each
    value up in ``where``'s index."""
    if not values:
        return []
    wanted = select(_json_values(list(values)).c.value).scalar_subquery()
    # Core rows (the session's connection, its transaction): no ORM result handling.
    query = select(*columns).where(where.in_(wanted), *also)
    return session.connection().execute(query).all()


def apply_remote(
    session: Session,
    rows: list[sync_wire.PulledRow],
    now: datetime,
    final: bool = False,
    repair: bool = False,
    groups: Collection[sync_wire.PulledGroup] = (),
) -> ApplyReport:
    """Apply one page of pulled rows (one transaction, the caller commits), parents before
    children. Everything is looked up for this page's rows only: memory and time per page do
    not grow with the store.

    A row changed here and not yet sent is left alone: the next push wins by server order and
    gets the overwritten version back as a conflict. A row that collides with a different local
    row on a unique value (the same registro patronal created offline on two desktops) is kept
    as a conflict instead of being inserted (a deleted one only as its state). A row whose
    parent has not arrived (the parent changed later, so it comes in a later page) waits in
    ``sync_pending``; with ``final`` (the pull has every page) a row still without its parent
    is kept as an «invalido» conflict.
    With ``repair`` (the drift check found the table differs from the server), a row already
    seen is applied again when the local copy's version is not the server's.

    ``groups``: more rows, column by column (``sync_wire.PulledGroup``). A table's only group
    goes as it came (``_apply_group``); a table with several, or with rows in ``rows`` too, is
    turned into rows first (a server's page has one group per table and set of columns).
    """
    report = ApplyReport(received=len(rows) + sum(len(group["uuid"]) for group in groups))
    session.info[APPLYING_REMOTE] = True
    try:
        order = {t.name: i for i, t in enumerate(SYNCED_TABLES)}
        per_table = Counter(row["table"] for row in rows)
        per_table.update(group["table"] for group in groups)
        whole = {
            group["table"]: group
            for group in groups
            # (a repair: row by row; a group out of order or repeating a row, as _in_order)
            if per_table[group["table"]] == 1
            and not repair
            and _ordered_once(group["uuid"], group["seq"])
        }
        for group in groups:
            if group["table"] not in whole:
                rows = [*rows, *sync_wire.group_rows(group)]
        grouped: dict[str, list[dict[str, Any]]] = {}
        for row in _in_order(rows):
            grouped.setdefault(row["table"], []).append(row)
        for name in sorted(grouped.keys() | whole.keys(), key=lambda name: order.get(name, 99)):
            table = by_name(name)
            if table is None:
                continue
            if name in whole:
                _apply_group(session, table, whole[name], now, report, final)
            else:
                _apply_table(session, table, grouped[name], now, report, final, repair)
    finally:
        session.info.pop(APPLYING_REMOTE, None)
    return report


def _ordered_once(keys: Iterable[Any], seqs: list[int]) -> bool:
    """Whether rows (``keys``: what names each row; ``seqs``: their sequences) are by
    sequence, each once, as a server's page is."""
    return seqs == sorted(seqs) and len(set(keys)) == len(seqs)


def _in_order(rows: list[sync_wire.PulledRow]) -> list[sync_wire.PulledRow]:
    """The rows by sequence, one version per row, the newest: a row may come twice (pending
    and pulled again). A server page is in order already, each row once: then it is kept."""
    keys = zip(map(itemgetter("table"), rows), map(itemgetter("uuid"), rows), strict=True)
    if _ordered_once(keys, list(map(itemgetter("seq"), rows))):
        return rows
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        key = (row["table"], row["uuid"])
        if key not in latest or row["seq"] > latest[key]["seq"]:
            latest[key] = row
    return sorted(latest.values(), key=itemgetter("seq"))


def _natural_lookup(model: type, key: tuple[str, ...], wanted: list[list[Any]]) -> Any:
    """``SELECT key`` of the local rows holding one of ``wanted`` (lists of values in the key's
    order): one statement per page, json_each joined to the key's unique index (a row-value IN
    would scan the table: 0.2 s a lookup at 200,000 movimientos)."""
    columns = [getattr(model, name) for name in key]
    keys = _json_values(wanted)
    match = and_(*(c == func.json_extract(keys.c.value, f"$[{j}]") for j, c in enumerate(columns)))
    return select(*columns).select_from(keys).join(model, match)


def _taken(
    session: Session, table: SyncedTable, wanted: dict[tuple[str, ...], set[tuple]]
) -> dict[tuple[str, ...], set[tuple]]:
    """Per natural key: which of the ``wanted`` values (per key, tuples in its order) some
    local row already holds."""
    model = table.model
    taken: dict[tuple[str, ...], set[tuple]] = {}
    for key in table.natural_keys:
        columns = tuple(getattr(model, name) for name in key)
        values = list(wanted.get(key, ()))
        if not values:
            found = []
        elif len(key) == 1:
            found = _lookup(session, columns, columns[0], [w[0] for w in values])
        else:  # (dates go as SQLite keeps them, ISO text: _json_values)
            found = session.connection().execute(_natural_lookup(model, key, values)).all()
        taken[key] = {tuple(r) for r in found}
    return taken


def _unclashed(
    session: Session,
    table: SyncedTable,
    items: list[dict[str, Any]],
    values: dict[str, list[Any]],
    conflict: Callable[[dict[str, Any], str], None],
) -> list[int] | None:
    """Which of a page's new rows (``values``: their decoded columns) to insert: the others
    hold a natural-key value (registro, movimiento…) of a local row or of an earlier row of
    the page: kept as «duplicado» conflicts, or, deleted, only as their state (the table's
    unique index would refuse them; there is nothing of them to show). None: every row."""
    count = len(items)
    keyed = {
        key: list(zip(*(values.get(name, repeat(None, count)) for name in key), strict=True))
        for key in table.natural_keys
    }
    if not keyed:
        return None
    wanted = {key: set(found) for key, found in keyed.items()}
    taken = _taken(session, table, wanted)
    if not any(taken.values()) and all(len(v) == count for v in wanted.values()):
        return None  # no value held already, none twice in the page
    keep = []
    for i, item in enumerate(items):
        if any(v[i] in taken[key] for key, v in keyed.items()):
            if not item["deleted"]:
                conflict(item, "duplicado")
            continue
        for key, v in keyed.items():
            taken[key].add(v[i])
        keep.append(i)
    return keep


@dataclass(frozen=True)
class _Envelopes:
    """A page's rows of one table without their data, field by field (``sync_wire.ENVELOPE``),
    and ``row(i)``: the i-th whole (a conflict keeps it)."""

    uuid: list[str]
    seq: list[int]
    version: list[int]
    updated_at: list[str]
    deleted: list[bool]
    row: Callable[[int], sync_wire.PulledRow]

    @classmethod
    def of_rows(cls, rows: list[sync_wire.PulledRow]) -> _Envelopes:
        fields = (list(map(itemgetter(name), rows)) for name in sync_wire.ENVELOPE)
        return cls(*fields, row=rows.__getitem__)

    @classmethod
    def of_group(cls, group: sync_wire.PulledGroup) -> _Envelopes:
        fields = (group[name] for name in sync_wire.ENVELOPE)  # type: ignore[literal-required]
        return cls(*fields, row=partial(sync_wire.group_row, group))


def _insert_new(
    session: Session,
    table: SyncedTable,
    rows: _Envelopes,
    page: Columns,
    conflict: Callable[[dict[str, Any], str], None],
) -> int:
    """A page's new rows that all decoded, kept as columns from the wire to the INSERT (no
    dict per row: a desktop joining a company pulls every row this way), with their states. A
    row holding a natural-key value (registro, movimiento…) of a local row or of an earlier
    row of the page is left out by the INSERT itself: only when some row was are the page's
    rows looked up, to keep each one left out as a «duplicado» conflict (a deleted one only
    as its state). Returns how many were inserted."""
    names, columns = list(page[0]), list(page[1])
    if not table.append_only:
        names += ["version", "updated_at", "deleted"]
        columns += [rows.version, list(map(datetime.fromisoformat, rows.updated_at)), rows.deleted]
    uuids = rows.uuid
    # A new row's local-only columns (its never-sent ones: never among the decoded ones).
    defaults = table.local_defaults
    keys = [*names, "uuid", *defaults]
    every = [*columns, uuids, *([value] * len(uuids) for value in defaults.values())]
    model = table.model
    if _defaults_left_out(model.__table__, keys):
        # SQLAlchemy fills in some default: its INSERT cannot skip, so clashes are found first.
        items = list(map(rows.row, range(len(uuids))))
        keep = _unclashed(session, table, items, dict(zip(names, columns, strict=True)), conflict)
        if keep is not None:
            every = [list(map(column.__getitem__, keep)) for column in every]
        session.flush()  # the conflicts above, as the slow path does
        written = _insert(session, model, [(keys, every)])
    else:
        written = _insert(session, model, [(keys, every)], skip_clashes=True)
        if written < len(uuids):
            # Every uuid of the page was new (the caller's lookup): those found now went in.
            inserted = {found for (found,) in _lookup(session, (model.uuid,), model.uuid, uuids)}
            for i, row_uuid in enumerate(uuids):
                if row_uuid not in inserted and not rows.deleted[i]:
                    conflict(rows.row(i), "duplicado")
    _upsert_states(  # each one's _state, in C loops
        session, list(zip(repeat(table.name), uuids, rows.seq, repeat(False), rows.version))
    )
    return written


Known = tuple[dict[str, tuple[int, bool]], dict[str, tuple[int, int]]]


def _known(session: Session, table: SyncedTable, uuids: list[str]) -> Known:
    """What this desktop has of these rows of ``table``: per uuid its sync state (server
    sequence, dirty), and its local row (id, version)."""
    states = {
        row_uuid: (server_seq, dirty)
        for row_uuid, server_seq, dirty in _lookup(
            session,
            (SyncRowState.row_uuid, SyncRowState.server_seq, SyncRowState.dirty),
            SyncRowState.row_uuid,
            uuids,
            SyncRowState.table_name == table.name,
        )
    }
    model = table.model
    version = literal(1) if table.append_only else model.version
    local = {
        u: (i, v)
        for u, i, v in _lookup(session, (model.uuid, model.id, version), model.uuid, uuids)
    }
    return states, local


def _conflicts(
    session: Session, table: SyncedTable, now: datetime, report: ApplyReport
) -> Callable[[dict[str, Any], str], None]:
    """What keeps a pulled row of ``table`` as a conflict of a kind («duplicado»…)."""

    def conflict(item: dict[str, Any], kind: str) -> None:
        report.conflicts += 1
        loser = sync_wire.loser(item)
        session.add(
            SyncConflict(
                table_name=table.name,
                row_uuid=item["uuid"],
                kind=kind,
                detected_at=now,
                loser=json.dumps(loser, ensure_ascii=False),
            )
        )

    return conflict


def _apply_group(
    session: Session,
    table: SyncedTable,
    group: sync_wire.PulledGroup,
    now: datetime,
    report: ApplyReport,
    final: bool,
) -> None:
    """A page's rows of ``table`` that came column by column: when every one is new here and
    decodes, from the wire's lists to the INSERT without a dict per row (a desktop joining a
    company); otherwise row by row, as ``_apply_table``."""
    uuids = group["uuid"]
    known = _known(session, table, uuids)
    page = None
    if not any(known) and group["columns"]:  # (no columns: tombstones, decided row by row)
        given = dict(zip(group["columns"], group["values"], strict=True))
        page = _decode_given(table, given, _parents(session, table, given))
    if page is None:
        rows = sync_wire.group_rows(group)
        _apply_table(session, table, rows, now, report, final, False, known)
        return
    conflict = _conflicts(session, table, now, report)
    report.applied += _insert_new(session, table, _Envelopes.of_group(group), page, conflict)


def _apply_table(
    session: Session,
    table: SyncedTable,
    items: list[dict[str, Any]],
    now: datetime,
    report: ApplyReport,
    final: bool,
    repair: bool,
    known: Known | None = None,
) -> None:
    """A page's rows of ``table``, each decided on its own (``known``: what ``_known`` found
    of them, when looked up already)."""
    model = table.model
    states, local = known or _known(session, table, [item["uuid"] for item in items])
    local_ids = {u: i for u, (i, _v) in local.items()}
    parents = parent_ids(session, table, [item["data"] for item in items])
    inserts: list[dict[str, Any]] = []
    new_states: list[tuple] = []
    conflict = _conflicts(session, table, now, report)
    decided: list[tuple[dict[str, Any], dict[str, Any], int | None]] = []
    to_decode: list[tuple[dict[str, Any], int | None]] = []
    for item in items:
        row_uuid, seq = item["uuid"], item["seq"]
        state = states.get(row_uuid)
        local_id = local_ids.get(row_uuid)
        if state is not None and state[0] >= seq:
            if not repair or state[1]:
                continue  # our own push coming back, or already applied
            if local_id is None:  # a «duplicado» or a tombstone: only its version is kept
                new_states.append(_state(table, row_uuid, max(seq, state[0]), item["version"]))
                continue
            if local[row_uuid][1] == item["version"]:
                continue  # this one is right; otherwise the local copy drifted: applied again
        elif local_id is not None and (state is None or state[1]):
            continue  # changed here, not sent yet: the next push settles it (server order)
        if local_id is not None and table.append_only:
            new_states.append(_state(table, row_uuid, seq, item["version"]))
            continue
        if local_id is None and item["deleted"] and not item["data"]:
            new_states.append(_state(table, row_uuid, seq, item["version"]))
            continue  # tombstone of a row this desktop never had
        to_decode.append((item, local_id))

    datas = [item["data"] for item, _id in to_decode]
    page = _decode_columns(table, datas, parents) if datas else None
    if page is not None and all(local_id is None for _item, local_id in to_decode):
        # Every row new and fit (a desktop joining, rows created elsewhere): as columns.
        new = _Envelopes.of_rows([item for item, _id in to_decode])
        report.applied += _insert_new(session, table, new, page, conflict)
        _upsert_states(session, new_states)
        return
    decoded = _decode_rows(table, datas, parents, page)
    for (item, local_id), values in zip(to_decode, decoded, strict=True):
        row_uuid, seq = item["uuid"], item["seq"]
        if isinstance(values, _NoParent) and not final:
            session.merge(SyncPending(seq=seq, table_name=table.name, row=json.dumps(item)))
            report.waiting += 1
            continue
        new_states.append(_state(table, row_uuid, seq, item["version"]))
        if isinstance(values, _NoParent):
            log.warning("Renglón recibido sin su padre %s/%s: %s", table.name, row_uuid, values)
            conflict(item, "invalido")
            continue
        if isinstance(values, _Unfit):
            log.warning("Renglón recibido inservible %s/%s: %s", table.name, row_uuid, values)
            conflict(item, "invalido")
            continue
        if not table.append_only:
            values.update(
                version=item["version"],
                updated_at=datetime.fromisoformat(item["updated_at"]),
                deleted=item["deleted"],
            )
        decided.append((item, values, local_id))

    new = [(item, values) for item, values, local_id in decided if local_id is None]
    keyed = {name for key in table.natural_keys for name in key}
    keep = _unclashed(
        session,
        table,
        [item for item, _values in new],
        {name: [values.get(name) for _item, values in new] for name in keyed},
        conflict,
    )
    kept = None if keep is None else {new[i][0]["uuid"] for i in keep}  # (once in a page)
    for item, values, local_id in decided:
        if local_id is None:
            if kept is not None and item["uuid"] not in kept:
                continue  # a «duplicado» (kept as a conflict) or a deleted copy of one
            values["uuid"] = item["uuid"]
            values.update(table.local_defaults)  # its never-sent columns
            inserts.append(values)
        else:
            obj = session.get(model, local_id)
            changed = {k for k, v in values.items() if getattr(obj, k) != v}
            for key, value in values.items():
                setattr(obj, key, value)
            if table.on_remote_change is not None and changed:
                table.on_remote_change(obj, changed)
        report.applied += 1
    session.flush()  # the updates above first, as the ORM insert's autoflush did
    _insert_rows(session, model, inserts)
    _upsert_states(session, new_states)


def _state(table: SyncedTable, row_uuid: str, seq: int, version: int) -> tuple:
    """A pulled row's state: clean, at the server's sequence and version."""
    return (table.name, row_uuid, seq, False, version)


def table_summary(session: Session, table: SyncedTable) -> tuple[int, int]:
    """(rows, checksum) of what the server should hold of ``table`` as this desktop knows it:
    its rows (their version) and, for rows it does not keep, the version it last saw. Only
    meaningful with nothing pending to send."""
    model = table.model
    rows = select(model.uuid + ":1" if table.append_only else _hash_key(model.uuid, model.version))
    if table.sent_rows is not None:
        rows = rows.where(table.sent_rows(model))
    absent = _rowless_states(
        table, False, _hash_key(SyncRowState.row_uuid, SyncRowState.version)
    ).where(SyncRowState.version.is_not(None))
    count = total = 0
    connection = session.connection()
    for query in (rows, absent):
        if query is absent and count == _state_count(connection, table):
            break  # with nothing pending each row has its state: these are all of them
        # Read by the driver (plain tuples) a few thousand at a time, hashed in C loops:
        # SQLAlchemy's handling of each result row took most of a 100,000-row check's time.
        cursor = _driver_cursor(connection, query)
        while found := cursor.fetchmany(5000):
            count += len(found)
            total += sync_wire.hash_sum(map(itemgetter(0), found))
    return count, total


def bucket_summary(session: Session, table: SyncedTable) -> dict[int, tuple[int, int]]:
    """``table_summary`` per bucket of uuids (``sync_wire.bucket_of``): where a table that
    differs from the server differs. (Only for a repair: it reads the whole table.)"""
    model = table.model
    rows = select(model.uuid + ":1" if table.append_only else _hash_key(model.uuid, model.version))
    if table.sent_rows is not None:
        rows = rows.where(table.sent_rows(model))
    absent = _rowless_states(
        table, False, _hash_key(SyncRowState.row_uuid, SyncRowState.version)
    ).where(SyncRowState.version.is_not(None))
    keys: dict[int, list[str]] = {}
    connection = session.connection()
    for query in (rows, absent):
        cursor = _driver_cursor(connection, query)
        while found := cursor.fetchmany(5000):
            for (key,) in found:  # "uuid:version": the uuid's last three hex digits at 33
                keys.setdefault(int(key[33:36], 16), []).append(key)
    return {bucket: (len(held), sync_wire.hash_sum(held)) for bucket, held in keys.items()}


def _state_count(connection: Any, table: SyncedTable) -> int:
    """How many sync states ``table`` has (read from the states' key alone)."""
    query = select(func.count()).where(SyncRowState.table_name == table.name)
    return connection.execute(query).scalar_one()


def _hash_key(row_uuid: Any, version: Any) -> Any:
    """A row's "uuid:version", the text ``sync_wire.row_hash`` hashes, written by SQLite."""
    return row_uuid + ":" + type_coerce(version, String)


def _driver_rows(connection: Any, query: Any) -> list[tuple]:
    return _driver_cursor(connection, query).fetchall()


def _driver_cursor(connection: Any, query: Any) -> Any:
    """``query`` run by the driver (rows as its plain tuples, read as they are iterated), in
    ``connection``'s transaction. Its values are written into the SQL: the fixed ones of this
    module's own queries (table names, flags)."""
    sql = str(query.compile(connection, compile_kwargs={"literal_binds": True}))
    return connection.connection.driver_connection.execute(sql)
