"""A file operation tried again while Windows holds the file for a moment. An antivirus, the
indexer, a look at the folder or a reader of this app finishing its query keeps a handle open
for an instant, and Windows then refuses a rename or a removal (``PermissionError``, sharing
violation); on Linux the first try succeeds."""

from __future__ import annotations

import time
from collections.abc import Callable

INTENTOS = 40
PAUSA_S = 0.05  # 40 × 50 ms: two seconds, longer than any scan of one file


def reintentado(accion: Callable[[], None]) -> None:
    """``accion`` done, tried again for up to two seconds while the system refuses it with
    ``PermissionError``; the last refusal is raised, any other error at once."""
    for _intento in range(INTENTOS - 1):
        try:
            accion()
            return
        except PermissionError:
            time.sleep(PAUSA_S)
    accion()
