"""pyHanko's coroutines run to the end, one at a time, from plain code.

``asyncio.run`` on the main thread (the CLI, the benches) checks at the end whether Ctrl+C's
handler is still its own: Python 3.11's ``signal.getsignal`` then builds, and throws away, an
error message with the finished task in it, its result written whole (a signed constancia:
the repr of a 23 MB PDF: some 0.3 s and 70 MB at once). The loop here does what
``asyncio.run`` does but that.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

_T = TypeVar("_T")


def correr(corrutina: Coroutine[Any, Any, _T]) -> _T:
    """``corrutina`` run to its end in a new event loop, closed afterwards as ``asyncio.run``
    closes its own (pending tasks cancelled, async generators and the default executor shut
    down)."""
    loop = asyncio.new_event_loop()
    try:
        asyncio.set_event_loop(loop)
        return loop.run_until_complete(corrutina)
    finally:
        try:
            pendientes = asyncio.all_tasks(loop)
            for tarea in pendientes:
                tarea.cancel()
            loop.run_until_complete(asyncio.gather(*pendientes, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.run_until_complete(loop.shutdown_default_executor())
        finally:
            asyncio.set_event_loop(None)
            loop.close()
