"""When each cuatrimestre's informativa is filed: from the 1st to the 17th of the month after it
(mayo, septiembre, enero of the next year); a 17th that is not a business day moves to the next
business day (LSS art. 15-A; the Lineamientos)."""

from __future__ import annotations

from datetime import date

from icsoe_desktop.domain.dias_habiles import DIAS_ADICIONALES, siguiente_habil
from icsoe_desktop.domain.informativa.modelo import Periodo

DIA_LIMITE = 17


def _mes_de_presentacion(p: Periodo) -> date:
    """The 1st of the month the period is filed in."""
    return date(p.anio + 1, 1, 1) if p.numero == 3 else date(p.anio, 4 * p.numero + 1, 1)


def presentacion_desde(p: Periodo) -> date:
    """The first day the informativa of ``p`` can be filed."""
    return _mes_de_presentacion(p)


def fecha_limite(p: Periodo, adicionales: tuple[date, ...] = DIAS_ADICIONALES) -> date:
    """The last day to file the informativa of ``p``."""
    return siguiente_habil(_mes_de_presentacion(p).replace(day=DIA_LIMITE), adicionales)


def periodos_entre(desde_anio: int, hasta_anio: int) -> list[Periodo]:
    """Every cuatrimestre of the years ``desde_anio`` to ``hasta_anio``, both included, in order
    (none when ``hasta_anio`` comes first)."""
    return [Periodo(anio, n) for anio in range(desde_anio, hasta_anio + 1) for n in (1, 2, 3)]
