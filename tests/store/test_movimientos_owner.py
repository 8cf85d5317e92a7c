"""The movimientos table has one owner: every statement that writes it in bulk, builds its
indexes or keeps its counts is in store/ (store/movimientos.py and what it calls), so a change
of the table's layout is made there and nowhere else."""

from __future__ import annotations

import re
from pathlib import Path

import icsoe_desktop

ROOT = Path(icsoe_desktop.__file__).parent
WRITES = re.compile(
    r"INSERT INTO movimientos\b|INDEX [\w ]*ON movimientos\b|DROP (?:INDEX|TRIGGER) "
    r"|movimientos_(?:conteo|total) \(",
    re.IGNORECASE,
)


def test_only_the_store_writes_the_movimientos_sql():
    writers = {
        path.relative_to(ROOT).as_posix()
        for path in ROOT.rglob("*.py")
        if "migrations" not in path.parts and WRITES.search(path.read_text(encoding="utf-8"))
    }
    assert writers and all(w.startswith("store/") for w in writers), writers
