"""Sync change tracking: services never call sync code. Every session of the store (and only
those: ``Store`` attaches ``track_changes`` to its own sessionmaker, not to SQLAlchemy's
``Session`` class) marks each inserted, changed or deleted synced row (``store/sync_tables.py``)
dirty in ``sync_row_state`` and bumps its version, inside the same transaction as the change.
Rows written by the sync itself (pulled from the server) are applied with
``session.info[APPLYING_REMOTE]`` set and are not marked.

A change's ``updated_at`` is a hybrid stamp: the desktop's clock (``session.info[CLOCK]``, the
services' clock, set by ``Store``), or just after the row's previous stamp when that clock
reads earlier (a clock behind the others, or set back): a version's stamp is never before the
version it replaced, wherever that one was made. The order of edits is the server's sequence
(``services/sync/decide.py``), never these stamps.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy import event, inspect
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from icsoe_desktop.domain.clock import utcnow
from icsoe_desktop.store.models import SyncRowState, new_uuid
from icsoe_desktop.store.sync_tables import by_model

APPLYING_REMOTE = "sync_applying_remote"
CLOCK = "sync_clock"  # the desktop's clock (domain/clock.Clock); the wall clock without it
_TICK = timedelta(microseconds=1)


def stamp(now: datetime, previous: datetime | None) -> datetime:
    """A change's stamp: ``now``, or just after ``previous`` when ``now`` is not after it."""
    return now if previous is None or now > previous else previous + _TICK


def _changed(obj: object, columns: Mapping[str, object]) -> set[str]:
    state = inspect(obj)
    return {
        name
        for name in (*columns, "deleted")
        if name in state.attrs and state.attrs[name].history.has_changes()
    }


def track_changes(session: Session, _context: object, _instances: object) -> None:
    if session.info.get(APPLYING_REMOTE):
        return
    now = session.info.get(CLOCK, utcnow)()
    dirty: list[dict[str, str]] = []
    for obj in session.new:
        table = by_model(type(obj))
        if table is None:
            continue
        if obj.uuid is None:  # the column default would come too late for the outbox
            obj.uuid = new_uuid()
        if not table.append_only and obj.updated_at is None:
            obj.updated_at = now
        dirty.append({"table_name": table.name, "row_uuid": obj.uuid})
    for obj in session.dirty:
        table = by_model(type(obj))
        if table is None or table.append_only or not session.is_modified(obj):
            continue
        if not _changed(obj, table.columns):
            continue  # e.g. only the password hash changed: nothing to send
        if not inspect(obj).attrs["version"].history.has_changes():
            obj.version = (obj.version or 0) + 1
        stamps = inspect(obj).attrs["updated_at"].history
        obj.updated_at = stamp(now, (stamps.deleted or stamps.unchanged or [None])[0])
        dirty.append({"table_name": table.name, "row_uuid": obj.uuid})
    for obj in session.deleted:
        # A hard delete leaves no row to send: its state stays dirty and the push sends a
        # tombstone for it. (Services soft-delete; this keeps a stray delete from going unseen.)
        table = by_model(type(obj))
        if table is not None and not table.append_only:
            dirty.append({"table_name": table.name, "row_uuid": obj.uuid})
    if dirty:
        stmt = sqlite_insert(SyncRowState).values(server_seq=0, dirty=True)
        stmt = stmt.on_conflict_do_update(
            index_elements=["table_name", "row_uuid"], set_={"dirty": True}
        )
        session.connection().execute(stmt, dirty)


def tracked(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    """``sessions`` with change tracking: the sessions it makes mark what they change."""
    event.listen(sessions, "before_flush", track_changes)
    return sessions


__all__ = ["APPLYING_REMOTE", "CLOCK", "stamp", "track_changes", "tracked"]
