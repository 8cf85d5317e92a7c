"""A long read that can be told to stop: the scroll bar's keys of another order, a find's
panel terms read in the background once the clerk types another text."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

from icsoe_desktop.store import cifrado

T = TypeVar("T")

# SQLite asks whether to go on every this many steps of its machine (~1 ms of work): often
# enough to stop at once, seldom enough that the question costs nothing measurable.
PASOS_ENTRE_PREGUNTAS = 100_000


class Interrumpida(Exception):
    """A read told to stop (``seguir`` said no) before it ended."""


def interruptible(conn: Connection, seguir: Callable[[], bool] | None, read: Callable[[], T]) -> T:
    """``read()``, stopped with ``Interrumpida`` once ``seguir()`` says no (asked as SQLite
    goes; it may also wait there: the read waits with it)."""
    if seguir is None:
        return read()
    raw = conn.connection.driver_connection
    assert raw is not None
    raw.set_progress_handler(lambda: not seguir(), PASOS_ENTRE_PREGUNTAS)
    try:
        return read()
    except (DBAPIError, cifrado.OperationalError) as exc:
        if seguir():
            raise
        raise Interrumpida from exc
    finally:
        raw.set_progress_handler(None, PASOS_ENTRE_PREGUNTAS)
