"""Alembic migrations. HEAD_REVISION lets start-up skip importing Alembic when up to date.

Each migration's file is named after its revision id, numbered in order (``0023_estado_tipo.py``
is revision ``0023_estado_tipo``), so the head is the highest-numbered file: a new migration
needs no edit here. tests/store/test_store.py checks the names and that this equals the script
directory's only head.
"""

from pathlib import Path

MIGRATIONS_DIR = Path(__file__).resolve().parent
HEAD_REVISION = max(p.stem for p in (MIGRATIONS_DIR / "versions").glob("[0-9][0-9][0-9][0-9]_*.py"))
