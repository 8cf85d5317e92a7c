"""`sisub presentar` takes only the INFONAVIT's acuse of this contratista's SISUB, through the
real services: the IMSS's ICSOE acuse of the same period, the app's constancia de firma, a
factura that writes the RFC and the period, another contratista's acuse naming this one as its
subcontratista, an acuse dated in the future or before the period ends, one whose only date is
a contract's start, one with a visible other RFC over an invisible layer of this one, one whose
RFC is written with Cyrillic look-alikes and a scan whose OCR layer alone says this RFC are
refused, each saying why; the right acuse is filed on its reception line's date."""

from __future__ import annotations

from datetime import datetime

import pytest

from icsoe_desktop.demo.acuse_infonavit import acuse_infonavit_pdf
from icsoe_desktop.domain.clock import HORA_DEL_CENTRO
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.sisub.modelo import PRESENTADO
from tests import sisub_fixtures as fx
from tests.acuses_pdf import INFONAVIT, acuse_pdf, parecido
from tests.informativa_servicios import CLIENTE, acuse_del_imss
from tests.sisub_datos import MAYO_AGOSTO

FOLIO = "SISUB-2026-0001234"
RECEPCION = datetime(2026, 9, 15, 11, 20, 5, tzinfo=HORA_DEL_CENTRO)

# The fixtures the tests take (tests/sisub_fixtures.py).
_quien_una_vez, _firmada_una_vez = fx._quien_una_vez, fx._firmada_una_vez
services, quien, reporte, firmada = fx.services, fx.quien, fx.reporte, fx.firmada


def _lineas(rfc: str, fecha: str = "15/09/2026 11:20:05") -> tuple[str, ...]:
    return (
        *INFONAVIT,
        f"Folio: {FOLIO}",
        "Estado: Aceptado",
        f"RFC del sujeto obligado: {rfc}",
        "Periodo: Mayo - Agosto 2026",
        f"Fecha de recepción: {fecha}",
    )


def test_only_the_infonavits_acuse_of_this_contratista_files_the_sisub(services, reporte):
    rfc, ana, uuid = reporte
    servicio = services.sisub_presentacion
    contrato = (*INFONAVIT, "Inicio del contrato: 11/05/2026")
    casos = [
        (acuse_del_imss(rfc), "acuse_es_imss", "informativa ICSOE del IMSS, no el acuse del SISUB"),
        (
            acuse_pdf(("FACTURA", "Emisor RFC: PAP0101015K3", f"Receptor RFC: {rfc}",
                       "Concepto: papelería mayo–agosto 2026", "Folio: 99999",
                       "Fecha: 22/11/2026 09:00")),
            "acuse_no_infonavit",
            "no es un acuse del SISUB del INFONAVIT",
        ),
        (
            acuse_infonavit_pdf(rfc="TRA120305P31", otras_lineas=(f"RFC del subcontratista: {rfc}",)),
            "acuse_de_otro_rfc",
            "otro contratista (TRA120305P31)",
        ),
        (acuse_infonavit_pdf(rfc=rfc, fecha="23/11/2026 09:00:00"), "fecha_futura",
         "posterior a este momento"),
        (acuse_infonavit_pdf(rfc=rfc, fecha="28/08/2026 09:00:00"), "fecha_anterior",
         "anterior al fin del periodo mayo–agosto 2026"),
        (acuse_infonavit_pdf(rfc=rfc, fecha="", encabezado=contrato), "acuse_sin_fecha",
         "no se toma otra fecha del texto (el inicio de un contrato"),
        (acuse_pdf(_lineas("TRA120305P31"), invisibles=(f"RFC del sujeto obligado: {rfc}",)),
         "acuse_de_otro_rfc", "otro contratista (TRA120305P31)"),
        (acuse_pdf(_lineas(parecido(rfc))), "acuse_letras_parecidas",
         "letras de otro alfabeto que imitan a las latinas"),
        (acuse_pdf((), invisibles=_lineas(rfc), escaneo=True), "acuse_sin_datos",
         "capa invisible"),
    ]  # fmt: skip
    for pdf, codigo, dice in casos:
        with pytest.raises(ValidationError) as error:
            servicio.registrar(uuid, rfc, pdf, "acuse.pdf", FOLIO)
        assert (error.value.code, dice in error.value.message) == (codigo, True), error.value
    # Folios of another paper, and a typed date that is not the reception's.
    bueno = acuse_infonavit_pdf(rfc=rfc, encabezado=contrato)
    for folio, codigo in (("N262253432", "folio_imss"), ("99999", "folio_invalido")):
        with pytest.raises(ValidationError) as error:
            servicio.registrar(uuid, rfc, bueno, "acuse.pdf", folio)
        assert error.value.code == codigo
    with pytest.raises(ValidationError) as error:
        servicio.registrar(uuid, rfc, bueno, "acuse.pdf", FOLIO, RECEPCION.replace(hour=9))
    assert error.value.code == "fecha_distinta_del_acuse"
    assert services.sisub.reporte(uuid, ana).estado != PRESENTADO

    # The INFONAVIT's acuse of this RFC (a contract's start above its reception, its client's
    # RFC on the client's line): filed on its reception line's date, on time.
    bueno = acuse_infonavit_pdf(
        rfc=rfc, encabezado=contrato, otras_lineas=(f"RFC del beneficiario: {CLIENTE.rfc}",)
    )
    leido = servicio.leer(uuid, rfc, bueno, "acuse.pdf")
    assert (leido.folio, leido.fecha, leido.faltan) == (FOLIO, RECEPCION, ())
    hecho = servicio.registrar(uuid, rfc, bueno, "acuse.pdf", FOLIO)
    assert (hecho.folio, hecho.presentado, hecho.texto) == (FOLIO, RECEPCION, "Presentado")
    assert services.sisub.reporte(uuid, ana).estado == PRESENTADO


def test_a_scan_is_filed_only_as_stated_with_its_date_typed(services, reporte):
    rfc, _ana, uuid = reporte
    servicio = services.sisub_presentacion
    escaneo = acuse_pdf((), invisibles=_lineas(rfc), escaneo=True)
    assert servicio.leer(uuid, rfc, escaneo, "escaneo.pdf").faltan == ("el RFC", "el periodo")
    with pytest.raises(ValidationError) as error:
        servicio.registrar(uuid, rfc, escaneo, "escaneo.pdf", FOLIO, declarado=True)
    assert error.value.code == "fecha_requerida"
    hecho = servicio.registrar(uuid, rfc, escaneo, "escaneo.pdf", FOLIO, RECEPCION, True)
    assert (hecho.presentado, hecho.texto) == (RECEPCION, "Presentado")


def test_the_constancia_de_firma_is_not_the_infonavits_acuse(services, firmada):
    rfc, ana, _uuid, _contratos, constancia = firmada
    sisub = services.sisub.preparar(rfc, ana, MAYO_AGOSTO).uuid
    for hacer in (
        lambda: services.sisub_presentacion.leer(sisub, rfc, constancia, "constancia.pdf"),
        lambda: services.sisub_presentacion.registrar(
            sisub, rfc, constancia, "constancia.pdf", "18400"
        ),
    ):
        with pytest.raises(ValidationError) as error:
            hacer()
        assert error.value.code == "acuse_es_constancia"
        assert "«constancia.pdf» es la constancia de firma" in error.value.message
