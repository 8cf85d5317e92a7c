"""Modules a library imports and the app never has it use, left unloaded while it is imported.

``keyring`` is imported on the sign-in's path (services/secrets.py: the store key is read beside
the login window, and on Windows there is always a keyring). Some of its imports serve only what
the app never calls: ``jaraco.context`` imports ``urllib.request`` (with ``http.client``,
``email`` and ``ssl``: ~20 ms of CPU) for a function that downloads tarballs, and ``tempfile``
for one that makes temporary folders; ``jaraco.functools`` imports ``inspect`` and
``more_itertools`` for functions keyring's reading and writing never reach; ``keyring.backend``
imports ``importlib_metadata`` (~5 ms) to walk the installed backends' entry points, which
secrets.py never asks for (it probes this system's own keyrings by name).

While the library is imported, each of those names not yet loaded is given a stand-in: a module
that imports the real one the first time anything is asked of it, and then answers from it.
Afterwards the stand-ins leave ``sys.modules``: any later ``import`` loads the real module, as it
would have; only the library's own references keep a stand-in, which forwards. A name already
loaded is left as it is.

On Windows, keyring's Credential Manager backend is ``win32ctypes``, which takes ``cffi`` when
it can be imported: cffi then has ``pycparser`` read the C declarations of the Credential
Manager's functions as the module is imported (~25 ms of CPU, ~100 ms of wall time under Wine),
where its ``ctypes`` backend, the other one it ships and tests, reads none. While keyring is
imported there, ``cffi`` (which nothing else in the app uses) cannot be, so win32ctypes takes
ctypes.
"""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

# What ``keyring`` imports and the app never has it use (above).
DE_KEYRING = (
    "urllib.request",
    "importlib_metadata",
    "tempfile",
    "inspect",
    "more_itertools",
)

# What keyring must not find while it is imported (above): on Windows, cffi.
BLOQUEADOS_DE_KEYRING: tuple[str, ...] = ("cffi",) if sys.platform == "win32" else ()


class _Sustituto(types.ModuleType):
    """A module that is the real one's name only: its first attribute asked imports the real
    one (out of ``sys.modules``, where nothing else finds the stand-in any more)."""

    def __getattr__(self, nombre: str) -> Any:
        if sys.modules.get(self.__name__) is self:  # asked while the library still imports
            sys.modules.pop(self.__name__, None)
        real = importlib.import_module(self.__name__)
        return getattr(real, nombre)


@contextmanager
def sin_cargar(nombres: tuple[str, ...], bloqueados: tuple[str, ...] = ()) -> Iterator[None]:
    """While the block imports a library, ``nombres`` not yet loaded are stand-ins, and
    ``bloqueados`` not yet loaded cannot be imported (above)."""
    puestos: list[str] = []
    cerrados = [nombre for nombre in bloqueados if nombre not in sys.modules]
    for nombre in cerrados:
        sys.modules[nombre] = None  # type: ignore[assignment]  # import's own «not here»
    for nombre in nombres:
        if nombre in sys.modules:
            continue
        sustituto = _Sustituto(nombre)
        sys.modules[nombre] = sustituto
        puestos.append(nombre)
        padre, _, hijo = nombre.rpartition(".")
        if padre:
            # ``import a.b`` then ``a.b.x`` reads ``b`` off the package, as an import sets it
            # (a real import of ``a.b`` later puts the real module there).
            setattr(importlib.import_module(padre), hijo, sustituto)
    try:
        yield
    finally:
        for nombre in puestos:
            if isinstance(sys.modules.get(nombre), _Sustituto):
                sys.modules.pop(nombre, None)
        for nombre in cerrados:
            if nombre in sys.modules and sys.modules[nombre] is None:
                sys.modules.pop(nombre, None)


__all__ = ["BLOQUEADOS_DE_KEYRING", "DE_KEYRING", "sin_cargar"]
