"""A file kept beside the store, written whole or not at all.

The copy of the finds, the columns' orders and their parts are each written under a
temporary name and put in place with one rename, so a reader never sees half a file. The
temporary name is the one the process apart removes when it is stopped.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import BinaryIO

log = logging.getLogger(__name__)


def temporal(path: Path) -> Path:
    """Where the file for ``path`` is written before it is put there whole."""
    return path.with_name(path.name + ".nuevo")


def escribir(path: Path, escribe: Callable[[BinaryIO], None], que: str) -> bool:
    """``escribe`` writes the file, then it is put at ``path`` whole; False (logged, naming
    ``que``) when it could not be written, and nothing of it is left behind."""
    nuevo = temporal(path)
    try:
        with nuevo.open("wb") as archivo:
            escribe(archivo)
        os.replace(nuevo, path)
    except OSError:
        log.warning("No se guardó %s en %s", que, path, exc_info=True)
        with suppress(OSError):  # what is left of it is written over by the next
            nuevo.unlink(missing_ok=True)
        return False
    return True
