"""The find box of a contract's worker list by name, through the real services on a real store:
the beginning of the name or of any of its words, without accents or case, finds the same
workers however the list is sorted, and the count the list shows is theirs."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from icsoe_desktop.domain.buscar import normalizar
from icsoe_desktop.services.informativa.asignaciones import ORDENES
from tests.conftest import services_copying
from tests.informativa_datos import trabajadores_limpios
from tests.informativa_servicios import PERIODO, capturista_una_vez, contrato_con_trabajadores

NOMBRES = (
    "Ñandú Ortiz Núñez",
    "maría josé López",
    "MARIO PÉREZ",
    "Álvaro Díaz",
    "ana Ruiz",
    "MARIA ABAD",
    "José María Ürquiza",
    "LUIS GARCÍA",
    "garcía ana",
    "Hans Müller",
    "O'BRIEN [MX] *",
    "",
)
BUSCADOS = (
    "maria",
    "MARÍA JO",
    "mar",
    "nunez",
    "ÑANDÚ",
    "ana",
    "GARCIA",
    "jose maria",
    "muller",
    "urq",
    "o'brien",
    "[mx",
    "*",
    "ortiz nu",
    "z",  # within words only: nobody
)


def _contrato(services, rfc: str, ana: str, _fiel) -> tuple[str, dict[str, str]]:
    uuid = services.informativas.crear(rfc, ana, PERIODO)
    contrato = contrato_con_trabajadores(services, rfc, ana, uuid, trabajadores=0)
    workers = [
        replace(t, nombre=n)
        for t, n in zip(
            trabajadores_limpios(len(NOMBRES), random.Random(5), PERIODO.anio), NOMBRES, strict=True
        )
    ]
    svc = services.informativa_trabajadores
    assert svc.agregar_varios(contrato, ana, workers).agregados == len(NOMBRES)
    return contrato, {t.nss: t.nombre for t in workers}


@pytest.fixture(scope="module")
def _contrato_una_vez(tmp_path_factory):
    return capturista_una_vez(tmp_path_factory, _contrato)


services = services_copying(contrato="_contrato_una_vez")


@pytest.fixture
def contrato(_contrato_una_vez, services):
    """Ana's contract of the named workers, on this test's copy of the store."""
    _rfc, ana, (contrato, nombres) = _contrato_una_vez[1]
    return ana, contrato, nombres


@pytest.mark.parametrize("buscado", BUSCADOS)
def test_a_name_is_found_by_any_word_in_every_order_and_counted(services, contrato, buscado):
    ana, uuid, nombres = contrato
    svc = services.informativa_trabajadores
    palabra = " " + normalizar(buscado)
    esperados = {nss for nss, nombre in nombres.items() if palabra in " " + normalizar(nombre)}
    assert esperados or buscado == "z"

    assert svc.contar(uuid, ana, buscado) == len(esperados)
    for orden in (None, *ORDENES):
        for descendente in (False, True):
            filas = svc.pagina(uuid, ana, 0, 100, buscado, False, orden, descendente)
            assert sorted(f.nss for f in filas) == sorted(esperados), (orden, descendente)
            # A page further on holds the rest, in the same order.
            resto = svc.pagina(uuid, ana, 1, 100, buscado, False, orden, descendente)
            assert filas[:1] + resto == filas
