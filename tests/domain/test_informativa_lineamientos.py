"""The Lineamientos' rules as the domain reads them (domain/informativa/lineamientos.py):
inconsistency 2 by tipo, no worker count to check, contracts with foreign firms left out, the
months of an Actualización, the SBC warning and Central Mexico time."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from icsoe_desktop.domain.clock import hora_del_centro
from icsoe_desktop.domain.informativa.lineamientos import (
    LINEAMIENTOS,
    actualizacion_permitida,
    cuenta_para_el_limite,
    vence_texto,
)
from icsoe_desktop.domain.informativa.modelo import (
    ACTUALIZACION,
    CORRECCION,
    NORMAL,
    SIN_EFECTOS,
    Periodo,
)
from icsoe_desktop.domain.informativa.revision import avisos_sbc, revisar
from tests.informativa_datos import informativa_limpia


def _sin_descripcion(tipo: str):
    limpia = informativa_limpia(2, 2)
    contratos = tuple(replace(c, folio_repse="", descripcion_servicio="") for c in limpia.contratos)
    complementa = None if tipo == NORMAL else "informativa-0"
    return replace(limpia, tipo=tipo, complementa=complementa, contratos=contratos)


@pytest.mark.parametrize("tipo", [NORMAL, CORRECCION])
def test_a_missing_service_description_is_flagged_on_normal_and_correccion(tipo: str) -> None:
    problemas = revisar(_sin_descripcion(tipo))
    assert [p.codigo for p in problemas] == ["sin_descripcion", "sin_descripcion"]


@pytest.mark.parametrize("tipo", [SIN_EFECTOS, ACTUALIZACION])
def test_a_missing_service_description_is_not_flagged_on_other_complementarias(tipo: str) -> None:
    assert revisar(_sin_descripcion(tipo)) == []


def test_the_worker_count_is_the_lists_and_never_an_inconsistency() -> None:
    limpia = informativa_limpia(3, 4)
    declarado_otro = tuple(replace(c, trabajadores_declarados=1) for c in limpia.contratos)
    assert revisar(replace(limpia, contratos=declarado_otro)) == []
    assert replace(limpia, contratos=declarado_otro).numero_trabajadores == 12


def test_a_normal_with_only_foreign_contracts_is_offered_as_sin_informacion() -> None:
    limpia = informativa_limpia(1, 1)
    (problema,) = revisar(replace(limpia, contratos=(), extranjeros=2))
    assert problema.codigo == "sin_contratos" and problema.campo == "tipo"
    assert "extranjeras sin establecimiento permanente" in problema.mensaje
    assert "«Sin información»" in problema.mensaje
    # Foreign contracts beside reported ones: nothing to say, those are simply left out.
    assert revisar(replace(limpia, extranjeros=2)) == []


@pytest.mark.parametrize(
    ("periodo", "hoy", "permitida"),
    [
        (Periodo(2026, 1), date(2026, 5, 1), True),
        (Periodo(2026, 1), date(2026, 5, 31), True),
        (Periodo(2026, 1), date(2026, 6, 1), False),  # June: not a month of Actualización
        (Periodo(2026, 2), date(2026, 9, 10), True),
        (Periodo(2026, 1), date(2026, 9, 10), False),  # not the period just before
        (Periodo(2026, 3), date(2027, 1, 20), True),  # January, for septiembre–diciembre
        (Periodo(2026, 3), date(2026, 12, 20), False),
        (Periodo(2026, 2), date(2026, 8, 31), False),
    ],
)
def test_an_actualizacion_only_in_may_september_or_january_for_the_previous_period(
    periodo: Periodo, hoy: date, permitida: bool
) -> None:
    assert actualizacion_permitida(periodo, hoy) is permitida


def test_only_correccion_and_sin_efectos_count_towards_the_limit() -> None:
    assert cuenta_para_el_limite(CORRECCION) and cuenta_para_el_limite(SIN_EFECTOS)
    assert not cuenta_para_el_limite(ACTUALIZACION)
    # The table is data: another reading of the Lineamientos is another value, not new code.
    otra = replace(LINEAMIENTOS, complementarias_sin_limite=frozenset())
    assert cuenta_para_el_limite(ACTUALIZACION, otra)


def test_the_last_day_ends_at_2359_central_time_which_is_0559_utc_next_day() -> None:
    assert vence_texto() == "a las 23:59, hora del centro"
    assert hora_del_centro(datetime(2026, 5, 19, 5, 59)).date() == date(2026, 5, 18)
    assert hora_del_centro(datetime(2026, 5, 19, 6, 0)).date() == date(2026, 5, 19)


def test_a_worker_whose_sbc_differs_from_the_registered_one_is_a_warning() -> None:
    inf = informativa_limpia(2, 3)
    primero, segundo = inf.contratos[1].trabajadores[:2]
    registrados = {primero.nss: primero.sbc, segundo.nss: segundo.sbc + 1050}
    (aviso,) = avisos_sbc(inf, registrados)
    assert aviso.aviso and aviso.codigo == "sbc_distinto"
    assert (aviso.contrato, aviso.renglon, aviso.campo) == (inf.contratos[1].uuid, 2, "sbc")
    assert f"NSS {segundo.nss}" in aviso.mensaje
    assert f"{segundo.sbc // 100:,}.{segundo.sbc % 100:02d}" in aviso.mensaje
    assert avisos_sbc(inf, {}) == []  # a worker the movimientos do not know: nothing to say
