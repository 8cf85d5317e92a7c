"""When each cuatrimestre's SISUB is filed: from the 1st to the 17th of January, May and
September, as the ICSOE; a 17th that is not a business day of the INFONAVIT moves to its next
business day. The INFONAVIT's non-business days are its own yearly list (CFF art. 12 and its
acuerdo in the DOF; sisub.md), not LFT art. 74: data here, one line a year. A year not listed
falls back to the law's days of rest (domain/dias_habiles.py)."""

from __future__ import annotations

from datetime import date, timedelta

from icsoe_desktop.domain.dias_habiles import descansos
from icsoe_desktop.domain.informativa.modelo import Periodo
from icsoe_desktop.domain.informativa.periodos import DIA_LIMITE, presentacion_desde

# DOF 13/01/2026 (via infobae 2026-01-13).
INHABILES_INFONAVIT: dict[int, frozenset[date]] = {
    2026: frozenset(
        date(2026, m, d) for m, d in ((1, 1), (2, 2), (3, 16), (5, 1), (9, 16), (11, 16), (12, 25))
    ),
}


def inhabiles(anio: int, lista: dict[int, frozenset[date]] | None = None) -> frozenset[date]:
    """The INFONAVIT's non-business days of ``anio`` (the law's when the year is not listed)."""
    lista = INHABILES_INFONAVIT if lista is None else lista
    return lista.get(anio, descansos(anio))


def es_habil(dia: date, lista: dict[int, frozenset[date]] | None = None) -> bool:
    return dia.weekday() < 5 and dia not in inhabiles(dia.year, lista)


def fecha_limite(p: Periodo, lista: dict[int, frozenset[date]] | None = None) -> date:
    """The last day to file the SISUB of ``p``."""
    dia = presentacion_desde(p).replace(day=DIA_LIMITE)
    while not es_habil(dia, lista):
        dia += timedelta(days=1)
    return dia
