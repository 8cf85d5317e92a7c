"""The empty store at the head revision, shipped with the app: a first start copies it instead
of importing Alembic and running every migration (bench/startup.py: «first start»).

``python -m icsoe_desktop.store.template`` writes it again after a new migration;
tests/store/test_template.py fails until it is (it compares it with a freshly migrated store).
A stale template is still safe: the store upgrades from the template's revision as from any.
"""

from __future__ import annotations

from pathlib import Path

from icsoe_desktop.store import cifrado
from icsoe_desktop.store.migrations import MIGRATIONS_DIR
from icsoe_desktop.store.plain import TEMPLATES

TEMPLATE = MIGRATIONS_DIR / TEMPLATES[True]
CATALOG_TEMPLATE = MIGRATIONS_DIR / TEMPLATES[False]


def build(path: Path, synced: bool = True) -> None:
    """A new store at ``path`` migrated to head by Alembic, as one compact file already in WAL
    mode, the mode every store runs in (``plain.PRAGMAS``): a copy opens in it as it is, where
    switching a copy from the rollback journal would write and sync its header first (a new
    data dir does that for the catalog and its first empresa). ``synced=False``: the
    catalog's, as the catalog's store leaves itself once open."""
    from icsoe_desktop.store.db import Store, upgrade_file

    path.unlink(missing_ok=True)
    upgrade_file(path)
    if not synced:
        Store(path, synced=False).close()
    with cifrado.conectar(path, isolation_level=None) as conn:
        conn.execute("PRAGMA journal_mode=DELETE")
        conn.execute("VACUUM")
        conn.execute("PRAGMA journal_mode=WAL")  # its WAL, empty, goes with the close
    conn.close()


def schema(path: Path) -> dict[str, object]:
    """What a template must match: every schema object's SQL and every row of every table.
    Read as an unchanging file (``immutable``): a read-only connection to a WAL-mode file would
    leave its -wal and -shm beside it (the shipped template's, in the package)."""
    with cifrado.conectar(f"file:{path}?mode=ro&immutable=1", uri=True) as conn:
        objects = conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
        ).fetchall()
        tables = [row[1] for row in objects if row[0] == "table"]
        rows = {t: conn.execute(f'SELECT * FROM "{t}"').fetchall() for t in tables}
    conn.close()
    return {"objects": objects, "rows": rows}


if __name__ == "__main__":
    build(TEMPLATE)
    build(CATALOG_TEMPLATE, synced=False)
    print(f"Plantillas escritas: {TEMPLATE}, {CATALOG_TEMPLATE}")
