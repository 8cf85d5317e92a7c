"""What the row keeps of a folio or date the clerk corrected, read back: a value damaged outside
the app corrects nothing, so the stored acuse is held to the registro as read."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from icsoe_desktop.domain.clock import HORA_DEL_CENTRO
from icsoe_desktop.domain.informativa.acuse_corregido import Corregido, corregido, leer

FECHA = datetime(2026, 11, 22, 10, 15, 30, tzinfo=HORA_DEL_CENTRO)


def test_what_is_kept_reads_back_the_same():
    hecho = Corregido("N262253432", FECHA)
    assert leer(hecho.guardado()) == hecho
    assert leer(Corregido(presentada=FECHA).guardado()).presentada == FECHA.astimezone(UTC)
    assert Corregido().guardado() == "" and leer("") == Corregido() and not Corregido()
    assert Corregido().texto() == ""


@pytest.mark.parametrize(
    "texto",
    ["{no es json", "[1, 2]", '{"folio": 7}', '{"presentada": "ayer"}',
     '{"presentada": "2026-11-22T10:15:30"}', '{"presentada": null}'],
)  # fmt: skip
def test_a_damaged_value_corrects_nothing(texto):
    assert leer(texto) == Corregido()


def test_only_what_differs_from_the_acuse_is_a_correction():
    assert corregido("N262253432", FECHA, " n26 2253432", FECHA.replace(microsecond=5)) == (
        Corregido()
    )
    assert corregido("N262253432", FECHA, "", None) == Corregido()
    assert corregido(None, None, "N1234567", FECHA) == Corregido()
    otra = FECHA.replace(hour=9)
    assert corregido("N262253432", FECHA, "N262253433", otra) == Corregido("N262253432", FECHA)
    assert Corregido(folio="N262253432").texto() == (
        "folio corregido por el usuario (el acuse dice N262253432)"
    )
