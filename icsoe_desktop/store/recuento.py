"""Every count the store keeps by triggers, taken again from the rows: the drift check's sums
(``sumas.py``), the unsent rows' counts (``pendientes.py``), movimientos' counts
(``conteo.py``) and the evidence board's (``evidencia_conteo.py``).

The triggers keep them only while every write goes through them. A file written otherwise (an
``sqlite3 .dump`` read into a new file, which inserts the rows before it creates the triggers
and copies the kept sums as an ordinary table; a file rebuilt from a damaged one; rows
inserted by hand) holds sums that say nothing about its rows: ``recount`` writes them again.

A clean, versioned sync state with no row behind it counts as a row this desktop knowingly does
not keep (a tombstone, a «duplicado»). In such a file it may as well be a row that was lost:
the recount trusts only the rows, so such a state stops counting (version NULL, as a row
removed without the app: the repair receives the server's row again and, for a tombstone, only
records it), unless a «duplicado» conflict explains it.

Plain sqlite3 over the store's connection (SQLAlchemy's ``Connection``: ``plain.driver``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import Connection

from icsoe_desktop.store import conteo, evidencia_conteo, pendientes, plain, sumas

log = logging.getLogger(__name__)

CHUNK = 5000  # rows hashed between two pauses of a paced recount

_ROWLESS = (
    "FROM sync_row_state AS s WHERE s.table_name = ? AND s.dirty IS 0 "
    "AND s.version IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {table} WHERE uuid = s.row_uuid)"
)
_UNEXPLAINED = (
    " AND NOT EXISTS (SELECT 1 FROM sync_conflicts AS c WHERE c.table_name = s.table_name "
    "AND c.row_uuid = s.row_uuid AND c.kind = 'duplicado')"
)


@dataclass
class Recuento:
    """What a recount found: per synced table whose kept sums were not its rows', (rows kept,
    rows counted); the states that stopped counting (rows lost from the file)."""

    distintas: dict[str, tuple[int, int]] = field(default_factory=dict)
    perdidos: int = 0


def _rows(
    connection: Connection, table: sumas.SyncedTableSums, pace: float
) -> Iterator[tuple[str, int]]:
    """(uuid, version) of what the sums should hold of ``table``: its rows that travel, then
    its clean states without a row. ``pace``: seconds of pause per second of work (0: none)."""
    name, append_only, sent, _content = table
    driver = plain.driver(connection)
    where = f"WHERE {sent.format(row=name)}" if sent else ""
    version = "1" if append_only else "version"
    queries = (
        (f"SELECT uuid, {version} FROM {name} {where}", ()),
        (f"SELECT s.row_uuid, s.version {_ROWLESS.format(table=name)}", (name,)),
    )
    for sql, params in queries:
        cursor = driver.execute(sql, params)
        while True:
            started = time.monotonic()
            found = cursor.fetchmany(CHUNK)
            if not found:
                break
            yield from found
            if pace:  # background work: at most 1 / (1 + pace) of a core
                time.sleep((time.monotonic() - started) * pace)


def _table_sums(
    connection: Connection, table: sumas.SyncedTableSums, pace: float = 0
) -> dict[str, tuple[int, int]]:
    return sumas.bucket_sums(_rows(connection, table, pace))


def _kept(connection: Connection, name: str) -> dict[str, tuple[int, int]]:
    found = plain.driver(connection).execute(
        "SELECT bucket, rows, total FROM sync_sums WHERE table_name = ? AND rows != 0", (name,)
    )
    return {bucket: (rows, total % sumas.MOD) for bucket, rows, total in found}


def _total(sums: dict[str, tuple[int, int]]) -> int:
    return sum(rows for rows, _total in sums.values())


def differing(
    connection: Connection, tables: Iterable[sumas.SyncedTableSums], pace: float = 0
) -> dict[str, tuple[int, int]]:
    """Per synced table whose kept sums are not its rows' (read only, in ``connection``'s
    snapshot): (rows kept, rows counted)."""
    found = {}
    for table in tables:
        counted = _table_sums(connection, table, pace)
        kept = _kept(connection, table[0])
        if counted != kept:
            found[table[0]] = (_total(kept), _total(counted))
    return found


def recount(
    connection: Connection, tables: Iterable[sumas.SyncedTableSums], rows_only: bool = True
) -> Recuento:
    """Every kept count written again from the rows, in ``connection``'s write transaction.
    ``rows_only``: the states without a row stop counting too (but a «duplicado»'s)."""
    tables = list(tables)
    driver = plain.driver(connection)
    found = Recuento()
    kept = {name: _kept(connection, name) for name, *_rest in tables}  # (as the file had them)
    for name, *_rest in tables if rows_only else ():
        lost = driver.execute(
            "UPDATE sync_row_state SET version = NULL WHERE table_name = ? AND row_uuid IN "
            f"(SELECT s.row_uuid {_ROWLESS.format(table=name)}{_UNEXPLAINED})",
            (name, name),
        )
        found.perdidos += max(lost.rowcount, 0)
    for table in tables:
        name = table[0]
        counted = _table_sums(connection, table)
        if counted != kept[name]:
            found.distintas[name] = (_total(kept[name]), _total(counted))
        driver.execute("DELETE FROM sync_sums WHERE table_name = ?", (name,))
        sumas.add(driver, name, counted)
    driver.execute("DELETE FROM sync_unsent")
    for name, _append_only, sent, _content in tables:
        pendientes.add(driver, name, pendientes.count_table(driver, name, sent))
    conteo.recount(connection)
    if driver.execute("SELECT 1 FROM sqlite_master WHERE name = 'evidencia_conteo'").fetchone():
        evidencia_conteo.recontar(driver)
    if found.distintas or found.perdidos:
        log.warning(
            "Sumas recontadas desde los renglones: %s; %d estados sin renglón",
            found.distintas,
            found.perdidos,
        )
    return found


__all__ = ["CHUNK", "Recuento", "differing", "recount"]
