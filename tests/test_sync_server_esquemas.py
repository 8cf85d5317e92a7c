"""The sync server's copy of the synced tables' columns (sync_server/columnas.py) is the
store's at its head: after a migration that changes a synced table, this test fails and
``python -m tests.test_sync_server_esquemas > icsoe_desktop/sync_server/columnas.py`` writes
the copy anew."""

from __future__ import annotations

from icsoe_desktop.store.migrations import HEAD_REVISION
from icsoe_desktop.store.sync_tables import SYNCED_TABLES
from icsoe_desktop.sync_server import columnas, esquemas

DOCSTRING = '''"""The columns each synced table sends at the app's newest schema (its store's Alembic head),
as the sync server knows them: the server ships with the app but never imports its store.
Generated from store/sync_tables.py; tests/test_sync_server_esquemas.py checks it is current
and prints it anew after a migration (``python -m tests.test_sync_server_esquemas``).
"""'''


def modulo() -> str:
    """columnas.py as the store's head makes it."""
    lines = [
        DOCSTRING,
        "",
        f'HEAD = "{HEAD_REVISION}"',
        "",
        "COLUMNAS: dict[str, frozenset[str]] = {",
    ]
    for table in SYNCED_TABLES:
        lines += [f'    "{table.name}": frozenset(', "        {"]
        lines += [f'            "{name}",' for name in sorted(table.columns)]
        lines += ["        }", "    ),"]
    return "\n".join([*lines, "}"]) + "\n"


def test_the_servers_columns_are_the_stores_at_its_head() -> None:
    stores = (HEAD_REVISION, {t.name: frozenset(t.columns) for t in SYNCED_TABLES})
    hint = "python -m tests.test_sync_server_esquemas > icsoe_desktop/sync_server/columnas.py"
    servers = (columnas.HEAD, columnas.COLUMNAS)
    assert servers == stores, hint
    assert esquemas.HEAD == HEAD_REVISION
    with open(columnas.__file__, encoding="utf-8") as file:
        assert file.read() == modulo(), hint


if __name__ == "__main__":
    print(modulo(), end="")
