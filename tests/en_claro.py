"""A store's copy in clear (``sqlcipher_export``), for what the tests read with the standard
library's sqlite3 or SQLite's own program: the stores themselves are encrypted."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

from icsoe_desktop.store import cifrado


def copia_en_claro(path: Path, destino: Path) -> Path:
    """``path`` (encrypted with the installation's key, or plain) copied into the new plain
    file ``destino``; ``destino``."""
    with closing(cifrado.conectar(path)) as conn:
        cifrado.adjuntar(conn, destino, "en_claro", llave=None)
        conn.execute("SELECT sqlcipher_export('en_claro')").fetchall()
    return destino
