"""The INFONAVIT's non-business days as they travel from the company's server: read back as
written, and every kind of wrong list refused with its Spanish reason (the server's command
line shows it; a desktop keeps its list)."""

from __future__ import annotations

from datetime import date

import pytest

from icsoe_desktop.domain.informativa.modelo import Periodo
from icsoe_desktop.domain.sisub.plazos import (
    INHABILES_INFONAVIT,
    a_datos,
    con_lista,
    fecha_limite,
    lista_de,
    vigente,
)


def test_read_back_as_written_and_over_the_apps_own() -> None:
    lista = {2027: frozenset({date(2027, 1, 18), date(2027, 1, 1)})}
    assert a_datos(lista) == {"2027": ["2027-01-01", "2027-01-18"]}
    assert lista_de(a_datos(lista)) == lista
    assert vigente(lista) == {**INHABILES_INFONAVIT, **lista}
    assert fecha_limite(Periodo(2026, 3), vigente(lista)) == date(2027, 1, 19)
    assert fecha_limite(Periodo(2026, 3), vigente({})) == date(2027, 1, 18)


def test_a_deadline_says_whether_the_infonavits_list_of_its_year_counts_it() -> None:
    # The September–December deadline falls in January of the next year: that year's list.
    assert con_lista(Periodo(2026, 2)) and con_lista(Periodo(2025, 3))
    assert not con_lista(Periodo(2026, 3))
    assert con_lista(Periodo(2026, 3), vigente({2027: frozenset({date(2027, 1, 1)})}))


@pytest.mark.parametrize(
    ("datos", "dice"),
    [
        (["2027-01-01"], "debe ser un objeto por año"),
        ({"dos mil": []}, "no es un año de 2021 a 2100"),
        ({"2020": []}, "no es un año de 2021 a 2100"),
        ({"2027": "2027-01-01"}, "a lo más 60 fechas"),
        ({"2027": [f"2027-01-{d:02d}" for d in range(1, 32)] * 2}, "a lo más 60 fechas"),
        ({"2027": ["2027-13-01"]}, "«2027-13-01» no es una fecha de 2027"),
        ({"2027": ["2026-12-25"]}, "no es una fecha de 2027"),
        ({"2027": [20270101]}, "no es una fecha de 2027"),
    ],
)
def test_a_wrong_list_is_refused_with_its_reason(datos: object, dice: str) -> None:
    with pytest.raises(ValueError, match=dice):
        lista_de(datos)
