"""Business days: Monday to Friday, less the official days of rest (descanso obligatorio).

A legal deadline that falls on a non-business day moves to the next business day. The days of
rest are data, not code: a table of rules and a tuple of extra dates, so a change in the law or
a day the authority declares non-business is one line here.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Descanso:
    """A day of rest: a fixed day (``dia``) or the ``lunes``-th Monday of ``mes``; every
    ``cada`` years counted from ``desde`` (the first year it applies), until ``hasta``."""

    nombre: str
    mes: int
    dia: int | None = None
    lunes: int | None = None
    cada: int = 1
    desde: int = 1970
    hasta: int = 9999

    def fecha(self, anio: int) -> date | None:
        if not (self.desde <= anio <= self.hasta) or (anio - self.desde) % self.cada:
            return None
        if self.dia is not None:
            return date(anio, self.mes, self.dia)
        primero = date(anio, self.mes, 1)
        primer_lunes = primero + timedelta(days=(7 - primero.weekday()) % 7)
        return primer_lunes + timedelta(weeks=(self.lunes or 1) - 1)


# Ley Federal del Trabajo, art. 74 (texto vigente; reforma DOF 17/01/2006 para los lunes, y la
# reforma constitucional DOF 10/02/2014 que pasa la transmisión del Poder Ejecutivo Federal al
# 1 de octubre desde 2024). Fracción IX (la jornada electoral) cae en domingo: no se modela.
# Years before 2006 keep the fixed days of that time, so the table answers for any date.
DESCANSOS: tuple[Descanso, ...] = (
    Descanso("Año Nuevo", mes=1, dia=1),
    Descanso("Día de la Constitución", mes=2, lunes=1, desde=2006),
    Descanso("Día de la Constitución", mes=2, dia=5, hasta=2005),
    Descanso("Natalicio de Benito Juárez", mes=3, lunes=3, desde=2006),
    Descanso("Natalicio de Benito Juárez", mes=3, dia=21, hasta=2005),
    Descanso("Día del Trabajo", mes=5, dia=1),
    Descanso("Día de la Independencia", mes=9, dia=16),
    Descanso("Transmisión del Poder Ejecutivo Federal", mes=10, dia=1, cada=6, desde=2024),
    Descanso("Día de la Revolución", mes=11, lunes=3, desde=2006),
    Descanso("Día de la Revolución", mes=11, dia=20, hasta=2005),
    Descanso("Transmisión del Poder Ejecutivo Federal", mes=12, dia=1, cada=6, hasta=2018),
    Descanso("Navidad", mes=12, dia=25),
)

# Other days declared non-business (an acuerdo of the IMSS for its procedures, say). Empty: the
# law's days only, until one is published and added here.
DIAS_ADICIONALES: tuple[date, ...] = ()


@functools.cache
def descansos(anio: int) -> frozenset[date]:
    """The official days of rest of one year."""
    return frozenset(d for regla in DESCANSOS if (d := regla.fecha(anio)) is not None)


def es_habil(dia: date, adicionales: tuple[date, ...] = DIAS_ADICIONALES) -> bool:
    return dia.weekday() < 5 and dia not in descansos(dia.year) and dia not in adicionales


def siguiente_habil(dia: date, adicionales: tuple[date, ...] = DIAS_ADICIONALES) -> date:
    """``dia`` itself when it is a business day, else the next one."""
    while not es_habil(dia, adicionales):
        dia += timedelta(days=1)
    return dia


def sumar_habiles(dia: date, n: int, adicionales: tuple[date, ...] = DIAS_ADICIONALES) -> date:
    """The ``n``-th business day after ``dia`` (``dia`` itself does not count; n=0 is ``dia``)."""
    if n < 0:
        raise ValueError(f"n = {n}: sólo se cuentan días hacia adelante")
    while n:
        dia += timedelta(days=1)
        if es_habil(dia, adicionales):
            n -= 1
    return dia
