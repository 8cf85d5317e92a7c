"""The columns' orders (espejo_columnas.py) kept on disk beside their store, so that a sorted
find right after the click on a column read before (in this or an earlier opening of the
empresa) is put in order at once: its order read back (~20 MB a million: each place's id,
each id's place and the places of the find box's copy's entries, ~30 ms) where reading it from the store takes 0.7-1.6 s of CPU, and SQLite
meanwhile sorts the find's matches up to the middle the clerk dragged to (0.6-3.8 s for «ma»
at a million on a busy machine).

Written each time an order is read from the store (``guardar``: a new file put in place
whole), named by the store's latest recorded change when it was read and that change's random
number. Read back (``leer``) only if its digest holds and it is of this format and this
machine's byte order; its caller takes it only while the store still holds that change with
the same number (the same history), and puts the movements written since in their places as
for any order read before a change (``Columna.en_orden``'s ``escritos``). The latest used
GUARDADAS are kept; all are forgotten (``olvidar``) when the store's file is replaced.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
from array import array
from contextlib import suppress
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

from icsoe_desktop.services.aparte import archivo_entero

log = logging.getLogger(__name__)

MAGIA = b"icsoe-desktop: orden de una columna, version 2\n"
# Orders kept on disk per store, the latest used (20 MB each a million movements).
GUARDADAS = 4
_CABECERA_MAX = 1 << 20
_SUMA = 32


class Guardada(NamedTuple):
    columna: int
    marca: int  # the store's latest recorded change when it was read
    azar: int  # and that change's random number
    ids: array[int]  # each place's id
    lugar: array[int]  # each id's place
    # The find box's copy kept on disk (its ``origen``) whose orders' entries ``lugares``
    # gives the places of, by order; None: none.
    origen: tuple[int, int] | None
    lugares: dict[str, array[int]]


def ruta(store: Path, columna: int) -> Path:
    """Where ``columna``'s order of the store at ``store`` is kept."""
    return store.with_name(f"{store.name}.orden-{columna}")


def _todas(store: Path) -> list[Path]:
    return list(store.parent.glob(f"{store.name}.orden-*"))


def guardar(path: Path, guardada: Guardada) -> bool:
    """``guardada`` kept at ``path`` (the oldest beyond GUARDADAS removed); False when the
    file could not be written."""
    cabecera = json.dumps(
        {
            "orden_bytes": sys.byteorder,
            "columna": guardada.columna,
            "marca": guardada.marca,
            "azar": guardada.azar,
            "ids": len(guardada.ids),
            "lugar": len(guardada.lugar),
            "origen": guardada.origen,
            "lugares": {campo: len(a) for campo, a in guardada.lugares.items()},
        }
    ).encode()

    def escribe(f: BinaryIO) -> None:
        suma = hashlib.blake2b(digest_size=_SUMA)
        for parte in (MAGIA, len(cabecera).to_bytes(4, "little"), cabecera):
            f.write(parte)
            suma.update(parte)
        for datos in (guardada.ids, guardada.lugar, *guardada.lugares.values()):
            f.write(datos)
            suma.update(datos)
        f.write(suma.digest())

    if not archivo_entero.escribir(path, escribe, "el orden de una columna"):
        return False
    _podar(path)
    return True


def _podar(path: Path) -> None:
    """The orders kept beside ``path``'s store beyond GUARDADAS, the least recently used,
    removed."""
    store = path.with_name(path.name.rpartition(".orden-")[0])
    with suppress(OSError):
        por_uso = sorted(_todas(store), key=lambda p: p.stat().st_mtime, reverse=True)
        for viejo in por_uso[GUARDADAS:]:
            if not viejo.name.endswith(".nuevo"):
                viejo.unlink(missing_ok=True)


def leer(path: Path, columna: int) -> Guardada | None:
    """``columna``'s order kept at ``path`` as it was written, or None (no file, or not as
    ``guardar`` wrote it); marked as just used."""
    try:
        datos = path.read_bytes()
        guardada = _leer(datos)
        if guardada.columna != columna:
            raise ValueError("de otra columna")
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        log.info("El orden guardado %s no se usa: se lee de la base", path)
        return None
    with suppress(OSError):
        os.utime(path)
    return guardada


def suma(cuerpo: bytes) -> bytes:
    """The digest that ends a file ``abrir`` reads."""
    return hashlib.blake2b(cuerpo, digest_size=_SUMA).digest()


def abrir(datos: bytes, magia: bytes) -> tuple[Any, bytes]:
    """The header and the parts of a file written as ``guardar`` writes (``magia``, the
    header's length and JSON, the parts, their digest); ValueError when it is not one."""
    cuerpo, digest = datos[:-_SUMA], datos[-_SUMA:]
    if (
        len(datos) < len(magia) + 4 + _SUMA
        or not cuerpo.startswith(magia)
        or suma(cuerpo) != digest
    ):
        raise ValueError("no es un archivo guardado")
    inicio = len(magia) + 4
    largo = int.from_bytes(cuerpo[len(magia) : inicio], "little")
    if largo > _CABECERA_MAX:
        raise ValueError("cabecera")
    return json.loads(cuerpo[inicio : inicio + largo]), cuerpo[inicio + largo :]


def _leer(datos: bytes) -> Guardada:
    cabecera, cuerpo = abrir(datos, MAGIA)
    if cabecera["orden_bytes"] != sys.byteorder:
        raise ValueError("de otra máquina")
    tamanos = {"ids": int(cabecera["ids"]), "lugar": int(cabecera["lugar"])}
    tamanos.update((f"lugares {c}", int(n)) for c, n in dict(cabecera["lugares"]).items())
    inicio = 0
    if 4 * sum(tamanos.values()) != len(cuerpo) or min(tamanos.values()) < 0:
        raise ValueError("tamaños")
    partes = {}
    for nombre, n in tamanos.items():
        partes[nombre] = array("I")
        partes[nombre].frombytes(cuerpo[inicio : inicio + 4 * n])
        inicio += 4 * n
    ids, lugar = partes.pop("ids"), partes.pop("lugar")
    origen = cabecera["origen"]
    return Guardada(
        int(cabecera["columna"]),
        int(cabecera["marca"]),
        int(cabecera["azar"]),
        ids,
        lugar,
        None if origen is None else (int(origen[0]), int(origen[1])),
        {nombre.removeprefix("lugares "): a for nombre, a in partes.items()},
    )


def olvidar(store: Path) -> None:
    """Every order kept beside the store at ``store`` removed: its file was replaced."""
    for path in _todas(store):
        try:
            path.unlink(missing_ok=True)
        except OSError:
            log.warning("No se borró el orden guardado %s", path, exc_info=True)
