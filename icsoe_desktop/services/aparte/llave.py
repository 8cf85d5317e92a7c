"""The store's key handed to the process apart first on its standard input (a byte with its
length, then the key), then the job's order if it has one (four bytes with its length, then
the order): never on its command line nor in its environment, which other programs of the
machine can read."""

from __future__ import annotations

import os
import subprocess
from contextlib import suppress

from icsoe_desktop.services.aparte.registro import PARADA


def dar(proceso: subprocess.Popen[bytes], llave: bytes | None, orden: bytes) -> None:
    """The app's side: ``llave`` (None: a plain store) and ``orden`` (``con_largo``'s, or
    nothing) written to the process's input."""
    assert proceso.stdin is not None
    with suppress(OSError):  # it ended already: Obra.esperar tells its code
        proceso.stdin.write(bytes([len(llave or b"")]) + (llave or b"") + orden)
        proceso.stdin.flush()


def leer(entrada: int) -> bytes | None:
    """The process's side: the key ``dar`` wrote (None: a plain store)."""
    largo = os.read(entrada, 1)
    llave = b""
    while largo and len(llave) < largo[0]:
        leido = os.read(entrada, largo[0] - len(llave))
        if not leido:
            break
        llave += leido
    return llave or None


def con_largo(orden: bytes) -> bytes:
    """A job's order as ``leer_orden`` reads it back."""
    return len(orden).to_bytes(4, "big") + orden


def leer_orden(entrada: int) -> bytes:
    """The order after the key; the process ends (PARADA) when the app stopped it before."""
    return _leer(entrada, int.from_bytes(_leer(entrada, 4), "big"))


def _leer(entrada: int, largo: int) -> bytes:
    leido = b""
    while len(leido) < largo:
        parte = os.read(entrada, largo - len(leido))
        if not parte:
            raise SystemExit(PARADA)  # the app stopped it before it began
        leido += parte
    return leido
