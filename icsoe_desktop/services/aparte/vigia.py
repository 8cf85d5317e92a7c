"""A job's standard input watched in the process apart: PAUSA and SIGUE hold it while the
clerk's questions are answered (``seguir`` waits); its end (closed by the app, or by the
system when the app dies) stops it. A job that does not end within its grace (a statement
that does not ask ``seguir``) is ended there, after ``al_rendirse`` (the file it was writing
removed, or a folder being put in place let finish)."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from contextlib import suppress
from types import TracebackType

from icsoe_desktop.services.aparte.registro import PARADA

# What the app writes on the process's input after the key: wait, go on.
PAUSA, SIGUE = b"p", b"s"
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

    def _vigilar(self) -> None:
        with suppress(OSError):  # no input to watch: the app stops it by killing it
            while leido := os.read(self._entrada, 64):
                if leido[-1:] == PAUSA:
                    self._sigue.clear()
                else:
                    self._sigue.set()
            self._parar.set()
            self._sigue.set()
            if not self._hecho.wait(self._gracia):
                with suppress(OSError):
                    self._al_rendirse()
                self._salir(PARADA)
