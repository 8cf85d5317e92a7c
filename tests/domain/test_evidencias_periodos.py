"""The pay periods a client expects of a worker in a month, by his periodicity: each period
paid in the month, from his first receipt when he started in it, none not yet paid."""

from __future__ import annotations

from datetime import date, timedelta

from icsoe_desktop.domain.evidencias import Mes
from icsoe_desktop.domain.evidencias_periodos import ReciboPagado, faltantes, texto

OCTUBRE = Mes(2026, 10)
HOY = date(2026, 11, 22)


def _recibo(inicio: date, fin: date, periodicidad: str, dias_despues: int = 1) -> ReciboPagado:
    return ReciboPagado(inicio, fin, fin + timedelta(days=dias_despues), periodicidad)


def test_a_fortnight_a_quincena_and_a_month_missing() -> None:
    # Catorcenal, paid two days before the period ends: started 28/09, the next one missing.
    catorcena = [_recibo(date(2026, 9, 28), date(2026, 10, 11), "03", -2)]
    assert faltantes(catorcena, False, OCTUBRE, HOY) == [(date(2026, 10, 12), date(2026, 10, 25))]
    # Quincenal, paid before too (so September's second quincena, paid 01/10, is October's).
    quincena = [_recibo(date(2026, 10, 16), date(2026, 10, 31), "04", -1)]
    assert faltantes(quincena, True, OCTUBRE, HOY) == [(date(2026, 10, 1), date(2026, 10, 15))]
    assert faltantes(quincena, False, OCTUBRE, HOY) == []  # he started on the 16th
    # Monthly, paid on the last day: none missing; September's paid in October would be.
    mensual = [_recibo(date(2026, 10, 1), date(2026, 10, 31), "05", 0)]
    assert faltantes(mensual, True, OCTUBRE, HOY) == []
    tarde = [_recibo(date(2026, 10, 1), date(2026, 10, 31), "05", -30)]
    assert faltantes(tarde, True, OCTUBRE, HOY) == [(date(2026, 11, 1), date(2026, 11, 30))]


def test_what_is_not_counted() -> None:
    semana = [_recibo(date(2026, 10, 5), date(2026, 10, 11), "02")]
    # Not paid yet by «today»: the weeks after are not expected yet.
    assert faltantes(semana, False, OCTUBRE, date(2026, 10, 15)) == []
    assert len(faltantes(semana, False, OCTUBRE, HOY)) == 2  # 12–18 and 19–25
    assert (
        faltantes([_recibo(date(2026, 10, 5), date(2026, 10, 5), "01")], True, OCTUBRE, HOY) == []
    )
    assert (
        faltantes([_recibo(date(2026, 10, 5), date(2026, 10, 9), "99")], True, OCTUBRE, HOY) == []
    )
    assert faltantes([], True, OCTUBRE, HOY) == []
    assert (
        texto("05", date(2026, 10, 1), date(2026, 10, 31)) == "el mes del 01/10/2026 al 31/10/2026"
    )
    assert texto("99", date(2026, 10, 1), date(2026, 10, 9)).startswith("el periodo del")
    assert texto("04", date(2026, 10, 1), date(2026, 10, 15)).startswith("la quincena del")
