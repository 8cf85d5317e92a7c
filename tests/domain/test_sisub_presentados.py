"""The contracts of a filed SISUB kept as text: read back as they were written, and a text that
is not one (damaged, or written by hand) read as none kept, never an error."""

from __future__ import annotations

from datetime import date

import pytest

from icsoe_desktop.domain.informativa.modelo import Domicilio, Parte
from icsoe_desktop.domain.sisub.modelo import ContratoSisub
from icsoe_desktop.domain.sisub.presentados import Presentados, a_texto, de_texto
from icsoe_desktop.domain.sisub.revision import Icsoe

CONTRATOS = (
    ContratoSisub(
        uuid="0b5e8a7c-1d2e-4f30-9a4b-5c6d7e8f9a0b",
        numero="SISUB-1",
        contratante=Parte(
            "CNT010101A14",
            "Cliente Uno, S.A. de C.V.",
            Domicilio("Calle 60", "301", "", "Centro", "97000", "Mérida", "Yucatán"),
            correo="pagos@cliente.mx",
        ),
        objeto="Limpieza especializada",
        servicio="Limpieza industrial",
        fecha_inicial=date(2026, 2, 1),
        fecha_final=None,
        sitio=Domicilio(
            "Av. Industrias", "1200", "Nave 3", "Industrial", "97288", "Mérida", "Yucatán"
        ),
        celebrado=False,
    ),
)
ICSOE = Icsoe("normal", {"0b5e8a7c-1d2e-4f30-9a4b-5c6d7e8f9a0b": frozenset({"15476040397"})})


def test_read_back_as_written() -> None:
    assert de_texto(a_texto(CONTRATOS, ICSOE)) == Presentados(CONTRATOS, ICSOE)
    assert de_texto(a_texto((), Icsoe(None))) == Presentados((), Icsoe(None))


@pytest.mark.parametrize(
    "texto",
    [
        "",
        "{",
        "[]",
        '{"contratos": [{}], "icsoe": {}}',
        '{"contratos": []}',
        '{"contratos": 5, "icsoe": {}}',
    ],
)
def test_a_text_that_is_not_one_is_none_kept(texto: str) -> None:
    assert de_texto(texto) is None
