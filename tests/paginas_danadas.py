"""Pages of a store overwritten with zeros, as a bad disk sector leaves them. Which pages hold a
table's rows is read from the file itself: its b-tree walked from the table's root page, each
page decrypted with the store's key (SQLCipher 4: AES-256-CBC, the page's IV in the 80 bytes
it reserves at its end; the first 16 bytes of the file are its salt), or read as is from a
plain store."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from icsoe_desktop.store import cifrado

RESERVA = 80  # SQLCipher 4: IV (16) and HMAC-SHA512 (64) at the end of each page
SAL = 16
HOJAS = (0x0D, 0x0A)  # table leaf, index leaf (a table WITHOUT ROWID is an index b-tree)
INTERIORES = (0x05, 0x02)


def has_dbstat() -> bool:
    """The standard library's SQLite (the tests' own plain copies) has a ``dbstat`` table."""
    with sqlite3.connect(":memory:") as conn:
        try:
            conn.execute("SELECT count(*) FROM dbstat")
        except sqlite3.OperationalError:
            return False
    return True


needs_dbstat = pytest.mark.skipif(
    not has_dbstat(), reason=f"the SQLite of this Python ({sys.platform}) has no dbstat table"
)


def _lector(path: Path, page_size: int) -> Callable[[int], bytes]:
    """Page ``n`` of ``path`` as SQLite reads it (decrypted; page 1's salt left as zeros)."""
    datos = path.read_bytes()
    llave = cifrado.llave_de(path)

    def pagina(n: int) -> bytes:
        cruda = datos[(n - 1) * page_size : n * page_size]
        if llave is None:
            return cruda
        inicio = SAL if n == 1 else 0
        iv = cruda[page_size - RESERVA : page_size - RESERVA + 16]
        descifrador = Cipher(algorithms.AES(llave), modes.CBC(iv)).decryptor()
        claro = descifrador.update(cruda[inicio : page_size - RESERVA]) + descifrador.finalize()
        return bytes(inicio) + claro

    return pagina


def leaf_pages(path: Path, table: str) -> list[tuple[int, int]]:
    """``(page number, cells)`` of each leaf page of ``table``, in file order."""
    with cifrado.conectar(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = int(conn.execute("PRAGMA page_size").fetchone()[0])
        (raiz,) = conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)
        ).fetchone()
    conn.close()
    pagina = _lector(path, page_size)
    hojas, pendientes = [], [raiz]
    while pendientes:
        n = pendientes.pop()
        contenido = pagina(n)
        inicio = 100 if n == 1 else 0
        tipo = contenido[inicio]
        celdas = int.from_bytes(contenido[inicio + 3 : inicio + 5], "big")
        if tipo in HOJAS:
            hojas.append((n, celdas))
        elif tipo in INTERIORES:
            punteros = contenido[inicio + 12 : inicio + 12 + 2 * celdas]
            for i in range(celdas):
                celda = int.from_bytes(punteros[2 * i : 2 * i + 2], "big")
                pendientes.append(int.from_bytes(contenido[celda : celda + 4], "big"))
            pendientes.append(int.from_bytes(contenido[inicio + 8 : inicio + 12], "big"))
    return sorted(hojas)


def zero_leaf_pages(path: Path, table: str, count: int) -> int:
    """``count`` leaf pages of ``table`` overwritten with zeros (spread over the table); how
    many rows they held."""
    with cifrado.conectar(path) as conn:
        page_size = int(conn.execute("PRAGMA page_size").fetchone()[0])
    conn.close()
    leaves = leaf_pages(path, table)
    step = len(leaves) // (count + 1)
    chosen = [leaves[step * (i + 1)] for i in range(count)]
    with open(path, "r+b") as file:
        for pageno, _cells in chosen:
            file.seek((pageno - 1) * page_size)
            file.write(bytes(page_size))
    return sum(cells for _page, cells in chosen)
