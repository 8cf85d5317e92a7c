"""The REPSE registrations on ICSOE › Vencimientos: each one from the day its renewal may be
asked (the STPS's window, DOF 21/02/2024), each one whose window closed unasked and each one
lapsed, across the empresas the user may open; one still far from its end is not there. The
tests' clock: 22/11/2026."""

from __future__ import annotations

from datetime import date

import pytest

from icsoe_desktop.domain.informativa import repse
from tests import credentials_factory as cf
from tests.conftest import made_once, services_copying
from tests.services.test_vencimientos import ANA, BETO, RFC_OTRO, _despacho

SERVICIO = ["Servicios de limpieza industrial especializada"]


def registros_en_dos_empresas(services, data_dir, folder, smtp) -> dict:
    """``_despacho``'s two empresas; the first's contratista registered on 10/01/2024 (its
    renewal open from 01/10/2026 to 31/12/2026), the second's on 01/06/2023 (lapsed on
    01/06/2026)."""
    hecho = _despacho(services, data_dir, folder, smtp)
    services.repse.registrar(cf.RFC_MORAL, ANA, "AR100/2024", date(2024, 1, 10), SERVICIO)
    services.abrir_empresa(hecho["segunda"])
    services.repse.registrar(RFC_OTRO, ANA, "AR200/2023", date(2023, 6, 1), SERVICIO)
    services.abrir_empresa(hecho["primera"])
    return hecho


@pytest.fixture(scope="module")
def _registros_una_vez(tmp_path_factory):
    return made_once(tmp_path_factory, registros_en_dos_empresas)


services = services_copying(registros="_registros_una_vez")


@pytest.fixture
def registros(_registros_una_vez, services) -> dict:
    return _registros_una_vez[1]


def _vistos(tablero) -> list[tuple[str, str, str, date, str, int]]:
    return [
        (r.empresa.rfc, r.contratista_rfc, r.aviso, r.vence, r.estado_texto, r.dias_restantes)
        for r in tablero.repse
    ]


def test_the_renewal_window_and_a_lapsed_registration(services, registros) -> None:
    tablero = services.vencimientos.tablero(ANA)
    assert _vistos(tablero) == [
        ("BOD020202BB3", RFC_OTRO, "AR200/2023", date(2026, 6, 1), "Vencido", -174),
        (
            "ABA010101AA1",
            cf.RFC_MORAL,
            "AR100/2024",
            date(2027, 1, 10),
            "Renovación por solicitar",
            49,
        ),
    ]
    vencido, en_ventana = tablero.repse
    assert vencido.vencido and not en_ventana.vencido
    assert (en_ventana.renovacion_desde, en_ventana.renovacion_hasta) == (
        date(2026, 10, 1),
        date(2026, 12, 31),
    )
    assert services.vencimientos.tablero(BETO).repse == [vencido]  # only the empresa granted
    # On 05/01/2027 its window has closed unasked: in red, cancelled on 10/01/2027.
    (_, sin_plazo) = services.vencimientos.tablero(ANA, hoy=date(2027, 1, 5)).repse
    assert (sin_plazo.estado_texto, sin_plazo.vencido, sin_plazo.dias_restantes) == (
        "Plazo de renovación vencido",
        True,
        5,
    )


def test_a_renewal_asked_says_so_and_one_far_from_its_end_is_not_shown(services, registros) -> None:
    services.repse.solicitar_renovacion(cf.RFC_MORAL, ANA, date(2026, 11, 3), "SOL-9")
    (_, pedido) = services.vencimientos.tablero(ANA).repse
    assert (pedido.estado, pedido.estado_texto) == (
        repse.RENOVACION_SOLICITADA,
        "Renovación solicitada (SOL-9)",
    )
    services.repse.renovar(cf.RFC_MORAL, ANA, "AR300/2026", date(2026, 11, 20))
    assert [r.contratista_rfc for r in services.vencimientos.tablero(ANA).repse] == [RFC_OTRO]


def test_a_store_without_the_table_is_read_as_without_registrations(services, registros):
    """A store of an older version (no ``repse_registros``): the board still reads it."""
    from tests.store.test_nomina_sincronizada import _downgrade

    path = services.empresas.ruta(services.empresa)
    services.abrir_empresa(registros["segunda"])  # the first's file closed
    _downgrade(path, "0037_acuse_corregido")  # the last release before the REPSE's table
    tablero = services.vencimientos.tablero(ANA)
    assert [r.contratista_rfc for r in tablero.repse] == [RFC_OTRO]
    assert tablero.sin_leer == []
