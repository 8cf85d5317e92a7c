"""The data folder's SQLite files in clear beside the stores the app opens (store/cifrar.py
encrypts those at their opening): the store a restore or a rescuing ``reparar`` of a version
before encryption kept aside (``…antes-de-restaurar-FECHA``), a file rescued or copied by hand
beside the stores, the store of an empresa not opened since. ``cifrar_restos`` encrypts each in
place with the installation's key at every opening, as store/cifrar.py encrypts a store: killed
at any moment, the file's name holds it plain and whole or encrypted and whole, and the next
opening finishes.

Kept cheap, since it runs at every start (bench/startup.py): a listing of the folders where the
app keeps stores and the first 16 bytes of each file named as a SQLite file; no file is opened
as a store to look.

A backup the office keeps in the folder is not encrypted in place (in the installation's key
it would no longer restore on another PC): ``respaldos_en_claro`` names those made in clear
(before encryption), for --self-check to list with what to do."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Final

from icsoe_desktop.store import cifrado, cifrar
from icsoe_desktop.store.db import RESTORE_ASIDE, RESTORE_CANDIDATE, RESTORE_MARKER

log = logging.getLogger(__name__)

# Where the app keeps stores: the data folder (the catalog, the first empresa), the other
# empresas' folder, and the evidence archives beside each.
CARPETAS: Final = (".", "empresas", "evidencias", "empresas/evidencias")
# The public catalogue of códigos postales (services/catalogos/codigos_postales.py), plain by
# design, and its copies while it loads: no company data.
PUBLICOS: Final = ("sepomex.sqlite3",)
_ANEXOS: Final = ("-wal", "-shm", "-journal")  # SQLite's own files beside a database
# What a restore in progress (services/respaldo/restauracion.py), an encryption or a new
# store's copy of the template (cifrar.py) has beside a file: theirs to finish or undo.
_EN_CURSO: Final = (
    RESTORE_CANDIDATE,
    RESTORE_MARKER,
    cifrar.CIFRANDO,
    cifrar.PLANO,
    cifrar.PLANTILLA,
)
_RESTOS: Final = (cifrar.CIFRANDO, cifrar.PLANO)


def _archivos(data_dir: Path) -> Iterator[Path]:
    for carpeta in CARPETAS:
        try:
            entradas = list(os.scandir(data_dir / carpeta))
        except OSError:  # no such folder (one empresa, no evidence yet)
            continue
        for entrada in entradas:
            try:
                if entrada.is_file(follow_symlinks=False):
                    yield Path(entrada.path)
            except OSError:
                continue


def es_respaldo(nombre: str) -> bool:
    """A backup the office keeps (``….icsoe-respaldo``, a copy named as a backup, a .zip)."""
    bajo = nombre.lower()
    return "respaldo" in bajo or bajo.endswith(".zip")


def _de_base(nombre: str) -> bool:
    """Named as a SQLite file of the app's or a copy of one (the only files whose header is
    read: a folder of PDFs costs nothing)."""
    bajo = nombre.lower()
    if bajo.startswith(PUBLICOS) or bajo.endswith(_ANEXOS) or es_respaldo(bajo):
        return False
    if any(marca in bajo for marca in _EN_CURSO):
        return False
    return ".sqlite" in bajo or bajo.endswith(".db") or RESTORE_ASIDE in bajo


def _planos(archivos: Iterable[Path]) -> list[Path]:
    return [p for p in archivos if _de_base(p.name) and cifrado.es_plano(p)]


def _limpiar_restos(archivos: Iterable[Path]) -> None:
    """What an encryption killed before it finished left beside a file (cifrar.limpiar);
    a restore's candidate's are the restore's (restauracion.revisar)."""
    for path in archivos:
        if RESTORE_CANDIDATE in path.name:
            continue
        for resto in _RESTOS:
            if path.name.endswith(resto):
                try:
                    cifrar.limpiar(path.with_name(path.name[: -len(resto)]))
                except OSError:
                    log.warning("No se pudo quitar %s", path, exc_info=True)


def cifrar_restos(data_dir: Path) -> list[Path]:
    """Every SQLite file in clear of ``data_dir``'s stores' folders but its backups and the
    public catalogue, encrypted in place with the installation's key (nothing without one);
    the files encrypted. One that cannot be (damaged, held open by another program) stays as
    it was, logged, and is tried again at the next opening; --self-check names it."""
    if cifrado.llave_instalacion() is None:
        return []
    archivos = list(_archivos(data_dir))
    _limpiar_restos(archivos)
    cifrados = []
    for path in _planos(archivos):
        try:
            if _otro_nombre(path):
                continue
            if cifrar.cifrar(path):
                cifrados.append(path)
        except (OSError, cifrado.Error, cifrar.CifradoFallido):
            log.exception("No se pudo cifrar %s; sigue sin cifrar", path)
    return cifrados


def _otro_nombre(path: Path) -> bool:
    """Whether ``path``'s data has another name too (a hard link: a restore of an earlier
    version interrupted after it linked the store aside). Encrypting it in place overwrites the
    plain bytes, which the other name would lose: left to the opening of its empresa, which
    finishes or undoes that restore first (services/respaldo/restauracion.py)."""
    if os.stat(path).st_nlink <= 1:  # os.stat: a DirEntry says 0 on Windows
        return False
    log.warning("No se cifró %s: el archivo tiene otro nombre (un enlace)", path)
    return True


def sin_cifrar(data_dir: Path) -> list[Path]:
    """The files ``cifrar_restos`` would encrypt and did not (or could not)."""
    return sorted(_planos(_archivos(data_dir)))


def _zip_en_claro(path: Path) -> bool:
    """A .zip holding a SQLite file in clear (a copy of the data folder zipped)."""
    import zipfile  # only --self-check looks into one

    try:
        with zipfile.ZipFile(path) as archivo:
            for miembro in archivo.infolist():
                if miembro.is_dir() or miembro.file_size < len(cifrado.CABECERA_PLANA):
                    continue
                with archivo.open(miembro) as datos:
                    if datos.read(len(cifrado.CABECERA_PLANA)) == cifrado.CABECERA_PLANA:
                        return True
    except (OSError, zipfile.BadZipFile, RuntimeError):  # damaged, or with a password
        log.warning("No se pudo leer %s", path, exc_info=True)
    return False


def respaldos_en_claro(data_dir: Path) -> list[Path]:
    """The backups kept in ``data_dir``'s stores' folders that anyone can read: made in clear,
    before encryption (a backup file, or a .zip with a store in it)."""
    en_claro = []
    for path in _archivos(data_dir):
        if not es_respaldo(path.name) or path.name.lower().endswith(_ANEXOS):
            continue
        es_zip = path.name.lower().endswith(".zip")
        if _zip_en_claro(path) if es_zip else cifrado.es_plano(path):
            en_claro.append(path)
    return sorted(en_claro)


__all__ = [
    "CARPETAS",
    "PUBLICOS",
    "cifrar_restos",
    "es_respaldo",
    "respaldos_en_claro",
    "sin_cifrar",
]
