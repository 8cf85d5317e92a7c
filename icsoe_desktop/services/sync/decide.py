"""Decide: what a pulled row does to this desktop, from plain values only (no session, no
table): its sync state here, the local row, and the row as it came. ``services/sync/apply.py``
looks these up for a page and carries the actions out; ``tests/services/test_sync_decide.py``
holds the whole table.

The rules: the server's order wins, but a row changed here and not yet sent is left alone
(the next push overwrites the server's version, which comes back as a conflict: nothing is lost
silently); a row already applied, or this desktop's own push coming back, is skipped; a row
this desktop has no place for (a tombstone of a row it never had, a copy of an append-only
row it holds) only records the server's sequence. A repair (the drift check found the table
differs) applies a row again when the local version is not the server's, and inserts again a
row that went from this desktop's file without the app.
"""

from __future__ import annotations

from enum import Enum
from typing import NamedTuple


class Action(Enum):
    SKIP = "nada"  # already here, or changed here and not sent yet
    STATE = "estado"  # only the server's sequence and version are recorded
    INSERT = "insertar"
    UPDATE = "actualizar"


class State(NamedTuple):
    """The row's sync state here: the server sequence it was last synced at, whether it
    changed here since (dirty: to be sent), and whether its row went without the app (lost:
    removed from the file with the state clean, ``store/sumas.py``)."""

    seq: int
    dirty: bool
    lost: bool = False


class Incoming(NamedTuple):
    """The pulled row's envelope (its data is decoded only for an INSERT or an UPDATE)."""

    seq: int
    version: int
    deleted: bool
    has_data: bool


def decide(
    state: State | None,
    local_version: int | None,
    incoming: Incoming,
    repair: bool = False,
    append_only: bool = False,
) -> Action:
    """``local_version``: the local row's version, None when this desktop has no such row.
    With nothing here (no state, no row) a row with data is always an INSERT: a page of new
    rows (a desktop joining) is inserted without asking row by row."""
    if state is not None and state.seq >= incoming.seq:
        # Seen already (our own push coming back, or applied before).
        if not repair or state.dirty:
            return Action.SKIP
        if local_version is None and not state.lost:
            return Action.STATE  # a «duplicado» or a tombstone: only its version is kept
        if local_version == incoming.version:
            return Action.SKIP
        # The local copy drifted from the server's: applied again below.
    elif local_version is not None and (state is None or state.dirty):
        return Action.SKIP  # changed here, not sent yet: the next push settles it
    if local_version is not None and append_only:
        return Action.STATE  # an append-only row never changes
    if local_version is None and incoming.deleted and not incoming.has_data:
        return Action.STATE  # the tombstone of a row this desktop never had
    return Action.INSERT if local_version is None else Action.UPDATE


__all__ = ["Action", "Incoming", "State", "decide"]
