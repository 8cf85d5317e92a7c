"""The public catalogs (the códigos postales) in clear, through SQLCipher's driver with no key:
the app loads no other SQLite (store/cifrado.py opens the stores, encrypted). The sync server
reads the same files through here."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

from sqlcipher3 import dbapi2

if TYPE_CHECKING:
    import sqlite3

Error = cast("type[sqlite3.Error]", dbapi2.Error)


def conectar(
    database: str | Path, isolation_level: str | None = "", uri: bool = False
) -> sqlite3.Connection:
    """``sqlite3.connect`` of a plain file."""
    return cast(
        "sqlite3.Connection",
        dbapi2.connect(database, isolation_level=isolation_level, uri=uri),
    )


__all__ = ["Error", "conectar"]
