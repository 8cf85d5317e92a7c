"""Every connection of the app to a store, opened here: SQLCipher (``sqlcipher3``), each page of
the file and of its WAL encrypted with the installation's key, so a stolen laptop or a copied
data folder gives away no payroll.

The key is 32 random bytes (a raw key: no passphrase, so no PBKDF2 cost on each connection),
given by the services (services/llave_almacen.py reads it from the OS keyring). A store whose
first bytes are SQLite's plain header (one made before encryption, the migrated template, the
public catalog of códigos postales) opens without a key: store/cifrar.py encrypts an
installation's stores when they are opened. ``llave`` names another key (a backup's own) or
None (a file that stays plain)."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Final, cast
from urllib.parse import unquote, urlsplit

from sqlcipher3 import dbapi2

if TYPE_CHECKING:  # its types only: the app never loads the standard library's sqlite3
    import sqlite3

log = logging.getLogger(__name__)

# The driver and its errors: what the app catches where it would catch sqlite3's.
DRIVER = dbapi2
Error = cast("type[sqlite3.Error]", dbapi2.Error)
DatabaseError = cast("type[sqlite3.DatabaseError]", dbapi2.DatabaseError)
OperationalError = cast("type[sqlite3.OperationalError]", dbapi2.OperationalError)
IntegrityError = cast("type[sqlite3.IntegrityError]", dbapi2.IntegrityError)
Row = cast("type[sqlite3.Row]", dbapi2.Row)

LARGO_LLAVE: Final = 32  # 256 bits
LARGO_SAL: Final = 16  # SQLCipher's salt: the first bytes of an encrypted file, in clear
CABECERA_PLANA: Final = b"SQLite format 3\x00"
# The page cache of the connections kept open (the engine's pool): SQLCipher decrypts each page
# it reads from the file, so the pages a grid goes back to are kept decrypted in memory.
CACHE_KIB: Final = 65536


class _Instalacion:
    """The key of this installation (``usar_llave``): the default of every connection."""

    def __repr__(self) -> str:
        return "INSTALACION"


INSTALACION: Final = _Instalacion()
Llave = bytes | None | _Instalacion

_proveedor: Callable[[], bytes | None] | None = None
# Each data folder has a key of its own (services/carpeta_datos.py): a store inside a folder
# this process opened is keyed with that folder's, whatever folder was opened last.
_por_carpeta: dict[str, Callable[[], bytes | None]] = {}
_silenciado = False
_candado = threading.Lock()


def carpeta_normal(path: str | Path) -> str:
    """A folder as the per-folder keys are looked up by (absolute, case as the OS compares)."""
    return os.path.normcase(os.path.abspath(path))


def usar_llave(
    proveedor: Callable[[], bytes | None] | None, carpeta: str | Path | None = None
) -> None:
    """Every store this process opens from now on is keyed with what ``proveedor`` returns
    (None: no key, the stores are plain; it may raise its Spanish DomainError: the key is
    missing, nothing opens); ``carpeta``: the data folder it is the key of, whose stores keep
    it even after another folder is opened (None, with no provider: every folder forgotten)."""
    global _proveedor
    _proveedor = proveedor
    if proveedor is None:
        _por_carpeta.clear()
    elif carpeta is not None:
        _por_carpeta[carpeta_normal(carpeta)] = proveedor


def proveedor_de(
    por_carpeta: dict[str, Callable[[], bytes | None]],
    ultimo: Callable[[], bytes | None] | None,
    path: str | Path | None,
) -> Callable[[], bytes | None] | None:
    """The provider of the folder holding ``path`` (the deepest one), else the last set."""
    if path is None or not por_carpeta:
        return ultimo
    ruta = carpeta_normal(path)
    dentro = [c for c in por_carpeta if ruta == c or ruta.startswith(c + os.sep)]
    return por_carpeta[max(dentro, key=len)] if dentro else ultimo


def carpeta_de(path: str | Path) -> Path | None:
    """The data folder opened by this process that holds ``path`` (None: none)."""
    ruta = carpeta_normal(path)
    dentro = [c for c in _por_carpeta if ruta == c or ruta.startswith(c + os.sep)]
    return Path(max(dentro, key=len)) if dentro else None


def llave_instalacion(path: str | Path | None = None) -> bytes | None:
    """The key of the data folder holding ``path`` (by default, of the folder opened last)."""
    proveedor = proveedor_de(_por_carpeta, _proveedor, path)
    return None if proveedor is None else proveedor()


def es_plano(path: str | Path) -> bool:
    """Whether ``path`` is a store in clear (SQLite's own header): False for an encrypted one,
    an empty file or none."""
    try:
        with open(path, "rb") as archivo:
            return archivo.read(len(CABECERA_PLANA)) == CABECERA_PLANA
    except OSError:
        return False


def literal(llave: bytes) -> str:
    """The key as SQLCipher reads a raw one (``x'…'``): no key derivation. A key followed by a
    salt (a backup's, services/respaldo/llave.py) makes a new file start with that salt."""
    if len(llave) not in (LARGO_LLAVE, LARGO_LLAVE + LARGO_SAL):
        raise ValueError("llave de almacén de largo inválido")
    return f"x'{llave.hex()}'"


def _ruta(database: str | Path, uri: bool) -> str:
    """The file a ``database`` argument names (a ``file:`` URI read back to its path)."""
    texto = str(database)
    if not uri or not texto.startswith("file:"):
        return texto
    partes = urlsplit(texto)
    ruta = unquote(partes.path) if partes.netloc == "" else f"//{partes.netloc}{partes.path}"
    if len(ruta) > 2 and ruta[0] == "/" and ruta[2] == ":":  # file:///C:/… on Windows
        ruta = ruta[1:]
    return ruta


def llave_de(path: str | Path, llave: Llave = INSTALACION) -> bytes | None:
    """The key ``path`` opens with: the installation's, unless the file is plain."""
    if not isinstance(llave, _Instalacion):
        return llave
    return None if es_plano(path) else llave_instalacion(path)


def _silenciar(conn: dbapi2.Connection) -> None:
    """SQLCipher writes each failed decryption to stderr; the app says it in Spanish instead."""
    global _silenciado
    if not _silenciado:
        with _candado:
            conn.execute("PRAGMA cipher_log_level = NONE")
            _silenciado = True


def conectar(
    database: str | Path,
    timeout: float = 5.0,
    isolation_level: str | None = "",
    check_same_thread: bool = True,
    uri: bool = False,
    *,
    llave: Llave = INSTALACION,
) -> sqlite3.Connection:
    """``sqlite3.connect``'s arguments, the connection keyed (see the module)."""
    clave = llave_de(_ruta(database, uri), llave)
    conn = dbapi2.connect(
        database,
        timeout=timeout,
        isolation_level=isolation_level,
        check_same_thread=check_same_thread,
        uri=uri,
    )
    try:
        _silenciar(conn)
        if clave is not None:
            conn.execute(f'PRAGMA key = "{literal(clave)}"')
    except BaseException:
        conn.close()
        raise
    return cast("sqlite3.Connection", conn)


def solo_lectura(
    path: Path, *, llave: Llave = INSTALACION, inmutable: bool = False
) -> sqlite3.Connection:
    """A read-only connection to ``path`` (by URI, so it works on Windows' paths too)."""
    sufijo = "&immutable=1" if inmutable else ""
    return conectar(f"{path.resolve().as_uri()}?mode=ro{sufijo}", uri=True, llave=llave)


def adjuntar(
    conn: sqlite3.Connection, path: str | Path, alias: str, *, llave: Llave = INSTALACION
) -> None:
    """``ATTACH`` ``path`` as ``alias`` with its own key (none for a plain file), by its plain
    path: Windows' SQLite takes no URI in ATTACH."""
    clave = llave_de(path, llave)
    conn.execute(
        f'ATTACH DATABASE ? AS "{alias}" KEY ?',
        (str(path), "" if clave is None else literal(clave)),
    )


__all__ = [
    "CACHE_KIB",
    "DRIVER",
    "INSTALACION",
    "LARGO_LLAVE",
    "LARGO_SAL",
    "DatabaseError",
    "Error",
    "IntegrityError",
    "OperationalError",
    "Row",
    "adjuntar",
    "carpeta_de",
    "carpeta_normal",
    "conectar",
    "es_plano",
    "literal",
    "llave_de",
    "llave_instalacion",
    "proveedor_de",
    "solo_lectura",
    "usar_llave",
]
