"""A job's standard input watched in the process apart: PAUSA and SIGUE hold it while the
clerk's questions are answered (``seguir`` waits); PRIMERO and a byte name what the clerk waits
for among the job's remaining parts (``primero``: a column to cut next); its end (closed by the
app, or by the system when the app dies) stops it. A job that does not end within its grace (a
statement that does not ask ``seguir``) is ended there, after ``al_rendirse`` (the file it was
writing removed, or a folder being put in place let finish)."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from contextlib import suppress
from types import TracebackType

from icsoe_desktop.services.aparte.registro import PARADA

# What the app writes on the process's input after the key: wait, go on; PRIMERO is followed
# by one byte (0-255: a column).
PAUSA, SIGUE, PRIMERO = b"p", b"s", b"c"
# Seconds a stopped process has to end before it ends itself (or the app kills it).
GRACIA = 5.0


def _nada() -> None:
    pass


class Vigia:
    """``with Vigia(entrada) as vigia:`` the job, asking ``vigia.seguir()`` between its parts;
    the watch is over once the block is left (its result written)."""

    def __init__(
        self,
        entrada: int,
        gracia: float = GRACIA,
        al_rendirse: Callable[[], None] = _nada,
        salir: Callable[[int], object] = os._exit,
    ) -> None:
        """``gracia``: seconds the job has to end once stopped (0: it ends at once);
        ``salir``: how the process ends then (``os._exit``: no thread waited for)."""
        self._entrada, self._gracia = entrada, gracia
        self._al_rendirse, self._salir = al_rendirse, salir
        self._parar, self._sigue, self._hecho = (
            threading.Event(),
            threading.Event(),
            threading.Event(),
        )
        self._sigue.set()
        self._primero: int | None = None
        self._hilo = threading.Thread(target=self._vigilar, name="vigilar", daemon=True)

    def __enter__(self) -> Vigia:
        self._hilo.start()
        return self

    def __exit__(
        self,
        tipo: type[BaseException] | None,
        error: BaseException | None,
        traza: TracebackType | None,
    ) -> None:
        self._hecho.set()

    def seguir(self) -> bool:
        """False once the app stopped the job; while it holds it, waits."""
        return self._sigue.wait() and not self._parar.is_set()

    def primero(self) -> int | None:
        """What the app last asked to be done first (None: nothing)."""
        return self._primero

    def _vigilar(self) -> None:
        with suppress(OSError):  # no input to watch: the app stops it by killing it
            nombra = False  # the next byte is PRIMERO's (it may come in the next read)
            while leido := os.read(self._entrada, 64):
                pausa = None
                for byte in leido:
                    if nombra:
                        self._primero, nombra = byte, False
                    elif byte == PRIMERO[0]:
                        nombra = True
                    else:
                        pausa = byte == PAUSA[0]
                if pausa is True:
                    self._sigue.clear()
                elif pausa is False:
                    self._sigue.set()
            self._parar.set()
            self._sigue.set()
            if not self._hecho.wait(self._gracia):
                with suppress(OSError):
                    self._al_rendirse()
                self._salir(PARADA)
