"""The CPU Python's cyclic garbage collector spends in this process, summed over its threads
(``gc.callbacks``: each collection timed on the thread that runs it, ``time.thread_time``).
Read by bench/sync.py for the desktops and the baseline, and by bench/sync_servidor_etapas.py
for the server."""

from __future__ import annotations

import gc
import threading
import time
from typing import Any

_lock = threading.Lock()
_started: dict[int, float] = {}
_total = [0.0]


def _callback(phase: str, _info: dict[str, Any]) -> None:
    key = threading.get_ident()
    if phase == "start":
        _started[key] = time.thread_time()
        return
    begun = _started.pop(key, None)
    if begun is not None:
        with _lock:
            _total[0] += time.thread_time() - begun


def medir() -> None:
    """From now on, count (once per process)."""
    if _callback not in gc.callbacks:
        gc.callbacks.append(_callback)


def cpu() -> float:
    """The collector's CPU seconds in this process since ``medir``."""
    with _lock:
        return _total[0]
