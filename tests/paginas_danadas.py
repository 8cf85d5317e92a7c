"""Pages of a store overwritten with zeros, as a bad disk sector leaves them (SQLite's
``dbstat`` table says which pages hold a table's rows)."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest


def has_dbstat() -> bool:
    with sqlite3.connect(":memory:") as conn:
        try:
            conn.execute("SELECT count(*) FROM dbstat")
        except sqlite3.OperationalError:
            return False
    return True


needs_dbstat = pytest.mark.skipif(
    not has_dbstat(), reason=f"the SQLite of this Python ({sys.platform}) has no dbstat table"
)


def zero_leaf_pages(path: Path, table: str, count: int) -> int:
    """``count`` leaf pages of ``table`` overwritten with zeros (spread over the table); how
    many rows they held."""
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        leaves = conn.execute(
            "SELECT pageno, ncell FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno",
            (table,),
        ).fetchall()
    conn.close()
    step = len(leaves) // (count + 1)
    chosen = [leaves[step * (i + 1)] for i in range(count)]
    with open(path, "r+b") as file:
        for pageno, _cells in chosen:
            file.seek((pageno - 1) * page_size)
            file.write(bytes(page_size))
    return sum(cells for _page, cells in chosen)
