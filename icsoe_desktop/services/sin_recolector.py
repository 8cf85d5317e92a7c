"""Python's automatic cyclic collection paused during a bulk job.

A job that builds hundreds of thousands of objects that stay alive (an informativa's workers,
the fields of its cadena) makes the collector run again and again, each older collection walking
all of them and finding nothing to free (they hold no cycles): a fifth of signing a staffing
firm's informativa. Reference counting still frees everything as usual; what the job leaves in
cycles waits for the next collection. The GUI keeps the automatic collection off anyway
(gui/kit/recolector.py): there this changes nothing.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def sin_recolector() -> Iterator[None]:
    activo = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if activo:
            gc.enable()
