"""Memory a bulk job freed, given back to the system (services/memoria_libre.py): on Linux the
process's resident memory falls when the heap's freed middle is trimmed; elsewhere nothing is
called and nothing fails."""

from __future__ import annotations

import os
import sys

import pytest

from icsoe_desktop.services import memoria_libre


def _residente() -> int:
    """The process's resident memory, in bytes (Linux)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's heap: Linux only")
def test_the_heaps_freed_middle_is_given_back_to_the_system():
    # Blocks too big for Python's own allocator and too small for their own mapping: glibc's
    # heap. The last one kept holds the heap's top, so that freeing the rest leaves them in
    # the middle, resident, until trimmed.
    bloques = [bytearray(b"x" * 3000) for _ in range(60_000)]  # ~180 MB
    tope = bloques.pop()
    del bloques
    antes = _residente()
    memoria_libre.devolver()
    despues = _residente()
    assert antes - despues > 100_000_000, (antes, despues)
    assert tope[0] == ord("x")


class _SinTrim:
    pass


def _sin_biblioteca(_nombre: object) -> object:
    raise OSError("no C library to open")


@pytest.fixture
def libc_de_nuevo():
    """The C library looked for again (then again for the tests after)."""
    memoria_libre._libc.cache_clear()
    yield
    memoria_libre._libc.cache_clear()


@pytest.mark.parametrize(
    "sistema, abrir",
    [("win32", None), ("linux", lambda _nombre: _SinTrim()), ("linux", _sin_biblioteca)],
    ids=["otro sistema", "sin malloc_trim", "sin biblioteca de C"],
)
def test_elsewhere_nothing_is_called_and_nothing_fails(monkeypatch, libc_de_nuevo, sistema, abrir):
    monkeypatch.setattr(sys, "platform", sistema)
    if abrir is not None:
        monkeypatch.setattr(memoria_libre.ctypes, "CDLL", abrir)
    assert memoria_libre._libc() is None
    memoria_libre.devolver()  # nothing to call, nothing raised
