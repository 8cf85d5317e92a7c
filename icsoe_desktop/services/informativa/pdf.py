"""A small PDF writer for text documents (the informativa's acuse): no PDF library in the bundle.

Letter pages in the standard fonts every reader has (Helvetica, Helvetica-Bold and Courier, so no
font is embedded), text in Windows-1252 (WinAnsiEncoding: Spanish accents, ñ, «», –), lines
wrapped with Helvetica's real widths, a page number on every page, files attached as embedded
files, and an ``/Info`` dictionary. Streams are not compressed: the output is byte for byte the
same for the same input, which is what lets an acuse be regenerated and compared.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

ANCHO, ALTO = 612.0, 792.0  # Letter, in points
MARGEN = 56.0
_UTIL = ANCHO - 2 * MARGEN

# Advance widths (1/1000 em) of Windows-1252 codes 32 to 255, from Adobe's core font metrics
# (the codes cp1252 leaves undefined are 0: they are never written).
_HELVETICA = (
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, 0,
    556, 0, 222, 556, 333, 1000, 556, 556, 333, 1000, 667, 333, 1000, 0, 611, 0,
    0, 222, 222, 333, 333, 350, 556, 1000, 333, 1000, 500, 333, 944, 0, 500, 667,
    278, 333, 556, 556, 556, 556, 260, 556, 333, 737, 370, 556, 584, 333, 737, 333,
    400, 584, 333, 333, 333, 556, 537, 278, 333, 333, 365, 556, 834, 834, 834, 611,
    667, 667, 667, 667, 667, 667, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278,
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611,
    556, 556, 556, 556, 556, 556, 889, 500, 556, 556, 556, 556, 278, 278, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 584, 611, 556, 556, 556, 556, 500, 556, 500,
)  # fmt: skip
_HELVETICA_BOLD = (
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611,
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556,
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611,
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584, 0,
    556, 0, 278, 556, 500, 1000, 556, 556, 333, 1000, 667, 333, 1000, 0, 611, 0,
    0, 278, 278, 500, 500, 350, 556, 1000, 333, 1000, 556, 333, 944, 0, 500, 667,
    278, 333, 556, 556, 556, 556, 280, 556, 333, 737, 370, 556, 584, 333, 737, 333,
    400, 584, 333, 333, 333, 611, 556, 278, 333, 333, 365, 556, 834, 834, 834, 611,
    722, 722, 722, 722, 722, 722, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278,
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611,
    556, 556, 556, 556, 556, 556, 889, 556, 556, 556, 556, 556, 278, 278, 278, 278,
    611, 611, 611, 611, 611, 611, 611, 584, 611, 611, 611, 611, 611, 556, 611, 556,
)  # fmt: skip
_COURIER = 600  # every glyph
_FUENTES = {"F1": ("Helvetica", _HELVETICA), "F2": ("Helvetica-Bold", _HELVETICA_BOLD)}
_FUENTES_FIJAS = {"F3": "Courier"}


def winansi(texto: str) -> bytes:
    """``texto`` in Windows-1252, controls as spaces; what it cannot hold becomes ``?``."""
    if texto.isascii() and texto.isprintable():  # most text: nothing to clean or compose
        return texto.encode("ascii")
    limpio = "".join(" " if unicodedata.category(c)[0] == "C" else c for c in texto)
    return unicodedata.normalize("NFC", limpio).encode("cp1252", errors="replace")


def _unidades(texto: str, fuente: str) -> int:
    """Width of ``texto`` in ``fuente`` in 1/1000 em: an integer, so the width of words joined
    by a space is the sum of theirs, exactly (no kerning in these fonts)."""
    if fuente in _FUENTES_FIJAS:
        return len(winansi(texto)) * _COURIER
    tabla = _FUENTES[fuente][1]
    return sum(tabla[b - 32] for b in winansi(texto) if b >= 32)


def ancho(texto: str, fuente: str, tamano: float) -> float:
    """Width in points of ``texto`` set in ``fuente`` (F1, F2 or F3) at ``tamano``."""
    return _unidades(texto, fuente) * tamano / 1000


def _literal(datos: bytes) -> bytes:
    """A PDF string literal; the Windows-1252 bytes above 127 go as they are."""
    return b"(" + datos.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _texto_info(texto: str) -> bytes:
    """A text string of ``/Info`` or a file name: UTF-16BE with its mark, in hex (any script)."""
    return b"<FEFF" + texto.encode("utf-16-be").hex().upper().encode("ascii") + b">"


def _cabe(palabra: str, fuente: str, tamano: float, limite: float) -> int:
    """How many leading characters of ``palabra`` fit in ``limite`` points (at least one)."""
    total = 0.0
    for i, caracter in enumerate(palabra):
        total += ancho(caracter, fuente, tamano)
        if total > limite:
            return max(i, 1)
    return len(palabra)


def _partir(texto: str, fuente: str, tamano: float, primera: float, resto: float) -> list[str]:
    """Word-wrap ``texto``: the first line ``primera`` points wide, the others ``resto``; a word
    longer than a whole line is cut between characters."""
    lineas, linea, limite = [], "", primera
    espacio, unidades = _unidades(" ", fuente), 0  # the line's width, kept as words are added
    for palabra in texto.split():
        junto = f"{linea} {palabra}" if linea else palabra
        propias = _unidades(palabra, fuente)
        juntas = unidades + espacio + propias if linea else propias
        if juntas * tamano / 1000 <= limite:  # ancho(junto, …), without measuring it again
            linea, unidades = junto, juntas
            continue
        if linea:
            lineas.append(linea)
            linea, limite = "", resto
        while (corte := _cabe(palabra, fuente, tamano, limite)) < len(palabra):
            lineas.append(palabra[:corte])
            palabra, limite = palabra[corte:], resto
        linea, unidades = palabra, _unidades(palabra, fuente)
    return [*lineas, linea]


@dataclass
class Documento:
    """Pages of text laid out top to bottom, with a new page whenever the current one is full."""

    titulo_documento: str
    productor: str = "icsoe-desktop"
    asunto: str = ""
    fecha: datetime | None = None  # /CreationDate; timezone-aware (a naive one is written as is)
    _paginas: list[list[bytes]] = field(default_factory=list, init=False)
    _y: float = field(default=0.0, init=False)
    _adjuntos: list[tuple[str, str, bytes, str]] = field(default_factory=list, init=False)

    def _renglon(self, alto: float) -> float:
        """The baseline for a line ``alto`` points high, starting a page when it does not fit."""
        if not self._paginas or self._y - alto < MARGEN:
            self._paginas.append([])
            self._y = ALTO - MARGEN
        self._y -= alto
        return self._y

    def _escribir(self, x: float, y: float, fuente: str, tamano: float, texto: str) -> None:
        op = f"BT /{fuente} {tamano:g} Tf {x:.2f} {y:.2f} Td ".encode("ascii")
        self._paginas[-1].append(op + _literal(winansi(texto)) + b" Tj ET")

    def mantener(self, puntos: float) -> None:
        """Start a new page unless ``puntos`` more fit: a heading stays with what follows."""
        if self._paginas and self._y - puntos < MARGEN:
            self._paginas.append([])
            self._y = ALTO - MARGEN

    def espacio(self, puntos: float = 6.0) -> None:
        if self._paginas and self._y - puntos > MARGEN:
            self._y -= puntos

    def parrafo(self, texto: str, fuente: str = "F1", tamano: float = 10.0) -> None:
        for linea in _partir(texto, fuente, tamano, _UTIL, _UTIL):
            self._escribir(MARGEN, self._renglon(tamano * 1.3), fuente, tamano, linea)

    def titulo(self, texto: str) -> None:
        self.parrafo(texto, "F2", 14.0)
        self.espacio(8)

    def encabezado(self, texto: str, tamano: float = 11.5) -> None:
        self.espacio(10)
        self.mantener(5 * tamano)
        self.parrafo(texto, "F2", tamano)
        self.espacio(2)

    def subtitulo(self, texto: str, tamano: float = 10.0) -> None:
        self.espacio(4)
        self.mantener(5 * tamano)
        self.parrafo(texto, "F2", tamano)

    def campo(self, etiqueta: str, valor: str, tamano: float = 10.0) -> None:
        """«Etiqueta: valor», the label in bold and the value wrapped after it."""
        rotulo = f"{etiqueta}: "
        sangria = min(ancho(rotulo, "F2", tamano), _UTIL / 2)
        lineas = _partir(valor or "—", "F1", tamano, _UTIL - sangria, _UTIL)
        y = self._renglon(tamano * 1.3)
        self._escribir(MARGEN, y, "F2", tamano, rotulo)
        self._escribir(MARGEN + sangria, y, "F1", tamano, lineas[0])
        for linea in lineas[1:]:
            self._escribir(MARGEN, self._renglon(tamano * 1.3), "F1", tamano, linea)

    def bloque(self, texto: str, tamano: float = 7.5) -> None:
        """Monospaced text cut every so many characters (a cadena, a sello): read line after
        line, the block gives back ``texto`` exactly."""
        por_linea = int(_UTIL // (_COURIER * tamano / 1000))
        for inicio in range(0, max(len(texto), 1), por_linea):
            linea = texto[inicio : inicio + por_linea]
            self._escribir(MARGEN, self._renglon(tamano * 1.25), "F3", tamano, linea)

    def adjuntar(self, nombre: str, datos: bytes, tipo: str, descripcion: str) -> None:
        """An embedded file (readers list it as an attachment); ``tipo`` is a MIME type."""
        self._adjuntos.append((nombre, tipo, datos, descripcion))

    def pdf(self) -> bytes:
        """The whole file: objects, cross-reference table and trailer."""
        if not self._paginas:
            self._renglon(0)
        fuentes = [*_FUENTES.items(), *((k, (v, None)) for k, v in _FUENTES_FIJAS.items())]
        n_paginas = len(self._paginas)
        primera_pagina = 3 + len(fuentes)  # 1 catalog, 2 page tree, then the fonts
        primer_adjunto = primera_pagina + 2 * n_paginas
        info = primer_adjunto + 2 * len(self._adjuntos)
        objetos: list[bytes] = []
        nombres = b"".join(
            _texto_info(nombre) + f" {primer_adjunto + 2 * i + 1} 0 R ".encode()
            for i, (nombre, *_) in enumerate(self._adjuntos)
        )
        catalogo = b"<< /Type /Catalog /Pages 2 0 R"
        if self._adjuntos:
            catalogo += b" /Names << /EmbeddedFiles << /Names [ " + nombres + b"] >> >>"
        objetos.append(catalogo + b" >>")
        hijos = " ".join(f"{primera_pagina + 2 * i} 0 R" for i in range(n_paginas))
        objetos.append(f"<< /Type /Pages /Kids [ {hijos} ] /Count {n_paginas} >>".encode())
        recursos = " ".join(f"/{clave} {3 + i} 0 R" for i, (clave, _) in enumerate(fuentes))
        for _clave, (base, _tabla) in fuentes:
            objetos.append(
                f"<< /Type /Font /Subtype /Type1 /BaseFont /{base} "
                "/Encoding /WinAnsiEncoding >>".encode()
            )
        for numero, operaciones in enumerate(self._paginas, start=1):
            pie = f"Página {numero} de {n_paginas}"
            x = ANCHO - MARGEN - ancho(pie, "F1", 8)
            pie_op = b"BT /F1 8 Tf %.2f 30 Td " % x + _literal(winansi(pie)) + b" Tj ET"
            objetos.append(
                f"<< /Type /Page /Parent 2 0 R /MediaBox [ 0 0 {ANCHO:g} {ALTO:g} ] "
                f"/Resources << /Font << {recursos} >> >> "
                f"/Contents {primera_pagina + 2 * numero - 1} 0 R >>".encode()
            )
            objetos.append(_flujo(b"", b"\n".join([*operaciones, pie_op])))
        for i, (nombre, tipo, datos, descripcion) in enumerate(self._adjuntos):
            mime = tipo.replace("/", "#2F")
            objetos.append(_flujo(f"/Type /EmbeddedFile /Subtype /{mime} ".encode(), datos))
            objetos.append(
                b"<< /Type /Filespec /F " + _literal(winansi(nombre)) + b" /UF "
                + _texto_info(nombre) + b" /Desc " + _texto_info(descripcion)
                + f" /EF << /F {primer_adjunto + 2 * i} 0 R >> >>".encode()
            )  # fmt: skip
        entradas = b"/Title " + _texto_info(self.titulo_documento)
        entradas += b" /Producer " + _texto_info(self.productor)
        if self.asunto:
            entradas += b" /Subject " + _texto_info(self.asunto)
        if self.fecha is not None:
            entradas += b" /CreationDate " + _literal(_fecha_pdf(self.fecha).encode("ascii"))
        objetos.append(b"<< " + entradas + b" >>")
        return _archivo(objetos, info)


def _flujo(diccionario: bytes, datos: bytes) -> bytes:
    return b"<< " + diccionario + b"/Length %d >>\nstream\n" % len(datos) + datos + b"\nendstream"


def _fecha_pdf(fecha: datetime) -> str:
    """``D:20260514103205-06'00'``: the PDF's date, with the offset when it has one."""
    texto = fecha.strftime("D:%Y%m%d%H%M%S")
    desfase = fecha.utcoffset()
    if desfase is None:
        return texto
    minutos = int(desfase.total_seconds()) // 60
    signo = "+" if minutos >= 0 else "-"
    return texto + f"{signo}{abs(minutos) // 60:02d}'{abs(minutos) % 60:02d}'"


def _archivo(objetos: list[bytes], info: int) -> bytes:
    """Header, numbered objects, the xref table (offsets from the file's start) and trailer."""
    salida = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")  # binary marker: keep it 8-bit clean
    posiciones = []
    for numero, objeto in enumerate(objetos, start=1):
        posiciones.append(len(salida))
        salida += b"%d 0 obj\n" % numero + objeto + b"\nendobj\n"
    inicio_xref = len(salida)
    salida += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objetos) + 1)
    salida += b"".join(b"%010d 00000 n \n" % p for p in posiciones)
    # The same file gets the same ID.
    huella = hashlib.sha256(salida).hexdigest()[:32].upper().encode("ascii")
    salida += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R " % (len(objetos) + 1, info)
    salida += b"/ID [ <" + huella + b"> <" + huella + b"> ] >>\n"
    salida += b"startxref\n%d\n%%%%EOF\n" % inicio_xref
    return bytes(salida)
