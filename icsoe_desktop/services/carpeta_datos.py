"""Who a data folder is: a random id kept in the folder (``carpeta-datos.id``), under which the OS
keyring holds that folder's own store key, audit key and recovery code
(services/llave_almacen.py, services/llave_bitacora.py, services/recuperacion_almacen.py).

The id is the folder's, not its path's: a folder copied or moved elsewhere is still itself (on
the same Windows user it opens with the same key; on another, with its own recovery code), and
two folders of one user never share a keyring slot, so opening one never touches the other's
key nor its recovery. A folder made by a release that kept one key per Windows user has no id:
it gets one at its first opening, and its key is adopted from the user's slot only when proven
to open its stores (``CUENTA_LEGADA``)."""

from __future__ import annotations

import logging
import re
from contextlib import closing
from pathlib import Path

from icsoe_desktop.files import write_bytes_atomic
from icsoe_desktop.paths import CATALOGO_FILE
from icsoe_desktop.store import cifrado

log = logging.getLogger(__name__)

ARCHIVO = "carpeta-datos.id"
_FORMA = re.compile(r"[0-9a-f]{32}")

_activa: Path | None = None


def identidad(data_dir: Path) -> str:
    """The folder's id, made (and written whole) the first time it is asked for."""
    path = data_dir / ARCHIVO
    try:
        leida = path.read_bytes().decode("ascii").strip()  # no codec to look up (import)
    except (OSError, ValueError):
        leida = ""
    if _FORMA.fullmatch(leida):
        return leida
    if leida:  # garbled by hand: its keys come back with the folder's recovery code
        log.warning("Identidad de la carpeta de datos ilegible en %s: se hace otra", path)
    from secrets import token_hex  # hashlib loads OpenSSL: not on the way to the login

    nueva = token_hex(16)
    write_bytes_atomic(path, f"{nueva}\n".encode("ascii"))
    return nueva


def cuenta(base: str, data_dir: Path) -> str:
    """The keyring account of ``base`` («llave», «codigo»…) for the folder ``data_dir``."""
    return f"{base}:{identidad(data_dir)}"


def usar(data_dir: Path) -> None:
    """The folder this process works on (what a backup's key or the code shown refer to)."""
    global _activa
    _activa = data_dir


def activa() -> Path | None:
    return _activa


def almacenes(data_dir: Path) -> list[Path]:
    """The store whose opening proves a key is this folder's: its catalog (an empresa's own
    store is never read here: a damaged one is its opening's to say, and to rescue; a folder of
    one company from before the catalog was never encrypted)."""
    catalogo = data_dir / CATALOGO_FILE
    return [catalogo] if catalogo.is_file() else []


def cifrados(data_dir: Path) -> list[Path]:
    """This folder's stores already encrypted (what a key must open to be the folder's)."""
    return [p for p in almacenes(data_dir) if p.stat().st_size > 0 and not cifrado.es_plano(p)]


def abre(data_dir: Path, llave: bytes) -> bool | None:
    """Whether ``llave`` opens this folder's encrypted stores (their first page decrypts); None
    when there is none yet to prove it against (a new folder, or one still in clear: the key
    will be the one that encrypts them)."""
    stores = cifrados(data_dir)
    if not stores:
        return None
    for path in stores:
        try:
            # Immutable: the first page read from the file alone, no -wal nor -shm made.
            with closing(cifrado.solo_lectura(path, llave=llave, inmutable=True)) as conn:
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except cifrado.DatabaseError:
            return False
    return True


__all__ = ["ARCHIVO", "abre", "activa", "almacenes", "cifrados", "cuenta", "identidad", "usar"]
