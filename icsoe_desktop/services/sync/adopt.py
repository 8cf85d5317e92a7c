"""Adopt: a pulled row that is new here, whose natural key (``SyncedTable.adoption_keys``: the
registro, the contratista's RFC, the informativa's contratista + periodo + tipo (a Normal and a
Sin información of one period hold one key: ``TableSpec.iguales``), a contract's
informativa + contratante + objeto + fechas, a worker's contract + NSS, a lote's registro +
número…) a local row holds that was never sent (a desktop installed again with the company's
token whose clerk did the same work again before its first sync). The local row takes the
server's identity (uuid, version, sequence) instead of the pulled row being inserted beside it:
nothing of it is sent, and its children, which point to it by its local id, follow.

Columns that only say when (``SyncedTable.when``: the alta, the terms' acceptance, an edición)
never make the two different; the row takes the server's. A row whose content differs takes the
server's content too, as every other desktop has it, and its own version is kept as one
«recapturado» conflict on this desktop only (conflicts of that kind never travel): «Conservar
la otra versión» writes it back as an ordinary edit that reaches every desktop.

Per group, in a few statements: the holders looked up by key (``json_each`` joined to the
table), their states by uuid, and the changes as executemany. Written with the store's
statements, not the ORM: the drift check's sums (``store/sumas.py``) see a row's uuid only
through a change of its version, so the row goes through version 0 on its way to the server's
uuid and version (a change of version: its content may change with it)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, case, delete, false, func, insert, or_, select, update
from sqlalchemy.orm import Session

from icsoe_desktop.domain import sync_wire
from icsoe_desktop.domain.sync_registry import TableSpec
from icsoe_desktop.services.sync.rechazados import REFUSED_BY_SERVER
from icsoe_desktop.services.sync.sql import STATES, cached, driver_rows, json_values, lookup
from icsoe_desktop.store.models import SyncConflict, SyncRowState
from icsoe_desktop.store.sync_tables import SYNCED_TABLES, SyncedTable

# The kind of conflict a row captured again with other content leaves (never sent).
RECAPTURADO = "recapturado"

# A group's envelopes of the rows: uuids, sequences, versions, stamps (ISO text), deleted.
Envelopes = tuple[Sequence[str], Sequence[int], Sequence[int], Sequence[str], Sequence[bool]]


def claimed(
    session: Session,
    table: SyncedTable,
    envelopes: Envelopes,
    page: tuple[Sequence[str], Sequence[Sequence[Any]]],
    chosen: list[int],
    now: datetime,
) -> tuple[list[int], int]:
    """Of the group's new rows ``chosen`` (positions; ``page``: the group's decoded column
    names and columns), those left to insert: the others were adopted by a local row never
    sent. Also how many more conflicts are open: the «recapturado» ones kept, less the
    refusals they settled. A table whose rows name another of its rows by uuid
    (``TableSpec.referencias``: a complementaria's informativa) is looked up again once some
    were adopted: a row naming one adopted now names the server's uuid."""
    if not chosen or not table.adoption_keys or table.append_only:
        return chosen, 0
    names, columns = page
    deleted = envelopes[4]
    left, kept = chosen, 0
    while True:
        values = {
            i: {name: columns[k][i] for k, name in enumerate(names)}
            for i in left
            if not deleted[i]  # a tombstone is nothing to adopt
        }
        holders = _holders(session, table, values)
        if not holders:
            return left, kept
        kept += _adopt(session, table, envelopes, values, holders, now)
        left = [i for i in left if i not in holders]
        if not table.spec.referencias:
            return left, kept


def _adopt(
    session: Session,
    table: SyncedTable,
    envelopes: Envelopes,
    values: dict[int, dict[str, Any]],
    holders: dict[int, Any],
    now: datetime,
) -> int:
    """The ``holders`` take the identity of the pulled rows they hold the key of; those that
    differ their content too, their own kept as conflicts: how many more are open (a refusal
    of a holder settled here counts one less)."""
    compared = [name for name in next(iter(values.values())) if name not in table.when]
    differ = {
        i: holder
        for i, holder in holders.items()
        if any(getattr(holder, name) != values[i][name] for name in compared)
    }
    own = {i: _own_version(session, table, holder) for i, holder in differ.items()}
    settled = _settle_refusals(session, table, holders, now)
    _take_identity(session, table, holders, values, set(differ), envelopes)
    uuids = envelopes[0]
    for i, version in own.items():
        session.add(
            SyncConflict(
                table_name=table.name,
                row_uuid=uuids[i],
                kind=RECAPTURADO,
                detected_at=now,
                loser=json.dumps(version, ensure_ascii=False),
            )
        )
    session.expire_all()  # the rows' uuids, versions and content changed under the session
    if table.on_remote_change is not None:  # (a certificate replaced: its local key goes)
        for i, holder in differ.items():
            changed = {name for name in compared if getattr(holder, name) != values[i][name]}
            table.on_remote_change(session.get(table.model, holder.id), changed)
    return len(own) - settled  # (a refusal become this conflict is not a second one)


def _settle_refusals(
    session: Session, table: SyncedTable, holders: dict[int, Any], now: datetime
) -> int:
    """A holder the server refused (another desktop's contratista or contratante of the RFC,
    or informativa of the period, came first: ``sync_server/exclusivas.py``) is now the
    server's row: its refusal is settled, the server's version standing; what differs is the
    «recapturado» conflict. How many."""
    refusals = session.scalars(
        select(SyncConflict).where(
            SyncConflict.table_name == table.name,
            SyncConflict.kind == REFUSED_BY_SERVER,
            SyncConflict.resolved_at.is_(None),
            SyncConflict.row_uuid.in_([holder.uuid for holder in holders.values()]),
        )
    )
    settled = 0
    for refusal in refusals:
        refusal.resolved_at, refusal.resolution = now, "actual"
        settled += 1
    session.flush()
    return settled


def exclusive_unsent(session: Session) -> bool:
    """Whether a live row never sent waits in a table sync never copies twice by key
    (``TableSpec.exclusiva``: contratistas, contratantes, informativas): the desktop then
    receives before it sends.
    Asked at every sync: one statement, compiled once per process."""
    connection = session.connection()
    return bool(
        driver_rows(connection, cached(connection, "exclusive_unsent", _unsent_query))[0][0]
    )


def _unsent_query() -> Any:
    """``SELECT`` whether an exclusive table holds a live row with no state, or a dirty one
    the server never numbered."""
    found: list[Any] = []
    for table in SYNCED_TABLES:
        if not table.spec.exclusiva:
            continue
        model = table.model
        state = and_(SyncRowState.table_name == table.name, SyncRowState.row_uuid == model.uuid)
        never_numbered = and_(
            SyncRowState.dirty.is_(True), func.coalesce(SyncRowState.server_seq, 0) == 0
        )
        found.append(
            select(model.id)
            .outerjoin(SyncRowState, state)
            .where(
                model.__table__.c.deleted.is_(False),  # (not append-only: it has one)
                or_(SyncRowState.row_uuid.is_(None), never_numbered),
            )
            .exists()
        )
    return select(or_(false(), *found))


def _holders(
    session: Session, table: SyncedTable, values: dict[int, dict[str, Any]]
) -> dict[int, Any]:
    """Per chosen row, the local row never sent and not deleted (all its columns) holding one
    of its keys; each local row holds one pulled row at most (the server may hold two copies
    of one key: the first is adopted)."""
    model = table.model
    spec = table.spec
    found: dict[int, Any] = {}
    taken: set[int] = set()
    for key in table.adoption_keys:
        wanted = {
            i: tuple(spec.en_clave(name, row.get(name)) for name in key)
            for i, row in values.items()
            if i not in found and all(name in row for name in key)
        }
        if not wanted:
            continue
        keyed = [getattr(model, name) for name in key]
        given = json_values([list(v) for v in set(wanted.values())])
        # A key's nullable column (a contract's fechas) matches null with null.
        match = and_(
            *(
                c.is_(func.json_extract(given.c.value, f"$[{j}]"))
                if c.nullable
                else _en_clave(spec, name, c) == func.json_extract(given.c.value, f"$[{j}]")
                for j, (name, c) in enumerate(zip(key, keyed, strict=True))
            )
        )
        rows = (
            session.connection()
            .execute(
                select(model.__table__)
                .select_from(given)
                .join(model, match)
                .where(model.__table__.c.deleted.is_(False))  # (not append-only: it has one)
                .order_by(model.id)
            )
            .all()
        )
        unsent = _never_sent(session, table, [row.uuid for row in rows])
        held: dict[tuple[Any, ...], list[Any]] = {}
        for row in rows:
            if row.uuid in unsent:
                value = tuple(spec.en_clave(name, getattr(row, name)) for name in key)
                held.setdefault(value, []).append(row)
        for i, value in wanted.items():
            for row in held.get(value, ()):
                if row.id not in taken:
                    found[i] = row
                    taken.add(row.id)
                    break
    return found


def _en_clave(spec: TableSpec, name: str, column: Any) -> Any:
    """``column`` as its key compares it (``TableSpec.iguales``: a Sin información as the
    Normal of its period)."""
    for each, grupo in spec.iguales:
        if each == name:
            return case((column.in_(sorted(grupo)), min(grupo)), else_=column)
    return column


def _never_sent(session: Session, table: SyncedTable, uuids: list[str]) -> set[str]:
    """Which of ``uuids`` were made here and not sent yet: no state, or a dirty one the server
    never numbered."""
    sent = {
        row_uuid
        for row_uuid, seq, dirty in lookup(
            session,
            (SyncRowState.row_uuid, SyncRowState.server_seq, SyncRowState.dirty),
            SyncRowState.row_uuid,
            uuids,
            SyncRowState.table_name == table.name,
        )
        if seq or not dirty
    }
    return set(uuids) - sent


def _own_version(session: Session, table: SyncedTable, holder: Any) -> sync_wire.Conflict:
    """The local row as it travels (a foreign key as its parent's uuid, the parent already
    adopted: parents' tables come first): the other version of its conflict."""
    data: dict[str, Any] = {}
    for name in table.columns:
        value = getattr(holder, name)
        parent = table.foreign_keys.get(name)
        if parent is not None and value is not None:
            value = session.scalar(select(parent.uuid).where(parent.id == value))
        data[name] = sync_wire.encode_value(value)
    version = sync_wire.version(holder.version, holder.updated_at, bool(holder.deleted), data)
    return sync_wire.conflict(0, version)


def _take_identity(
    session: Session,
    table: SyncedTable,
    holders: dict[int, Any],
    values: dict[int, dict[str, Any]],
    differ: set[int],
    envelopes: Envelopes,
) -> None:
    """The holders take the pulled rows' uuids, versions and stamps, and their when-columns
    (``differ``: all their content) as the server has them; their states the server's."""
    uuids, seqs, versions, stamps, _deleted = envelopes
    model = table.model.__table__
    states = STATES
    conn = session.connection()
    drop_state = delete(states).where(
        states.c.table_name == table.name, states.c.row_uuid == bindparam("u")
    )
    conn.execute(drop_state, [{"u": uuids[i]} for i in holders])
    by_id = model.c.id == bindparam("row_id")
    conn.execute(
        update(model).where(by_id).values(version=0), [{"row_id": h.id} for h in holders.values()]
    )
    some = next(iter(values.values()))
    for written, chosen in (
        ([name for name in some if name in table.when], [i for i in holders if i not in differ]),
        (list(some), [i for i in holders if i in differ]),
    ):
        if not chosen:
            continue
        conn.execute(
            update(model)
            .where(by_id)
            .values(
                uuid=bindparam("su"),
                version=bindparam("sv"),
                updated_at=bindparam("st"),
                **{name: bindparam(f"c_{name}") for name in written},
            ),
            [
                {
                    "row_id": holders[i].id,
                    "su": uuids[i],
                    "sv": versions[i],
                    "st": datetime.fromisoformat(stamps[i]),
                    **{f"c_{name}": values[i][name] for name in written},
                }
                for i in chosen
            ],
        )
    conn.execute(drop_state, [{"u": holder.uuid} for holder in holders.values()])
    for name in table.spec.referencias:  # the rows naming a holder name its new uuid
        conn.execute(
            update(model).where(model.c[name] == bindparam("old")).values({name: bindparam("new")}),
            [{"old": holder.uuid, "new": uuids[i]} for i, holder in holders.items()],
        )
    conn.execute(
        insert(states),
        [
            {
                "table_name": table.name,
                "row_uuid": uuids[i],
                "server_seq": seqs[i],
                "dirty": False,
                "version": versions[i],
            }
            for i in holders
        ],
    )
