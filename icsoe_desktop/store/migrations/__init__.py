"""Alembic migrations. HEAD_REVISION lets start-up skip importing Alembic when up to date;
a test checks it equals the script directory's head."""

from pathlib import Path

MIGRATIONS_DIR = Path(__file__).resolve().parent
HEAD_REVISION = "0024_bitacora_encadenada"
