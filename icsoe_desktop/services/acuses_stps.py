"""The STPS acuses kept beside an empresa's store (``acuses/``), sealed as the find box's copy
is (store/sellado.py): each names the contratista, its RFC and domicilio, so a copied data
folder gives away none of them. Without an installation key (no OS keyring: the stores are
plain too) they are kept in clear, as the store.

The clerk reads one through ``copia_legible``: a copy in clear in a folder of the user's own
in the system's temporary folder, for the PDF reader, removed when the next is made and when
the app ends.

An acuse kept in clear before (``sellar_en_claro``, at each opening of the empresa) is sealed
in place: the sealed copy written beside it, the clear file kept by a second name, the sealed
one renamed over it, the second name overwritten with zeros and removed. Killed at any moment,
the acuse's own name holds the clear or the sealed file; what was left beside it is cleared at
the next opening."""

from __future__ import annotations

import atexit
import io
import logging
import os
import shutil
import tempfile
from contextlib import suppress
from pathlib import Path
from typing import Final

from icsoe_desktop.files import atomic_write
from icsoe_desktop.store import cifrar, sellado

log = logging.getLogger(__name__)

CARPETA: Final = "acuses"  # beside the empresa's store
PROPOSITO: Final = b"icsoe-desktop: acuse STPS"
SELLANDO: Final = ".sellando"  # the sealed copy of a clear acuse, before it is renamed over it
PLANO: Final = ".plano"  # the clear acuse's second name, until it is overwritten
_legibles: list[Path] = []


def _sellado(datos: bytes, clave: bytes | None) -> bytes:
    salida = io.BytesIO()
    sellador = sellado.Sellador(salida, clave)
    sellador.write(datos)
    sellador.cerrar()
    return salida.getvalue()


def guardar(path: Path, datos: bytes) -> None:
    """``datos`` (a PDF) kept at ``path``, sealed when the installation has a key; whole or
    not at all."""
    with atomic_write(path) as temporal:
        temporal.write_bytes(_sellado(datos, sellado.llave(PROPOSITO)))


def leer(path: Path) -> bytes:
    """The PDF kept at ``path``. OSError when it is missing or unreadable; SelloInvalido when
    it was sealed with another key or altered."""
    contenido = path.read_bytes()
    clave = sellado.llave(PROPOSITO)
    origen = io.BytesIO(contenido)
    try:
        abierto = sellado.Abierto(origen, len(contenido), clave)
    except sellado.SelloInvalido:
        if not contenido.startswith(sellado.MAGIA):
            return contenido  # kept in clear before (sealed at the next opening)
        raise
    datos = abierto.read(abierto.largo)
    abierto.cerrar()
    return datos


def _nombre_legible(nombre: str) -> str:
    """The name the clerk gave the file, without what a path would read as folders."""
    limpio = "".join("_" if c in '<>:"/\\|?*' or ord(c) < 32 else c for c in nombre).strip(". ")
    if not limpio.lower().endswith(".pdf"):
        limpio = f"{limpio or 'acuse'}.pdf"
    return limpio


def copia_legible(path: Path, nombre: str) -> Path:
    """A copy in clear of the acuse at ``path``, named ``nombre``, for the PDF reader (see the
    module); the copy made before is removed."""
    datos = leer(path)
    borrar_legibles()
    carpeta = Path(tempfile.mkdtemp(prefix="icsoe-acuse-"))  # the user's own (mode 0700)
    _legibles.append(carpeta)
    copia = carpeta / _nombre_legible(nombre)
    copia.write_bytes(datos)
    return copia


def borrar_legibles() -> None:
    """The copies in clear made for the reader, removed (one a reader still holds open on
    Windows stays until the next time)."""
    for carpeta in list(_legibles):
        shutil.rmtree(carpeta, ignore_errors=True)
        if not carpeta.exists():
            _legibles.remove(carpeta)


atexit.register(borrar_legibles)


def _limpiar(path: Path) -> None:
    """What a killed sealing of ``path`` left beside it: the sealed copy not renamed yet is
    dropped; the clear file's second name is overwritten once ``path`` is the sealed one
    (before, it is ``path`` itself: only unlinked)."""
    path.with_name(path.name + SELLANDO).unlink(missing_ok=True)
    plano = path.with_name(path.name + PLANO)
    if plano.exists():
        if _es_sellado(path):
            cifrar.sobrescribir(plano)
        else:
            plano.unlink()


def _es_sellado(path: Path) -> bool:
    with open(path, "rb") as archivo:
        return archivo.read(len(sellado.MAGIA)) == sellado.MAGIA


def _sellar(path: Path, clave: bytes) -> None:
    nuevo = path.with_name(path.name + SELLANDO)
    nuevo.write_bytes(_sellado(path.read_bytes(), clave))
    with open(nuevo, "rb+") as escrito:
        os.fsync(escrito.fileno())
    plano = path.with_name(path.name + PLANO)
    try:
        os.link(path, plano)  # the clear bytes kept by a name until they are overwritten
    except OSError:
        shutil.copyfile(path, plano)
    os.replace(nuevo, path)
    cifrar.sobrescribir(plano)


def sellar_en_claro(carpeta: Path) -> int:
    """Every acuse in ``carpeta`` kept in clear, sealed (see the module); how many. Nothing
    without an installation key. One that cannot be sealed now (a full disk, a file held
    open) is logged and stays as it was, tried again at the next opening."""
    clave = sellado.llave(PROPOSITO)
    if clave is None or not carpeta.is_dir():
        return 0
    hechos = 0
    for path in sorted(carpeta.glob("*.pdf")):
        try:
            _limpiar(path)
            if _es_sellado(path):
                continue
            _sellar(path, clave)
            hechos += 1
        except OSError:
            log.exception("No se pudo cifrar el acuse %s; sigue sin cifrar", path)
            with suppress(OSError):
                path.with_name(path.name + SELLANDO).unlink(missing_ok=True)
    return hechos


__all__ = ["CARPETA", "copia_legible", "guardar", "leer", "sellar_en_claro"]
