"""The app's temporary files: where they live, and who removes them when a run is cut short.

A run of the app (the window, or a command) gets a folder of its own in the data folder,
``temporales/<pid>-…/``, and makes it the process's temporary folder (``tempfile.tempdir``):
every ``tempfile`` file or folder the run makes, ours or a library's (an index workbook, a
clear copy of an acuse for the PDF reader), lands there, on the data folder's disk, never in
the system's %TEMP%. The run removes its folder when it ends.

A part-file written beside its destination (``files.atomic_write``: ``X.zip.parcial``) or a
part folder (a SISUB export's) must stay beside it, for the final rename not to cross disks:
while it exists, the run notes its path in its folder (``parcial``), and the note goes when
the part is put in place or removed.

A run killed (the task manager, a power cut) leaves its folder behind. The next start lists
``temporales/`` (one directory listing, kept off the first window's path) and, for each
folder whose run is gone, removes the part-files its notes name and then the folder. A run
holds a lock on a file of its folder for its whole life (released by the system however the
process ends): a folder whose lock can be taken belongs to a run that is gone; one still
locked belongs to a run going on now (the command line beside the app) and is left alone.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

log = logging.getLogger(__name__)
CARPETA = "temporales"  # in the data folder
VIVO = ".vivo"  # the run's lock, in its folder
NOTAS = ".parciales"  # the run's notes of its part-files, one file each
# Only a path whose name says it is a part is ever removed by a note (a damaged note never
# removes a clerk's file): ``files.atomic_write``'s and the SISUB export's names.
MARCA_PARCIAL = "parcial"


@dataclass
class _Ejecucion:
    data_dir: Path
    carpeta: Path
    candado: IO[bytes]
    antes: str | None  # tempfile.tempdir before this run's folder took its place


_actual: _Ejecucion | None = None
_cerrojo = threading.Lock()
_al_salir: list[bool] = []  # ``cerrar`` registered with atexit (once)
# A folder or lock this young without the run's pid may be a run starting this very instant;
# older, its run was killed while starting.
_ARRANCANDO_S = 3600


if sys.platform == "win32":
    import msvcrt

    def _tomar(archivo: IO[bytes]) -> bool:
        archivo.seek(0)  # the lock covers the byte at the position: the first, for both sides
        try:
            msvcrt.locking(archivo.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

else:
    import fcntl

    def _tomar(archivo: IO[bytes]) -> bool:
        try:
            fcntl.flock(archivo.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True


def raiz(data_dir: Path) -> Path:
    return Path(data_dir) / CARPETA


def abrir(data_dir: Path) -> Path | None:
    """This run's folder in ``data_dir``, made the process's temporary folder; the same one
    when it is already open (another data folder's is closed first). None when it cannot be
    made (a read-only data folder): the system's temporary folder then, as before."""
    global _actual
    data_dir = Path(data_dir)
    with _cerrojo:
        if _actual is not None:
            if _actual.data_dir == data_dir:
                return _actual.carpeta
            _cerrar()
        candado: IO[bytes] | None = None
        try:
            raiz(data_dir).mkdir(exist_ok=True)
            carpeta = Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=raiz(data_dir)))
            candado = open(carpeta / VIVO, "w+b")  # noqa: SIM115 - held for the run's life
            # Locked before anything is written in it: an empty lock file is a run starting.
            _tomar(candado)
            candado.write(str(os.getpid()).encode("ascii"))
            candado.flush()
        except OSError as exc:
            if candado is not None:
                candado.close()
            log.warning("No se pudo preparar la carpeta temporal en %s: %s", data_dir, exc)
            return None
        _actual = _Ejecucion(data_dir, carpeta, candado, tempfile.tempdir)
        tempfile.tempdir = str(carpeta)
        if not _al_salir:
            atexit.register(cerrar)
            _al_salir.append(True)
    return carpeta


def propia() -> Path | None:
    """This run's folder (None before ``abrir``, or when it could not be made)."""
    ejecucion = _actual
    return None if ejecucion is None else ejecucion.carpeta


def cerrar() -> None:
    """This run's folder removed (what it still holds: files left by an error, a reader's
    copy) and the process's temporary folder put back."""
    with _cerrojo:
        _cerrar()


def _cerrar() -> None:
    global _actual
    if _actual is None:
        return
    ejecucion, _actual = _actual, None
    if tempfile.tempdir == str(ejecucion.carpeta):
        tempfile.tempdir = ejecucion.antes
    ejecucion.candado.close()
    # A file a PDF reader still holds open on Windows stays: the next start removes it.
    shutil.rmtree(ejecucion.carpeta, ignore_errors=True)


@contextlib.contextmanager
def de_esta_ejecucion(data_dir: Path) -> Iterator[None]:
    """What a command does around its work: what runs cut short left removed, this run's
    folder for the work, removed at the end."""
    limpiar(data_dir)
    abrir(data_dir)
    try:
        yield
    finally:
        cerrar()


@contextlib.contextmanager
def parcial(ruta: Path) -> Iterator[None]:
    """While the block runs, ``ruta`` (a part-file or part folder beside its destination) is
    noted in this run's folder, for the next start to remove it if the run is killed. No
    note without a run's folder (a service used on its own, as the tests do)."""
    nota = _anotar(Path(ruta))
    try:
        yield
    finally:
        if nota is not None:
            with contextlib.suppress(OSError):
                nota.unlink()


def _anotar(ruta: Path) -> Path | None:
    ejecucion = _actual
    if ejecucion is None:
        return None
    notas = ejecucion.carpeta / NOTAS
    nota = notas / os.urandom(8).hex()
    try:
        notas.mkdir(exist_ok=True)
        nota.write_text(str(ruta.absolute()), encoding="utf-8")
    except OSError as exc:  # the part still goes when the work ends; only a kill would keep it
        log.warning("No se pudo anotar el archivo temporal %s: %s", ruta, exc)
        return None
    return nota


def limpiar(data_dir: Path) -> int:
    """What runs cut short left: each gone run's part-files (by its notes) and its folder,
    removed. One listing of ``temporales/``; a run going on now is left alone. Returns how
    many runs' leftovers were removed. Never raises: what cannot be removed now is tried
    again at the next start."""
    try:
        entradas = list(os.scandir(raiz(data_dir)))
    except OSError:  # no such folder yet: nothing was ever left
        return 0
    propia = _actual.carpeta if _actual is not None else None
    quitadas = 0
    for entrada in entradas:
        carpeta = Path(entrada.path)
        if carpeta == propia:
            continue
        try:
            if entrada.is_dir(follow_symlinks=False):
                if _quitar_si_acabo(carpeta):
                    quitadas += 1
            else:
                carpeta.unlink()
        except OSError as exc:
            log.warning("No se pudo quitar el temporal %s: %s", carpeta, exc)
    if quitadas:
        log.info("Se quitaron los temporales de %d ejecuciones interrumpidas", quitadas)
    return quitadas


def _quitar_si_acabo(carpeta: Path) -> bool:
    try:
        candado = open(carpeta / VIVO, "r+b")  # noqa: SIM115 - closed below, before rmtree
    except FileNotFoundError:
        if _joven(carpeta.stat().st_mtime):
            return False  # a run making its folder this very instant
        candado = None  # a run killed before it made its lock
    if candado is not None:
        with candado:
            if not _tomar(candado):
                return False  # its run goes on
            if not candado.read() and _joven(os.fstat(candado.fileno()).st_mtime):
                return False  # a run locking it this very instant
            _quitar_parciales(carpeta / NOTAS)
    shutil.rmtree(carpeta)
    return True


def _joven(mtime: float) -> bool:
    return time.time() - mtime < _ARRANCANDO_S


def _quitar_parciales(notas: Path) -> None:
    try:
        archivos = list(notas.iterdir())
    except OSError:
        return
    for nota in archivos:
        try:
            ruta = Path(nota.read_text(encoding="utf-8").strip())
        except (OSError, UnicodeDecodeError):
            continue
        if MARCA_PARCIAL not in ruta.name:
            log.warning("Nota de temporal con un nombre que no es de parte: %s", ruta)
            continue
        try:
            if ruta.is_dir() and not ruta.is_symlink():
                shutil.rmtree(ruta)
            else:
                ruta.unlink(missing_ok=True)
        except OSError as exc:
            log.warning("No se pudo quitar el archivo a medias %s: %s", ruta, exc)
            continue
        log.info("Se quitó el archivo a medias %s de una ejecución interrumpida", ruta)


__all__ = [
    "CARPETA",
    "abrir",
    "cerrar",
    "de_esta_ejecucion",
    "limpiar",
    "parcial",
    "propia",
    "raiz",
]
