"""An example IMSS acuse de presentación, laid out as the portal's (written with reportlab): the
final folio, the date and time of filing (Central Mexico time) and each contract with its IMSS
folio. The screenshots register it; the tests read it back."""

from __future__ import annotations

import io


def acuse_imss_pdf(
    folio: str = "N262253432",
    fecha: str = "15/09/2026 13:45:10",
    contratos: tuple[tuple[str, str, str], ...] = (),
    contratista: str = "",
) -> bytes:
    """``contratos``: (RFC del contratante, nombre, folio IMSS)."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    salida = io.BytesIO()
    c = canvas.Canvas(salida, pagesize=letter, invariant=1)
    y = 740
    for linea in (
        "INSTITUTO MEXICANO DEL SEGURO SOCIAL",
        "Sistema de Información de Subcontratación ICSOE",
        "ACUSE DE PRESENTACIÓN DE LA INFORMATIVA CUATRIMESTRAL",
        f"Contratista: {contratista}",
        f"Folio de la informativa: {folio}",
        f"Fecha y hora de presentación: {fecha}",
        "Contratos informados",
        "RFC del beneficiario   Nombre   Folio IMSS",
        *(f"{rfc}   {nombre}   {folio_imss}" for rfc, nombre, folio_imss in contratos),
    ):
        c.drawString(60, y, linea)
        y -= 22
    c.showPage()
    c.save()
    return salida.getvalue()
