"""Adopt: a pulled row this desktop already holds under another uuid, never sent, with the same
content (a desktop installed again with the company's token that imported the same file
again). The local row takes the server's identity (uuid, version, sequence): nothing of it is
sent and no conflict is kept. A row that really differs stays a «duplicado» conflict
(``services/sync/apply.py``).

Per page, in a few statements: the holders looked up by natural key (``json_each`` joined to
the key's unique index), their states by uuid, and the changes as executemany. Written with the
store's statements, not the ORM: the drift check's sums (``store/sumas.py``) see a row's uuid
only through a change of its version, so the row goes through version 0 on its way to the
server's uuid and version, and the server uuid's state (written with the page, counted while no
row holds that uuid) is written again after the row holds it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session

from icsoe_desktop.services.sync.sql import STATES, json_values, lookup
from icsoe_desktop.store.models import SyncRowState
from icsoe_desktop.store.sync_tables import SyncedTable

# When each desktop made its copy: not the row's content.
NOT_CONTENT = frozenset({"created_at"})


def adopted(
    session: Session,
    table: SyncedTable,
    page: tuple[Sequence[str], Sequence[Sequence[Any]]],
    chosen: list[int],
    envelopes: tuple[list[str], list[int], list[int], list[str]],
) -> set[int]:
    """Which of the page's ``chosen`` rows (left out of its INSERT by a natural key) were
    adopted; ``page``: their decoded column names and columns; ``envelopes``: the page's
    uuids, sequences, versions and dates (ISO text)."""
    if not chosen or not table.natural_keys or table.append_only:
        return set()
    names, columns = page
    values = {i: {name: columns[k][i] for k, name in enumerate(names)} for i in chosen}
    holders = _holders(session, table, values)
    unsent = _never_sent(session, table, [row.uuid for row in holders.values()])
    compared = [name for name in names if name not in NOT_CONTENT]
    done: dict[int, Any] = {}
    taken: set[int] = set()  # a holder adopts one row (two server copies of one key: one)
    for i, holder in holders.items():
        if holder.id in taken or holder.uuid not in unsent or holder.deleted:
            continue
        if all(getattr(holder, name) == values[i][name] for name in compared):
            done[i] = holder
            taken.add(holder.id)
    if done:
        _take_identity(session, table, done, envelopes)
        session.expire_all()  # the rows' uuids and versions changed under the session
    return set(done)


def _holders(
    session: Session, table: SyncedTable, values: dict[int, dict[str, Any]]
) -> dict[int, Any]:
    """Per chosen row, the local row (all its columns) holding one of its natural keys."""
    model = table.model
    found: dict[int, Any] = {}
    for key in table.natural_keys:
        wanted = {
            i: tuple(row.get(name) for name in key)
            for i, row in values.items()
            if i not in found and all(row.get(name) is not None for name in key)
        }
        if not wanted:
            continue
        keyed = [getattr(model, name) for name in key]
        given = json_values([list(v) for v in set(wanted.values())])
        match = and_(
            *(c == func.json_extract(given.c.value, f"$[{j}]") for j, c in enumerate(keyed))
        )
        rows = session.connection().execute(
            select(model.__table__).select_from(given).join(model, match)
        )
        held = {tuple(getattr(row, name) for name in key): row for row in rows}
        for i, value in wanted.items():
            if value in held:
                found[i] = held[value]
    return found


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


def _take_identity(
    session: Session,
    table: SyncedTable,
    done: dict[int, Any],
    envelopes: tuple[list[str], list[int], list[int], list[str]],
) -> None:
    uuids, seqs, versions, stamps = envelopes
    model = table.model.__table__
    states = STATES
    conn = session.connection()
    drop_state = delete(states).where(
        states.c.table_name == table.name, states.c.row_uuid == bindparam("u")
    )
    conn.execute(drop_state, [{"u": uuids[i]} for i in done])
    by_id = model.c.id == bindparam("row_id")
    conn.execute(
        update(model).where(by_id).values(version=0), [{"row_id": h.id} for h in done.values()]
    )
    conn.execute(
        update(model)
        .where(by_id)
        .values(uuid=bindparam("su"), version=bindparam("sv"), updated_at=bindparam("st")),
        [
            {
                "row_id": holder.id,
                "su": uuids[i],
                "sv": versions[i],
                "st": datetime.fromisoformat(stamps[i]),
            }
            for i, holder in done.items()
        ],
    )
    conn.execute(drop_state, [{"u": holder.uuid} for holder in done.values()])
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
            for i in done
        ],
    )
