"""Acuses as a forger or a scanner makes them, for the tests: lines written with the app's
DejaVu font (which draws Cyrillic and Greek look-alikes), a text layer drawn invisible (render
mode 3, as OCR puts it over a scanned image) and the image it lies over."""

from __future__ import annotations

import io

# Latin capitals and the Cyrillic letters that look like them.
PARECIDAS = str.maketrans("AEOPCXHKMT", "АЕОРСХНКМТ")
INFONAVIT = (
    "INSTITUTO DEL FONDO NACIONAL DE LA VIVIENDA PARA LOS TRABAJADORES",
    "Portal Empresarial - Seguimiento a folio",
    "SISUB - Ley del INFONAVIT articulo 29 Bis",
)


def parecido(rfc: str) -> str:
    """``rfc`` with its look-alike letters Cyrillic: the same on screen, another string."""
    hecho = rfc.translate(PARECIDAS)
    assert hecho != rfc
    return hecho


def acuse_pdf(
    visibles: tuple[str, ...], invisibles: tuple[str, ...] = (), escaneo: bool = False
) -> bytes:
    """A page with ``visibles`` drawn, ``invisibles`` in an invisible text layer, over a
    grey image when ``escaneo``."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    from icsoe_desktop.paths import asset_dir

    if "PruebaDejaVu" not in pdfmetrics.getRegisteredFontNames():
        ruta = asset_dir("resources") / "fuentes" / "DejaVuSans.ttf"
        pdfmetrics.registerFont(TTFont("PruebaDejaVu", str(ruta)))
    salida = io.BytesIO()
    c = canvas.Canvas(salida, invariant=1)
    if escaneo:
        from reportlab.lib.utils import ImageReader

        gris = _imagen_gris()
        c.drawImage(ImageReader(io.BytesIO(gris)), 40, 300, 500, 480)
    c.setFont("PruebaDejaVu", 10)
    for i, linea in enumerate(visibles):
        c.drawString(60, 740 - 20 * i, linea)
    if invisibles:
        c.saveState()
        texto = c.beginText(60, 730)
        texto.setFont("PruebaDejaVu", 10)
        texto.setTextRenderMode(3)
        for linea in invisibles:
            texto.textLine(linea)
        c.drawText(texto)
        c.restoreState()
    c.showPage()
    c.save()
    return salida.getvalue()


def _imagen_gris() -> bytes:
    """A small grey PNG (a scanned page's stand-in), made with the standard library."""
    import struct
    import zlib

    ancho, alto = 8, 8
    filas = b"".join(b"\x00" + b"\xc0" * ancho for _ in range(alto))

    def trozo(tipo: bytes, datos: bytes) -> bytes:
        return (
            struct.pack(">I", len(datos))
            + tipo
            + datos
            + struct.pack(">I", zlib.crc32(tipo + datos) & 0xFFFFFFFF)
        )

    cabecera = struct.pack(">IIBBBBB", ancho, alto, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + trozo(b"IHDR", cabecera)
        + trozo(b"IDAT", zlib.compress(filas))
        + trozo(b"IEND", b"")
    )
