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


def test_elsewhere_nothing_is_called(monkeypatch):
    memoria_libre._libc.cache_clear()
    monkeypatch.setattr(sys, "platform", "win32")
    try:
        assert memoria_libre._libc() is None
        memoria_libre.devolver()  # nothing to call, nothing raised
    finally:
        memoria_libre._libc.cache_clear()


class _SinTrim:
    pass


def _sin_biblioteca(_nombre: object) -> object:
    raise OSError("no C library to open")


@pytest.mark.parametrize("abrir", [lambda _nombre: _SinTrim(), _sin_biblioteca])
def test_a_c_library_without_the_trim_or_none_at_all_is_left_alone(monkeypatch, abrir):
    memoria_libre._libc.cache_clear()
    monkeypatch.setattr(memoria_libre.ctypes, "CDLL", abrir)
    monkeypatch.setattr(sys, "platform", "linux")
    try:
        assert memoria_libre._libc() is None
        memoria_libre.devolver()  # nothing to call, nothing raised
    finally:
        memoria_libre._libc.cache_clear()
