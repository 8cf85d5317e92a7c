"""Memory a bulk job freed, given back to the system before its next step needs more.

On Linux (glibc), memory freed in the middle of the heap stays with the process until the
heap is trimmed: signing a staffing firm's informativa frees over a hundred MB in pieces (the
cadena's fields read back, the pages drawn) and then writes tens of MB to the store, which
SQLite copies at once; without the trim that write comes on top of what was freed. Windows'
heap gives large freed blocks back by itself, and elsewhere there is nothing to call: there
this does nothing.
"""

from __future__ import annotations

import ctypes
import sys
from functools import cache
from typing import Any


@cache
def _libc() -> Any:
    """glibc's entry points in this process, or None (another C library, another system)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None)
        return libc if hasattr(libc, "malloc_trim") else None
    except OSError:
        return None


def devolver() -> None:
    """The freed pages of the heap given back to the system (glibc's ``malloc_trim``)."""
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)
