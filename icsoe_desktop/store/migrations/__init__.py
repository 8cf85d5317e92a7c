"""Alembic migrations. HEAD_REVISION lets start-up skip importing Alembic when up to date.

Each migration's file is named after its revision id, numbered in order (``0023_estado_tipo.py``
is revision ``0023_estado_tipo``), so the head is the highest-numbered file: a new migration
needs no edit here. tests/store/test_store.py checks the names and that this equals the script
directory's only head.
"""

import os
from pathlib import Path

MIGRATIONS_DIR = Path(__file__).resolve().parent
# One listing, no glob (its pattern is a regular expression compiled on the way to the login).
HEAD_REVISION = max(
    name.removesuffix(".py")
    for name in os.listdir(MIGRATIONS_DIR / "versions")
    if name[:4].isascii() and name[:4].isdigit() and name[4:5] == "_" and name.endswith(".py")
)
