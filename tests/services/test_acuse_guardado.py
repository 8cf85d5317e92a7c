"""The stored IMSS acuse read again wherever it goes (services/informativa/acuse_guardado.py):
the real acuse PDFs the tests make for the informativa (tests/informativa_servicios.py) judged
against what its registration holds, each kind of stranger named as the archive, a backup, a
restore and a sync say it."""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

from icsoe_desktop.services.informativa import acuse_guardado as g
from tests import credentials_factory as cf
from tests.informativa_servicios import CLIENTE, PERIODO, acuse_del_imss

RFC = cf.RFC_MORAL
DATOS = Path(__file__).resolve().parent.parent / "data"
# 15/09/2026 13:45:10 in Central Mexico (UTC-6), as the acuse says and the row keeps it.
PRESENTADA = datetime(2026, 9, 15, 19, 45, 10)


def _registrada(**cambios) -> g.Registrada:
    datos = {
        "rfc": RFC,
        "periodo": PERIODO.clave,
        "tipo": "normal",
        "contratantes": frozenset({CLIENTE.rfc}),
        "folio": "N262253432",
        "presentada": PRESENTADA,
        "declarado": False,
        "nombre": "EMPRESA DE PRUEBA",
    }
    return g.Registrada(**(datos | cambios))


def _juzgar(acuse: bytes | None, registrada: g.Registrada | None = None) -> str:
    huella = "" if acuse is None else hashlib.sha256(acuse).hexdigest()
    return g.acuse_ajeno(acuse, huella, registrada or _registrada())


def test_the_registered_acuse_passes():
    assert _juzgar(acuse_del_imss(RFC)) == ""
    # Presented before the acuse was kept: nothing to hold it to.
    assert g.acuse_ajeno(None, "", _registrada()) == ""


def test_an_acuse_whose_bytes_are_not_the_registered_ones_is_named():
    acuse = acuse_del_imss(RFC)
    assert g.acuse_ajeno(acuse, hashlib.sha256(b"otro").hexdigest(), _registrada()) == (
        g.NO_COINCIDE
    )
    # Its SHA-256 kept, the acuse itself gone.
    assert g.acuse_ajeno(None, hashlib.sha256(acuse).hexdigest(), _registrada()) == g.NO_COINCIDE


def test_bytes_that_are_no_pdf_or_a_constancia_are_named_with_their_own_sha256():
    assert _juzgar(b"%PDF-1.4 roto") == g.ILEGIBLE
    assert _juzgar((DATOS / "constancia_v3.pdf").read_bytes()) == g.ES_CONSTANCIA


def test_another_contratistas_acuse_or_another_folios_or_dates_is_named():
    otro = acuse_del_imss(cf.RFC_FISICA, contratista="OTRA CONTRATISTA")
    assert _juzgar(otro) == g.AJENO.format(
        razon=f"es del contratista con RFC {cf.RFC_FISICA}, no de EMPRESA DE PRUEBA (RFC {RFC})"
    )
    assert _juzgar(acuse_del_imss(RFC, folio="N262299999")) == g.OTRO_FOLIO.format(
        leido="N262299999", folio="N262253432"
    )
    assert _juzgar(acuse_del_imss(RFC, fecha="16/09/2026 10:00:00")) == g.OTRA_FECHA.format(
        leida="16/09/2026 10:00:00", registrada="15/09/2026 13:45:10"
    )


def test_a_registration_of_a_period_the_app_never_wrote_holds_nothing_to_it():
    assert _juzgar(acuse_del_imss(RFC), _registrada(periodo="2026-9")) == g.AJENO.format(
        razon="el periodo 2026-9 no es válido"
    )


def test_an_acuse_that_does_not_say_whose_it_is_passes_only_when_the_clerk_stated_it():
    from icsoe_desktop.demo.acuse_imss import acuse_imss_pdf

    sin_rfc = acuse_imss_pdf(
        contratos=((CLIENTE.rfc, CLIENTE.nombre, "A26P3662382"),), periodo="Mayo - Agosto 2026"
    )
    assert _juzgar(sin_rfc) == g.NO_DICE.format(faltan="el RFC del contratista")
    assert _juzgar(sin_rfc, _registrada(declarado=True)) == ""


def test_the_contratantes_are_read_from_whichever_copy_can_be_read():
    assert g.contratantes(None, None) == frozenset()
    assert g.contratantes(b"no es una copia", None) == frozenset()
