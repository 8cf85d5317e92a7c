"""A month's evidence document read for what its text says, as a client's portal reads it:
the kind, the RFC, the period (from a labelled line, never a date), an opinion's sentido and
date, and the warnings a mismatch earns."""

from __future__ import annotations

from datetime import date

import pytest

from icsoe_desktop.domain.evidencias import Mes
from icsoe_desktop.domain.evidencias_lectura import NEGATIVO, OPINION, PAGO, POSITIVO, leer

RFC = "SEM980701STA"
OCTUBRE = Mes(2026, 10)


@pytest.mark.parametrize(
    ("texto", "tipo", "avisos"),
    [
        # The right ones: nothing to warn of.
        (f"Declaración de IVA\nRFC: {RFC}\nMes: Octubre\nEjercicio: 2026", "iva", ()),
        (f"Acuse de recibo\nRFC: {RFC}\nPeriodo: 2026-10", "acuse_iva", ()),
        (f"Línea de captura SIPARE\nRFC: {RFC}\nPeriodo: 10/2026", "sua", ()),
        (f"Pago de aportaciones INFONAVIT\nRFC: {RFC}\nBimestre: 5/2026", "sua", ()),
        (f"Pago de aportaciones\nRFC: {RFC}\nBimestre 5\nEjercicio 2026", "sua", ()),
        (f"Recibo bancario de pago de contribuciones\nRFC: {RFC}", "pago_isr", ()),
        (f"Pago referenciado\nLínea de captura: 0426 ABC\nRFC: {RFC}", "pago_isr", ()),
        # The SAT's acuse prints the línea de captura to pay the declaration: still an acuse.
        (
            f"Acuse de recibo de la declaración\nRFC: {RFC}\nPeriodo: Octubre 2026\n"
            "Línea de captura: 0426 1234 5678",
            "acuse_isr",
            (),
        ),
        (
            "Opinión de cumplimiento de obligaciones en materia de seguridad social (IMSS)\n"
            f"RFC: {RFC}\nEmitida el 3 de noviembre de 2026\nSe emite en sentido positivo",
            "opinion_imss",
            (),
        ),
        # A date is not a period: the presentation day of November says nothing of it.
        (
            f"Acuse de recibo\nRFC: {RFC}\nFecha de presentación: 05/11/2026",
            "acuse_isr",
            ("no dice el periodo",),
        ),
        (
            "",
            "iva",
            ("no tiene texto que leer (¿escaneado?): revisa que sea el documento correcto",),
        ),
        (
            f"Declaración\nRFC del cliente: CLI010101AB1\nRFC: {RFC}\nPeriodo: agosto 2026",
            "iva",
            ("es del periodo agosto de 2026, no de octubre de 2026",),
        ),
        (
            "Declaración anual\nPeriodo: octubre 2026",
            "acuse_isr",
            ("es una declaración, no un acuse", f"no dice el RFC {RFC}"),
        ),
        (
            f"Opinión del cumplimiento\nRFC: {RFC}\nSentido: Positivo",
            "opinion_infonavit",
            ("no dice que sea la opinión del INFONAVIT", "no dice la fecha de la opinión"),
        ),
        (
            f"Opinión del cumplimiento (SAT)\nRFC: {RFC}\nFecha: 31/02/2026 y 01/11/2026",
            "opinion_sat",
            ("no dice el sentido de la opinión (positivo o negativo)",),
        ),
    ],
)
def test_what_a_document_says_and_its_warnings(texto: str, tipo: str, avisos: tuple) -> None:
    assert leer(texto, False, tipo, RFC, OCTUBRE).avisos == avisos


def test_what_is_read_of_an_opinion_and_of_a_payment() -> None:
    opinion = leer(
        "Opinión del cumplimiento de obligaciones fiscales (32-D)\nSAT970701NN3\n"
        f"RFC: {RFC}\nFecha de emisión: 03/11/2026\nEstatus: Negativa",
        False,
        "opinion_sat",
        RFC,
        OCTUBRE,
    )
    assert (opinion.clase, opinion.sentido, opinion.fecha, opinion.rfcs) == (
        OPINION,
        NEGATIVO,
        date(2026, 11, 3),
        (RFC,),
    )
    assert opinion.resumen == f"opinión, en sentido negativo, del 03/11/2026, RFC {RFC}"
    pago = leer(f"Comprobante de pago\nRFC: {RFC}\nPeriodo: 2026-10", False, "sua", RFC, OCTUBRE)
    assert (pago.clase, pago.periodos, pago.sentido) == (PAGO, (OCTUBRE,), None)
    assert POSITIVO != NEGATIVO
    # The app's own constancia, and a document read without the empresa's RFC.
    assert leer("x", True, "iva", RFC, OCTUBRE).avisos[0].startswith("es la constancia")
    sin_rfc = leer("Declaración\nPeriodo: octubre 2026", False, "iva", "", OCTUBRE)
    assert sin_rfc.avisos == () and sin_rfc.resumen == "declaración, periodo 2026-10"
    nada = leer("Factura", False, "iva", RFC, OCTUBRE)
    assert nada.resumen == "documento sin clase"
