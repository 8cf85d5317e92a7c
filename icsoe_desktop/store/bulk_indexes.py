"""Indexes of movimientos that a big bulk write (a desktop joining a company: the sync's first
pull) drops and builds again at its end.

Each new row costs every index an insert at a random place; building an index at the end
sorts the rows once. For 100,000 pulled movimientos, keeping four of those dropped here up to
date cost ~1.5 s, building them afterwards ~0.5 s (and the sync builds them while it verifies).
Without them the grid's searches are slower, never wrong: the grid's key queries name one only
once they have seen it there (store/movimientos_paging.py), and the first and last fecha of a
dated count read the table while ``ix_mov_fecha`` is missing, and the find box's count
names its indexes only when they are all there (store/movimientos_buscar.py). The grid's sort indexes and the unique ones (which the sync's
lookups and clash checks read) stay.

While they are out, the pages written are not counted (``store/conteo.py``): ``restore``
counts the whole table again once they are built (from one of them, ~0.5 s for a million rows,
against ~4 s of per-day upserts page by page), and builds them with SQLite's sorter threads.

Dropping is DDL inside the caller's transaction. A crash before ``restore`` leaves them out of
the file: ``Store`` restores them, and the counts, when it opens (one look at sqlite_master
when none is missing)."""

from __future__ import annotations

import logging
from typing import cast

from sqlalchemy import Connection, Table

from icsoe_desktop.store import conteo
from icsoe_desktop.store.models import MovimientoRow
from icsoe_desktop.store.movimientos_buscar import INDEXES as FIND_INDEXES

log = logging.getLogger(__name__)

DEFERRABLE = (
    "ix_mov_registro_tipo_fecha",
    "ix_mov_registro_estado_fecha",
    "ix_mov_tipo_fecha",
    "ix_mov_estado_fecha",
    "ix_mov_fecha",
    # The find box's: each name's is an expression, ~9 µs per row inserted (2.9 s of CPU per
    # 100,000 rows for the four, against 5 s to build them for a million).
    *(name for name, _term in FIND_INDEXES),
)
assert conteo.COUNTED_BY in DEFERRABLE  # dropped, the counts wait for restore
SORTER_THREADS = 2  # threads for CREATE INDEX's sort (the machine's second core)

_PRESENT = "SELECT name FROM sqlite_master WHERE type = 'index' AND name IN ({})".format(
    ", ".join(f"'{name}'" for name in DEFERRABLE)
)


def suspend(conn: Connection) -> list[str]:
    """Drop the deferrable indexes there are (in ``conn``'s transaction); their names."""
    present = list(conn.exec_driver_sql(_PRESENT).scalars())
    for name in present:
        conn.exec_driver_sql(f"DROP INDEX {name}")
    return present


def restore(conn: Connection) -> list[str]:
    """Build the deferrable indexes that are missing (in ``conn``'s transaction), as the model
    declares them; the names built."""
    present = set(conn.exec_driver_sql(_PRESENT).scalars())
    missing = [name for name in DEFERRABLE if name not in present]
    if not missing or not conn.dialect.has_table(conn, MovimientoRow.__tablename__):
        return []
    threads = conn.exec_driver_sql("PRAGMA threads").scalar()
    conn.exec_driver_sql(f"PRAGMA threads={SORTER_THREADS}")
    try:
        for index in cast(Table, MovimientoRow.__table__).indexes:
            if index.name in missing:
                index.create(conn, checkfirst=False)  # missing, read above in this
                # transaction; a check would reflect the month indexes, which SQLAlchemy
                # warns it cannot
    finally:
        conn.exec_driver_sql(f"PRAGMA threads={int(threads or 0)}")
    if conteo.COUNTED_BY in missing:
        conteo.recount(conn)
    log.info("Índices de movimientos reconstruidos: %s", ", ".join(missing))
    return missing


__all__ = ["DEFERRABLE", "restore", "suspend"]
