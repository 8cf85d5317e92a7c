"""The tabular imports the intake knows, each registered by its own importer when its module
loads: its key (the name its remembered columns are kept under in ``importaciones.json``), the
action whose role may remember them, its schema and, for an importer that also reads files that
are not tables (the IDSE lote), which files it reads by columns. The intake (``mapeos.py``, the
import assistant) works from what is registered and imports no importer; a new import is one
``registrar`` call beside its schema.

Light on purpose: importers register as they load, some of them at start-up, so this module
does not load the intake (a schema may be given as the function that builds it on first use).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from icsoe_desktop.domain.roles import Accion

if TYPE_CHECKING:
    from icsoe_desktop.services.archivos.lectura import Esquema


def _siempre(_path: Path) -> bool:
    return True


@dataclass(frozen=True, eq=False)
class Importacion:
    """One registered import (``registrar`` makes it; its importer holds it)."""

    clave: str
    accion: Accion
    _esquema: Esquema | Callable[[], Esquema] = field(repr=False)
    _por_columnas: Callable[[Path], bool] = field(default=_siempre, repr=False)

    @property
    def esquema(self) -> Esquema:
        return self._esquema() if callable(self._esquema) else self._esquema

    def lee_por_columnas(self, path: Path) -> bool:
        """Whether this import reads ``path`` by its columns (not a lote IDSE's fixed lines)."""
        return self._por_columnas(path)


_REGISTRADAS: dict[str, Importacion] = {}


def registrar(
    clave: str,
    accion: Accion,
    esquema: Esquema | Callable[[], Esquema],
    por_columnas: Callable[[Path], bool] = _siempre,
) -> Importacion:
    """Register the import ``clave`` (once: two importers under one key would share, and
    overwrite, each other's remembered columns)."""
    if clave in _REGISTRADAS:
        raise ValueError(f"la importación {clave!r} ya está registrada")
    importacion = _REGISTRADAS[clave] = Importacion(clave, accion, esquema, por_columnas)
    return importacion


def registradas() -> dict[str, Importacion]:
    """Every import registered so far, by key."""
    return dict(_REGISTRADAS)
