"""The movimientos table has one owner: every statement that writes it in bulk, builds its
indexes, keeps its counts, reads the grid's pages (the key queries, their index hints) or reads
it at all is in store/ (store/movimientos.py, store/movimientos_paging.py and what they call),
so a change of the table's layout or of the grid's plans is made there and nowhere else."""

from __future__ import annotations

import re
from pathlib import Path

import icsoe_desktop

ROOT = Path(icsoe_desktop.__file__).parent
WRITES = re.compile(
    r"INSERT INTO movimientos\b|INDEX [\w ]*ON movimientos\b|DROP (?:INDEX|TRIGGER) "
    r"|movimientos_(?:conteo|total) \("
    # The paging's SQL and any other statement on the table (upper case: SQL, not prose).
    r"|(?-i:(?:FROM|JOIN|UPDATE) movimientos\b|\bINDEXED BY\b|\bNOT INDEXED\b)",
    re.IGNORECASE,
)


def _writers() -> set[str]:
    return {
        path.relative_to(ROOT).as_posix()
        for path in ROOT.rglob("*.py")
        if "migrations" not in path.parts and WRITES.search(path.read_text(encoding="utf-8"))
    }


def test_only_the_store_writes_the_movimientos_sql():
    writers = _writers()
    assert writers and all(w.startswith("store/") for w in writers), writers


def test_the_grids_paging_sql_is_the_stores():
    """The key queries' text (a compound SELECT over the sort indexes, named by INDEXED BY) is
    found where it is owned, so the test above does watch it."""
    assert "store/movimientos_paging.py" in _writers()
