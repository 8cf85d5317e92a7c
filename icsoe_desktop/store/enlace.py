"""Values bound in bulk, in the forms the SQLite driver binds cheaply.

The driver (sqlcipher3, as the standard library's sqlite3) binds an ``int``, ``float`` or
``str`` directly, but sends any other value (``None``, ``True``, ``bytes``) through its
adapter registry first: about a microsecond each with sqlcipher3, ten times an ``int``. A
pulled page of 5,000 movimientos holds some 35,000 of them (its unset dates, its
``deleted``, its states' ``dirty``): a fifth of writing the page. So a pulled page and an
imported lote bind a boolean as the 0 or 1 SQLite stores, and a NULL as NaN: SQLite stores
NaN as NULL (``sqlite3VdbeMemSetDouble``: «or NULL if val is NaN»), so the row written is the
same one, NOT NULL and all (the storage classes of a pulled page's rows and of an imported
lote's are checked: ``tests/sync/test_sync_join.py``, ``tests/services/test_import_files.py``)."""

from __future__ import annotations

from typing import Any, Final

# Bound in place of None: stored as NULL.
NULO: Final = float("nan")


def sin_nulos(values: list[Any]) -> list[Any]:
    """``values`` with each None as ``NULO``."""
    return [NULO if value is None else value for value in values]


__all__ = ["NULO", "sin_nulos"]
