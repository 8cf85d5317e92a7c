"""Whether a backup file was cut short (a copy that did not finish, a USB stick pulled out too
soon): the restore says so, not that it is another installation's code nor just «dañado».

SQLite's plain header says its page size and, when valid, how many pages the file has. An
encrypted file (SQLCipher) is whole pages of 4096 bytes: one whose first page decrypts with
the key is cut when its size is not whole pages, or when SQLite finds it malformed while
every page it has passes its HMAC (``PRAGMA cipher_integrity_check`` finds nothing): then
what is missing is its end. A key that does not decrypt the first page says nothing."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path
from typing import Final

from icsoe_desktop.store import cifrado

PAGINA_CIFRADA: Final = 4096  # SQLCipher's page, the app never changes it
_CABECERA: Final = 100
_SQLITE_CORRUPT: Final = 11

MSG_CORTADO = (
    "El respaldo «{nombre}» está incompleto: el archivo se cortó antes de terminar (mide "
    "{tamano:,} bytes), por una copia que no terminó o una memoria USB que se retiró antes de "
    "tiempo. No es un problema del código de recuperación. Copia otra vez el respaldo desde "
    "donde se guardó, completo, o restaura otro. No se restauró nada."
)


def _plano_cortado(cabecera: bytes, tamano: int) -> bool:
    pagina = int.from_bytes(cabecera[16:18], "big")
    pagina = 65536 if pagina == 1 else pagina
    if pagina < 512 or pagina & (pagina - 1):  # no header SQLite wrote: damaged, not cut
        return False
    if tamano < pagina or tamano % pagina:
        return True
    paginas = int.from_bytes(cabecera[28:32], "big")
    # The page count is valid while the change counter matches its «version-valid-for».
    valido = paginas > 0 and cabecera[24:28] == cabecera[92:96]
    return valido and tamano < paginas * pagina


def por_tamano(path: Path, portable: bool) -> bool:
    """What the file's size and plain header alone show: a plain file shorter than its header
    says, or a portable backup (services/respaldo/llave.py: surely one of ours) of no whole
    number of pages."""
    try:
        tamano = path.stat().st_size
        with open(path, "rb") as archivo:
            cabecera = archivo.read(_CABECERA)
    except OSError:
        return False
    if cabecera.startswith(cifrado.CABECERA_PLANA):
        return len(cabecera) < _CABECERA or _plano_cortado(cabecera, tamano)
    return portable and (tamano < PAGINA_CIFRADA or tamano % PAGINA_CIFRADA != 0)


def con_llave(path: Path, llave: cifrado.Llave) -> bool:
    """Whether the encrypted ``path``, whose first page ``llave`` decrypts, lacks its end
    (see the module). Reads the whole file: only for one that did not restore."""
    try:
        tamano = path.stat().st_size
        with closing(cifrado.solo_lectura(path, llave=llave)) as conn:
            try:
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
                malformado = False
            except cifrado.DatabaseError as exc:
                if getattr(exc, "sqlite_errorcode", None) != _SQLITE_CORRUPT:
                    return False  # the key does not decrypt it: nothing known
                malformado = True
            if tamano % PAGINA_CIFRADA:
                return True
            paginas = conn.execute("PRAGMA cipher_integrity_check").fetchall()
    except (OSError, cifrado.Error):  # it cannot say: the caller's own message stands
        return False
    return malformado and not paginas


def mensaje(path: Path) -> str:
    tamano = path.stat().st_size if path.is_file() else 0
    return MSG_CORTADO.format(nombre=path.name, tamano=tamano)


__all__ = ["MSG_CORTADO", "PAGINA_CIFRADA", "con_llave", "mensaje", "por_tamano"]
