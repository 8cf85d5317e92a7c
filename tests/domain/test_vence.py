"""Vence: the legal deadline of an aviso, 5 días hábiles after the movement's fecha (LSS art. 15
fr. I), with the official days of rest of dias_habiles, and the «Por vencer» / «Vencidos»
searches that rest on it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from icsoe_desktop.domain.dias_habiles import es_habil
from icsoe_desktop.domain.movimientos import (
    APROBADO,
    ENVIADO,
    PENDIENTE,
    POR_VENCER,
    VENCIDOS,
    plazo,
    primera_fecha_en_plazo,
    vence,
    vencido,
)


@pytest.mark.parametrize(
    ("fecha", "deadline"),
    [
        (date(2026, 6, 15), date(2026, 6, 22)),  # Monday: next Monday
        (date(2026, 6, 19), date(2026, 6, 26)),  # Friday: the weekend does not count
        (date(2026, 6, 20), date(2026, 6, 26)),  # Saturday: counted from Monday
        (date(2026, 6, 21), date(2026, 6, 26)),  # Sunday too
        (date(2026, 11, 13), date(2026, 11, 23)),  # Día de la Revolución (Mon 16) skipped
        (date(2025, 12, 19), date(2025, 12, 29)),  # Navidad skipped
        (date(2025, 12, 26), date(2026, 1, 5)),  # Año Nuevo skipped, across the year
        (date(2026, 3, 13), date(2026, 3, 23)),  # Natalicio de Benito Juárez (Mon 16)
        (date(2024, 9, 27), date(2024, 10, 7)),  # Transmisión del Poder Ejecutivo (1 Oct 2024)
    ],
)
def test_the_deadline_is_the_fifth_business_day_after_the_fecha(fecha, deadline):
    assert vence(fecha) == deadline


def test_the_deadline_never_goes_back_and_always_counts_five_business_days():
    day = date(2024, 1, 1)
    while day < date(2027, 1, 1):
        deadline = vence(day)
        between = [day + timedelta(days=n) for n in range(1, (deadline - day).days + 1)]
        assert sum(map(es_habil, between)) == 5 and es_habil(deadline)
        assert vence(day + timedelta(days=1)) >= deadline  # a sort by fecha is one by Vence
        day += timedelta(days=1)


def test_por_vencer_and_vencidos_split_the_fechas_where_the_deadline_passes():
    for hoy in (date(2026, 6, 22), date(2026, 11, 17), date(2026, 1, 2), date(2026, 1, 4)):
        first = primera_fecha_en_plazo(hoy)
        for n in range(60):
            fecha = hoy - timedelta(days=n)
            assert (vence(fecha) < hoy) == (fecha < first), (hoy, fecha)
        assert plazo(VENCIDOS, hoy) == {"estado": PENDIENTE, "fecha_final": first - timedelta(1)}
        assert plazo(POR_VENCER, hoy) == {"estado": PENDIENTE, "fecha_inicial": first}
    # A Monday: the movements of the Monday before are due today, the Sunday's were due Friday.
    assert primera_fecha_en_plazo(date(2026, 6, 22)) == date(2026, 6, 15)


def test_the_rows_painted_past_due_are_those_vencidos_finds():
    """The grid's red (a row at a time) and the «Vencidos» search (a range of fechas) agree."""
    for hoy in (date(2026, 6, 22), date(2026, 11, 17), date(2026, 1, 2)):
        terms = plazo(VENCIDOS, hoy)
        for n in range(-10, 60):
            fecha = hoy - timedelta(days=n)
            encontrado = fecha <= terms["fecha_final"]
            assert vencido(PENDIENTE, vence(fecha), hoy) == encontrado, (hoy, fecha)
            assert not vencido(ENVIADO, vence(fecha), hoy)  # sent: no longer a deadline
            assert not vencido(APROBADO, vence(fecha), hoy)
