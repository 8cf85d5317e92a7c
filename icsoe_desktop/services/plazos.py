"""The deadline board's sources (ICSOE › Vencimientos, services/informativa/vencimientos.py):
each obligation beside the informativa (the REPSE registrations, the SISUB, the clients'
monthly evidence) defines one ``Fuente`` in its own area, and the container hands the board
those it composes. The board opens each empresa's store once, brought to this version's schema
(store/al_dia.py), hands every source the same session, and sorts each section by the source's
own order; it imports none of them. So each source reads one schema through the models: no
source asks which tables a store has (docs/diseno/plazos.md)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

if TYPE_CHECKING:
    from _typeshed import SupportsRichComparison
    from sqlalchemy.orm import Session

    from icsoe_desktop.domain.empresa import EmpresaInfo

T = TypeVar("T")


@dataclass(frozen=True)
class Lectura:
    """One empresa's store as a source reads it: ``sesion`` on it, at this version's schema
    (store/al_dia.py); ``path``: its file (the evidence archive is beside it); ``hoy`` in
    Central Mexico; ``inhabiles``: the INFONAVIT's non-business days per year (None: the list
    the app carries)."""

    path: Path
    empresa: EmpresaInfo
    hoy: date
    sesion: Session
    inhabiles: dict[int, frozenset[date]] | None = None


@dataclass(frozen=True, eq=False)
class Fuente(Generic[T]):
    """``nombre``: the board's section it fills; ``leer``: its rows in one store (raising
    SQLAlchemy's ``DBAPIError`` or ``ValueError`` when that store cannot be read); ``orden``: the
    section's sort key."""

    nombre: str
    leer: Callable[[Lectura], list[T]]
    orden: Callable[[T], SupportsRichComparison]


@dataclass(frozen=True)
class Secciones:
    """Each source's rows, sorted, by the source's name."""

    filas: Mapping[str, list[Any]] = field(default_factory=dict)

    def de(self, fuente: Fuente[T]) -> list[T]:
        return cast("list[T]", self.filas.get(fuente.nombre, []))


def leer(fuentes: Sequence[Fuente[Any]], lectura: Lectura, en: dict[str, list[Any]]) -> None:
    """Every source's rows of one store added to ``en``, in the sources' order."""
    for fuente in fuentes:
        en.setdefault(fuente.nombre, []).extend(fuente.leer(lectura))


def ordenadas(fuentes: Sequence[Fuente[Any]], leidas: dict[str, list[Any]]) -> Secciones:
    return Secciones({f.nombre: sorted(leidas.get(f.nombre, []), key=f.orden) for f in fuentes})


__all__ = ["Fuente", "Lectura", "Secciones", "leer", "ordenadas"]
