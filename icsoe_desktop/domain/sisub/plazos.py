"""When each cuatrimestre's SISUB is filed: from the 1st to the 17th of January, May and
September, as the ICSOE; a 17th that is not a business day of the INFONAVIT moves to its next
business day. The INFONAVIT's non-business days are its own yearly list (CFF art. 12 and its
acuerdo in the DOF; sisub.md), not LFT art. 74: data here, one line a year, and the years IT
loads on the company's sync server (``lista_de``/``a_datos``: its wire form), which override the
app's. A year not listed falls back to the law's days of rest (domain/dias_habiles.py)."""

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


Lista = dict[int, frozenset[date]]
PRIMER_ANIO, ULTIMO_ANIO = 2021, 2100  # the SISUB since 2021
MAX_DIAS = 60  # a year's list holds a dozen


def lista_de(datos: object) -> Lista:
    """``{"2027": ["2027-01-01", …]}`` as a list per year; ValueError (Spanish) when it is not
    one: a year out of range, a day of another year, a text that is no date, too many days."""
    if not isinstance(datos, dict):
        raise ValueError("La lista de días inhábiles debe ser un objeto por año.")
    lista: Lista = {}
    for clave, dias in datos.items():
        anio = int(clave) if isinstance(clave, str) and clave.isdigit() else 0
        if not PRIMER_ANIO <= anio <= ULTIMO_ANIO:
            raise ValueError(f"«{str(clave)[:10]}» no es un año de {PRIMER_ANIO} a {ULTIMO_ANIO}.")
        if not isinstance(dias, list) or len(dias) > MAX_DIAS:
            raise ValueError(f"Los días inhábiles de {anio} deben ser a lo más {MAX_DIAS} fechas.")
        lista[anio] = frozenset(_dia(anio, texto) for texto in dias)
    return lista


def _dia(anio: int, texto: object) -> date:
    try:
        dia = date.fromisoformat(texto) if isinstance(texto, str) and len(texto) == 10 else None
    except ValueError:
        dia = None
    if dia is None or dia.year != anio:
        raise ValueError(f"«{str(texto)[:20]}» no es una fecha de {anio} (AAAA-MM-DD).")
    return dia


def a_datos(lista: Lista) -> dict[str, list[str]]:
    return {str(anio): sorted(d.isoformat() for d in dias) for anio, dias in sorted(lista.items())}


def vigente(cargada: Lista) -> Lista:
    """The app's list with the years loaded on the company's server over it."""
    return {**INHABILES_INFONAVIT, **cargada}


def inhabiles(anio: int, lista: dict[int, frozenset[date]] | None = None) -> frozenset[date]:
    """The INFONAVIT's non-business days of ``anio`` (the law's when the year is not listed)."""
    lista = INHABILES_INFONAVIT if lista is None else lista
    return lista.get(anio, descansos(anio))


def es_habil(dia: date, lista: dict[int, frozenset[date]] | None = None) -> bool:
    return dia.weekday() < 5 and dia not in inhabiles(dia.year, lista)


def con_lista(p: Periodo, lista: dict[int, frozenset[date]] | None = None) -> bool:
    """Whether the deadline of ``p`` is counted by the INFONAVIT's own list (its year listed);
    False: by the law's days of rest, until IT loads that year's list."""
    lista = INHABILES_INFONAVIT if lista is None else lista
    return presentacion_desde(p).year in lista


def fecha_limite(p: Periodo, lista: dict[int, frozenset[date]] | None = None) -> date:
    """The last day to file the SISUB of ``p``."""
    dia = presentacion_desde(p).replace(day=DIA_LIMITE)
    while not es_habil(dia, lista):
        dia += timedelta(days=1)
    return dia
