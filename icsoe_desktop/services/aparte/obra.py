"""The app's side of the worker: a job started in a process of its own (``Obra``), paused
while the clerk's questions are answered, waited for or stopped, its progress and result read
from its output. Run by a thread of the app, a job's Python held the interpreter the window's
thread waits for: on a busy machine the window stalled 80-930 ms at a time. A process has an
interpreter of its own; the system shares the cores between it and the window.

The same executable runs it, with a hidden first argument (``ORDEN``: ``__main__`` hands it
to proceso.py before anything else): a frozen app has no other Python to run. A job stops
when the app asks (its standard input closed) or dies (the same: the system closes that
pipe); a job that writes a file beside the store writes it under archivo_entero's temporary
name, which is removed here when the process is killed while it writes.
"""

from __future__ import annotations

import atexit
import logging
import os
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Collection, Sequence
from contextlib import suppress
from pathlib import Path
from typing import Any

from icsoe_desktop.services.aparte import llave, salida
from icsoe_desktop.services.aparte.registro import HECHO, PARADA
from icsoe_desktop.services.aparte.vigia import GRACIA, PAUSA, SIGUE

log = logging.getLogger(__name__)

# The executable's first argument that runs the worker (proceso.py) instead of the app.
ORDEN = "--trabajo-aparte"
# How much nicer than the app a process is that cedes the processor to the window's
# (``Obra(cede=True)``).
CEDE = 10
# Pauses before a process the system refused to start is asked for once more: a refusal of
# the moment (Wine's «Error interno» after many started in a row; memory short for an
# instant) is not the job's failure. A missing or forbidden executable is not asked again.
REINTENTOS_S = (0.5, 2.0)


def comando(store: Path, trabajo: str, *argumentos: str) -> list[str]:
    """The command line that does ``trabajo`` on ``store``: the app's executable, frozen or
    not."""
    if getattr(sys, "frozen", False):
        return [sys.executable, ORDEN, str(store), trabajo, *argumentos]
    return [sys.executable, "-P", "-m", "icsoe_desktop", ORDEN, str(store), trabajo, *argumentos]


def _entorno() -> dict[str, str]:
    """This process's environment, with the package it runs from first on the path (a source
    tree run beside an installed copy)."""
    entorno = dict(os.environ)
    if not getattr(sys, "frozen", False):
        raiz = str(Path(__file__).resolve().parents[3])
        entorno["PYTHONPATH"] = os.pathsep.join(filter(None, (raiz, entorno.get("PYTHONPATH"))))
    return entorno


def _empezar(que: str, argv: list[str], **opciones: Any) -> subprocess.Popen[bytes]:
    """The process started, asked for again after each of REINTENTOS_S when the system
    refuses it for the moment; the last refusal raised (``OSError``)."""
    for pausa in REINTENTOS_S:
        try:
            return subprocess.Popen(argv, **opciones)
        except (FileNotFoundError, PermissionError):
            raise
        except OSError:
            log.warning("El sistema no empezó el proceso para %s; se pide otra vez", que)
            time.sleep(pausa)
    return subprocess.Popen(argv, **opciones)


class Obra:
    """A job done on ``store`` by a process of its own (started here)."""

    def __init__(
        self,
        store: Path,
        temporal: Path | Sequence[Path] | None,
        trabajo: str,
        *argumentos: str,
        que: str,
        orden: bytes = b"",
        cede: bool = False,
        avance: Callable[[int, int], None] | None = None,
        respuestas: Collection[int] = (),
    ) -> None:
        """``temporal``: the file it writes before putting it in place, or the files (removed
        if it is killed while it writes; None: it writes none, its result comes on its
        standard output, ``resultado``); ``trabajo`` and ``argumentos``: the registered job
        and what it is handed; ``que``: the job, for the log; ``orden``: what the job reads after the
        key (``llave.con_largo``'s); ``cede``: it runs below the app's priority (seconds of
        work a clerk waits for behind a bar: on a busy machine the window's thread gets the
        processor first); ``avance(hechos, total)``: its progress as it tells it;
        ``respuestas``: its exit codes that are answers, not failures, besides HECHO and
        PARADA."""
        self._temporales = [temporal] if isinstance(temporal, Path) else list(temporal or ())
        self._que = que
        self._escribe = temporal is not None
        self._respuestas = {HECHO, PARADA, *respuestas}
        creacion = 0
        if sys.platform == "win32":  # no console window of its own
            creacion = subprocess.CREATE_NO_WINDOW
            if cede:
                creacion |= subprocess.BELOW_NORMAL_PRIORITY_CLASS
        self._proceso = _empezar(
            que,
            comando(store, trabajo, *argumentos),
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL if self._escribe else subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=_entorno(),
            creationflags=creacion,
        )
        if cede and sys.platform != "win32":
            with suppress(OSError):  # it ended already
                propia = os.getpriority(os.PRIO_PROCESS, 0)
                os.setpriority(os.PRIO_PROCESS, self._proceso.pid, min(19, propia + CEDE))
        from icsoe_desktop.store import cifrado

        llave.dar(self._proceso, cifrado.llave_de(store), orden)
        self._errores: deque[bytes] = deque(maxlen=40)
        self._lector = threading.Thread(
            target=_leer_errores,
            args=(self._proceso, self._errores),
            name="aparte-errores",
            daemon=True,
        )
        self._lector.start()
        self._salida: list[bytes] = []
        self._lector_salida: threading.Thread | None = None
        if not self._escribe:  # read as it comes: a full pipe would stop it
            self._lector_salida = threading.Thread(
                target=_leer_salida,
                args=(self._proceso, self._salida, avance),
                name="aparte-salida",
                daemon=True,
            )
            self._lector_salida.start()
        with _LOCK:
            _VIVAS.add(self)
        log.info("Se hace aparte (proceso %d) %s", self.pid, que)

    @property
    def pid(self) -> int:
        return self._proceso.pid

    def resultado(self) -> dict[str, Any] | None:
        """The result it wrote on its standard output (``temporal`` None), once ``esperar``
        returned (None: it wrote none whole)."""
        return salida.resultado(b"".join(self._salida))

    def pausar(self, pausa: bool) -> None:
        """It waits (True) while the clerk's questions are answered, or goes on (False)."""
        assert self._proceso.stdin is not None
        with suppress(OSError, ValueError):  # ended, or being stopped
            self._proceso.stdin.write(PAUSA if pausa else SIGUE)
            self._proceso.stdin.flush()

    def esperar(self, seguir: Callable[[], bool]) -> int:
        """Until it ends: its exit code (HECHO: done); or PARADA once ``seguir()`` says no
        (asked every 0.1 s; the process stopped)."""
        proceso = self._proceso
        try:
            while True:
                try:
                    codigo = proceso.wait(timeout=0.1)
                    break
                except subprocess.TimeoutExpired:
                    if not seguir():
                        codigo = PARADA
                        break
        finally:
            if proceso.poll() is None:
                _parar(proceso)
                # Killed while it wrote: the part written is not left beside the store.
                for temporal in self._temporales:
                    with suppress(OSError):
                        temporal.unlink(missing_ok=True)
            assert proceso.stdin is not None
            with suppress(OSError):
                proceso.stdin.close()
            self._lector.join(GRACIA)
            if self._lector_salida is not None:
                self._lector_salida.join(GRACIA)
            with _LOCK:
                _VIVAS.discard(self)
        if codigo not in self._respuestas:
            log.warning(
                "%s: no se hizo aparte (código %s): %s",
                self._que,
                codigo,
                b"".join(self._errores).decode(errors="replace"),
            )
        return codigo


_LOCK = threading.Lock()
_VIVAS: set[Obra] = set()


def vivas() -> list[int]:
    """The processes doing a job now (their ids)."""
    with _LOCK:
        return [obra.pid for obra in _VIVAS]


@atexit.register
def _parar_todas() -> None:
    """This process ends: none of its jobs outlives it (each would stop once its input
    closed; here they are waited for)."""
    with _LOCK:
        obras = list(_VIVAS)
    for obra in obras:
        _parar(obra._proceso)


def _leer_errores(proceso: subprocess.Popen[bytes], errores: deque[bytes]) -> None:
    """The process's error output read as it comes (a full pipe would stop it), its end kept."""
    assert proceso.stderr is not None
    with proceso.stderr:
        for linea in proceso.stderr:
            errores.append(linea)


def _leer_salida(
    proceso: subprocess.Popen[bytes],
    leidas: list[bytes],
    avance: Callable[[int, int], None] | None,
) -> None:
    assert proceso.stdout is not None
    with proceso.stdout:
        for linea in proceso.stdout:
            leidas.append(linea)
            if avance is not None:
                salida.leer_avance(avance, linea)


def _parar(proceso: subprocess.Popen[bytes]) -> None:
    """The process told to stop (its input closed), killed if it does not in GRACIA."""
    assert proceso.stdin is not None
    with suppress(OSError):
        proceso.stdin.close()
    try:
        proceso.wait(GRACIA)
    except subprocess.TimeoutExpired:
        proceso.kill()
        proceso.wait()
