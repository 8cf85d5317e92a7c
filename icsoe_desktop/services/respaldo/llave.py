"""A backup's own key: what makes it restorable on another installation (another PC, Windows
reinstalled) and unreadable to whoever finds the file without the recovery code.

Each backup is a SQLCipher file keyed with 32 bytes derived by scrypt from the installation's
recovery code (services/recuperacion_almacen.py) and a salt of its own. The salt is the
file's first 16 bytes, which SQLCipher keeps in clear: 4 of them name the file as a portable
backup (``MARCA``), 12 are random. The file carries nothing else: neither the key nor the code.

Restoring, the key is derived again from the code: the one the keyring keeps (a backup of this
installation opens without asking) or the one the administrator types (a backup of another
installation, or of this one before its key changed). An installation with no code (no OS
keyring: plain stores; or a key put back in the keyring without its code) writes its backups
as before, with the installation's key or in clear."""

from __future__ import annotations

import logging
import os
from contextlib import closing
from pathlib import Path
from typing import Final

from icsoe_desktop.services import recuperacion_almacen
from icsoe_desktop.services.secrets import SecretsService
from icsoe_desktop.store import cifrado

log = logging.getLogger(__name__)

MARCA: Final = b"ICR1"  # the first bytes of a portable backup (its salt begins so)
CONTEXTO: Final = b"icsoe-desktop respaldo v1 "


def derivar(codigo: str, sal: bytes) -> bytes | None:
    """The key of the backup salted ``sal`` under ``codigo`` (None: not a whole code)."""
    normal = recuperacion_almacen.normalizar(codigo)
    if normal is None:
        return None
    return recuperacion_almacen.derivada(normal, CONTEXTO + sal)


def nueva(secrets: SecretsService | None = None, origen: Path | None = None) -> cifrado.Llave:
    """The key a new backup (of the store ``origen``) is written with: with its salt (the file
    starts with it), derived from the code the keyring keeps for its data folder; the
    installation's when there is no code."""
    codigo = None
    if cifrado.llave_instalacion(origen) is not None:
        carpeta = None if origen is None else cifrado.carpeta_de(origen)
        codigo = recuperacion_almacen.codigo_guardado(secrets, carpeta)
    sal = MARCA + os.urandom(cifrado.LARGO_SAL - len(MARCA))
    llave = derivar(codigo or "", sal)
    if llave is None:
        log.warning(
            "Sin código de recuperación: el respaldo se cifra con la llave de la instalación"
        )
        return cifrado.INSTALACION
    return llave + sal


def es_portable(path: Path) -> bool:
    """Whether ``path`` starts as a backup keyed from a recovery code."""
    try:
        with open(path, "rb") as archivo:
            return archivo.read(len(MARCA)) == MARCA
    except OSError:
        return False


def abre(path: Path, llave: cifrado.Llave) -> bool:
    """Whether ``llave`` reads ``path`` (its first page decrypts)."""
    try:
        with closing(cifrado.solo_lectura(path, llave=llave)) as conn:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except cifrado.DatabaseError:
        return False
    return True


def derivada(path: Path, codigo: str) -> bytes | None:
    """The key ``codigo`` gives the portable backup ``path`` (its salt), whether or not it is
    the code it was made with (None: not a whole code, or the file unreadable)."""
    try:
        with open(path, "rb") as archivo:
            sal = archivo.read(cifrado.LARGO_SAL)
    except OSError:
        return None
    return derivar(codigo, sal)


def de_archivo(path: Path, codigo: str) -> bytes | None:
    """The key of the portable backup ``path`` when ``codigo`` is the code it was made with."""
    llave = derivada(path, codigo)
    return llave if llave is not None and abre(path, llave) else None


__all__ = ["MARCA", "abre", "de_archivo", "derivada", "derivar", "es_portable", "nueva"]
