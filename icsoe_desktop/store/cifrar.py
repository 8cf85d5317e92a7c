"""A store in clear made encrypted (store/cifrado.py), in place, the first time it is opened with
the installation's key: a store made before encryption, a plain backup restored, the evidence
archive beside it. Also the copy of the migrated template a new store starts as.

``PRAGMA rekey`` cannot encrypt a plain file: an encrypted copy is exported beside it
(``ATTACH … KEY`` and ``sqlcipher_export``, which does not carry ``user_version``: copied by
hand), checked (quick_check, the rows of each table, the version) and swapped in by one rename;
the plain file, kept by a second name until then, is overwritten and removed. Killed at any
moment, the store's own name holds the plain file or the checked encrypted one, never neither
nor a half; what was left beside it is cleared on the next opening (``limpiar``)."""

from __future__ import annotations

import logging
import os
import sys
import time
from contextlib import closing, suppress
from pathlib import Path
from typing import TYPE_CHECKING

from icsoe_desktop.domain.archivo_retenido import reintentado
from icsoe_desktop.domain.texts import plural
from icsoe_desktop.store import cifrado

if TYPE_CHECKING:
    import sqlite3

log = logging.getLogger(__name__)

CIFRANDO = ".cifrando"  # the encrypted copy being made
PLANO = ".plano"  # the plain file's second name, from the swap until it is overwritten
PLANTILLA = ".plantilla"  # the template's copy a new store is encrypted from
_BLOQUE = 1 << 20
# Tests only (tests/store/test_en_claro_kill.py): with ICSOE_PAUSA_CIFRAR=<step> (one of
# PASOS), an encryption writes «ICSOE_PAUSA_CIFRAR=<step>» to stderr when that step is done
# and waits there, so a test can kill the process at that point. Unset, nothing happens.
PAUSA_ENV = "ICSOE_PAUSA_CIFRAR"
PASOS = ("exportada", "enlazada", "reemplazada")


def _pausa(paso: str) -> None:
    if os.environ.get(PAUSA_ENV) != paso:
        return
    sys.stderr.write(f"{PAUSA_ENV}={paso}\n")
    sys.stderr.flush()
    while True:
        time.sleep(60)


class CifradoFallido(Exception):
    """The encrypted copy does not hold what the plain file holds (not swapped in)."""


def _tablas(conn: sqlite3.Connection, esquema: str) -> list[str]:
    return [
        r[0]
        for r in conn.execute(
            f"SELECT name FROM \"{esquema}\".sqlite_master WHERE type = 'table' ORDER BY name"
        )
    ]


def _comprobar(conn: sqlite3.Connection) -> None:
    """The new store (``main``) holds what the one attached as ``origen`` does: its pages
    sound, the same tables with the same number of rows, the same ``user_version``."""
    check = [r[0] for r in conn.execute("PRAGMA main.quick_check")]
    if check != ["ok"]:
        raise CifradoFallido(f"quick_check: {check[:5]}")
    tablas = _tablas(conn, "origen")
    if _tablas(conn, "main") != tablas:
        raise CifradoFallido("las tablas no coinciden")
    for tabla in tablas:
        antes = conn.execute(f'SELECT count(*) FROM origen."{tabla}"').fetchone()[0]
        despues = conn.execute(f'SELECT count(*) FROM main."{tabla}"').fetchone()[0]
        if antes != despues:
            raise CifradoFallido(f"{tabla}: {plural(antes, 'fila')}, {despues} en la copia")
    version = conn.execute("PRAGMA origen.user_version").fetchone()[0]
    if conn.execute("PRAGMA main.user_version").fetchone()[0] != version:
        raise CifradoFallido("user_version")


def exportar(
    origen: Path, destino: Path, llave: bytes | None, *, llave_origen: cifrado.Llave = None
) -> None:
    """``origen`` (plain unless ``llave_origen``; only read) copied whole into the new file
    ``destino``, encrypted with ``llave`` (None: in clear), checked and on disk. ``destino``
    must not exist."""
    conn = cifrado.conectar(destino, isolation_level=None, llave=llave)
    try:
        # No sync per transaction: ``destino`` is a new file no one uses until it is checked
        # and put on disk whole below (``_a_disco``): those syncs buy nothing but their wait,
        # seconds on a busy disk (a first start with a keyring copies the catalog's template
        # here before Continuar answers).
        conn.execute("PRAGMA main.synchronous = OFF")
        cifrado.adjuntar(conn, origen, "origen", llave=llave_origen)
        conn.execute("SELECT sqlcipher_export('main', 'origen')").fetchall()
        version = int(conn.execute("PRAGMA origen.user_version").fetchone()[0])
        conn.execute(f"PRAGMA main.user_version = {version}")
        _comprobar(conn)
        conn.execute("DETACH DATABASE origen")
    finally:
        conn.close()
    _a_disco(destino)


def _a_disco(path: Path) -> None:
    with open(path, "rb+") as archivo:
        os.fsync(archivo.fileno())


def _carpeta_a_disco(carpeta: Path) -> None:
    """The renames in ``carpeta`` on disk (POSIX; Windows has no handle to a folder for it)."""
    if os.name != "posix":
        return
    fd = os.open(carpeta, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sobrescribir(path: Path) -> None:
    """``path``'s bytes overwritten with zeros on disk, then the file removed."""
    with suppress(FileNotFoundError), open(path, "rb+") as archivo:
        restante = os.fstat(archivo.fileno()).st_size
        cero = bytes(_BLOQUE)
        while restante > 0:
            escritos = archivo.write(cero[: min(restante, _BLOQUE)])
            restante -= escritos
        archivo.flush()
        os.fsync(archivo.fileno())
    path.unlink(missing_ok=True)


def limpiar(path: Path) -> None:
    """What a killed encryption of ``path`` left beside it. The encrypted copy that was not
    swapped in is dropped; the plain file's second name is overwritten once the store is the
    encrypted one (before, it is the store itself, or an identical copy: only unlinked)."""
    nueva = path.with_name(path.name + CIFRANDO)
    plano = path.with_name(path.name + PLANO)
    nueva.unlink(missing_ok=True)
    path.with_name(path.name + PLANTILLA).unlink(missing_ok=True)
    if plano.exists():
        if path.exists() and not cifrado.es_plano(path):
            sobrescribir(plano)
        else:
            plano.unlink()


def _segundo_nombre(path: Path, plano: Path) -> None:
    """The plain file under a second name, so the swap's rename does not free it before it
    is overwritten: a hard link, or a copy where the disk has none."""
    try:
        os.link(path, plano)
    except OSError:
        import shutil

        shutil.copyfile(path, plano)
        _a_disco(plano)


def _reemplazar(nueva: Path, path: Path) -> None:
    """``nueva`` renamed over ``path``, waiting out a program that holds the file a moment."""
    reintentado(lambda: os.replace(nueva, path))


def _sin_wal(path: Path) -> bool:
    """The plain store whole in its own file, in rollback-journal mode: a WAL left beside the
    encrypted file would be read as its own. False when another connection holds it."""
    try:
        with closing(cifrado.conectar(path, timeout=0.5, isolation_level=None, llave=None)) as c:
            c.execute("PRAGMA journal_mode=DELETE").fetchall()
    except cifrado.OperationalError:
        log.warning("No se cifró %s: está abierta en otra conexión", path, exc_info=True)
        return False
    wal = path.with_name(path.name + "-wal")
    return not wal.exists()


def cifrar(path: Path) -> bool:
    """Encrypt the plain store ``path`` in place with the installation's key (see the module).
    False when there is nothing to do: no key (no OS keyring), already encrypted, no file, or
    held open elsewhere (then on a later opening). A copy that does not check out is dropped
    and raised (``CifradoFallido``): the plain store is left as it was."""
    limpiar(path)
    if not cifrado.es_plano(path):
        return False
    llave = cifrado.llave_instalacion(path)
    if llave is None or not _sin_wal(path):
        return False
    nueva = path.with_name(path.name + CIFRANDO)
    plano = path.with_name(path.name + PLANO)
    try:
        exportar(path, nueva, llave)
    except BaseException:
        nueva.unlink(missing_ok=True)
        raise
    _pausa("exportada")
    _segundo_nombre(path, plano)
    _pausa("enlazada")
    _reemplazar(nueva, path)  # the one step: the plain store before it, the encrypted one after
    _carpeta_a_disco(path.parent)
    _pausa("reemplazada")
    sobrescribir(plano)
    log.info("Base de datos %s cifrada", path)
    return True


def al_abrir(path: Path) -> None:
    """``cifrar`` at a store's opening: what keeps it from being encrypted (a damaged file, a
    full disk) leaves it as it was, in clear, and is logged; the opening goes on and says what
    is wrong with the file, if anything, as it always did. Tried again at the next opening."""
    try:
        cifrar(path)
    except (OSError, cifrado.Error, CifradoFallido):
        log.exception("No se pudo cifrar %s; sigue sin cifrar", path)


def copiar_plantilla(plantilla: Path, path: Path) -> None:
    """A new store ``path`` from the plain migrated template: encrypted when there is a key."""
    llave = cifrado.llave_instalacion(path)
    if llave is None:
        import shutil

        shutil.copyfile(plantilla, path)
        return
    import shutil

    # Exported from a copy beside the new store: attaching the template itself, a WAL-mode
    # file, would leave its -wal and -shm in the package (read-only under Program Files).
    copia = path.with_name(path.name + PLANTILLA)
    nueva = path.with_name(path.name + CIFRANDO)
    nueva.unlink(missing_ok=True)
    try:
        shutil.copyfile(plantilla, copia)
        exportar(copia, nueva, llave, llave_origen=None)
        os.replace(nueva, path)
    except BaseException:
        nueva.unlink(missing_ok=True)
        raise
    finally:
        for resto in (copia, *(copia.with_name(copia.name + s) for s in ("-wal", "-shm"))):
            resto.unlink(missing_ok=True)


__all__ = [
    "CIFRANDO",
    "PASOS",
    "PAUSA_ENV",
    "PLANO",
    "CifradoFallido",
    "al_abrir",
    "cifrar",
    "copiar_plantilla",
    "exportar",
    "limpiar",
    "sobrescribir",
]
