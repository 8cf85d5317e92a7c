"""The HTTP JSON API (Starlette). Every request carries ``Authorization: Bearer <token>``; the token
decides the company, and a company only ever reads and writes its own rows.

Conflicts: the server keeps the latest version of each row; a push whose ``base_seq`` is not the
row's current sequence overwrote a version the pushing desktop never saw. The push still wins
(server order decides) and the answer returns the overwritten version so the desktop keeps it
in its conflicts table: nothing is silently lost.
"""

from __future__ import annotations

import gc
import logging
import os
import time
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import repeat, starmap
from typing import Any

import orjson
from sqlalchemy import (
    Engine,
    Row,
    Select,
    Text,
    bindparam,
    cast,
    create_engine,
    delete,
    event,
    exists,
    func,
    insert,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from icsoe_desktop.domain import sync_wire, tokens
from icsoe_desktop.domain.sync_registry import spec
from icsoe_desktop.sync_server import (
    DATABASE_URL_ENV,
    MAX_BODY_ENV,
    MAX_ROWS_ENV,
    POOL_SIZE_ENV,
    esquemas,
)
from icsoe_desktop.sync_server.db import POOL_TIMEOUT_S, prune_batches
from icsoe_desktop.sync_server.models import (
    DesktopToken,
    Empresa,
    PushBatch,
    SeqLease,
    SyncedRow,
)
from icsoe_desktop.sync_server.protocol import (
    MAX_BATCH_ROWS,
    MAX_BODY_BYTES,
    ProtocolError,
    PushRequest,
    PushRow,
    invalid,
    parse_buckets,
    parse_pull,
    parse_push_body,
    parse_table,
    parse_uuids,
    parse_versions,
    too_large,
)

log = logging.getLogger(__name__)
PROTOCOL_VERSION = sync_wire.PROTOCOL
RETRY_AFTER_S = 5
PRUNE_EVERY_S = 3600  # per company and process


@dataclass(frozen=True)
class Caller:
    token_id: int
    empresa_id: int
    empresa_rfc: str
    nombre: str
    esquema: str | None = None  # the newest desktop schema the company has synced with


def _unauthorized() -> ProtocolError:
    return ProtocolError(
        401,
        "token_invalido",
        "El token de sincronización no es válido o fue revocado.",
        "The sync token is not valid or was revoked.",
    )


def _authenticate(engine: Engine, header: str | None, esquema: str | None = None) -> Caller:
    """The token's desktop and company. ``esquema``: the desktop's schema revision, kept as
    the company's when it is the newest seen (a write only then)."""
    if not header or not header.startswith("Bearer ") or len(header) > 300:
        raise _unauthorized()
    token_hash = tokens.hash_bearer_token(header[len("Bearer ") :])
    with Session(engine) as session:
        found = session.execute(
            select(
                DesktopToken.id,
                DesktopToken.empresa_id,
                Empresa.rfc,
                DesktopToken.nombre,
                Empresa.esquema,
            )
            .join(Empresa, Empresa.id == DesktopToken.empresa_id)
            .where(DesktopToken.token_hash == token_hash, DesktopToken.revoked_at.is_(None))
        ).first()
    if found is None:
        raise _unauthorized()
    caller = Caller(*found)
    if esquema is not None and sync_wire.newer_schema(esquema, caller.esquema or "0000"):
        with engine.begin() as connection:
            connection.execute(
                update(Empresa)
                .where(
                    Empresa.id == caller.empresa_id,
                    or_(Empresa.esquema.is_(None), Empresa.esquema < esquema),
                )
                .values(esquema=esquema)
            )
        caller = Caller(*found[:4], esquema)
    return caller


class _Json(JSONResponse):
    """Rendered by orjson: several times faster on a page of 5,000 rows (same UTF-8 JSON)."""

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def _envelope(row: SyncedRow | Any) -> sync_wire.Version:
    return sync_wire.version(row.version, row.updated_at, row.deleted, row.data)


# Each of a batch's rows looked up by its own probe of the unique index: the OFFSET 0 keeps
# the planner from turning the lookups into one scan of the company's rows filtered by the
# batch's 2,000 UUIDs (what it chose for ``uuid = ANY(array)`` on a table without statistics
# yet, a second per batch once the statement was prepared and its array no longer hashed).
_LOOKED_UP = [
    SyncedRow.__table__.c[name]
    for name in ("id", "tabla", "uuid", "seq", "version", "updated_at", "deleted", "data")
]
_EXISTING_PG = text(
    "SELECT r.id, r.tabla, r.uuid, r.seq, r.version, r.updated_at, r.deleted, r.data "
    "FROM unnest(string_to_array(:tablas, ','), string_to_array(:uuids, ',')) "
    "AS wanted(tabla, uuid) "
    "CROSS JOIN LATERAL (SELECT * FROM rows WHERE rows.empresa_id = :empresa "
    "AND rows.tabla = wanted.tabla AND rows.uuid = wanted.uuid "
    "OFFSET 0 FOR UPDATE) AS r"
).columns(*_LOOKED_UP)


def _existing(session: Session, caller: Caller, request: PushRequest) -> dict[tuple[str, str], Any]:
    """The server's current version of the batch's rows. On PostgreSQL each one locked until
    the push commits, taken in the order of (table, uuid) (two pushes of shared rows wait for
    each other instead of deadlocking): a push that changes a row another push is changing
    waits for it and then sees its version (a conflict is never missed)."""
    if not request.rows or _none_there(session, caller, request):
        return {}
    if session.get_bind().dialect.name == "postgresql":
        wanted = sorted((r.table, r.uuid) for r in request.rows)
        rows = session.execute(
            _EXISTING_PG,
            {
                # Two texts, not two arrays: the driver dumps an array of 2,000 element by
                # element. (Table names and canonical UUIDs hold no comma.)
                "tablas": ",".join([t for t, _u in wanted]),
                "uuids": ",".join([u for _t, u in wanted]),
                "empresa": caller.empresa_id,
            },
        )
        return {(row.tabla, row.uuid): row for row in rows}
    query = select(*_LOOKED_UP).where(
        SyncedRow.empresa_id == caller.empresa_id,
        SyncedRow.tabla.in_({r.table for r in request.rows}),
        SyncedRow.uuid.in_([r.uuid for r in request.rows]),
    )
    return {(row.tabla, row.uuid): row for row in session.execute(query)}


def _none_there(session: Session, caller: Caller, request: PushRequest) -> bool:
    """Whether the server holds none of the batch's rows: per
    table, one probe of the unique index for any uuid between the batch's lowest and highest
    (compared as bytes, as Python does: migration 0004). Rows made on a desktop after the
    ones it sent before (version 7 uuids grow with time: domain/row_ids.py) fall in a range
    of their own, so a first push needs no row by row lookup; any other batch gets one."""
    uuids: dict[str, list[str]] = {}
    for row in request.rows:
        uuids.setdefault(row.table, []).append(row.uuid)
    for table, among in uuids.items():
        lowest, highest = min(among), max(among)
        where = [
            SyncedRow.empresa_id == caller.empresa_id,
            SyncedRow.tabla == table,
            SyncedRow.uuid.between(lowest, highest),
        ]
        if session.scalar(select(exists().where(*where))):
            return False
    return True


_STORED_REPLY = select(PushBatch.response).where(
    PushBatch.empresa_id == bindparam("empresa"), PushBatch.batch_id == bindparam("batch")
)


def _prior_reply(session: Session, caller: Caller, batch_id: str) -> dict[str, Any] | None:
    """The stored reply to ``batch_id`` (None: not answered yet)."""
    stored = session.execute(
        _STORED_REPLY, {"empresa": caller.empresa_id, "batch": batch_id}
    ).scalar()
    return _reply(stored)


# Sequence numbers for a push, in a transaction of its own: the company's row is locked only
# for this statement, and the lease says which numbers may still appear (pull's watermark).
_LEASE = text(
    "WITH taken AS (UPDATE empresas SET last_seq = last_seq + :n WHERE id = :empresa "
    "RETURNING last_seq) "
    "INSERT INTO seq_leases (empresa_id, first_seq, last_seq, owner) "
    "SELECT :empresa, last_seq - :n + 1, last_seq, :owner FROM taken RETURNING first_seq"
)
# Leases of pushes that never committed (a crash, a rollback): they hold nothing back.
_DEAD_LEASES = text(
    "DELETE FROM seq_leases WHERE empresa_id = :empresa "
    "AND coalesce(pg_xact_status(owner::text::xid8), 'aborted') = 'aborted'"
)
# The highest sequence below which every row is committed, or will never be: the company's
# last sequence, or just below its oldest lease whose push may still commit. Read in the same
# snapshot as the rows (one statement): a push's rows and the removal of its lease commit
# together, and its lease committed before it wrote any row.
WATERMARK_PG = (
    "(SELECT least(e.last_seq, (SELECT min(l.first_seq) - 1 FROM seq_leases l "
    "WHERE l.empresa_id = e.id "
    "AND pg_xact_status(l.owner::text::xid8) IN ('in progress', 'committed'))) "
    "FROM empresas e WHERE e.id = :empresa)"
)
_allocators: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()


def _allocator(engine: Engine) -> Engine:
    """A small pool of its own for the allocations: a push holds its connection while it
    takes a second one here, and with one shared pool, pushes holding every connection
    would wait forever for their second. An allocation holds its connection for a
    statement, and waits for nothing but another allocation."""
    found = _allocators.get(engine)
    if found is None:
        found = create_engine(
            engine.url,
            pool_size=2,
            max_overflow=8,
            pool_timeout=POOL_TIMEOUT_S,
            pool_pre_ping=True,
        )
        _allocators[engine] = found
        # Closed with the engine it serves.
        event.listen(engine, "engine_disposed", lambda _engine: found.dispose())
    return found


def _allocate(engine: Engine, session: Session, caller: Caller, count: int) -> tuple[int, bool]:
    """``count`` sequence numbers for this push: the first, and whether a lease was taken (to
    be removed by the push's own commit)."""
    if session.get_bind().dialect.name != "postgresql":
        # SQLite: one writer at a time; the push's transaction holds the database already.
        last = session.execute(
            update(Empresa)
            .where(Empresa.id == caller.empresa_id)
            .values(last_seq=Empresa.last_seq + count)
            .returning(Empresa.last_seq)
        ).scalar_one()
        return last - count + 1, False
    owner = session.execute(text("SELECT pg_current_xact_id()::text::bigint")).scalar_one()
    with _allocator(engine).begin() as conn:
        conn.execute(_DEAD_LEASES, {"empresa": caller.empresa_id})
        first = conn.execute(
            _LEASE, {"n": count, "empresa": caller.empresa_id, "owner": owner}
        ).scalar_one()
    return first, True


def _reply(stored: dict[str, Any] | str | None) -> dict[str, Any] | None:
    if not isinstance(stored, str):
        return stored  # None, or a reply stored whole by an earlier version of the server
    compact = orjson.loads(stored)
    keys = ("table", "uuid", "version", "seq", "overwritten")
    return {
        "results": [dict(zip(keys, r, strict=True)) for r in compact["r"]],
        "cursor": compact["c"],
    }


def _stored_reply(results: list[tuple[Any, ...]], cursor: int) -> str:
    """The reply as kept for a retry of its batch: one JSON text of arrays (no key names),
    which PostgreSQL stores as one JSONB string instead of parsing 2,000 objects; a third of
    the size. ``results``: each row's table, uuid, version, seq and overwritten version.
    ``_reply`` reads it back."""
    return orjson.dumps({"c": cursor, "r": results}).decode()


_COPY_FROM = 100  # rows; fewer go in one executemany (COPY's start and end cost a round trip)
# Binary: a third of the text format's time on this side, and less on PostgreSQL's. ``data``
# goes as text, which is json's binary format too (a binary COPY's rows carry no types, only
# lengths): psycopg's json dumper would encode it again, in Python.
_COPY_ROWS = (
    "COPY rows (empresa_id, tabla, uuid, seq, version, updated_at, deleted, data, token_id) "
    "FROM STDIN (FORMAT BINARY)"
)
_COPY_TYPES = ["int4", "varchar", "varchar", "int8", "int4", "timestamp", "bool", "text", "int4"]


def _insert_rows(
    session: Session, caller: Caller, request: PushRequest, new: Sequence[int], seqs: list[int]
) -> None:
    """The batch's rows ``new`` (indexes), with their sequences. On PostgreSQL by COPY, faster
    than an executemany of INSERTs. (Another push inserting one of them meanwhile makes one of
    the two fail on the unique index, and run again: ``push``.)"""
    rows = request.rows
    connection = session.connection()
    if connection.dialect.name != "postgresql" or len(new) < _COPY_FROM:
        values = [
            {
                "empresa_id": caller.empresa_id,
                "tabla": rows[i].table,
                "uuid": rows[i].uuid,
                "seq": seqs[i],
                "version": rows[i].version,
                "updated_at": rows[i].updated_at,
                "deleted": rows[i].deleted,
                "data": rows[i].data,
                "token_id": caller.token_id,
            }
            for i in new
        ]
        connection.execute(insert(SyncedRow.__table__), values)
        return
    data_json = request.data_json
    if len(new) < len(rows):
        rows, seqs = [rows[i] for i in new], [seqs[i] for i in new]
        data_json = data_json and [data_json[i] for i in new]
    data_json = data_json or [orjson.dumps(r.data).decode() for r in rows]
    tables, uuids, versions, dates, deleted, _base_seqs, _datas = zip(*rows, strict=True)
    with (
        connection.connection.driver_connection.cursor() as cursor,
        cursor.copy(_COPY_ROWS) as copy,
    ):
        copy.set_types(_COPY_TYPES)
        write = copy.write_row
        for row in zip(
            repeat(caller.empresa_id),
            tables,
            uuids,
            seqs,
            versions,
            dates,
            deleted,
            data_json,
            repeat(caller.token_id),
        ):
            write(row)


# A push that met another one of its company (the same new row inserted by both, shared rows
# locked in opposite orders, the same batch sent twice at once) is run again from the start:
# it then finds the other's rows or reply.
_RETRIED_STATES = {"23505", "40P01", "40001"}  # unique violation, deadlock, serialization
PUSH_ATTEMPTS = 5


def _sqlstate(exc: BaseException) -> str | None:
    return getattr(getattr(exc, "orig", exc), "sqlstate", None)


def push(engine: Engine, caller: Caller, request: PushRequest) -> sync_wire.PushAnswer:
    for attempt in range(PUSH_ATTEMPTS):
        try:
            return _push_once(engine, caller, request)
        except Exception as exc:
            if _sqlstate(exc) not in _RETRIED_STATES or attempt == PUSH_ATTEMPTS - 1:
                raise
            log.info("Envío repetido tras chocar con otro de la empresa: %s", _sqlstate(exc))
    raise AssertionError("unreachable")


def _push_once(engine: Engine, caller: Caller, request: PushRequest) -> sync_wire.PushAnswer:
    with Session(engine) as session, session.begin():
        postgres = session.get_bind().dialect.name == "postgresql"
        if not postgres:  # SQLite: the database's write lock first, one push at a time
            session.execute(
                update(Empresa)
                .where(Empresa.id == caller.empresa_id)
                .values(last_seq=Empresa.last_seq)
            )
        prior = _prior_reply(session, caller, request.batch_id)
        if prior is not None:
            return prior
        rows = request.rows
        existing = _existing(session, caller, request)
        fresh, new, overwritten = _against(rows, existing)
        seqs: list[int] = [0] * len(rows)
        for i, item in enumerate(rows):
            current = existing.get((item.table, item.uuid))
            if current is not None:
                seqs[i] = current.seq  # unchanged rows keep theirs
        first, leased = _allocate(engine, session, caller, len(fresh)) if fresh else (0, False)
        for offset, i in enumerate(fresh):
            seqs[i] = first + offset
        last_seq = first + len(fresh) - 1 if fresh else _last_seq(session, caller)
        if new:
            _insert_rows(session, caller, request, new, seqs)
        updates = [
            _update_of(caller, existing[(rows[i].table, rows[i].uuid)], rows[i], seqs[i])
            for i in fresh
            if (rows[i].table, rows[i].uuid) in existing
        ]
        if updates:
            # Core (not ORM) executemany: an UPDATE per row keyed by its id.
            rows_table = SyncedRow.__table__
            session.connection().execute(
                update(rows_table)
                .where(rows_table.c.id == bindparam("row_id"))
                .values(
                    seq=bindparam("seq"),
                    version=bindparam("version"),
                    updated_at=bindparam("updated_at"),
                    deleted=bindparam("deleted"),
                    data=bindparam("data"),
                    token_id=bindparam("token_id"),
                ),
                updates,
            )
        if postgres and fresh:
            _add_sums(session, caller, [rows[i] for i in fresh], existing)
        if leased:  # committed with the rows: a pull may pass these numbers from then on
            session.execute(
                delete(SeqLease).where(
                    SeqLease.empresa_id == caller.empresa_id, SeqLease.first_seq == first
                )
            )
        tables, uuids, versions = list(zip(*rows, strict=True))[:3] if rows else ((), (), ())
        results = list(zip(tables, uuids, versions, seqs, overwritten, strict=True))
        session.add(
            PushBatch(
                empresa_id=caller.empresa_id,
                batch_id=request.batch_id,
                response=_stored_reply(results, last_seq),
            )
        )
    return sync_wire.push_answer(list(starmap(sync_wire.push_result, results)), last_seq)


def _last_seq(session: Session, caller: Caller) -> int:
    found = session.scalar(select(Empresa.last_seq).where(Empresa.id == caller.empresa_id))
    return found or 0


def _update_of(caller: Caller, current: Any, item: PushRow, seq: int) -> dict[str, Any]:
    return {
        "row_id": current.id,
        "seq": seq,
        "version": item.version,
        "updated_at": item.updated_at,
        "deleted": item.deleted,
        "data": _merged(current.data, item.data),
        "token_id": caller.token_id,
    }


def _against(
    rows: list[PushRow], existing: dict[tuple[str, str], Any]
) -> tuple[list[int], list[int], list[sync_wire.Conflict | None]]:
    """The batch's rows against the server's versions of them: the rows that get a new
    sequence (indexes, in the batch's order), those of them to insert, and each row's
    overwritten version (a conflict) or None."""
    fresh: list[int] = []
    new: list[int] = []
    overwritten: list[sync_wire.Conflict | None] = []
    for i, item in enumerate(rows):
        current = existing.get((item.table, item.uuid))
        lost = None
        data = item.data if current is None else _merged(current.data, item.data)
        if current is not None and (
            spec(item.table).append_only
            or (
                current.version == item.version
                and current.deleted == item.deleted
                and current.data == data
            )
        ):
            pass  # already here (a retry under a new batch id): no change
        else:
            fresh.append(i)
            if current is None:
                new.append(i)
            elif current.seq != item.base_seq:
                lost = sync_wire.conflict(current.seq, _envelope(current))
        overwritten.append(lost)
    return fresh, new, overwritten


# The checksums' changes go by binary COPY: a push touches up to one row per bucket (some
# 1,600 for 2,000 rows), which as an executemany of INSERTs was half of the push's time here.
_COPY_SUMS = "COPY bucket_sums (empresa_id, tabla, bucket, rows, total) FROM STDIN (FORMAT BINARY)"
_COPY_SUMS_TYPES = ["int4", "varchar", "int4", "int8", "numeric"]


def _add_sums(
    session: Session, caller: Caller, written: list[PushRow], existing: dict[tuple[str, str], Any]
) -> None:
    """The checksums' changes for the rows this push writes: per bucket and per table, one
    row each (models.BucketSum). The rows' hashes in one ``hash_sum``-like C loop (a Python
    call per row and per hash was most of this step's time)."""
    keys = [f"{item.uuid}:{item.version}" for item in written]
    previous = [
        (i, f"{item.uuid}:{current.version}")
        for i, item in enumerate(written)
        if (current := existing.get((item.table, item.uuid))) is not None
    ]
    hashes = sync_wire.row_hashes(keys)
    added = [1] * len(written)
    if previous:
        replaced = sync_wire.row_hashes([key for _i, key in previous])
        for (i, _key), old in zip(previous, replaced, strict=True):
            hashes[i] -= old
            added[i] = 0
    changes: dict[tuple[str, int], list[int]] = {}
    for item, change, count in zip(written, hashes, added, strict=True):
        for key in ((item.table, sync_wire.bucket_of(item.uuid)), (item.table, -1)):
            entry = changes.get(key)
            if entry is None:
                changes[key] = [count, change]
            else:
                entry[0] += count
                entry[1] += change
    with (
        session.connection().connection.driver_connection.cursor() as cursor,
        cursor.copy(_COPY_SUMS) as copy,
    ):
        copy.set_types(_COPY_SUMS_TYPES)
        for (tabla, bucket), (count, total) in changes.items():
            copy.write_row((caller.empresa_id, tabla, bucket, count, Decimal(total)))


def _merged(stored: dict[str, Any], sent: dict[str, Any]) -> dict[str, Any]:
    """A pushed row's data over the stored version's: a column the pushing desktop did not
    send (a desktop of an older version, which does not know it) keeps its stored value, so
    no later desktop finds it gone. A desktop sends every column it knows, null included; a
    tombstone of a hard-deleted row (no data at all) is kept as it came."""
    if not sent or stored.keys() <= sent.keys():
        return sent
    return {**stored, **sent}


def _rows_query(caller: Caller) -> Select:
    """The company's rows as the wire carries them, in sequence order. Core rows (no ORM
    objects for a page of thousands); ``data`` as the JSON text the database keeps, sent as it
    is (orjson.Fragment) in a row-wise page: not parsed into dicts to be written back out
    (fetching a page took three times as long)."""
    rows_table = SyncedRow.__table__
    return (
        select(
            rows_table.c.tabla,
            rows_table.c.uuid,
            rows_table.c.seq,
            rows_table.c.version,
            rows_table.c.updated_at,
            rows_table.c.deleted,
            cast(rows_table.c.data, Text),
        )
        .where(rows_table.c.empresa_id == caller.empresa_id)
        .order_by(rows_table.c.seq)
    )


def _groups(found: Sequence[Row[Any]]) -> list[sync_wire.PulledGroup]:
    """``found`` (from ``_rows_query``) as column-wise ``grupos``: each row's data parsed here,
    on the server's core, so the desktop parses lists."""
    loaded = (
        (tabla, row_uuid, seq, number, at, deleted, orjson.loads(data))
        for tabla, row_uuid, seq, number, at, deleted, data in found
    )
    return sync_wire.pulled_groups(loaded)


def pull(
    engine: Engine,
    caller: Caller,
    since: int,
    limit: int,
    table: str | None = None,
    columnar: bool = False,
    buckets: list[int] | None = None,
) -> sync_wire.PullPage:
    """Rows after ``since``, as ``rows`` or, ``columnar``, as ``grupos`` (sync_wire); of one
    ``table`` only, and of those only the ``buckets`` of uuids given (a repair)."""
    rows_table = SyncedRow.__table__
    with Session(engine) as session:
        query = _rows_query(caller).where(rows_table.c.seq > since).limit(limit)
        postgres = session.get_bind().dialect.name == "postgresql"
        settled = None
        if postgres:
            # One snapshot for the watermark and the page: never past a number whose push may
            # still commit.
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            settled = session.execute(
                text(f"SELECT {WATERMARK_PG}"), {"empresa": caller.empresa_id}
            ).scalar_one()
            query = query.where(rows_table.c.seq <= settled)
        if table is not None:
            # (A table's rows, maybe a few among a million: the planner's choice.)
            query = query.where(rows_table.c.tabla == table)
        if buckets is not None:  # a bucket: a uuid's last three hex digits (bucket_of)
            ends = [f"{bucket:03x}" for bucket in buckets]
            query = query.where(func.substr(rows_table.c.uuid, 34, 3).in_(ends))
        elif postgres:
            # The page read in the order of ix_rows_empresa_seq, stopping at the limit. On a
            # table without statistics yet the planner instead fetched every row after the
            # cursor and sorted them on disk: a second a page, quadratic over a full pull.
            session.execute(text("SET LOCAL enable_sort = off"))
        found = session.connection().execute(query).all()
        # An estimate, not a count: rows re-sent since left gaps in the sequence.
        last_seq = session.scalar(select(Empresa.last_seq).where(Empresa.id == caller.empresa_id))
    cursor = found[-1].seq if found else since
    if settled is not None and len(found) < limit:
        # Every row up to the watermark was in this page or an earlier one (same snapshot):
        # the numbers between are gaps (a push that never committed, a row sent again since).
        # Passing them lets a quiet desktop's cursor reach the server's, which the drift
        # check waits for.
        cursor = max(cursor, settled)
    remaining = max(0, (last_seq or 0) - cursor) if len(found) == limit else 0
    if columnar:
        return sync_wire.pull_page([], cursor, remaining, _groups(found))
    out = [
        sync_wire.pulled_row(
            tabla, row_uuid, seq, sync_wire.version(number, at, deleted, orjson.Fragment(data))
        )
        for tabla, row_uuid, seq, number, at, deleted, data in found
    ]
    return sync_wire.pull_page(out, cursor, remaining)


# The company's last sequence and each table's checksum, in one statement (one snapshot: the
# sums hold exactly the rows committed up to that sequence, or the desktop sees a newer cursor
# and catches up first).
_PG_SUMMARY = text(
    "SELECT e.last_seq, s.tabla, s.n, s.total FROM empresas e LEFT JOIN ("
    "SELECT tabla, sum(rows) AS n, sum(total) AS total FROM bucket_sums "
    "WHERE empresa_id = :empresa AND bucket = -1 GROUP BY tabla) s ON true "
    "WHERE e.id = :empresa"
)
_PG_BUCKETS = text(
    "SELECT bucket, sum(rows), sum(total) FROM bucket_sums "
    "WHERE empresa_id = :empresa AND tabla = :tabla AND bucket >= 0 GROUP BY bucket"
)
# Each bucket's changes folded into one row (one statement: a reader sees the sums before or
# after, both right); pushes committing meanwhile add rows it does not touch.
_COMPACT = text(
    "WITH gone AS (DELETE FROM bucket_sums WHERE empresa_id = :empresa "
    "RETURNING tabla, bucket, rows, total) "
    "INSERT INTO bucket_sums (empresa_id, tabla, bucket, rows, total) "
    "SELECT :empresa, tabla, bucket, sum(rows), sum(total) FROM gone GROUP BY tabla, bucket"
)
COMPACT_EVERY = 100  # pushes of a company, per server process


def compact_sums(engine: Engine, empresa_id: int) -> None:
    """Fold a company's checksum changes (models.BucketSum): one compaction at a time."""
    with engine.begin() as conn:
        if conn.dialect.name != "postgresql":
            return
        if conn.execute(
            text("SELECT pg_try_advisory_xact_lock(:key, :empresa)"),
            {"key": COMPACT_LOCK, "empresa": empresa_id},
        ).scalar_one():
            conn.execute(_COMPACT, {"empresa": empresa_id})


COMPACT_LOCK = 0x5C_A5


def _sqlite_sums(session: Session, caller: Caller, table: str | None) -> dict[Any, list[int]]:
    """Per table (or, for ``table``, per bucket): rows and checksum, summed here (SQLite has
    no md5)."""
    query = select(SyncedRow.tabla, SyncedRow.uuid, SyncedRow.version).where(
        SyncedRow.empresa_id == caller.empresa_id
    )
    if table is not None:
        query = query.where(SyncedRow.tabla == table)
    sums: dict[Any, list[int]] = {}
    for tabla, row_uuid, version in session.execute(query):
        entry = sums.setdefault(tabla if table is None else sync_wire.bucket_of(row_uuid), [0, 0])
        entry[0] += 1
        entry[1] += sync_wire.row_hash(row_uuid, version)
    return sums


def resumen(engine: Engine, caller: Caller) -> sync_wire.Resumen:
    """Per table: how many rows and their checksum (text: it outgrows a JSON-safe integer),
    with the sequence they hold everything up to."""
    with Session(engine) as session:
        if session.get_bind().dialect.name == "postgresql":
            found = session.execute(_PG_SUMMARY, {"empresa": caller.empresa_id}).all()
            cursor = found[0][0] if found else 0
            sums = {tabla: (n, total) for _c, tabla, n, total in found if tabla is not None}
        else:  # one writer at a time: the two reads see the same rows
            cursor = _last_seq(session, caller)
            sums = dict(_sqlite_sums(session, caller, None))
    tablas = {t: sync_wire.table_summary(int(n), int(total)) for t, (n, total) in sums.items()}
    return sync_wire.resumen(cursor or 0, tablas)


def buckets(engine: Engine, caller: Caller, table: str) -> dict[str, Any]:
    """One table's rows and checksum per bucket of uuids (sync_wire.bucket_of), with the
    sequence they hold everything up to: where a table that differs differs."""
    with Session(engine) as session:
        if session.get_bind().dialect.name == "postgresql":
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            cursor = _last_seq(session, caller)
            found = session.execute(
                _PG_BUCKETS, {"empresa": caller.empresa_id, "tabla": table}
            ).all()
        else:
            cursor = _last_seq(session, caller)
            found = [(b, n, t) for b, (n, t) in _sqlite_sums(session, caller, table).items()]
    return {
        "cursor": cursor,
        "cubetas": {str(b): sync_wire.table_summary(int(n), int(t)) for b, n, t in found if n},
    }


def versions(engine: Engine, caller: Caller, table: str, buckets: list[int]) -> dict[str, Any]:
    """Each row's uuid and version in ``buckets`` of one table's uuids (a repair's finer
    level: where a bucket that differs differs), with the sequence they hold everything up
    to; column by column."""
    rows_table = SyncedRow.__table__
    ends = [f"{bucket:03x}" for bucket in buckets]
    with Session(engine) as session:
        if session.get_bind().dialect.name == "postgresql":
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        cursor = _last_seq(session, caller)
        found = session.execute(
            select(rows_table.c.uuid, rows_table.c.version).where(
                rows_table.c.empresa_id == caller.empresa_id,
                rows_table.c.tabla == table,
                func.substr(rows_table.c.uuid, 34, 3).in_(ends),
            )
        ).all()
    return {"cursor": cursor, "uuid": [u for u, _v in found], "version": [v for _u, v in found]}


def rows_of(engine: Engine, caller: Caller, table: str, uuids: list[str]) -> sync_wire.PullPage:
    """Some rows of one table, by uuid, as a page of ``grupos`` (a repair's last step: only
    the rows that differ), in sequence order; its cursor is the company's last sequence."""
    rows_table = SyncedRow.__table__
    with Session(engine) as session:
        cursor = _last_seq(session, caller)
        found = session.execute(
            _rows_query(caller).where(rows_table.c.tabla == table, rows_table.c.uuid.in_(uuids))
        ).all()
    return sync_wire.pull_page([], cursor, 0, _groups(found))


def estado(
    engine: Engine, caller: Caller, max_rows: int = MAX_BATCH_ROWS, max_body: int = MAX_BODY_BYTES
) -> dict[str, Any]:
    """Who the desktop is to this server, and the largest push it takes (rows and bytes): a
    desktop sends batches that big (fewer round trips), one that reads no limit here sends
    the size every server takes (sync_wire.OLD_SERVER_BATCH_ROWS)."""
    with Session(engine) as session:
        last_seq = session.scalar(select(Empresa.last_seq).where(Empresa.id == caller.empresa_id))
    return {
        "protocolo": PROTOCOL_VERSION,
        "empresa": caller.empresa_rfc,
        "escritorio": caller.nombre,
        "cursor": last_seq,
        "esquema": caller.esquema,
        "max_renglones": max_rows,
        "max_bytes": max_body,
    }


async def _read_body(request: Request, limit: int) -> bytes:
    """The body, refusing more than ``limit`` bytes before reading them all into memory."""
    declared = request.headers.get("content-length")
    if declared is not None and not (declared.isascii() and declared.isdigit()):
        raise too_large(limit)
    if declared is not None and int(declared) > limit:
        raise too_large(limit)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise too_large(limit)
    return bytes(body)


def _retry_later(code: str, mensaje: str, message: str) -> JSONResponse:
    return JSONResponse(
        {"error": code, "mensaje": mensaje, "message": message},
        status_code=503,
        headers={"Retry-After": str(RETRY_AFTER_S)},
    )


def create_app(
    engine: Engine, max_body: int = MAX_BODY_BYTES, max_rows: int = MAX_BATCH_ROWS
) -> Starlette:
    async def caller_of(request: Request) -> Caller:
        protocolo, esquema = parse_versions(request.headers)
        esquemas.revisar(esquema, protocolo)
        header = request.headers.get("authorization")
        return await run_in_threadpool(_authenticate, engine, header, esquema)

    def answer(caller: Caller, content: Any) -> JSONResponse:
        """The answer, with the newest schema of the company's desktops (an older desktop
        tells its user to update)."""
        headers = {sync_wire.SCHEMA_HEADER: caller.esquema} if caller.esquema else None
        return _Json(content, headers=headers)

    async def estado_endpoint(request: Request) -> JSONResponse:
        caller = await caller_of(request)
        found = await run_in_threadpool(estado, engine, caller, max_rows, max_body)
        return answer(caller, found)

    pruned: dict[int, float] = {}
    pushes: dict[int, int] = {}

    def push_and_prune(caller: Caller, body: bytes, esquema: str | None) -> dict[str, Any]:
        # Parsed in a worker thread: 8 MiB of JSON would hold the event loop (every other
        # request) for the parse's whole time.
        parsed = parse_push_body(body, max_rows)
        esquemas.revisar_renglones(parsed.rows, esquema)
        answer = push(engine, caller, parsed)
        if time.monotonic() - pruned.get(caller.empresa_id, -PRUNE_EVERY_S) >= PRUNE_EVERY_S:
            pruned[caller.empresa_id] = time.monotonic()
            prune_batches(engine, caller.empresa_id)  # after the push's commit: not locked
        pushes[caller.empresa_id] = pushes.get(caller.empresa_id, 0) + 1
        if pushes[caller.empresa_id] % COMPACT_EVERY == 0:
            compact_sums(engine, caller.empresa_id)
        return answer

    async def push_endpoint(request: Request) -> JSONResponse:
        caller = await caller_of(request)
        body = await _read_body(request, max_body)
        esquema = request.headers.get(sync_wire.SCHEMA_HEADER)  # checked by caller_of
        return answer(caller, await run_in_threadpool(push_and_prune, caller, body, esquema))

    async def pull_endpoint(request: Request) -> JSONResponse:
        caller = await caller_of(request)
        since, limit, table, columnar = parse_pull(request.query_params)
        buckets = parse_buckets(request.query_params, table)
        page = await run_in_threadpool(pull, engine, caller, since, limit, table, columnar, buckets)
        return answer(caller, page)

    async def resumen_endpoint(request: Request) -> JSONResponse:
        caller = await caller_of(request)
        table = parse_table(request.query_params)
        if table is not None:
            return answer(caller, await run_in_threadpool(buckets, engine, caller, table))
        return answer(caller, await run_in_threadpool(resumen, engine, caller))

    async def versions_endpoint(request: Request) -> JSONResponse:
        caller = await caller_of(request)
        table = parse_table(request.query_params)
        buckets = parse_buckets(request.query_params, table)
        if table is None or buckets is None:
            raise invalid("tabla y cubetas son obligatorias.", "tabla and cubetas are required.")
        return answer(caller, await run_in_threadpool(versions, engine, caller, table, buckets))

    async def rows_endpoint(request: Request) -> JSONResponse:
        caller = await caller_of(request)
        table, uuids = parse_uuids(await _read_body(request, max_body))
        return answer(caller, await run_in_threadpool(rows_of, engine, caller, table, uuids))

    async def protocol_error(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ProtocolError)
        if exc.status >= 500:
            log.warning("%s: %s", exc.code, exc.message)
        return JSONResponse(exc.body(), status_code=exc.status)

    async def http_error(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, HTTPException)
        return JSONResponse(
            {"error": "http", "mensaje": str(exc.detail), "message": str(exc.detail)},
            status_code=exc.status_code,
        )

    async def database_down(_request: Request, exc: Exception) -> JSONResponse:
        log.warning("Base de datos no disponible: %s", exc)
        return _retry_later(
            "base_no_disponible",
            "La base de datos del servidor no está disponible; reintenta.",
            "The server database is unavailable; retry.",
        )

    async def busy(_request: Request, exc: Exception) -> JSONResponse:
        log.warning("Servidor ocupado (sin conexión libre a la base): %s", exc)
        return _retry_later(
            "servidor_ocupado",
            "El servidor está ocupado; reintenta en unos segundos.",
            "The server is busy; retry in a few seconds.",
        )

    return Starlette(
        routes=[
            Route("/v1/estado", estado_endpoint, methods=["GET"]),
            Route("/v1/push", push_endpoint, methods=["POST"]),
            Route("/v1/pull", pull_endpoint, methods=["GET"]),
            Route("/v1/resumen", resumen_endpoint, methods=["GET"]),
            Route("/v1/versiones", versions_endpoint, methods=["GET"]),
            Route("/v1/renglones", rows_endpoint, methods=["POST"]),
        ],
        exception_handlers={
            ProtocolError: protocol_error,
            HTTPException: http_error,
            OperationalError: database_down,
            PoolTimeout: busy,
        },
    )


def app_from_env() -> Starlette:
    """The app for ``uvicorn --factory`` (what ``serve --workers N`` runs in each worker
    process): its settings come from the environment ``serve`` sets."""
    from icsoe_desktop.sync_server.db import make_engine

    env = os.environ
    engine = make_engine(env[DATABASE_URL_ENV], int(env.get(POOL_SIZE_ENV, "5")))
    app = create_app(
        engine,
        int(env.get(MAX_BODY_ENV, MAX_BODY_BYTES)),
        int(env.get(MAX_ROWS_ENV, MAX_BATCH_ROWS)),
    )
    freeze_startup_objects()
    return app


def freeze_startup_objects() -> None:
    """Keep what a server process made to start (modules, SQLAlchemy's and Alembic's objects:
    some 100,000, none of them ever garbage) out of the garbage collector's full collections,
    which walked them all, several times a second during a big push: a fourth of the
    server's CPU per pushed row. (Only in a server process: ``app_from_env``.)"""
    gc.collect()
    gc.freeze()
