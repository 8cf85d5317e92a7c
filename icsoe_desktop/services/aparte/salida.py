"""What a job tells the app on its standard output: lines of progress (``avance``), then its
result, one line of JSON (``escribir``), read back on the app's side as they come
(``leer_avance``) and once it ended (``resultado``)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from contextlib import suppress
from typing import Any

# How a line of progress starts (then «hechos/total»).
AVANCE = b"avance "


def avance(salida: int, hechos: int, total: int) -> None:
    """The process's side: ``hechos`` of ``total`` done."""
    _escribir_linea(salida, AVANCE + f"{hechos}/{total}".encode())


def escribir(salida: int, datos: dict[str, Any]) -> None:
    """The process's side: its result."""
    _escribir_linea(salida, json.dumps(datos, default=str).encode())


def _escribir_linea(salida: int, linea: bytes) -> None:
    linea = b"\n" + linea + b"\n"
    while linea:
        linea = linea[os.write(salida, linea) :]


def leer_avance(avance: Callable[[int, int], None], linea: bytes) -> None:
    """The app's side: a line of the process's output that tells its progress, told to
    ``avance``; any other line passed over."""
    if linea.startswith(AVANCE):
        hechos, _, total = linea[len(AVANCE) :].strip().partition(b"/")
        with suppress(ValueError):
            avance(int(hechos), int(total))


def resultado(salida: bytes) -> dict[str, Any] | None:
    """The app's side: the result the process wrote last (None: it wrote none whole)."""
    lineas = [
        linea for linea in salida.splitlines() if linea.strip() and not linea.startswith(AVANCE)
    ]
    try:
        leido = json.loads(lineas[-1]) if lineas else None
    except ValueError:
        return None
    return leido if isinstance(leido, dict) else None
