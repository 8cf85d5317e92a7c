"""What the acuse de presentación's text gives (folio, date, contract folios) and the checks of
what the clerk confirms, on texts laid out as the portal's acuse may be."""

from __future__ import annotations

from datetime import datetime

import pytest

from icsoe_desktop.domain.clock import HORA_DEL_CENTRO
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.informativa.modelo import CORRECCION, SIN_INFORMACION, Periodo
from icsoe_desktop.domain.informativa.presentacion import proponer, validar

AHORA = datetime(2026, 11, 22, 9, 0, tzinfo=HORA_DEL_CENTRO)
PERIODO = Periodo(2026, 2)


def test_contract_folios_go_to_the_contratante_on_their_line_whatever_the_order() -> None:
    texto = (
        "Folio: SI262202734\n"
        "Presentada el 16 de septiembre de 2026 a las 10:05:33 horas\n"
        "BBB020202BB2  Beta, S.A.  A26P0000002\n"
        "AAA010101AA1  Alfa, S.A.  A26P0000001\n"
        "AAA010101AA1  Alfa, S.A.  A26P0000003\n"
    )
    contratos = [("a1", "AAA010101AA1"), ("b", "BBB020202BB2"), ("a2", "AAA010101AA1")]
    propuesta = proponer(texto, contratos)
    assert propuesta.folio == "SI262202734"
    assert propuesta.presentada == datetime(2026, 9, 16, 10, 5, 33, tzinfo=HORA_DEL_CENTRO)
    assert propuesta.folios_contratos == {
        "a1": "A26P0000001",
        "b": "A26P0000002",
        "a2": "A26P0000003",
    }


def test_folios_without_an_rfc_go_in_order_only_when_they_are_as_many() -> None:
    contratos = [("a", "AAA010101AA1"), ("b", "BBB020202BB2")]
    dos = proponer("Folios: A26P0000001 A26P0000002\n15/09/2026 01:45 p.m.", contratos)
    assert dos.folios_contratos == {"a": "A26P0000001", "b": "A26P0000002"}
    assert dos.presentada == datetime(2026, 9, 15, 13, 45, tzinfo=HORA_DEL_CENTRO)
    uno = proponer("Folio A26P0000001", contratos)
    assert uno.folios_contratos == {} and uno.folio is None and uno.presentada is None


def test_an_impossible_date_is_skipped_for_the_next_one() -> None:
    propuesta = proponer("31/02/2026 10:00 y luego 01/09/2026 10:00", [])
    assert propuesta.presentada == datetime(2026, 9, 1, 10, 0, tzinfo=HORA_DEL_CENTRO)


def test_the_folio_prefix_follows_the_tipo_and_complementarias_take_any() -> None:
    fecha = datetime(2026, 9, 15, 12, 0, tzinfo=HORA_DEL_CENTRO)
    assert validar(" si 262202734 ", SIN_INFORMACION, fecha, PERIODO, AHORA, {}, {}).folio == (
        "SI262202734"
    )
    with pytest.raises(ValidationError) as error:
        validar("N262253432", SIN_INFORMACION, fecha, PERIODO, AHORA, {}, {})
    assert error.value.message.endswith("su folio empieza con «SI».")
    assert validar("C262253432", CORRECCION, fecha, PERIODO, AHORA, {}, {}).folio == "C262253432"


def test_a_contract_folio_typed_twice_is_refused() -> None:
    fecha = datetime(2026, 9, 15, 12, 0, tzinfo=HORA_DEL_CENTRO)
    with pytest.raises(ValidationError) as error:
        validar("N262253432", "normal", fecha, PERIODO, AHORA,
                {"a": "A26P0000001", "b": "a26p0000001"}, {})  # fmt: skip
    assert error.value.code == "folio_contrato_repetido"
    # A contract left blank (the acuse did not list it) is simply kept without a folio.
    folios = {"a": "", "b": "a26p 0000009"}
    hecha = validar("N262253432", "normal", fecha, PERIODO, AHORA, folios, {})
    assert hecha.folios_contratos == {"b": "A26P0000009"}
