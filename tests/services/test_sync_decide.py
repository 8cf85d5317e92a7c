"""What a pulled row does to a desktop, as a table: its sync state here, the local row's version,
the row as it came, and whether the drift check is repairing the table."""

from __future__ import annotations

import itertools

import pytest

from icsoe_desktop.services.sync.decide import Action, Incoming, State, decide

INSERT, UPDATE, SKIP, STATE = Action.INSERT, Action.UPDATE, Action.SKIP, Action.STATE
NEW = Incoming(seq=10, version=2, deleted=False, has_data=True)
TOMBSTONE = Incoming(seq=10, version=2, deleted=True, has_data=False)
DELETED = Incoming(seq=10, version=2, deleted=True, has_data=True)

# state here, local version, incoming, repair, append-only → action
TABLE = [
    # Nothing here: a new row is inserted (deleted too, when it carries its data) …
    (None, None, NEW, False, False, INSERT),
    (None, None, DELETED, False, False, INSERT),
    # … and a tombstone of a row never had only records its state.
    (None, None, TOMBSTONE, False, False, STATE),
    # A clean local row behind the server: updated.
    (State(5, False), 1, NEW, False, False, UPDATE),
    (State(5, False), 1, DELETED, False, False, UPDATE),
    # Changed here and not sent yet: left alone (the next push wins, the server answers the
    # overwritten version as a conflict). A row never synced counts as changed.
    (State(5, True), 1, NEW, False, False, SKIP),
    (None, 1, NEW, False, False, SKIP),
    # Already here at that sequence or later (applied before, or this desktop's own push).
    (State(10, False), 2, NEW, False, False, SKIP),
    (State(12, False), 3, NEW, False, False, SKIP),
    (State(10, False), None, NEW, False, False, SKIP),
    # A state with no row (a «duplicado» kept as a conflict, a tombstone) and a newer version:
    # tried again as a new row (the natural key decides whether it fits now).
    (State(5, False), None, NEW, False, False, INSERT),
    (State(5, False), None, TOMBSTONE, False, False, STATE),
    # Append-only rows (the bitácora) never change: a copy held here only records its state.
    (State(5, False), 1, NEW, False, True, STATE),
    (None, None, NEW, False, True, INSERT),
    # Repair (the drift check found the table differs): a row seen already is applied again
    # when the local version is not the server's …
    (State(10, False), 1, NEW, True, False, UPDATE),
    (State(10, False), 2, NEW, True, False, SKIP),
    # … its state kept when there is no local row it knows of (a «duplicado», a tombstone) …
    (State(10, False), None, NEW, True, False, STATE),
    (State(12, False), None, NEW, True, False, STATE),
    # … and its row inserted again when the row went from the file without the app (a lost
    # state), a row removed there included, and a version 0 (changed without the app) updated …
    (State(10, False, True), None, NEW, True, False, INSERT),
    (State(10, False, True), None, DELETED, True, False, INSERT),
    (State(10, False), 0, NEW, True, False, UPDATE),
    # … not outside a repair, nor over a tombstone that brings no data …
    (State(10, False, True), None, NEW, False, False, SKIP),
    (State(10, False, True), None, TOMBSTONE, True, False, STATE),
    # … but never over a change made here and not sent.
    (State(10, True), 1, NEW, True, False, SKIP),
    (State(5, True), 1, NEW, True, False, SKIP),
    # A repair behaves as a pull for rows it has not seen.
    (None, None, NEW, True, False, INSERT),
    (State(5, False), 1, NEW, True, False, UPDATE),
    (State(10, False), 1, NEW, True, True, STATE),
]


@pytest.mark.parametrize(("state", "local", "incoming", "repair", "append_only", "action"), TABLE)
def test_decide(state, local, incoming, repair, append_only, action) -> None:
    assert decide(state, local, incoming, repair, append_only) is action


def test_a_row_with_data_and_nothing_here_is_always_an_insert() -> None:
    """What lets a page of rows none of which is here (a desktop joining a company) be inserted
    as columns without asking ``decide`` row by row."""
    for deleted, version, repair, append_only in itertools.product(
        (False, True), (1, 7), (False, True), (False, True)
    ):
        incoming = Incoming(seq=3, version=version, deleted=deleted, has_data=True)
        assert decide(None, None, incoming, repair, append_only) is INSERT
