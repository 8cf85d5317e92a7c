"""The find box's copy in memory (espejo.py) kept on disk beside its store, so that the next
opening of the empresa has it in a fraction of a second (its ~67 MB a million read back and
their digest checked) instead of every movement read again (5 s of CPU at a million).

Written after each build (``guardar``: a new file put in place whole). Read back (``leer``)
only if its digest holds, it is of this format and this machine's byte order, and its parts
have the sizes its header gives; its caller then takes it only if the store still holds the
change it was read at with the same random number (migration 0033: the same history, not
another store's nor the file restored from a backup) and brings it up to date as after any
change (``espejo.al_dia``). Anything else: read from the store as without it. It holds every
name and NSS of the store: sealed with the installation's key (store/sellado.py) as the store. Forgotten
(``olvidar``) when the store's file is replaced (a restore, a repair). A file altered on
purpose with a digest made anew could only make this desktop's counts wrong, as altering the
store itself would.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sys
from array import array
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

from icsoe_desktop.domain.archivo_retenido import reintentado
from icsoe_desktop.services.aparte import archivo_entero
from icsoe_desktop.services.movimientos.espejo import (
    ANCHO,
    DIGITOS,
    MUERTO,
    Codigos,
    Espejo,
    OrdenCopia,
)
from icsoe_desktop.store import sellado

log = logging.getLogger(__name__)

MAGIA = b"icsoe-desktop: copia de las busquedas, version 2\n"
SUFIJO = ".buscar"
# Sealed with the installation's key (store/sellado.py): it holds every name and NSS.
PROPOSITO = b"icsoe-desktop: copia de las busquedas"
# A header past this is not one this module wrote.
_CABECERA_MAX = 1 << 20
_PARTES = ("claves", "registro", "grupo", "tramo", "dia")


def ruta(store: Path) -> Path:
    """Where the copy of the store at ``store`` is kept."""
    return store.with_name(store.name + SUFIJO)


def _partes(orden: OrdenCopia) -> Iterator[bytearray | array[int]]:
    yield from (getattr(orden, p) for p in _PARTES)
    yield orden.posicion
    yield orden.ids
    if orden.ambos is not None:
        yield orden.ambos


def guardar(path: Path, copia: Espejo) -> bool:
    """``copia`` (just read: nothing written since) kept at ``path``; False when it cannot be
    (no change of the store to name it by, or the file could not be written)."""
    if copia.marca is None or copia.azar is None or copia.tocados:
        return False
    cabecera = {
        "orden_bytes": sys.byteorder,
        "marca": copia.marca,
        "azar": copia.azar,
        "primera": copia.primera.isoformat(),
        "registros": list(copia.registros.items()),
        "grupos": list(copia.grupos.items()),
        "ordenes": {
            campo: {
                "ancho": o.ancho,
                "n": len(o.registro),
                "posiciones": len(o.posicion),
                "ambos": o.ambos is not None,
            }
            for campo, o in copia.ordenes.items()
        },
    }
    texto = json.dumps(cabecera).encode()

    def escribe(archivo: BinaryIO) -> None:
        f = sellado.Sellador(archivo, sellado.llave(PROPOSITO))
        suma = hashlib.blake2b(digest_size=32)
        for inicio in (MAGIA, len(texto).to_bytes(8, "little"), texto):
            _escribir(f, suma, inicio)
        for orden in copia.ordenes.values():
            for parte in _partes(orden):
                _escribir(f, suma, parte)
        f.write(suma.digest())
        f.cerrar()

    if not archivo_entero.escribir(path, escribe, "la copia de las búsquedas"):
        return False
    copia.origen = (copia.marca, copia.azar)
    return True


def _escribir(f: sellado.Sellador, suma: Any, parte: bytes | bytearray | array[int]) -> None:
    f.write(memoryview(parte).cast("B"))
    suma.update(parte)


class _Invalido(Exception):
    pass


def leer(path: Path) -> Espejo | None:
    """The copy kept at ``path`` as it was written, or None (no file, or not as ``guardar``
    wrote it: see the module's docstring)."""
    try:
        with path.open("rb") as archivo:
            f = sellado.Abierto(archivo, path.stat().st_size, sellado.llave(PROPOSITO))
            copia = _leer(f, f.largo)
            f.cerrar()
            return copia
    except FileNotFoundError:
        return None
    except (
        OSError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        _Invalido,
        sellado.SelloInvalido,
    ):
        log.info("La copia guardada de las búsquedas (%s) no se usa: se lee de nuevo", path)
        return None


def _leer(f: sellado.Abierto, tamano: int) -> Espejo:
    suma = hashlib.blake2b(digest_size=32)
    leidos = 0

    def parte(n: int, destino: bytearray | array[int] | None = None) -> Any:
        nonlocal leidos
        if n < 0 or leidos + n + 32 > tamano:
            raise _Invalido("más corto de lo que dice")
        buf = bytearray(n) if destino is None else destino
        vista = memoryview(buf).cast("B")
        leido = f.read(n)  # short (the file cut meanwhile): its digest does not hold
        vista[: len(leido)] = leido
        suma.update(vista)
        leidos += n
        return buf

    if bytes(parte(len(MAGIA))) != MAGIA:
        raise _Invalido("no es una copia de las búsquedas")
    largo = int.from_bytes(parte(8), "little")
    if largo > _CABECERA_MAX:
        raise _Invalido("cabecera")
    cabecera = json.loads(bytes(parte(largo)))
    if cabecera["orden_bytes"] != sys.byteorder:
        raise _Invalido("de otra máquina")
    registros, grupos = Codigos(MUERTO - 1), Codigos()
    for codigos, pares in ((registros, cabecera["registros"]), (grupos, cabecera["grupos"])):
        for valor, codigo in pares:
            if codigos[str(valor)] != codigo:
                raise _Invalido("códigos")
    ordenes = {}
    for campo, forma in cabecera["ordenes"].items():
        if campo not in ("nombre", "pila", "nss"):
            raise _Invalido("orden")
        ancho, n = int(forma["ancho"]), int(forma["n"])
        if ancho != (DIGITOS // 2 if campo == "nss" else ANCHO):
            raise _Invalido("ancho")
        claves = parte(n * ancho)
        registro, grupo, tramo, dia = (parte(n) for _ in _PARTES[1:])
        posiciones = int(forma["posiciones"])
        if posiciones * 4 > tamano:
            raise _Invalido("posiciones")
        posicion = parte(4 * posiciones, array("I", bytes(4 * posiciones)))
        ids = parte(4 * n, array("I", bytes(4 * n)))
        ambos = parte(n) if forma["ambos"] else None
        ordenes[campo] = OrdenCopia(
            claves, ancho, registro, grupo, tramo, dia, posicion, ambos, ids=ids
        )
    if set(ordenes) - {"nss"} != {"nombre", "pila"} or ordenes["pila"].ambos is None:
        raise _Invalido("órdenes")
    resto = f.read(max(tamano - leidos, 0))
    if leidos + len(resto) != tamano or resto != suma.digest():
        raise _Invalido("suma")
    primera = date.fromisoformat(cabecera["primera"])
    marca, azar = int(cabecera["marca"]), int(cabecera["azar"])
    return Espejo(ordenes, registros, grupos, primera, marca, azar, origen=(marca, azar))


def olvidar(path: Path) -> None:
    """The kept copy removed: the store's file was replaced. Windows refuses the removal
    while a reader (the window's own, in the background) holds the file for a moment."""
    try:
        reintentado(lambda: path.unlink(missing_ok=True))
    except OSError:
        log.warning("No se borró la copia guardada de las búsquedas %s", path)
