"""Unique values a pulled page moves among rows this desktop holds (a registro patronal
renumbered and its old number taken by another, two registros that swap numbers, a certificate
moved to another registro). SQLite checks a unique index at each row's UPDATE, so written in
any order one row would take a value another still holds: before the page's writes, each row
whose present value another row of the page takes is moved aside to a value no row has (within
the transaction: the page's writes then give it its own). Only those rows, so a value changed
to a free one costs nothing more.

The rows moved aside are written twice under the version they end with: their sync states are
dirty meanwhile (clean again with the page's states), or the drift check's triggers would take
the second write for a change made outside the app (``store/sumas.py``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import Session

from icsoe_desktop.store.sync_tables import SyncedTable

# (a local row, the values the page gives it)
Move = tuple[Any, dict[str, Any]]


def in_the_way(table: SyncedTable, moves: Iterable[Move]) -> dict[Any, list[str]]:
    """The rows to move aside first, each with the columns (one per natural key) to move:
    those whose present value of a natural key is the new value of another of ``moves``. A
    value with a NULL in it holds nothing (SQLite lets rows share it)."""
    aside: dict[Any, list[str]] = {}
    moves = list(moves)
    for key in table.natural_keys:
        holders: dict[tuple[Any, ...], Any] = {}
        taken: set[tuple[Any, ...]] = set()
        for obj, values in moves:
            old = tuple(getattr(obj, name) for name in key)
            new = tuple(values.get(name, value) for name, value in zip(key, old, strict=True))
            if new == old:
                continue
            if None not in old:
                holders[old] = obj
            if None not in new:
                taken.add(new)
        freed = taken & holders.keys()
        if freed:
            column = _spare_column(table, key)
            for value in freed:
                aside.setdefault(holders[value], []).append(column)
    return aside


def move_aside(session: Session, table: SyncedTable, aside: dict[Any, list[str]]) -> None:
    """Write each row's ``aside`` columns with a value no row has: a text column its uuid
    behind a mark no real value carries, an integer one its id negated (ids are positive). A
    foreign key so moved points nowhere until the page's write: the transaction checks foreign
    keys at its commit instead (SQLite's ``defer_foreign_keys``, off again after it)."""
    if not aside:
        return
    conn = session.connection()
    quote = conn.dialect.identifier_preparer.quote
    columns = table.model.__table__.columns
    per_column: dict[str, list[tuple[Any, int]]] = {}
    for obj, names in aside.items():
        for name in names:
            spare = f"\x00{obj.uuid}" if isinstance(columns[name].type, String) else -obj.id
            per_column.setdefault(name, []).append((spare, obj.id))
    if any(columns[name].foreign_keys for name in per_column):
        conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
    for name, values in per_column.items():
        conn.exec_driver_sql(
            f"UPDATE {quote(table.name)} SET {quote(name)} = ? WHERE id = ?", values
        )


def _spare_column(table: SyncedTable, key: tuple[str, ...]) -> str:
    """The column of a natural key to move aside: not a foreign key (its spare value breaks no
    reference), text rather than a number, and not a column the table counts by
    (``BulkHooks.counted``: its counts would go through the spare value)."""
    counted = table.bulk.counted if table.bulk is not None else ()
    columns: list[Column[Any]] = [table.columns[name] for name in key]

    def rank(column: Column[Any]) -> tuple[bool, bool, bool, bool]:
        return (
            not isinstance(column.type, (String, Integer)),
            bool(column.foreign_keys),
            not isinstance(column.type, String),
            column.name in counted,
        )

    best = min(columns, key=rank)
    if rank(best)[0]:
        raise RuntimeError(f"{table.name}: la llave {key} no tiene columna de texto ni número")
    return best.name
