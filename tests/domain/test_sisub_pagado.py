"""A payment's INFONAVIT amounts read from its text as the SUA's resumen words them (year and
bimestre on the line of the month, the updates' line not taken for the amortización), a bank
receipt that shows none; and Revisar's comparison per registro patronal when the payments name
theirs, an amortización the payment does not show, nothing said within 1 %."""

from __future__ import annotations

from datetime import date

from icsoe_desktop.domain.evidencias_pago import PagoInfonavit, leer_pago
from icsoe_desktop.domain.informativa.modelo import Domicilio, Parte, Periodo
from icsoe_desktop.domain.sisub.modelo import (
    DATOS_CONTINUOS,
    EN_PREPARACION,
    ContratoSisub,
    Importes,
    ReporteSisub,
    TrabajadorSisub,
)
from icsoe_desktop.domain.sisub.pagado import PAGO_DIFERENTE, Pagado
from icsoe_desktop.domain.sisub.revision import Icsoe, revisar

RESUMEN = """REPORTE RESUMEN DE PAGO
Fecha: 12/07/2020  Mes: 12  Bimestre: 6  Año: 2020
Registro Patronal: E60-29854-10-7   Folio: 205482
Para Abono en Cuenta INFONAVIT
Aportación Patronal Sin Crédito      511,261.99
Aportación Patronal con Crédito      134,772.99
Actualización de Aportaciones y Amortizaciones   12.00
Amortización                          482,905.14
SUB TOTAL                           1,128,940.12
"""


def test_the_suas_resumen_read_and_a_bank_receipt_shows_nothing() -> None:
    pago = leer_pago(RESUMEN)
    assert pago == PagoInfonavit(51_126_199, 13_477_299, 48_290_514, (2020, 6), "E6029854107")
    assert pago.texto == (
        "INFONAVIT: aportaciones $646,034.98 (sin crédito $511,261.99, con crédito "
        "$134,772.99), amortizaciones $482,905.14"
    )
    assert leer_pago("Comprobante de pago SIPARE\nImporte: $1,128,940.12") is None
    # The bimestre without its year, none elsewhere: not placed by the text.
    assert leer_pago("Bimestre: 2\nAportación patronal sin crédito 10.00").bimestre is None


def _reporte() -> ReporteSisub:
    filas = [
        ("a", "Y5412345105", Importes(aportacion=100_000, amortizacion=30_000)),
        ("b", "Y5412345105", Importes(aportacion=50_000)),
        ("c", "B1234567105", Importes(aportacion=70_000)),
    ]
    contrato = ContratoSisub(
        "k", "S-1", Parte("CNT010101A14", "Cliente Uno", Domicilio()), "Limpieza", "Limpieza",
        date(2026, 2, 1), None, Domicilio(), False,
        tuple(TrabajadorSisub(u, "k", 3, "15476040397", "", "ANA", r, i, "1 recibo CFDI", False)
              for u, r, i in filas),
    )  # fmt: skip
    return ReporteSisub(
        "r", "SEM980701STA", "Servicios", Periodo(2026, 2), DATOS_CONTINUOS, EN_PREPARACION,
        (contrato,),
    )  # fmt: skip


def _avisos(*pagados: Pagado) -> list[str]:
    problemas = revisar(_reporte(), Icsoe(None), pagados=pagados)
    return [p.mensaje for p in problemas if p.codigo == PAGO_DIFERENTE]


def test_each_registro_is_compared_with_its_own_payment() -> None:
    uno = PagoInfonavit(100_500, 50_000, 30_000, (2026, 3), "Y5412345105")
    # Only Y54's payment: compared with Y54's workers alone, within 1 %.
    assert _avisos(Pagado("y54.pdf", "2026-06", 3, uno)) == []
    # Without its amortización: the report's is said, with what the payment shows.
    sin = PagoInfonavit(100_000, 50_000, 0, None, "Y5412345105")
    (aviso,) = _avisos(Pagado("y54.pdf", "2026-06", 3, sin))
    assert aviso.startswith(
        "Las amortizaciones del bimestre 3 (may–jun 2026) del registro patronal Y5412345105 "
        "suman $300.00 en el reporte y $0.00 en el pago «y54.pdf» (evidencia de 2026-06): el "
        "pago no muestra ninguna."
    )
    # Both registros' payments: the report's whole bimestre, each file named.
    b12 = PagoInfonavit(80_000, 0, 0, None, "B1234567105")
    (aviso,) = _avisos(Pagado("y54.pdf", "2026-06", 3, uno), Pagado("b12.pdf", "2026-06", 3, b12))
    assert aviso.startswith(
        "Las aportaciones del bimestre 3 (may–jun 2026) de los registros patronales "
        "B1234567105, Y5412345105 suman $2,200.00 en el reporte y $2,305.00 en el pago "
        "«y54.pdf» (evidencia de 2026-06) y «b12.pdf» (evidencia de 2026-06): difieren 4.6 %"
    )
