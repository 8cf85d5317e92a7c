"""An example IMSS acuse de presentación, laid out as the portal's might be (written with
reportlab; no real acuse is public): the contratista and its RFC, the period and the tipo, the
final folio, the date and time of filing (Central Mexico time) and each contract with its IMSS
folio. The screenshots register it; the tests read it back."""

from __future__ import annotations

import io


def acuse_imss_pdf(
    folio: str = "N262253432",
    fecha: str = "15/09/2026 13:45:10",
    contratos: tuple[tuple[str, str, str], ...] = (),
    contratista: str = "",
    rfc: str = "",
    periodo: str = "",
    tipo: str = "Normal",
    otras_lineas: tuple[str, ...] = (),
) -> bytes:
    """``contratos``: (RFC del contratante, nombre, folio IMSS); ``periodo``: as the portal
    writes it («Mayo - Agosto 2026»); an empty value leaves its line out. ``otras_lineas``:
    written after the date (a print date, the folio a Corrección corrects…)."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    salida = io.BytesIO()
    c = canvas.Canvas(salida, pagesize=letter, invariant=1)
    y = 740
    datos = (
        ("Contratista", contratista),
        ("RFC del contratista", rfc),
        ("Periodo", periodo),
        ("Tipo de informativa", tipo),
        ("Folio de la informativa", folio),
        ("Fecha y hora de presentación", fecha),
    )
    for linea in (
        "INSTITUTO MEXICANO DEL SEGURO SOCIAL",
        "Sistema ICSOE",
        "ACUSE DE PRESENTACIÓN DE LA INFORMATIVA CUATRIMESTRAL",
        *(f"{etiqueta}: {valor}" for etiqueta, valor in datos if valor),
        *otras_lineas,
        "Contratos informados",
        "RFC del beneficiario   Nombre   Folio IMSS",
        *(f"{rfc_c}   {nombre}   {folio_imss}" for rfc_c, nombre, folio_imss in contratos),
    ):
        c.drawString(60, y, linea)
        y -= 22
    c.showPage()
    c.save()
    return salida.getvalue()
