"""Only the text a page shows is read from an acuse: text drawn invisible (render mode 3, an OCR
layer over a scan, or 7), kept so across q/Q, is left out and noted; the visible text stays."""

from __future__ import annotations

import io

from pypdf import PdfReader
from reportlab.pdfgen import canvas

from icsoe_desktop.services.informativa.texto_visible import texto_visible


def _pagina(dibujar) -> object:
    salida = io.BytesIO()
    hoja = canvas.Canvas(salida, invariant=1)
    dibujar(hoja)
    hoja.save()
    return PdfReader(io.BytesIO(salida.getvalue())).pages[0]


def _linea(hoja, y: int, texto: str, modo: int) -> None:
    t = hoja.beginText(72, y)
    t.setTextRenderMode(modo)
    t.textLine(texto)
    hoja.drawText(t)


def test_invisible_text_is_left_out_and_noted() -> None:
    def dibujar(hoja) -> None:
        _linea(hoja, 720, "RFC del sujeto obligado: EDE0101018A2", 0)
        hoja.saveState()
        _linea(hoja, 700, "RFC del sujeto obligado: XAXX010101000", 3)  # an OCR layer
        hoja.restoreState()
        _linea(hoja, 680, "Folio aceptado", 0)
        _linea(hoja, 660, "Recorte OTRO2020", 7)

    texto, oculto = texto_visible(_pagina(dibujar))
    assert "EDE0101018A2" in texto and "Folio aceptado" in texto
    assert "XAXX010101000" not in texto and "OTRO2020" not in texto
    assert oculto


def test_a_page_of_visible_text_hides_nothing() -> None:
    texto, oculto = texto_visible(_pagina(lambda h: _linea(h, 720, "Acuse del SISUB", 0)))
    assert "Acuse del SISUB" in texto and not oculto


def test_every_operator_that_shows_text_and_a_form_are_judged_by_their_mode() -> None:
    def dibujar(hoja) -> None:
        hoja.setFont("Helvetica", 12)
        _linea(hoja, 720, "Visible", 0)
        # TJ and «"» drawn invisible, as a forger writes them by hand.
        hoja._code.append("BT /F1 12 Tf 3 Tr 72 600 Td [(ARREGLO) -50 (OCULTO)] TJ ET")
        hoja._code.append('BT /F1 12 Tf 3 Tr 72 580 Td 0 0 (COMILLAS) " ET')
        hoja.beginForm("capa")
        _linea(hoja, 500, "FORMA OCULTA", 3)
        hoja.endForm()
        hoja.doForm("capa")

    texto, oculto = texto_visible(_pagina(dibujar))
    assert "Visible" in texto
    for invisible in ("ARREGLO", "OCULTO", "COMILLAS", "FORMA OCULTA"):
        assert invisible not in texto
    assert oculto
