"""The find box's copy (espejo.py) and the columns' orders (espejo_columnas.py) of a big store
read by a process of its own, which keeps them on disk beside the store (espejo_guardado.py,
columnas_guardadas.py) for this one to read back (0.1 s). Read by a thread of this process,
even in slices, their Python held the interpreter the window's thread waits for: on a busy
machine the window stalled 80-930 ms at a time. A process has an interpreter of its own; the
system shares the cores between it and the window.

The same executable runs it, with a hidden first argument (``ORDEN``: ``__main__`` hands it
to trabajo_aparte.py before anything else): a frozen app has no other Python to run. It reads
the store without writing (``query_only``), waits while the clerk's questions are answered
(``Obra.pausar``), and stops when this process asks (its standard input closed) or dies (the
same: the system closes that pipe), leaving no file behind: it writes only at the end, a new
file put in place whole, and a write cut short leaves the part this side removes
(``Obra.esperar``).
"""

from __future__ import annotations

import atexit
import logging
import os
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

log = logging.getLogger(__name__)

# The executable's first argument that runs this module's ``main`` instead of the app.
ORDEN = "--copia-de-busquedas"
# After the store's path: a column's order (columnas_guardadas.py) instead of the copy.
ORDEN_DE = "orden"
# After the store's path: a column's parts alone (columnas_tramos.py).
TRAMOS_DE = "tramos"
# After the store's path: a SISUB window's action instead (services/sisub/aparte.py).
SISUB = "sisub"
# Live movements from which the copy is built by a process of its own: below them it costs
# less than starting that process (~0.4 s of CPU) and the window's gaps are short.
APARTE = 100_000
# The process's exit codes (any other: it failed).
GUARDADA, NO_CABE, NO_GUARDADA, PARADA = 0, 3, 4, 5
# What its standard input says: wait, go on (the clerk's questions are answered meanwhile).
PAUSA, SIGUE = b"p", b"s"
# How much nicer than the app a process is that cedes the processor to the window's
# (``Obra(cede=True)``).
CEDE = 10
# Seconds a stopped process has to end before it is killed.
GRACIA = 5.0


def comando(store: Path, *trabajo: str) -> list[str]:
    """The command line that builds ``store``'s copy (or does ``trabajo``: ORDEN_DE and a
    column): the app's executable, frozen or not."""
    if getattr(sys, "frozen", False):
        return [sys.executable, ORDEN, str(store), *trabajo]
    return [sys.executable, "-P", "-m", "icsoe_desktop", ORDEN, str(store), *trabajo]


def _entorno() -> dict[str, str]:
    """This process's environment, with the package it runs from first on the path (a source
    tree run beside an installed copy)."""
    entorno = dict(os.environ)
    if not getattr(sys, "frozen", False):
        raiz = str(Path(__file__).resolve().parents[3])
        entorno["PYTHONPATH"] = os.pathsep.join(filter(None, (raiz, entorno.get("PYTHONPATH"))))
    return entorno


class Obra:
    """``store``'s copy being built and kept on disk by a process of its own (started here)."""

    def __init__(
        self,
        store: Path,
        temporal: Path | None,
        *trabajo: str,
        entrada: bytes = b"",
        que: str = "",
        cede: bool = False,
        al_leer: Callable[[bytes], None] | None = None,
    ) -> None:
        """``temporal``: the file it writes before putting it in place (removed if it is
        killed while it writes; None: it writes none, its result comes on its standard
        output, ``salida``); ``trabajo`` as ``comando``'s; ``entrada``: what its job reads
        after the key (services/sisub/aparte.py: its order); ``que``: the job, for the log;
        ``cede``: it runs below the app's priority (seconds of work a clerk waits for behind a
        bar: on a busy machine the window's thread gets the processor first); ``al_leer``:
        each line of its output as it comes (its progress)."""
        self._temporal = temporal
        creacion = 0
        if sys.platform == "win32":  # no console window of its own
            creacion = subprocess.CREATE_NO_WINDOW
            if cede:
                creacion |= subprocess.BELOW_NORMAL_PRIORITY_CLASS
        self._proceso = subprocess.Popen(
            comando(store, *trabajo),
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL if temporal else subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=_entorno(),
            creationflags=creacion,
        )
        if cede and sys.platform != "win32":
            with suppress(OSError):  # it ended already
                propia = os.getpriority(os.PRIO_PROCESS, 0)
                os.setpriority(os.PRIO_PROCESS, self._proceso.pid, min(19, propia + CEDE))
        from icsoe_desktop.store import cifrado

        _dar_llave(self._proceso, cifrado.llave_de(store), entrada)
        self._errores: deque[bytes] = deque(maxlen=40)
        self._lector = threading.Thread(
            target=_leer_errores,
            args=(self._proceso, self._errores),
            name="copia-aparte-errores",
            daemon=True,
        )
        self._lector.start()
        self._salida: list[bytes] = []
        self._lector_salida: threading.Thread | None = None
        if temporal is None:  # read as it comes: a full pipe would stop it
            self._lector_salida = threading.Thread(
                target=_leer_salida,
                args=(self._proceso, self._salida, al_leer),
                name="aparte-salida",
                daemon=True,
            )
            self._lector_salida.start()
        with _LOCK:
            _VIVAS.add(self)
        if not que and trabajo[:1] == (TRAMOS_DE,):
            que = "los tramos de la columna " + trabajo[-1]
        elif not que:
            que = (
                "el orden de la columna " + trabajo[-1] if trabajo else "la copia de las búsquedas"
            )
        self._que = que
        log.info("Se hace aparte (proceso %d) %s", self.pid, que)

    @property
    def pid(self) -> int:
        return self._proceso.pid

    @property
    def salida(self) -> bytes:
        """What it wrote on its standard output (``temporal`` None), once ``esperar`` returned."""
        return b"".join(self._salida)

    def pausar(self, pausa: bool) -> None:
        """It waits (True) while the clerk's questions are answered, or goes on (False)."""
        assert self._proceso.stdin is not None
        with suppress(OSError, ValueError):  # ended, or being stopped
            self._proceso.stdin.write(PAUSA if pausa else SIGUE)
            self._proceso.stdin.flush()

    def esperar(self, seguir: Callable[[], bool]) -> int:
        """Until it ends: its exit code (GUARDADA: kept on disk); or PARADA once ``seguir()``
        says no (asked every 0.1 s; the process stopped)."""
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
                with suppress(OSError):
                    if self._temporal is not None:
                        self._temporal.unlink(missing_ok=True)
            assert proceso.stdin is not None
            with suppress(OSError):
                proceso.stdin.close()
            self._lector.join(GRACIA)
            if self._lector_salida is not None:
                self._lector_salida.join(GRACIA)
            with _LOCK:
                _VIVAS.discard(self)
        if codigo not in (GUARDADA, NO_CABE, NO_GUARDADA, PARADA):
            log.warning(
                "%s: no se construyó aparte (código %s): %s",
                self._que,
                codigo,
                b"".join(self._errores).decode(errors="replace"),
            )
        return codigo


_LOCK = threading.Lock()
_VIVAS: set[Obra] = set()


def vivas() -> list[int]:
    """The processes building a copy now (their ids)."""
    with _LOCK:
        return [obra.pid for obra in _VIVAS]


@atexit.register
def _parar_todas() -> None:
    """This process ends: none of its builds outlives it (each would stop once its input
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
    proceso: subprocess.Popen[bytes], salida: list[bytes], al_leer: Callable[[bytes], None] | None
) -> None:
    assert proceso.stdout is not None
    with proceso.stdout:
        for linea in proceso.stdout:
            salida.append(linea)
            if al_leer is not None:
                al_leer(linea)


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


def _dar_llave(proceso: subprocess.Popen[bytes], llave: bytes | None, entrada: bytes) -> None:
    """The store's key handed to the process first on its standard input (a byte with its
    length, then the key), then ``entrada``: never on its command line nor in its environment,
    which other programs of the machine can read."""
    assert proceso.stdin is not None
    with suppress(OSError):  # it ended already: esperar tells its code
        proceso.stdin.write(bytes([len(llave or b"")]) + (llave or b"") + entrada)
        proceso.stdin.flush()
