"""Adopt: a pulled row this desktop already holds under another uuid, never sent, with the same
content (a desktop installed again with the company's token that imported the same file
again). The local row takes the server's identity (uuid, version, sequence): nothing of it is
sent and no conflict is kept. A row that really differs stays a «duplicado» conflict
(``services/sync/apply.py``).

Written with the store's statements, not the ORM: the drift check's sums (``store/sumas.py``)
see a row's uuid only through a change of its version, so the row goes through version 0 on its
way to the server's uuid and version, and the server uuid's state (written with the page,
counted while no row holds that uuid) is written again after the row holds it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from icsoe_desktop.store.models import SyncRowState
from icsoe_desktop.store.sync_tables import SyncedTable

# When each desktop made its copy: not the row's content.
NOT_CONTENT = frozenset({"created_at"})


def adopt(
    session: Session,
    table: SyncedTable,
    values: dict[str, Any],
    incoming: tuple[str, int, int, datetime],
) -> bool:
    """Whether the pulled row (its decoded ``values``; ``incoming``: its uuid, sequence,
    version and modification date) was adopted by the local row holding its natural key."""
    if table.append_only:
        return False
    holder = _holder(session, table, values)
    if holder is None or not _never_sent(session, table, holder.uuid):
        return False
    compared = [name for name in values if name not in NOT_CONTENT]
    if holder.deleted or any(getattr(holder, name) != values[name] for name in compared):
        return False
    server_uuid, seq, version, stamp = incoming
    model = table.model.__table__
    conn = session.connection()
    states = SyncRowState.__table__
    of_table = states.c.table_name == table.name
    conn.execute(delete(states).where(of_table, states.c.row_uuid == server_uuid))
    row = model.c.id == holder.id
    conn.execute(update(model).where(row).values(version=0))
    conn.execute(
        update(model).where(row).values(uuid=server_uuid, version=version, updated_at=stamp)
    )
    conn.execute(delete(states).where(of_table, states.c.row_uuid == holder.uuid))
    conn.execute(
        insert(states).values(
            table_name=table.name,
            row_uuid=server_uuid,
            server_seq=seq,
            dirty=False,
            version=version,
        )
    )
    return True


def _holder(session: Session, table: SyncedTable, values: dict[str, Any]) -> Any:
    """The local row (as a plain row of its columns) holding one of the natural keys of
    ``values``."""
    model = table.model
    for key in table.natural_keys:
        if any(values.get(name) is None for name in key):
            continue
        found = (
            session.connection()
            .execute(
                select(model.__table__).where(
                    *(getattr(model, name) == values[name] for name in key)
                )
            )
            .first()
        )
        if found is not None:
            return found
    return None


def _never_sent(session: Session, table: SyncedTable, row_uuid: str) -> bool:
    """Made here and not sent yet: no state, or a dirty one the server never numbered."""
    state = (
        session.connection()
        .execute(
            select(SyncRowState.server_seq, SyncRowState.dirty).where(
                SyncRowState.table_name == table.name, SyncRowState.row_uuid == row_uuid
            )
        )
        .first()
    )
    return state is None or (bool(state.dirty) and not state.server_seq)


def adopted(
    session: Session,
    table: SyncedTable,
    page: tuple[Sequence[str], Sequence[Sequence[Any]]],
    chosen: list[int],
    envelopes: tuple[list[str], list[int], list[int], list[str]],
) -> set[int]:
    """Which of the page's ``chosen`` rows (left out of its INSERT by a natural key) were
    adopted; ``envelopes``: the page's uuids, sequences, versions and dates (ISO text)."""
    if not chosen or not table.natural_keys:
        return set()
    names, columns = page
    uuids, seqs, versions, stamps = envelopes
    done = set()
    for i in chosen:
        values = {name: columns[k][i] for k, name in enumerate(names)}
        incoming = (uuids[i], seqs[i], versions[i], datetime.fromisoformat(stamps[i]))
        if adopt(session, table, values, incoming):
            done.add(i)
    if done:
        session.expire_all()  # the rows' uuids and versions changed under the session
    return done
