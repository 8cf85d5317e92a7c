"""Modules a library imports and the app never has it use, left unloaded while it is imported.

``keyring`` is imported on the sign-in's path (services/secrets.py: the store key is read beside
the login window, and on Windows there is always a keyring). Some of its imports serve only what
the app never calls: ``jaraco.context`` imports ``urllib.request`` (with ``http.client``,
``email`` and ``ssl``: ~20 ms of CPU) for a function that downloads tarballs, and ``subprocess``
and ``tempfile`` for ones that run commands and make temporary folders; ``jaraco.functools``
imports ``inspect`` and ``more_itertools`` for functions keyring's reading and writing never
reach; ``keyring.backend`` imports ``importlib_metadata`` (~5 ms) to walk the installed backends'
entry points, which secrets.py never asks for (it probes this system's own keyrings by name).

While the library is imported, each of those names not yet loaded is given a stand-in: a module
that imports the real one the first time anything is asked of it, and then answers from it.
Afterwards the stand-ins leave ``sys.modules``: any later ``import`` loads the real module, as it
would have; only the library's own references keep a stand-in, which forwards. A name already
loaded is left as it is.
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
    "subprocess",
    "tempfile",
    "inspect",
    "more_itertools",
)


class _Sustituto(types.ModuleType):
    """A module that is the real one's name only: its first attribute asked imports the real
    one (out of ``sys.modules``, where nothing else finds the stand-in any more)."""

    def __getattr__(self, nombre: str) -> Any:
        if sys.modules.get(self.__name__) is self:  # asked while the library still imports
            sys.modules.pop(self.__name__, None)
        real = importlib.import_module(self.__name__)
        return getattr(real, nombre)


@contextmanager
def sin_cargar(nombres: tuple[str, ...]) -> Iterator[None]:
    """While the block imports a library, ``nombres`` not yet loaded are stand-ins (above)."""
    puestos: list[str] = []
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


__all__ = ["DE_KEYRING", "sin_cargar"]
