"""The find box's copy (espejo.py) and the columns' orders (espejo_columnas.py) of a big store
read by the worker (services/aparte/), which keeps them on disk beside the store
(espejo_guardado.py, columnas_guardadas.py, columnas_tramos.py) for this process to read back
(0.1 s). Read by a thread of this process, even in slices, their Python held the interpreter
the window's thread waits for. The jobs are trabajo_aparte.py's; here, what the app asks of
them. Each reads the store without writing (``query_only``), waits while the clerk's questions
are answered (``Obra.pausar``) and writes only at the end, a new file put in place whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from icsoe_desktop.services.aparte import registro
from icsoe_desktop.services.aparte.obra import Obra

# Live movements from which the copy is built by a process of its own: below them it costs
# less than starting that process (~0.4 s of CPU) and the window's gaps are short.
APARTE = 100_000
# The jobs, as trabajo_aparte.py registers them: the copy, a column's order (and its parts)
# handed the column's number, the parts alone of the columns whose numbers it is handed.
COPIA, ORDEN_DE, TRAMOS_DE = "busquedas", "busquedas-orden", "busquedas-tramos"
# What they answer: kept on disk, nothing to copy (no movements), not kept; stopped.
GUARDADA, NO_CABE, NO_GUARDADA, PARADA = registro.HECHO, 3, 4, registro.PARADA


def empezar(store: Path, temporal: Path | Sequence[Path], trabajo: str, *columna: str) -> Obra:
    """``trabajo`` (COPIA, ORDEN_DE and a column, or TRAMOS_DE and one or more columns)
    started on ``store``: the files it writes first are ``temporal``. At the app's own
    priority, each one: a page the clerk waits for needs it, and a process below it waits
    behind every other program on a busy machine (10 CPU-bound ones beside it: the parts of 1
    column of 17 cut in 4 minutes)."""
    if trabajo == TRAMOS_DE:
        que = "los tramos de la" + ("s columnas " if len(columna) > 1 else " columna ")
        que += ", ".join(columna)
    elif trabajo == ORDEN_DE:
        que = "el orden de la columna " + columna[0]
    else:
        que = "la copia de las búsquedas"
    return Obra(store, temporal, trabajo, *columna, que=que, respuestas=(NO_CABE, NO_GUARDADA))
