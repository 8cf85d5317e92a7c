"""The receipts a client expects of a worker who served it in a month: one per pay period of
his periodicity (the CFDI de nómina's ``PeriodicidadPago``: weekly, every week), as client
portals count them (reference: icsoe-informativa.md, Provek «counts each worker's receipts
against his pay periodicity»).

A receipt belongs to the month it was paid in (``FechaPago``), so a period is expected in the
month when it would be paid in it: its end, moved by the days the worker's receipts are paid
after (or before) their period ends. Weekly, fortnightly-by-days and ten-day periods follow the
worker's own receipts (their ends, seven, fourteen or ten days apart); quincenas are the 1st to
the 15th and the 16th to the month's end; a monthly period is the calendar month. A worker whose
first receipt ever is in the month is expected from that receipt on (he started then); periods
not yet paid by today are not expected. Daily pay and «otra periodicidad» are not counted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from icsoe_desktop.domain.evidencias import Mes

# c_PeriodicidadPago: the days of a period that follows the worker's own receipts.
PASOS = {"02": 7, "03": 14, "10": 10}
QUINCENAL = "04"
MENSUAL = "05"
NOMBRES = {"02": "semana", "03": "catorcena", "10": "decena", QUINCENAL: "quincena", MENSUAL: "mes"}


@dataclass(frozen=True)
class ReciboPagado:
    """A worker's ordinary receipt: its period, the day it was paid and its periodicity."""

    inicio: date
    fin: date
    pago: date
    periodicidad: str


def faltantes(
    del_mes: list[ReciboPagado], con_anteriores: bool, mes: Mes, hoy: date
) -> list[tuple[date, date]]:
    """The periods (first and last day) of ``mes`` the worker has no receipt for, in order;
    ``con_anteriores``: he was paid before the month (else he is expected from his first)."""
    if not del_mes:
        return []
    ultimo = max(del_mes, key=lambda r: (r.pago, r.fin))
    propios = [r for r in del_mes if r.periodicidad == ultimo.periodicidad]
    primero = min(propios, key=lambda r: r.fin)
    desfase = primero.pago - primero.fin
    hasta = min(mes.fin, hoy)
    faltan = []
    for inicio, fin in _candidatos(ultimo.periodicidad, primero.fin, mes):
        if not mes.inicio <= fin + desfase <= hasta:
            continue  # paid in another month, or not yet
        if not con_anteriores and fin < primero.fin:
            continue  # before he started
        if not any(inicio <= r.fin <= fin for r in del_mes):
            faltan.append((inicio, fin))
    return faltan


def _candidatos(periodicidad: str, ancla: date, mes: Mes) -> list[tuple[date, date]]:
    """The periods around ``mes`` (a month either side: a receipt may be paid well after its
    period ends)."""
    paso = PASOS.get(periodicidad)
    if paso is not None:
        primero = ancla - timedelta(days=paso * ((ancla - mes.inicio).days // paso + 6))
        fines = [primero + timedelta(days=paso * k) for k in range(100 // paso + 12)]
        return [(f - timedelta(days=paso - 1), f) for f in fines]
    meses = [_anterior(mes), mes, mes.siguiente]
    if periodicidad == QUINCENAL:
        return [
            q
            for m in meses
            for q in ((m.inicio, m.inicio.replace(day=15)), (m.inicio.replace(day=16), m.fin))
        ]
    if periodicidad == MENSUAL:
        return [(m.inicio, m.fin) for m in meses]
    return []


def _anterior(mes: Mes) -> Mes:
    return Mes(mes.anio - 1, 12) if mes.mes == 1 else Mes(mes.anio, mes.mes - 1)


def texto(periodicidad: str, inicio: date, fin: date) -> str:
    """«la semana del 12/10/2026 al 18/10/2026»."""
    nombre = NOMBRES.get(periodicidad, "periodo")
    articulo = "el" if nombre in ("mes", "periodo") else "la"
    return f"{articulo} {nombre} del {inicio:%d/%m/%Y} al {fin:%d/%m/%Y}"


__all__ = ["NOMBRES", "PASOS", "ReciboPagado", "faltantes", "texto"]
