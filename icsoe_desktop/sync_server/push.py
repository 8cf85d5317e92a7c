"""``POST /v1/push``: a batch of rows written with new sequences, conflicts answered, replies kept.

Conflicts: the server keeps the latest version of each row; a push whose ``base_seq`` is not the
row's current sequence overwrote a version the pushing desktop never saw. The push still wins
(server order decides) and the answer returns the overwritten version so the desktop keeps it
in its conflicts table: nothing is silently lost.
"""

from __future__ import annotations

import logging
from itertools import starmap
from typing import Any, cast

import orjson
from sqlalchemy import Engine, bindparam, delete, exists, select, text, update
from sqlalchemy.orm import Session

from icsoe_desktop.domain import sync_wire
from icsoe_desktop.domain.contenido import huella_texto
from icsoe_desktop.sync_server import exclusivas, reglas, secuencias, sumas
from icsoe_desktop.sync_server.auth import Caller
from icsoe_desktop.sync_server.escritura import add_sums, insert_rows, stored_text
from icsoe_desktop.sync_server.models import ROWS_TABLE, Empresa, PushBatch, SeqLease, SyncedRow
from icsoe_desktop.sync_server.protocol import PushRequest, PushRow, synced_spec
from icsoe_desktop.sync_server.sumas import huella_de

log = logging.getLogger(__name__)


def _envelope(row: SyncedRow | Any) -> sync_wire.Version:
    return sync_wire.version(row.version, row.updated_at, row.deleted, row.data)


# Each of a batch's rows looked up by its own probe of the unique index: the OFFSET 0 keeps
# the planner from turning the lookups into one scan of the company's rows filtered by the
# batch's 2,000 UUIDs (what it chose for ``uuid = ANY(array)`` on a table without statistics
# yet, a second per batch once the statement was prepared and its array no longer hashed).
_LOOKED_UP = [
    ROWS_TABLE.c[name]
    for name in ("id", "tabla", "uuid", "seq", "version", "updated_at", "deleted", "data")
] + [ROWS_TABLE.c.token_id]  # who wrote the version: a conflict says it (``_against``)
_EXISTING_PG = text(
    "SELECT r.id, r.tabla, r.uuid, r.seq, r.version, r.updated_at, r.deleted, r.data, "
    "r.token_id "
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


def _prior_reply(session: Session, caller: Caller, batch_id: str) -> sync_wire.PushAnswer | None:
    """The stored reply to ``batch_id`` (None: not answered yet)."""
    stored = session.execute(
        _STORED_REPLY, {"empresa": caller.empresa_id, "batch": batch_id}
    ).scalar()
    return _reply(stored)


def _reply(stored: dict[str, Any] | str | None) -> sync_wire.PushAnswer | None:
    if not isinstance(stored, str):
        # None, or a reply stored whole by an earlier version of the server
        return cast("sync_wire.PushAnswer | None", stored)
    compact = orjson.loads(stored)
    return sync_wire.push_answer(list(starmap(sync_wire.push_result, compact["r"])), compact["c"])


def _stored_reply(results: list[tuple[Any, ...]], cursor: int) -> str:
    """The reply as kept for a retry of its batch: one JSON text of arrays (no key names),
    which PostgreSQL stores as one JSONB string instead of parsing 2,000 objects; a third of
    the size. ``results``: each row's table, uuid, version, seq and overwritten version.
    ``_reply`` reads it back."""
    return orjson.dumps({"c": cursor, "r": results}).decode()


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
            answer = _push_once(engine, caller, request)
            # Who pushed, to the desktop itself: the conflicts of its company it is one of
            # the two desktops of (``sync_wire.Conflict.autor``). (A retry's stored reply
            # was this same desktop's.)
            answer["equipo"] = caller.token_id
            return answer
        except Exception as exc:
            if _sqlstate(exc) not in _RETRIED_STATES or attempt == PUSH_ATTEMPTS - 1:
                raise
            log.info("Envío repetido tras chocar con otro de la empresa: %s", _sqlstate(exc))
    raise AssertionError("unreachable")


def _push_once(engine: Engine, caller: Caller, request: PushRequest) -> sync_wire.PushAnswer:
    request, refused = reglas.apart(request)  # stored nowhere, answered with their reason
    with Session(engine) as session, session.begin():
        postgres = session.get_bind().dialect.name == "postgresql"
        if postgres:  # its writes are counted by add_sums, not by migration 0009's triggers
            sumas.mark_push(session)
        else:  # SQLite: the database's write lock first, one push at a time
            session.execute(
                update(Empresa)
                .where(Empresa.id == caller.empresa_id)
                .values(last_seq=Empresa.last_seq)
            )
        prior = _prior_reply(session, caller, request.batch_id)
        if prior is not None:
            return prior
        # A second Normal of a period, and the children that would lose their parent: under
        # a lock on each key until this transaction ends (two pushes at once: one waits).
        request, apart = exclusivas.apart(session, caller, request)
        refused = refused + apart
        rows = request.rows
        existing = _existing(session, caller, request)
        fresh, new, overwritten = _against(rows, existing)
        seqs: list[int] = [0] * len(rows)
        for i, item in enumerate(rows):
            current = existing.get((item.table, item.uuid))
            if current is not None:
                seqs[i] = current.seq  # unchanged rows keep theirs
        first, leased = (
            secuencias.allocate(engine, session, caller, len(fresh)) if fresh else (0, False)
        )
        for offset, i in enumerate(fresh):
            seqs[i] = first + offset
        # Each written row's fingerprint, as sent: kept (``rows.huella``) and answered (the
        # desktop keeps it for its content check).
        huellas: list[int | None] = [None] * len(rows)
        for i in fresh:
            huellas[i] = huella_de(rows[i].deleted, rows[i].data)
        last_seq = first + len(fresh) - 1 if fresh else secuencias.last_seq(session, caller)
        if new:
            insert_rows(session, caller, request, new, seqs, huellas)
        updates = [
            _update_of(
                caller, existing[(rows[i].table, rows[i].uuid)], rows[i], seqs[i], huellas[i]
            )
            for i in fresh
            if (rows[i].table, rows[i].uuid) in existing
        ]
        if updates:
            # Core (not ORM) executemany: an UPDATE per row keyed by its id.
            rows_table = ROWS_TABLE
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
                    huella=bindparam("huella"),
                    texto_visto=bindparam("texto_visto"),
                ),
                updates,
            )
        if postgres and fresh:
            add_sums(session, caller, [rows[i] for i in fresh], existing)
        if leased:  # committed with the rows: a pull may pass these numbers from then on
            session.execute(
                delete(SeqLease).where(
                    SeqLease.empresa_id == caller.empresa_id, SeqLease.first_seq == first
                )
            )
        tables, uuids, versions = list(zip(*rows, strict=True))[:3] if rows else ((), (), ())
        written = zip(tables, uuids, versions, seqs, overwritten, strict=True)
        results: list[tuple[Any, ...]] = [
            (*result, "", False, huella) if huella is not None else result
            for result, huella in zip(written, huellas, strict=True)
        ]
        results += refused
        session.add(
            PushBatch(
                empresa_id=caller.empresa_id,
                batch_id=request.batch_id,
                response=_stored_reply(results, last_seq),
            )
        )
    return sync_wire.push_answer(list(starmap(sync_wire.push_result, results)), last_seq)


def _update_of(
    caller: Caller, current: Any, item: PushRow, seq: int, sent: int | None
) -> dict[str, Any]:
    """The UPDATE's values of a row the batch writes over ``current``; ``sent``: the
    fingerprint of its data as sent (that of the data kept, unless merged)."""
    data = _merged(current.data, item.data)
    return {
        "row_id": current.id,
        "seq": seq,
        "version": item.version,
        "updated_at": item.updated_at,
        "deleted": item.deleted,
        "data": data,
        "token_id": caller.token_id,
        "huella": sent if sent is not None and data is item.data else huella_de(item.deleted, data),
        "texto_visto": huella_texto(item.deleted, stored_text(data)),
    }


def _against(
    rows: list[PushRow], existing: dict[tuple[str, str], Any]
) -> tuple[list[int], list[int], list[sync_wire.Sobrescrita | None]]:
    """The batch's rows against the server's versions of them: the rows that get a new
    sequence (indexes, in the batch's order), those of them to insert, and each row's
    overwritten version (a conflict) or None."""
    fresh: list[int] = []
    new: list[int] = []
    overwritten: list[sync_wire.Sobrescrita | None] = []
    for i, item in enumerate(rows):
        current = existing.get((item.table, item.uuid))
        lost: sync_wire.Sobrescrita | None = None
        data = item.data if current is None else _merged(current.data, item.data)
        if current is not None and (
            synced_spec(item.table).append_only
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
                lost = sync_wire.sobrescrita(current.seq, _envelope(current), current.token_id)
        overwritten.append(lost)
    return fresh, new, overwritten


def _merged(stored: dict[str, Any], sent: dict[str, Any]) -> dict[str, Any]:
    """A pushed row's data over the stored version's: a column the pushing desktop did not
    send (a desktop of an older version, which does not know it) keeps its stored value, so
    no later desktop finds it gone. A desktop sends every column it knows, null included; a
    tombstone of a hard-deleted row (no data at all) is kept as it came."""
    if not sent or stored.keys() <= sent.keys():
        return sent
    return {**stored, **sent}
