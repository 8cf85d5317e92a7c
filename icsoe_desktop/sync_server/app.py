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
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import repeat, starmap
from typing import Any

import orjson
from sqlalchemy import Engine, Text, bindparam, cast, exists, insert, or_, select, text, update
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
from icsoe_desktop.sync_server import DATABASE_URL_ENV, MAX_BODY_ENV, MAX_ROWS_ENV, POOL_SIZE_ENV
from icsoe_desktop.sync_server.db import prune_batches
from icsoe_desktop.sync_server.models import DesktopToken, Empresa, PushBatch, SyncedRow
from icsoe_desktop.sync_server.protocol import (
    MAX_BATCH_ROWS,
    MAX_BODY_BYTES,
    ProtocolError,
    PushRequest,
    PushRow,
    parse_pull,
    parse_push_body,
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
    "AND rows.tabla = wanted.tabla AND rows.uuid = wanted.uuid AND rows.seq > :after "
    "OFFSET 0) AS r"
).columns(*_LOOKED_UP)


def _existing(
    session: Session, caller: Caller, request: PushRequest, after_seq: int = -1
) -> dict[tuple[str, str], Any]:
    """The server's current version of the batch's rows (only those written after
    ``after_seq``)."""
    if not request.rows or _none_there(session, caller, request, after_seq):
        return {}
    if session.get_bind().dialect.name == "postgresql":
        rows = session.execute(
            _EXISTING_PG,
            {
                # Two texts, not two arrays: the driver dumps an array of 2,000 element by
                # element. (Table names and canonical UUIDs hold no comma.)
                "tablas": ",".join([r.table for r in request.rows]),
                "uuids": ",".join([r.uuid for r in request.rows]),
                "empresa": caller.empresa_id,
                "after": after_seq,
            },
        )
        return {(row.tabla, row.uuid): row for row in rows}
    query = select(*_LOOKED_UP).where(
        SyncedRow.empresa_id == caller.empresa_id,
        SyncedRow.tabla.in_({r.table for r in request.rows}),
        SyncedRow.uuid.in_([r.uuid for r in request.rows]),
    )
    if after_seq >= 0:  # (no "seq > -1": it could lead the planner to the company's seq index)
        query = query.where(SyncedRow.seq > after_seq)
    return {(row.tabla, row.uuid): row for row in session.execute(query)}


def _none_there(session: Session, caller: Caller, request: PushRequest, after_seq: int) -> bool:
    """Whether the server holds none of the batch's rows (written after ``after_seq``): per
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
        if after_seq >= 0:  # (as in _existing: no "seq > -1")
            where.append(SyncedRow.seq > after_seq)
        if session.scalar(select(exists().where(*where))):
            return False
    return True


# The company's last sequence and the stored reply to a batch id, in one statement (built once:
# building it cost a millisecond a push).
_COUNTER_AND_REPLY = select(
    Empresa.last_seq,
    select(PushBatch.response)
    .where(PushBatch.empresa_id == bindparam("empresa"), PushBatch.batch_id == bindparam("batch"))
    .scalar_subquery(),
).where(Empresa.id == bindparam("empresa"))
_COUNTER_AND_REPLY_LOCKED = _COUNTER_AND_REPLY.with_for_update(of=Empresa)


def _counter_and_reply(
    session: Session, caller: Caller, batch_id: str, lock: bool = False
) -> tuple[int, dict[str, Any] | None]:
    """The company's last sequence and the stored reply to ``batch_id`` (None: not answered
    yet); with ``lock``, holding the company's row lock."""
    query = _COUNTER_AND_REPLY_LOCKED if lock else _COUNTER_AND_REPLY
    last_seq, reply = session.execute(
        query, {"empresa": caller.empresa_id, "batch": batch_id}
    ).one()
    return last_seq, _reply(reply)


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
    than an executemany of INSERTs (it runs under the company's lock). (No other push of the
    company can insert the same rows meanwhile: that lock is held.)"""
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


def push(engine: Engine, caller: Caller, request: PushRequest) -> sync_wire.PushAnswer:
    with Session(engine) as session, session.begin():
        seen, prior = _counter_and_reply(session, caller, request.batch_id)
        if prior is not None:
            return prior
        # Read the rows before taking the company's lock, and under it only what other pushes
        # wrote meanwhile: the lock (one push of a company at a time) is held for less.
        existing = _existing(session, caller, request)
        # Lock the company's counter: pushes of one company run one at a time, sequence numbers
        # commit in order, and a repeated batch id is answered from the stored reply.
        last_seq, prior = _counter_and_reply(session, caller, request.batch_id, lock=True)
        if prior is not None:
            return prior
        if last_seq != seen:
            existing.update(_existing(session, caller, request, after_seq=seen))
        rows = request.rows
        new: Sequence[int]
        overwritten: list[sync_wire.Conflict | None]
        if not existing:  # every row new (a first push): sequences in the rows' order
            seqs = list(range(last_seq + 1, last_seq + 1 + len(rows)))
            new, overwritten, last_seq = range(len(rows)), [None] * len(rows), last_seq + len(rows)
            updates: list[dict[str, Any]] = []
        else:
            seqs, new, overwritten, updates, last_seq = _against(caller, rows, existing, last_seq)
        if new:
            _insert_rows(session, caller, request, new, seqs)
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
        session.execute(
            update(Empresa).where(Empresa.id == caller.empresa_id).values(last_seq=last_seq)
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


def _against(
    caller: Caller, rows: list[PushRow], existing: dict[tuple[str, str], Any], last_seq: int
) -> tuple[list[int], list[int], list[sync_wire.Conflict | None], list[dict[str, Any]], int]:
    """The batch's rows against the server's versions of them: each row's sequence, the rows
    to insert (indexes), each row's overwritten version (a conflict) or None, the updates, and
    the company's new last sequence."""
    seqs: list[int] = []
    new: list[int] = []
    overwritten: list[sync_wire.Conflict | None] = []
    updates: list[dict[str, Any]] = []
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
            seq = current.seq  # already here (a retry under a new batch id): no change
        else:
            last_seq += 1
            seq = last_seq
            if current is None:
                new.append(i)
            else:
                if current.seq != item.base_seq:
                    lost = sync_wire.conflict(current.seq, _envelope(current))
                updates.append(
                    {
                        "row_id": current.id,
                        "seq": seq,
                        "version": item.version,
                        "updated_at": item.updated_at,
                        "deleted": item.deleted,
                        "data": data,
                        "token_id": caller.token_id,
                    }
                )
        seqs.append(seq)
        overwritten.append(lost)
    return seqs, new, overwritten, updates, last_seq


def _merged(stored: dict[str, Any], sent: dict[str, Any]) -> dict[str, Any]:
    """A pushed row's data over the stored version's: a column the pushing desktop did not
    send (a desktop of an older version, which does not know it) keeps its stored value, so
    no later desktop finds it gone. A desktop sends every column it knows, null included; a
    tombstone of a hard-deleted row (no data at all) is kept as it came."""
    if not sent or stored.keys() <= sent.keys():
        return sent
    return {**stored, **sent}


def pull(
    engine: Engine,
    caller: Caller,
    since: int,
    limit: int,
    table: str | None = None,
    columnar: bool = False,
) -> sync_wire.PullPage:
    """Rows after ``since``, as ``rows`` or, ``columnar``, as ``grupos`` (sync_wire)."""
    rows_table = SyncedRow.__table__
    with Session(engine) as session:
        query = (
            # Core rows (no ORM objects for a page of thousands); ``data`` as the JSON text
            # the database keeps, sent as it is (orjson.Fragment): not parsed into dicts to be
            # written back out (fetching a page took three times as long).
            select(
                rows_table.c.tabla,
                rows_table.c.uuid,
                rows_table.c.seq,
                rows_table.c.version,
                rows_table.c.updated_at,
                rows_table.c.deleted,
                cast(rows_table.c.data, Text),
            )
            .where(rows_table.c.empresa_id == caller.empresa_id, rows_table.c.seq > since)
            .order_by(rows_table.c.seq)
            .limit(limit)
        )
        if table is not None:
            # (A table's rows, maybe a few among a million: the planner's choice.)
            query = query.where(rows_table.c.tabla == table)
        elif session.get_bind().dialect.name == "postgresql":
            # The page read in the order of ix_rows_empresa_seq, stopping at the limit. On a
            # table without statistics yet the planner instead fetched every row after the
            # cursor and sorted them on disk: a second a page, quadratic over a full pull.
            session.execute(text("SET LOCAL enable_sort = off"))
        found = session.connection().execute(query).all()
        # An estimate, not a count: rows re-sent since left gaps in the sequence.
        last_seq = session.scalar(select(Empresa.last_seq).where(Empresa.id == caller.empresa_id))
    cursor = found[-1].seq if found else since
    remaining = max(0, (last_seq or 0) - cursor) if len(found) == limit else 0
    if columnar:
        # Each row's data parsed here, on the server's core, so the desktop parses lists.
        loaded = (
            (tabla, row_uuid, seq, number, at, deleted, orjson.loads(data))
            for tabla, row_uuid, seq, number, at, deleted, data in found
        )
        return sync_wire.pull_page([], cursor, remaining, sync_wire.pulled_groups(loaded))
    out = [
        sync_wire.pulled_row(
            tabla, row_uuid, seq, sync_wire.version(number, at, deleted, orjson.Fragment(data))
        )
        for tabla, row_uuid, seq, number, at, deleted, data in found
    ]
    return sync_wire.pull_page(out, cursor, remaining)


# PostgreSQL sums row_hash (domain/sync_wire.py) itself: 60 bits of md5("uuid:version").
_PG_SUMMARY = text(
    "SELECT tabla, count(*), "
    "sum(('x' || substr(md5(uuid || ':' || version::text), 1, 15))::bit(60)::bigint) "
    "FROM rows WHERE empresa_id = :empresa GROUP BY tabla"
)


def resumen(engine: Engine, caller: Caller) -> sync_wire.Resumen:
    """Per table: how many rows and their checksum (text: it outgrows a JSON-safe integer)."""
    with Session(engine) as session:
        # Read first: rows pushed meanwhile make the sums newer than it, never older.
        cursor = session.scalar(select(Empresa.last_seq).where(Empresa.id == caller.empresa_id))
        if session.get_bind().dialect.name == "postgresql":
            found = session.execute(_PG_SUMMARY, {"empresa": caller.empresa_id}).all()
        else:  # SQLite has no md5: summed here
            sums: dict[str, list[int]] = {}
            for tabla, row_uuid, version in session.execute(
                select(SyncedRow.tabla, SyncedRow.uuid, SyncedRow.version).where(
                    SyncedRow.empresa_id == caller.empresa_id
                )
            ):
                entry = sums.setdefault(tabla, [0, 0])
                entry[0] += 1
                entry[1] += sync_wire.row_hash(row_uuid, version)
            found = [(tabla, n, total) for tabla, (n, total) in sums.items()]
    tablas = {t: sync_wire.table_summary(n, total) for t, n, total in found}
    return sync_wire.resumen(cursor or 0, tablas)


def estado(engine: Engine, caller: Caller) -> dict[str, Any]:
    with Session(engine) as session:
        last_seq = session.scalar(select(Empresa.last_seq).where(Empresa.id == caller.empresa_id))
    return {
        "protocolo": PROTOCOL_VERSION,
        "empresa": caller.empresa_rfc,
        "escritorio": caller.nombre,
        "cursor": last_seq,
        "esquema": caller.esquema,
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
        _protocolo, esquema = parse_versions(request.headers)
        header = request.headers.get("authorization")
        return await run_in_threadpool(_authenticate, engine, header, esquema)

    def answer(caller: Caller, content: Any) -> JSONResponse:
        """The answer, with the newest schema of the company's desktops (an older desktop
        tells its user to update)."""
        headers = {sync_wire.SCHEMA_HEADER: caller.esquema} if caller.esquema else None
        return _Json(content, headers=headers)

    async def estado_endpoint(request: Request) -> JSONResponse:
        caller = await caller_of(request)
        return answer(caller, await run_in_threadpool(estado, engine, caller))

    pruned: dict[int, float] = {}

    def push_and_prune(caller: Caller, body: bytes) -> dict[str, Any]:
        # Parsed in a worker thread: 8 MiB of JSON would hold the event loop (every other
        # request) for the parse's whole time.
        parsed = parse_push_body(body, max_rows)
        answer = push(engine, caller, parsed)
        if time.monotonic() - pruned.get(caller.empresa_id, -PRUNE_EVERY_S) >= PRUNE_EVERY_S:
            pruned[caller.empresa_id] = time.monotonic()
            prune_batches(engine, caller.empresa_id)  # after the push's commit: not locked
        return answer

    async def push_endpoint(request: Request) -> JSONResponse:
        caller = await caller_of(request)
        body = await _read_body(request, max_body)
        return answer(caller, await run_in_threadpool(push_and_prune, caller, body))

    async def pull_endpoint(request: Request) -> JSONResponse:
        caller = await caller_of(request)
        since, limit, table, columnar = parse_pull(request.query_params)
        page = await run_in_threadpool(pull, engine, caller, since, limit, table, columnar)
        return answer(caller, page)

    async def resumen_endpoint(request: Request) -> JSONResponse:
        caller = await caller_of(request)
        return answer(caller, await run_in_threadpool(resumen, engine, caller))

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
