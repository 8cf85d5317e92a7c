"""The worker's start, in the process apart: ``__main__`` hands the command line after the
hidden argument (obra.ORDEN), the store's path, the job's name and what it is handed, to
services/trabajos_aparte.py, which registers every job and calls ``proceso``. The store's
key is read first from its standard input (``llave.dar``), every connection of this process
keyed with it; then the job registered under that name does its work."""

from __future__ import annotations

import os
from contextlib import suppress
from pathlib import Path

from icsoe_desktop.services.aparte import llave, registro


def proceso(argv: list[str], entrada: int = 0, salida: int = 1) -> int:
    """``argv``: the store's path, the job's name, its arguments; ``entrada`` and ``salida``:
    the process's standard input and output (the job's, ``registro.Encargo``). Its exit code:
    the job's, or DESCONOCIDO (no job of that name: said on its error output, which the app
    logs)."""
    from icsoe_desktop.store import cifrado

    leida = llave.leer(entrada)
    cifrado.usar_llave(lambda: leida)
    try:
        hacer = registro.trabajo(argv[1] if len(argv) > 1 else "")
    except registro.TrabajoDesconocido as exc:
        # Straight to the descriptor: a frozen windowed app has no sys.stderr.
        with suppress(OSError):
            os.write(2, f"{exc}\n".encode())
        return registro.DESCONOCIDO
    return hacer(registro.Encargo(Path(argv[0]), tuple(argv[2:]), entrada, salida))
