"""An example INFONAVIT acuse of a SISUB, laid out as «Seguimiento a folio» might print it
(written with reportlab; no real acuse is public): the INFONAVIT's heading, the folio and its
estado, the sujeto obligado's RFC and registro patronal, the period and the date of reception.
The tests read it back."""

from __future__ import annotations

import io


def acuse_infonavit_pdf(
    folio: str = "SISUB-2026-0001234",
    rfc: str = "",
    periodo: str = "Mayo - Agosto 2026",
    fecha: str = "15/09/2026 11:20:05",
    registro: str = "",
    estado: str = "Aceptado",
    otras_lineas: tuple[str, ...] = (),
    encabezado: tuple[str, ...] = (
        "INSTITUTO DEL FONDO NACIONAL DE LA VIVIENDA PARA LOS TRABAJADORES",
        "Portal Empresarial - Seguimiento a folio",
        "SISUB - Ley del INFONAVIT articulo 29 Bis",
    ),
) -> bytes:
    """An empty value leaves its line out; ``otras_lineas``: written after the date (a
    contract's start, a subcontratista…); ``encabezado``: the lines above the data."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    salida = io.BytesIO()
    c = canvas.Canvas(salida, pagesize=letter, invariant=1)
    y = 740
    for linea in (
        *encabezado,
        *(
            f"{etiqueta}: {valor}"
            for etiqueta, valor in (
                ("Folio", folio),
                ("Estado", estado),
                ("RFC del sujeto obligado", rfc),
                ("Registro patronal", registro),
                ("Periodo", periodo),
                ("Fecha de recepción", fecha),
            )
            if valor
        ),
        *otras_lineas,
    ):
        c.drawString(60, y, linea)
        y -= 22
    c.showPage()
    c.save()
    return salida.getvalue()
