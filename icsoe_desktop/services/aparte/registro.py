"""The worker's door: each heavy job registers here, by name, from its own module
(``registrar``), and the process apart looks it up by the name on its command line
(``proceso.py``). A new job is one ``registrar`` call beside it and one line in
services/trabajos_aparte.py, never a branch of the worker.

Light on purpose (only the standard library): the job modules import it as they load, and
the worker loads them all at each start (a column's parts on a busy machine).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

# The process's exit codes the worker itself gives (a job adds its own, from 3 up: any other
# is a failure, Python's 1 for an error it did not catch).
HECHO, PARADA, DESCONOCIDO = 0, 5, 7


@dataclass(frozen=True)
class Encargo:
    """What a job is handed: the store it works on and the arguments after its name, the
    process's standard input (after the key: the job's order, if it reads one, then the app's
    pauses and its end, ``vigia.Vigia``) and its standard output (its progress and result,
    ``salida.py``)."""

    store: Path
    argumentos: tuple[str, ...]
    entrada: int
    salida: int


Trabajo = Callable[[Encargo], int]
_REGISTRADOS: dict[str, Trabajo] = {}


class TrabajoDesconocido(LookupError):
    """A name no job registered (an executable of another version started it, say)."""

    def __init__(self, nombre: str) -> None:
        conocidos = ", ".join(registrados()) or "ninguno"
        super().__init__(
            f"El proceso aparte no conoce el trabajo «{nombre}» (conoce: {conocidos}); "
            "no se hizo nada. Cierre y vuelva a abrir la aplicación; si sigue, reinstálela."
        )
        self.nombre = nombre


def registrar(nombre: str, trabajo: Trabajo) -> None:
    """``trabajo(encargo) -> exit code`` runs in the process apart when the app asks for
    ``nombre`` (once: two jobs under one name would answer for each other)."""
    if nombre in _REGISTRADOS:
        raise ValueError(f"el trabajo aparte {nombre!r} ya está registrado")
    _REGISTRADOS[nombre] = trabajo


def registrados() -> list[str]:
    """The names registered so far, in order."""
    return sorted(_REGISTRADOS)


def trabajo(nombre: str) -> Trabajo:
    """The job registered as ``nombre``; TrabajoDesconocido when there is none."""
    try:
        return _REGISTRADOS[nombre]
    except KeyError:
        raise TrabajoDesconocido(nombre) from None
