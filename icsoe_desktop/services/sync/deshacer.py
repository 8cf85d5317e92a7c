"""Undoing «Resolver todos así»: each row a resolution changes is kept as it was (every column
as the store keeps it, and its sync state) and put back as it was, with the store's statements
(not the ORM: putting a row back is no new change to send). The drift check's and the grid's
counts follow, as their triggers see each row's version and content go back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.orm import Session

from icsoe_desktop.services.sync.sql import STATES
from icsoe_desktop.store.sync_tables import by_name


@dataclass(frozen=True)
class Antes:
    """A synced row as it was: ``row`` None when it did not exist yet."""

    table: str
    row_uuid: str
    row: dict[str, Any] | None
    state: dict[str, Any] | None


@dataclass(frozen=True)
class Deshacer:
    """What one «Resolver todos así» changed: the rows as they were, and each one's version
    after it (a row changed since is not put back)."""

    conflictos: int
    antes: tuple[Antes, ...]
    despues: tuple[int | None, ...]


def _table(name: str) -> Table:
    table = by_name(name)
    if table is None:
        raise ValueError(name)
    return table.model.__table__


def tomar(session: Session, table_name: str, row_uuid: str) -> Antes:
    """The row of ``row_uuid`` and its state, as they are now."""
    session.flush()  # the session's changes to it so far
    model = _table(table_name)
    conn = session.connection()
    row = conn.execute(select(model).where(model.c.uuid == row_uuid)).mappings().first()
    states = STATES
    state = (
        conn.execute(
            select(states).where(states.c.table_name == table_name, states.c.row_uuid == row_uuid)
        )
        .mappings()
        .first()
    )
    return Antes(table_name, row_uuid, dict(row) if row else None, dict(state) if state else None)


def version(session: Session, table_name: str, row_uuid: str) -> int | None:
    """The row's version now (None: no such row)."""
    model = _table(table_name)
    return session.connection().scalar(select(model.c.version).where(model.c.uuid == row_uuid))


def devolver(session: Session, antes: Antes) -> None:
    """The row and its state put back as ``antes`` kept them."""
    model = _table(antes.table)
    conn = session.connection()
    if antes.row is None:
        conn.execute(delete(model).where(model.c.uuid == antes.row_uuid))
    else:
        values = {k: v for k, v in antes.row.items() if k != "id"}
        conn.execute(update(model).where(model.c.id == antes.row["id"]).values(**values))
    states = STATES
    conn.execute(
        delete(states).where(
            states.c.table_name == antes.table, states.c.row_uuid == antes.row_uuid
        )
    )
    if antes.state is not None:
        conn.execute(insert(states).values(**antes.state))
