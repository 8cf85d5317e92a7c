"""The pages of the constancia de firma, drawn with reportlab from the sealed data alone (the
cadena original, the signer's certificate): the same data always give the same bytes, so that
verifying can draw them again and compare them with what was signed (taking each page's
compressed content from the signed file when it inflates to exactly the one drawn).

Letter pages. The first ones say what was signed (contratista, informativa, date and time of
signing, contracts, certificate, cadena original and sello); then an annex per contract lists
its workers (NSS, CURP, SBC, as the cadena holds them) in three columns, or in two with each
worker's name when the constancia carries the names (``Campos.nombres``). From version 4 the
annex is where the workers are kept: each name whole (narrowed when too wide, never cut), the
names' characters given their codes first, and ``leer_anexo`` reads the rows and names back.
DejaVu Sans and Sans Mono (resources/fuentes, Bitstream Vera licence) are embedded as
subsets: every accent and name people have is drawn as written. In training every page carries the mark
«CAPACITACIÓN — SIN VALIDEZ» across it.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import threading
import zlib
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

# isort: off
import icsoe_desktop.services.pades  # noqa: F401  (first: Pillow's stand-in for reportlab)
from reportlab import rl_config
from reportlab.lib.rl_accel import fp_str, instanceStringWidthTTF
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfdoc import PDFDictionary, PDFPage, PDFStream, PDFStreamFilterZCompress
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject

# isort: on
from icsoe_desktop.domain.informativa.cadena import Campos, juntos
from icsoe_desktop.domain.informativa.modelo import TIPOS

# Flate alone: reportlab would wrap each stream in ASCII85 too (a quarter bigger, slower).
rl_config.useA85 = 0

TITULO = "Constancia de firma de la informativa"
TITULO_LARGO = (
    "Constancia de firma de la informativa de contratos de servicios u obras especializados (ICSOE)"
)
MARCA = "CAPACITACIÓN — SIN VALIDEZ"
ANCHO, ALTO = 612.0, 792.0  # Letter
MARGEN = 42.0
_UTIL = ANCHO - 2 * MARGEN
_SANS, _NEGRITA, _MONO = "DejaVuSans", "DejaVuSans-Bold", "DejaVuSansMono"
# The annex: three columns of 46 monospaced characters a row.
_FILA_TAM, _FILA_ALTO, _COLUMNAS = 6.2, 7.4, 3
_FILAS_COLUMNA = int((ALTO - 2 * MARGEN - 44) // _FILA_ALTO)
_ENCABEZADO_FILA = f"{'No.':>5} {'NSS':<11} {'CURP':<18} {'SBC':>9}"
_RENGLON = "%5d %-11s %-18s %9s"  # a worker's row: its number, NSS, CURP, SBC
_FILA_PDF = f"({_RENGLON}) Tj T*"  # and its code
_IMPRIMIBLES = frozenset(map(chr, range(32, 127)))  # printable ASCII
_SIN_ESCAPE = bytes(range(32, 127)).translate(None, b"\\()")  # and of those, what PDF escapes not
# With the names: two columns, each row followed by its name (DejaVu Sans: every script the
# contratista's name may have; condensed to 88 %, as DejaVu Sans Condensed is) two characters
# after the row's 46 (the monospaced font's advance is 0.602 em), cut to what is left of the
# column but a gap.
_COLUMNAS_NOMBRES, _ESCALA_NOMBRE = 2, 88
_X_NOMBRE = 48 * 0.602 * _FILA_TAM
_ANCHO_NOMBRE = (_UTIL / _COLUMNAS_NOMBRES - _X_NOMBRE - 2) * 100 / _ESCALA_NOMBRE

_fuentes_listas = False
_cerrojo = threading.Lock()  # the fonts registered once; SOURCE_DATE_EPOCH set for one canvas


class _Fuente(TTFont):  # type: ignore[misc]  # reportlab is untyped
    """DejaVu with reportlab's own text splitting, short-cut for printable ASCII (the annex's
    NSS, CURP and SBC: hundreds of thousands of lines): reportlab maps those characters to
    themselves in the first subset (``asciiReadable``), so their codes are their bytes; and for
    text whose every character already has its code in the first subset (the headers and
    footers every page repeats). The result is the one reportlab's character loop gives (tests
    compare the PDFs)."""

    def splitString(
        self, text: str, doc: object, encoding: str = "utf-8"
    ) -> list[tuple[int, bytes]]:
        if text and text.isascii() and self.propios(doc).issuperset(text):
            return [(0, text.encode("ascii"))]
        state = self.state.get(doc)
        if state is not None and text and "\xa0" not in text:  # reportlab draws it as a space
            codigos = list(map(state.assignments.get, map(ord, text)))
            if None not in codigos and max(codigos) < 256:
                return [(0, bytes(codigos))]
        resultado: list[tuple[int, bytes]] = super().splitString(text, doc, encoding)
        return resultado

    def propios(self, doc: object) -> frozenset[str]:
        """The printable ASCII characters whose code in ``doc``'s first subset is themselves."""
        state = self.state.get(doc)
        if state is None:
            return frozenset()
        propios: frozenset[str] | None = getattr(state, "_ascii_propios", None)
        if propios is None:
            propios = state._ascii_propios = frozenset(
                c for c in _IMPRIMIBLES if state.assignments.get(ord(c)) == ord(c)
            )
        return propios

    def escapados(
        self, doc: object, escapar: Callable[[bytes], str]
    ) -> tuple[dict[int, str], frozenset[str]]:
        """Each character that has its code in ``doc``'s first subset, and the code as a PDF
        string writes it (``escapar``: the canvas's): a text of those characters alone (the
        set) is written with ``str.translate`` of this table. Made again once one is added."""
        state = self.state.get(doc)
        if state is None:
            return {}, frozenset()
        asignados = state.assignments
        hecho: tuple[dict[int, str], frozenset[str]] | None = getattr(state, "_escapados", None)
        if hecho is None or state._escapados_de != len(asignados):
            tabla = {c: escapar(bytes([n])) for c, n in asignados.items() if n < 256}
            hecho = state._escapados = tabla, frozenset(map(chr, tabla))
            state._escapados_de = len(asignados)
        return hecho


def _fuentes() -> None:
    global _fuentes_listas
    if _fuentes_listas:
        return
    from icsoe_desktop.paths import asset_dir

    carpeta = asset_dir("resources") / "fuentes"
    for nombre in (_SANS, _NEGRITA, _MONO):
        pdfmetrics.registerFont(_Fuente(nombre, str(carpeta / f"{nombre}.ttf")))
    _fuentes_listas = True


def fecha_hora(momento: datetime) -> str:
    """«14/05/2026 10:32:05 (UTC-06:00)»: the time as signed, with its offset."""
    desfase = momento.strftime("%z")
    return f"{momento:%d/%m/%Y %H:%M:%S} (UTC{desfase[:3]}:{desfase[3:]})"


def _canvas(salida: io.BytesIO, firmada: datetime) -> Canvas:
    """An invariant canvas (no random /ID, no clock) dated at the signing time."""
    previo = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(int(firmada.timestamp()))
    try:
        return Canvas(
            salida,
            pagesize=(ANCHO, ALTO),
            pageCompression=1,
            invariant=1,
            initialFontName=_SANS,
            initialFontSize=9,
            lang="es-MX",
        )
    finally:
        if previo is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previo


class _Hoja:
    """Text laid out top to bottom over pages, a new one whenever the current is full."""

    def __init__(
        self,
        canvas: Canvas,
        pie: str,
        capacitacion: bool,
        paginas: int,
        flate: PDFStreamFilterZCompress | None = None,
    ) -> None:
        self.c, self.pie, self.capacitacion, self.total = canvas, pie, capacitacion, paginas
        self.numero, self.y, self.flate = 0, 0.0, flate
        self.fijas: Fijas = {}

    def pagina(self) -> None:
        if self.numero:
            self.c.showPage()
            if self.flate is not None:
                _comprimida(self.c, self.flate)
        self.numero += 1
        if self.capacitacion:  # across the page, and as a line a text reader finds
            self.c.doForm("marca")
            self.c.saveState()
            self.c.setFillColorRGB(0.75, 0.1, 0.1)
            self.c.setFont(_NEGRITA, 9)
            self.c.drawCentredString(ANCHO / 2, ALTO - 26, MARCA)
            self.c.restoreState()
        self.c.setFont(_SANS, 7)
        _escribir(
            self.c, ANCHO - MARGEN, 24, f"{self.pie} · Página {self.numero} de {self.total}", 1
        )
        self.y = ALTO - MARGEN

    def renglon(self, alto: float) -> float:
        if not self.numero or self.y - alto < MARGEN:
            self.pagina()
        self.y -= alto
        return self.y

    def parrafo(self, texto: str, fuente: str = _SANS, tam: float = 9.5) -> None:
        for linea in _partir(self.c, texto, fuente, tam):
            y = self.renglon(tam * 1.3)
            self.c.setFont(fuente, tam)
            _escribir(self.c, MARGEN, y, linea)

    def encabezado(self, texto: str) -> None:
        if self.numero and self.y - 60 < MARGEN:
            self.pagina()
        self.y -= 8
        self.parrafo(texto, _NEGRITA, 11)
        self.y -= 2

    def campo(self, etiqueta: str, valor: str) -> None:
        self.parrafo(f"{etiqueta}: {valor or '—'}")

    def bloque(self, texto: str, tam: float = 7.0) -> None:
        """Monospaced, cut every so many characters: read in order it gives ``texto`` back."""
        por_linea = int(_UTIL // pdfmetrics.stringWidth("0", _MONO, tam))
        for inicio in range(0, max(len(texto), 1), por_linea):
            y = self.renglon(tam * 1.25)
            self.c.setFont(_MONO, tam)
            _escribir(self.c, MARGEN, y, texto[inicio : inicio + por_linea])


def _escribir(c: Canvas, x: float, y: float, texto: str, derecha: int = 0) -> None:
    """``c.drawString`` (``derecha``: ``drawRightString``) of ``texto`` in the canvas's font:
    when its characters all have their codes in one subset of the font, the code reportlab
    writes for it, without making a text object (a line's code is a third of drawing it, and
    every page of the annex has its footer and headings: tests compare the PDFs)."""
    fuente = pdfmetrics.getFont(c._fontname)
    partes = (
        fuente.splitString(texto, c._doc)
        if texto and c.bottomup and isinstance(fuente, _Fuente)
        else ()
    )
    if len(partes) != 1:
        (c.drawRightString if derecha else c.drawString)(x, y, texto)
        return
    if derecha:
        x -= fuente.stringWidth(texto, c._fontsize)
    subconjunto, codigos = partes[0]
    nombre = fuente.getSubsetInternalName(subconjunto, c._doc)
    c._code.append(
        f"BT 1 0 0 1 {fp_str(x, y)} Tm {nombre} {fp_str(c._fontsize)} Tf "
        f"{fp_str(c._leading)} TL ({c._escape(codigos)}) Tj T* ET"
    )


def _partir(c: Canvas, texto: str, fuente: str, tam: float) -> list[str]:
    """Word-wrap to the page's width; a word longer than a line is cut between characters."""
    lineas, linea = [], ""
    for palabra in texto.split():
        junto = f"{linea} {palabra}" if linea else palabra
        if c.stringWidth(junto, fuente, tam) <= _UTIL:
            linea = junto
            continue
        if linea:
            lineas.append(linea)
        while c.stringWidth(palabra, fuente, tam) > _UTIL:
            corte = max(1, int(len(palabra) * _UTIL / c.stringWidth(palabra, fuente, tam)))
            lineas.append(palabra[:corte])
            palabra = palabra[corte:]
        linea = palabra
    return [*lineas, linea]


def _fecha(dia: date | None) -> str:
    return f"{dia:%d/%m/%Y}" if dia else "—"


def _documento(salida: io.BytesIO, sellada: Campos) -> Canvas:
    inf, firmada = sellada.informativa, sellada.firmada
    assert firmada is not None
    with _cerrojo:
        _fuentes()
        c = _canvas(salida, firmada)
    c.setTitle(TITULO_LARGO)
    c.setAuthor(inf.contratista.nombre)
    c.setSubject(f"{inf.contratista.rfc}, {inf.periodo.texto}")
    c.setCreator("icsoe-desktop")
    c.setProducer("icsoe-desktop")
    if sellada.capacitacion:  # one shared drawing, placed on every page
        c.beginForm("marca")
        c.saveState()
        c.setFillColorRGB(0.95, 0.68, 0.68)  # light, drawn first: under the text
        c.translate(ANCHO / 2, ALTO / 2)
        c.rotate(45)
        c.setFont(_NEGRITA, 34)
        c.drawCentredString(0, -14, MARCA)
        c.restoreState()
        c.endForm()
    return c


def dibujar(
    sellada: Campos,
    cadena: str,
    sello: str,
    no_certificado: str,
    titular: str,
    firmadas: bytes | None = None,
    caracteres: str | None = None,
    leidos: Leidos | None = None,
) -> bytes:
    """The constancia's pages (unsigned) from its sealed data (``leer_campos`` of ``cadena``).
    ``firmadas``: the pages as signed, when verifying (see ``_Flate``; ``leidos``: what
    ``leer_anexo`` found in them). ``caracteres``: the
    workers are in the annex only (version 4; ``caracteres_del_anexo``): their names whole,
    narrowed to fit, never cut, and those characters given the name font's first codes, so
    that the rows and the names read back (``leer_anexo``); ``NoCabe`` for a name too long."""
    filas_en_anexo = caracteres is not None
    if sellada.firmada is None:
        raise ValueError("cadena sin fecha de firma")
    inf = sellada.informativa
    por_pagina = _FILAS_COLUMNA * _columnas(sellada)
    anexo = [
        (i, desde)
        for i, campos in enumerate(sellada.trabajadores)
        for desde in range(0, len(campos) // 3, por_pagina)
    ]
    pie = f"{TITULO} ICSOE · {inf.contratista.rfc} · {inf.periodo.clave}"
    # The first pages are laid out once to count them: every footer says «de N».
    cuenta = _Hoja(_documento(io.BytesIO(), sellada), pie, sellada.capacitacion, 0)
    _portada(cuenta, sellada, cadena, sello, no_certificado, titular, filas_en_anexo)
    salida = io.BytesIO()
    c = _documento(salida, sellada)
    if caracteres:  # before any text: their codes depend on nothing else
        pdfmetrics.getFont(_SANS).splitString(caracteres, c._doc)
    flate = _ZLIB if firmadas is None else _Flate(firmadas, leidos)
    hoja = _Hoja(c, pie, sellada.capacitacion, cuenta.numero + len(anexo), flate)
    _portada(hoja, sellada, cadena, sello, no_certificado, titular, filas_en_anexo)
    # Each name cut to its column once; or, whole, each of their words measured once.
    cortes: dict[str, str] | _Lineas = _Lineas() if filas_en_anexo else {}
    for indice, desde in anexo:
        _anexo(hoja, sellada, indice, desde, cortes, filas_en_anexo)
    del cortes  # a line per name cut: let go before the file is written
    c.showPage()
    _comprimida(c, flate)
    datos: bytes = c.getpdfdata()  # what save() writes, without a copy in ``salida``
    return datos


# Where a page's compressed content is in the pages as signed (its start and end), by the
# SHA-256 of what it inflates to.
Leidos = dict[bytes, tuple[int, int]]
# How reportlab writes a page's compressed content (Flate alone: no ASCII85).
_FLUJO = re.compile(rb"/Filter \[ /FlateDecode \] /Length ([0-9]{1,10})\n>>\nstream\n")


class _Flate(PDFStreamFilterZCompress):  # type: ignore[misc]  # reportlab is untyped
    """reportlab's Flate filter, which takes a content's compressed bytes from the pages as
    signed when there they inflate to exactly that content, instead of compressing it again
    (zlib's work is most of drawing a big annex). What is drawn is still compared byte for byte
    with the pages as signed; those bytes show exactly what the sealed data draw. ``leidos``:
    the contents ``leer_anexo`` inflated, by SHA-256, where they are (not inflated again)."""

    def __init__(self, firmadas: bytes, leidos: Leidos | None = None) -> None:
        self._firmadas, self._leidos = firmadas, leidos
        # A zlib stream ends with the Adler-32 of what it holds: candidates without inflating.
        self._por_suma: dict[int, list[tuple[int, int]]] = {}
        for m in () if leidos is not None else _FLUJO.finditer(firmadas):
            inicio, fin = m.end(), m.end() + int(m.group(1))
            if fin - inicio > 6 and fin <= len(firmadas):
                suma = int.from_bytes(firmadas[fin - 4 : fin], "big")
                self._por_suma.setdefault(suma, []).append((inicio, fin))

    def encode(self, text: str | bytes) -> bytes:
        contenido = text.encode("utf8") if isinstance(text, str) else text
        if self._leidos is not None:
            donde = self._leidos.get(hashlib.sha256(contenido).digest())
            return zlib.compress(contenido) if donde is None else self._firmadas[slice(*donde)]
        for inicio, fin in self._por_suma.get(zlib.adler32(contenido), [])[:2]:
            datos = self._firmadas[inicio:fin]
            if _inflado(datos, len(contenido)) == contenido:
                return datos
        return zlib.compress(contenido)


def _inflado(datos: bytes, tope: int) -> bytes | None:
    """What a whole zlib stream holds, when that is at most ``tope`` bytes and nothing follows."""
    flujo = zlib.decompressobj()
    try:
        salida = flujo.decompress(datos, tope + 1)
    except zlib.error:
        return None
    completo = flujo.eof and not flujo.unused_data and not flujo.unconsumed_tail
    return salida if completo and len(salida) <= tope else None


class _Comprimido(PDFStreamFilterZCompress):  # type: ignore[misc]  # reportlab is untyped
    """A content already compressed: reportlab writes these bytes as it."""

    def __init__(self, datos: bytes) -> None:
        self._datos = datos

    def encode(self, text: str | bytes) -> bytes:
        return self._datos


_ZLIB = PDFStreamFilterZCompress()  # reportlab's own, as its pages use it


def _comprimida(c: Canvas, flate: PDFStreamFilterZCompress) -> None:
    """The page just shown, its content compressed now with ``flate`` and the text let go (a
    big annex's pages would hold it all until saved): the stream reportlab's
    PDFPage.check_format makes of it, with the same bytes."""
    pagina = c._doc.Pages.pages[-1]
    if pagina.Contents is None and pagina.stream and pagina.compression:
        flujo = PDFStream(content=b"", filters=[_Comprimido(flate.encode(pagina.stream))])
        flujo.__Comment__ = "page stream"
        pagina.Contents, pagina.stream = flujo, None
        pagina.__class__ = _Pagina


class _Pagina(PDFPage):  # type: ignore[misc]  # reportlab is untyped
    """A page whose dictionary holds nothing but its content, size, rotation, fonts and
    procedures (the annex's thousands): the bytes reportlab wrote for the first such page of
    the document, with this one's content's object number; any other page as reportlab
    writes it."""

    def format(self, document: object) -> bytes:
        clave = self._clave()
        plantillas: dict[tuple[object, ...], tuple[bytes, bytes]] = document.__dict__.setdefault(
            "_paginas_iguales", {}
        )
        if clave is None or (plantilla := plantillas.get(clave)) is None:
            escrita: bytes = super().format(document)
            if clave is not None:
                marca = self._contenido(document)
                if escrita.count(marca) == 1:
                    antes, despues = escrita.split(marca)
                    plantillas[clave] = antes, despues
            return escrita
        # As reportlab's: the content's object number is given now.
        return plantilla[0] + self._contenido(document) + plantilla[1]

    def _contenido(self, document: Any) -> bytes:  # reportlab's PDFDocument, untyped
        referencia = document.Reference(self.Contents)
        numero, version = document.idToObjectNumberAndVersion[referencia.name]
        return b"/Contents %d %d R" % (numero, version)

    def _clave(self) -> tuple[object, ...] | None:
        """What, but its content, its dictionary is made of; None for a page with more."""
        otros = ("Parent", "MediaBox", "Resources", "XObjects", "ExtGState", "Annots")
        if self.Override_default_compilation or any(getattr(self, k, None) for k in otros):
            return None
        if not isinstance(self.Contents, PDFStream) or self._shadingUsed or self._colorsUsed:
            return None
        resto = set(self.__NoDefault__) - {"Contents", "Rotate", "Trans", *otros}
        if any(getattr(self, k, None) is not None for k in resto):
            return None
        if not (isinstance(self.Trans, PDFDictionary) and not self.Trans.dict):
            return None
        return self.pagewidth, self.pageheight, self.Rotate, bool(self.hasImages)


def _portada(
    hoja: _Hoja,
    sellada: Campos,
    cadena: str,
    sello: str,
    no_certificado: str,
    titular: str,
    filas_en_anexo: bool,
) -> None:
    inf, firmada = sellada.informativa, sellada.firmada
    assert firmada is not None
    hoja.parrafo(TITULO_LARGO, _NEGRITA, 13)
    hoja.y -= 6
    if sellada.capacitacion:
        hoja.parrafo(
            f"{MARCA}: firmada en el modo de capacitación con una e.firma de práctica.",
            _NEGRITA,
            10,
        )
    hoja.parrafo(
        "La contratista aprobó y firmó con su e.firma la informativa que se describe, antes de "
        "presentarla en el portal del IMSS (el acuse de presentación lo emite ese portal). La "
        "firma electrónica de este PDF y el sello digital de su cadena original pueden "
        "verificarse en cualquier momento; los datos firmados van adjuntos "
        + (
            "(constancia-icsoe.json), los de los trabajadores en el anexo."
            if filas_en_anexo
            else "(constancia-icsoe.json)."
        )
    )
    hoja.encabezado("Contratista")
    hoja.campo("RFC", inf.contratista.rfc)
    hoja.campo("Nombre, denominación o razón social", inf.contratista.nombre)
    hoja.encabezado("Informativa")
    hoja.campo("Periodo", f"{inf.periodo.texto} ({inf.periodo.clave})")
    hoja.campo("Tipo", TIPOS.get(inf.tipo, inf.tipo))
    if inf.complementa:
        hoja.campo("Complementa a la informativa", inf.complementa)
    hoja.campo("Identificador", inf.uuid)
    hoja.campo("Fecha y hora de firma", fecha_hora(firmada))
    hoja.campo("Total de trabajadores", f"{sellada.numero_trabajadores:,}")
    hoja.encabezado(f"Contratos ({len(inf.contratos)})")
    if not inf.contratos:
        hoja.parrafo("Sin contratos celebrados en el periodo.")
    for numero, (k, campos) in enumerate(
        zip(inf.contratos, sellada.trabajadores, strict=True), start=1
    ):
        hoja.parrafo(f"Contrato {numero} de {len(inf.contratos)}", _NEGRITA, 9.5)
        hoja.campo("Contratante", f"{k.contratante.rfc} — {k.contratante.nombre}")
        hoja.campo("Objeto del contrato", k.objeto)
        hoja.campo("Folio REPSE", k.folio_repse)
        hoja.campo("Servicio u obra autorizado", k.descripcion_servicio)
        hoja.campo("Vigencia", f"{_fecha(k.fecha_inicial)} a {_fecha(k.fecha_final)}")
        hoja.campo("Número de trabajadores", f"{len(campos) // 3:,} (en el anexo)")
    hoja.encabezado("Firma electrónica")
    hoja.campo("Número de certificado", no_certificado)
    hoja.campo("Titular del certificado", titular)
    hoja.parrafo("Cadena original", _NEGRITA, 9.5)
    donde = "el adjunto y el anexo" if filas_en_anexo else "el adjunto"
    hoja.bloque(cadena if len(cadena) <= 6000 else f"{cadena[:6000]} … (completa en {donde})")
    hoja.parrafo("Sello digital", _NEGRITA, 9.5)
    hoja.bloque(sello)


def _anexo(
    hoja: _Hoja,
    sellada: Campos,
    indice: int,
    desde: int,
    cortes: dict[str, str] | _Lineas,
    enteros: bool,
) -> None:
    inf = sellada.informativa
    k, campos = inf.contratos[indice], sellada.trabajadores[indice]
    listados, columnas = len(campos) // 3, _columnas(sellada)
    filas = campos[3 * desde : 3 * (desde + _FILAS_COLUMNA * columnas)]
    hoja.pagina()
    c = hoja.c
    c.setFont(_NEGRITA, 8.5)
    _escribir(
        c,
        MARGEN,
        ALTO - MARGEN - 8,
        f"Anexo · Contrato {indice + 1} de {len(inf.contratos)}: {k.contratante.rfc} — "
        f"{k.contratante.nombre}"[:150],
    )
    c.setFont(_SANS, 7)
    _escribir(
        c,
        MARGEN,
        ALTO - MARGEN - 20,
        f"Folio REPSE {k.folio_repse} · trabajadores {desde + 1:,} a "
        f"{desde + len(filas) // 3:,} de {listados:,}",
    )
    y0 = ALTO - MARGEN - 40
    for columna in range(columnas):
        bloque = filas[3 * columna * _FILAS_COLUMNA : 3 * (columna + 1) * _FILAS_COLUMNA]
        if not bloque:
            break
        x, primero = MARGEN + columna * _UTIL / columnas, desde + columna * _FILAS_COLUMNA
        texto = c.beginText(x, y0)
        texto.setFont(_MONO, _FILA_TAM, _FILA_ALTO)
        _linea_fija(texto, _ENCABEZADO_FILA, hoja.fijas)
        _renglones(texto, primero + 1, bloque)
        c.drawText(texto)
        if sellada.nombres is not None:
            nombres = sellada.nombres[indice][primero : primero + len(bloque) // 3]
            texto = c.beginText(x + _X_NOMBRE, y0)
            c.drawText(_nombres(texto, nombres, cortes, enteros, hoja.fijas))


# The code of a line every column repeats, by its font, size, leading and text.
Fijas = dict[tuple[str, float, float, str], tuple[str, int]]


def _linea_fija(texto: PDFTextObject, linea: str, fijas: Fijas) -> None:
    """``texto.textLine(linea)`` of a heading every column of the annex repeats (thousands),
    right after ``setFont``: the code reportlab wrote for it the first time, written again (its
    characters have their codes by then, and a code, once given, stays: the same bytes)."""
    clave = (texto._fontname, texto._fontsize, texto._leading, linea)
    hecha = fijas.get(clave)
    if hecha is None or texto._curSubset != -1 or not texto._canvas.bottomup:
        antes, n = texto._curSubset, len(texto._code)
        texto.textLine(linea)
        if antes == -1 and len(texto._code) == n + 1:
            fijas[clave] = texto._code[-1], texto._curSubset
        return
    texto._x = texto._x0  # as textLine moves the cursor
    texto._y = texto._y0 = texto._y - texto._leading
    texto._code.append(hecha[0])
    texto._curSubset = hecha[1]


def _columnas(sellada: Campos) -> int:
    return _COLUMNAS if sellada.nombres is None else _COLUMNAS_NOMBRES


def _nombres(
    texto: PDFTextObject,
    nombres: Sequence[str],
    cortes: dict[str, str] | _Lineas,
    enteros: bool = False,
    fijas: Fijas | None = None,
) -> PDFTextObject:
    """The «Nombre» column: each name on its worker's row, one too wide cut with «…» (``cortes``:
    the names already cut, by name) or, ``enteros``, narrowed to fit (``cortes``: a
    ``_Lineas``); a worker without a name, an empty line. When every character of the column
    already has its code in the font's first subset, in use, the lines are written at once:
    the code reportlab writes line by line (every name a constancia carries, hundreds of
    thousands)."""
    texto.setFont(_SANS, _FILA_TAM, _FILA_ALTO)
    texto.setHorizScale(_ESCALA_NOMBRE)
    _linea_fija(texto, "Nombre", {} if fijas is None else fijas)
    fuente, canvas = pdfmetrics.getFont(_SANS), texto._canvas
    tabla, propios = (
        fuente.escapados(canvas._doc, canvas._escape)
        if isinstance(fuente, _Fuente)
        else ({}, frozenset())
    )
    if enteros:
        texto._code.append(
            " ".join(_lineas_enteras(texto, fuente, nombres, cortes, tabla, propios))
        )
        texto.setHorizScale(100)
        return texto
    lineas = []
    assert isinstance(cortes, dict)
    for nombre in nombres:
        if (linea := cortes.get(nombre)) is None:
            linea = cortes[nombre] = _cabe(nombre)
        lineas.append(linea)
    if texto._curSubset == 0 and propios.issuperset("".join(lineas)):
        texto._code.append(
            " ".join(f"({linea.translate(tabla)}) Tj T*" if linea else " T*" for linea in lineas)
        )
    else:
        for linea in lineas:
            texto.textLine(linea)
    texto.setHorizScale(100)  # the text state outlives the text object: the next column's rows
    return texto


def _lineas_enteras(
    texto: PDFTextObject,
    fuente: object,
    nombres: Sequence[str],
    cortes: dict[str, str] | _Lineas,
    tabla: dict[int, str],
    propios: frozenset[str],
) -> list[str]:
    """Each name's line, whole (``_linea_entera``), made by ``cortes`` (a ``_Lineas``, which
    keeps what it measured): a column's lines at once."""
    if texto._curSubset != 0:  # the lines are in the first subset's codes
        raise NoCabe("un carácter sin código en el primer subconjunto")
    lineas = cortes if isinstance(cortes, _Lineas) else _Lineas()
    lineas.usar(fuente, tabla, propios)
    return lineas.de(nombres)


class _Lineas:
    """The whole lines of a «Nombre» column, a column at a time. Its characters are checked
    then (a code, once given, stays); printable ASCII but what a PDF string escapes is its own
    code (the font's first subset maps it to itself), so such a column is written as it is,
    without ``str.translate``. A name's width is reportlab's (``instanceStringWidthTTF``: its
    characters' widths added up, then × 0.001 × the size); DejaVu's are multiples of 1/256,
    exact in binary, so the sum is the same in any order: a name's is its words' (each
    summed once, a few thousand) and its spaces', not measured or looked up name by name
    (hundreds of thousands, in a table as big)."""

    def __init__(self) -> None:
        self._fuente: object = None
        self._tabla: dict[int, str] = {}
        self._palabras: _Palabras | None = None
        self._propios: frozenset[str] = frozenset()
        # A character without its code; that, or an ASCII one not written as itself.
        self._sin_codigo = self._revisar = _fuera_de("")

    def usar(self, fuente: object, tabla: dict[int, str], propios: frozenset[str]) -> None:
        """The font and its table of codes as they are now (more codes are given as pages are
        drawn: the table grows, a code given stays)."""
        if fuente is not self._fuente:
            self._fuente, self._palabras = fuente, _Palabras.de(fuente)
        if tabla is not self._tabla:
            iguales = (c for c in sorted(_IMPRIMIBLES) if tabla.get(ord(c)) == c)
            otros = (c for c in sorted(propios) if not c.isascii())
            self._tabla, self._propios = tabla, propios
            self._sin_codigo = _fuera_de("".join(sorted(propios)))
            self._revisar = _fuera_de("".join(iguales) + "".join(otros))

    def de(self, nombres: Sequence[str]) -> list[str]:
        """The lines of ``nombres``; ``NoCabe`` for a name with a character without its code
        or too wide even narrowed."""
        junto, tabla = "".join(nombres), self._tabla
        revisado = self._revisar.search(junto)  # one pass over the column, most times
        if revisado is None:  # printable ASCII is written as itself: only the others translated
            escritos = [n if n.isascii() else n.translate(tabla) for n in nombres]
        elif revisado[0] not in self._propios or self._sin_codigo.search(junto, revisado.end()):
            raise NoCabe("un carácter sin código en el primer subconjunto")
        else:
            escritos = [nombre.translate(tabla) for nombre in nombres]
        anchos = self._anchos(nombres)
        return [
            f"({escrito}) Tj T*"
            if escrito and ancho <= _ANCHO_NOMBRE
            else _linea_entera(nombre, ancho, escrito)
            for nombre, escrito, ancho in zip(nombres, escritos, anchos, strict=True)
        ]

    def _anchos(self, nombres: Sequence[str]) -> list[float]:
        palabras = self._palabras
        if palabras is None:  # widths not exact in binary: each name measured by reportlab
            medir = instanceStringWidthTTF
            return [medir(self._fuente, nombre, _FILA_TAM, "utf8") for nombre in nombres]
        suma, espacio = palabras.__getitem__, palabras.espacio
        return [(sum(map(suma, n.split(" "))) - espacio) * 0.001 * _FILA_TAM for n in nombres]


def _fuera_de(caracteres: str) -> re.Pattern[str]:
    """A character not among ``caracteres``."""
    return re.compile(f"[^{re.escape(caracteres)}]" if caracteres else "(?s:.)")


class _Palabras(dict[str, float]):
    """word → its characters' widths (the font's units) added up, and a space's: a name's
    width is that of its words, less a space, × 0.001 × the size (``_Lineas``)."""

    def __init__(self, anchos: dict[int, float], otro: float) -> None:
        super().__init__()
        self._anchos, self._otro = anchos, otro
        self.espacio = anchos.get(32, otro)

    @classmethod
    def de(cls, fuente: object) -> _Palabras | None:
        """Those of ``fuente``; None when its widths would not add up exactly in any order."""
        cara = getattr(fuente, "face", None)
        anchos, otro = getattr(cara, "charWidths", None), getattr(cara, "defaultWidth", None)
        if not isinstance(anchos, dict) or not isinstance(otro, int | float):
            return None
        valores = [*anchos.values(), otro]
        if not all(isinstance(a, int | float) and float(a * 256).is_integer() for a in valores):
            return None
        return cls(anchos, otro)

    def __missing__(self, palabra: str) -> float:
        anchos, otro = self._anchos, self._otro
        ancho = self[palabra] = sum(anchos.get(ord(c), otro) for c in palabra) + self.espacio
        return ancho


class NoCabe(ValueError):
    """A name that the annex cannot show whole, however narrowed, or in the codes read back."""


# The narrowest a whole name is drawn (percent of its width), and what a name's line has.
_ESCALA_MINIMA = 30
_DISPONIBLE = _ANCHO_NOMBRE * _ESCALA_NOMBRE / 100


def _linea_entera(nombre: str, ancho: float, cadena: str) -> str:
    """A name's line of the column, whole (``ancho``: its width; ``cadena``: it in the font's
    codes as a PDF string writes them): narrowed (its own ``Tz``, then the column's again)
    when wider than the column."""
    if not nombre:
        return " T*"
    if ancho <= _ANCHO_NOMBRE:
        return f"({cadena}) Tj T*"
    escala = int(100 * _DISPONIBLE / ancho)
    if escala < _ESCALA_MINIMA:
        raise NoCabe(nombre)
    return f"{escala} Tz ({cadena}) Tj T* {_ESCALA_NOMBRE} Tz"


def _cabe(nombre: str) -> str:
    """``nombre``, or its longest beginning that fits the column with «…» after it."""
    medir = pdfmetrics.getFont(_SANS).stringWidth
    ancho = medir(nombre, _FILA_TAM)
    if ancho <= _ANCHO_NOMBRE:
        return nombre
    corte = int(len(nombre) * _ANCHO_NOMBRE / ancho) + 1
    while corte and medir(_cortado(nombre, corte), _FILA_TAM) > _ANCHO_NOMBRE:
        corte -= 1
    return _cortado(nombre, corte)


def _cortado(nombre: str, corte: int) -> str:
    return nombre[:corte].rstrip() + "…"


def _renglones(texto: PDFTextObject, primero: int, campos: Sequence[str]) -> None:
    """``texto.textLine`` of each worker's row (its number from ``primero``, then its fields
    NSS, CURP, SBC), the code written at once when the fields are printable ASCII in the font's
    first subset with nothing PDF escapes (NSS, CURP, SBC are): the code reportlab writes row
    by row, without its per-row work (hundreds of thousands of rows)."""
    filas = zip(
        range(primero, primero + len(campos) // 3),
        campos[0::3],
        campos[1::3],
        campos[2::3],
        strict=True,
    )
    junto = "".join(campos)
    fuente = pdfmetrics.getFont(texto._fontname)
    if (
        texto._curSubset == 0  # the font's first subset is the one in use: no switch to write
        and isinstance(fuente, _Fuente)
        and junto.isascii()
        and not junto.encode("ascii").translate(None, _SIN_ESCAPE)  # all of them, at once
        and fuente.propios(texto._canvas._doc) == _IMPRIMIBLES  # the row's number and spaces too
    ):
        # One format of the whole column: a row's tuple and call each cost more than its text.
        n = len(campos) // 3
        valores: list[object] = [None] * (4 * n)
        valores[0::4] = range(primero, primero + n)
        valores[1::4], valores[2::4], valores[3::4] = campos[0::3], campos[1::3], campos[2::3]
        texto._code.append(" ".join([_FILA_PDF] * n) % tuple(valores))
        return
    for fila in filas:
        texto.textLine(_RENGLON % fila)


# --- the annex read back --------------------------------------------------------------------------

# A value the annex's rows show so that they read back one way only: printable ASCII but the
# space, what a PDF string escapes and the cadena's separator (NSS, CURP and SBC are).
_VALOR = r"[!-'*-\[\]-{}~]+"
_LEGIBLES = re.compile(r"[!-'*-\[\]-{}~\n]*")  # values one a line (one class: no state per row)
# The characters of the names but printable ASCII that the name font's first subset can take
# (its codes 1-31 and 127-255) before the first pages' own.
MAX_CARACTERES = 150
# A column of the annex as _anexo writes it, its rows, then its names.
_COLUMNA = re.compile(
    rb"BT 1 0 0 1 [0-9.]+ [0-9.]+ Tm /F[0-9]+\+0 6\.2 Tf 7\.4 TL \("
    + re.escape(_ENCABEZADO_FILA.encode("ascii"))
    + rb"\) Tj T\*([^\n]*) ET\n"
    + rb"BT 1 0 0 1 [0-9.]+ [0-9.]+ Tm 88 Tz /F[0-9]+\+0 6\.2 Tf 7\.4 TL \(Nombre\) Tj T\*"
    + rb"([^\n]*) 100 Tz ET\n"
)
# A worker's row: its NSS, CURP and SBC. Split by it, a column of rows gives what is between
# them (nothing) and those three, row after row: what the cadena lists.
_FILA = re.compile(rf" \( *[0-9]+ ({_VALOR}) +({_VALOR}) +({_VALOR})\) Tj T\*")
_CADENA_PDF = r"\(((?:[^\\()]++|\\[0-7]{3}|\\[()\\])*+)\)"
# A name's line: the name as a PDF string writes it (None: the line of a worker without one).
_NOMBRE = re.compile(rf"(?: (?:[0-9]+ Tz )?{_CADENA_PDF} Tj T\*(?: {_ESCALA_NOMBRE} Tz)?|  T\*)")
_ESCAPE = re.compile(r"\\([0-7]{3}|[()\\])")
# How _NOMBRE's lines meet when none is empty: the end of one, the start of the next.
_ANTES_DEL_NOMBRE = re.compile(r" (?:[0-9]+ Tz )?")
_ENTRE_NOMBRES = re.compile(rf" Tj T\* (?:{_ESCALA_NOMBRE} Tz )?(?:[0-9]+ Tz )?")
_TRAS_EL_ULTIMO = frozenset({" Tj T*", f" Tj T* {_ESCALA_NOMBRE} Tz"})
_SIN_PARENTESIS = bytes(range(256)).translate(None, b"()")
_ESCAPE_AJENO = re.compile(r"\\(?![0-7]{3})")  # an escaped parenthesis or backslash
# What a page's content may inflate to (an annex page: ~20 KB), and all of them, per byte of the
# pages (text inflates 2.5-4 times): a file made to inflate without end is refused, not read.
_MAX_PAGINA, _MAX_INFLADO = 1 << 20, 32


def caracteres_del_anexo(sellada: Campos) -> str | None:
    """What ``dibujar`` takes to draw the workers in the annex only (version 4): the
    characters of their names but printable ASCII, in order; None when the rows or the names
    would not read back one way only (a field with a space or a parenthesis, a character the
    font lacks, too many characters), and the constancia keeps them in its attachment."""
    if sellada.nombres is None:
        return None
    for campos in sellada.trabajadores:
        texto = juntos(campos, "\n")
        if campos and not (
            _LEGIBLES.fullmatch(texto)
            and "\n\n" not in texto
            and texto[0] != "\n"
            and texto[-1] != "\n"
        ):
            return None
    caracteres = set().union(*(juntos(n, "") for n in sellada.nombres)) - _IMPRIMIBLES
    with _cerrojo:
        _fuentes()
    en_fuente = pdfmetrics.getFont(_SANS).face.charToGlyph
    if len(caracteres) > MAX_CARACTERES or any(ord(c) not in en_fuente for c in caracteres):
        return None
    return "".join(sorted(caracteres))


def leer_anexo(paginas: bytes, caracteres: str) -> tuple[list[str], list[str], Leidos]:
    """Every worker's fields (NSS, CURP, SBC, NSS, …) and name the annex of ``paginas`` (as
    ``dibujar`` writes them with ``caracteres``) shows, page after page, and where each
    content it inflated is, by its SHA-256 (for ``dibujar``). ValueError for what does not read
    back. What is read is only as good as drawing it again and comparing the pages byte for
    byte, which verifying does."""
    decodificar = _decodificador(caracteres)
    filas: list[str] = []
    nombres: list[str] = []
    leidos: Leidos = {}
    resta = _MAX_INFLADO * len(paginas) + _MAX_PAGINA
    for m in _FLUJO.finditer(paginas):
        inicio = m.end()
        contenido = _inflado(paginas[inicio : inicio + int(m.group(1))], _MAX_PAGINA)
        resta -= _MAX_PAGINA if contenido is None else len(contenido)  # what inflating took
        if resta < 0:
            raise ValueError("demasiado contenido")
        if contenido is None:
            continue
        leidos[hashlib.sha256(contenido).digest()] = (inicio, inicio + int(m.group(1)))
        for columna in _COLUMNA.finditer(contenido):
            renglones = columna.group(1).decode("ascii")  # UnicodeDecodeError: a ValueError
            campos = _FILA.split(renglones)
            escritos = _escritos(columna.group(2).decode("ascii"))
            # Nothing else between the rows, and a name a row.
            if any(campos[0::4]) or len(campos) != 4 * len(escritos) + 1:
                raise ValueError("renglón ilegible")
            del campos[0::4]
            filas += campos
            nombres += decodificar(escritos)
    return filas, nombres, leidos


def _escritos(lineas: str) -> list[str]:
    """Each name of a «Nombre» column as a PDF string writes it ("": a worker without one), as
    ``_NOMBRE`` reads them; ValueError for anything else between them. When every backslash of
    the column is an octal code, its parentheses are its lines' own: split at them, what is
    between two names checked once for each distinct text (a regex split of every line costs
    three times more)."""
    if not _ESCAPE_AJENO.search(lineas):
        partes = lineas.replace(")", "(").split("(")
        if (
            len(partes) > 2
            # an opening one before each closing one
            and lineas.encode("ascii").translate(None, _SIN_PARENTESIS)
            == b"()" * (len(partes) // 2)
            and _ANTES_DEL_NOMBRE.fullmatch(partes[0])
            and partes[-1] in _TRAS_EL_ULTIMO
            and all(map(_ENTRE_NOMBRES.fullmatch, set(partes[2:-1:2])))
        ):
            return partes[1::2]
    partes = _NOMBRE.split(lineas)
    if any(partes[0::2]):
        raise ValueError("nombre ilegible")
    return [escrito or "" for escrito in partes[1::2]]


class _Clave:
    """A document as reportlab's fonts know it (a weak key), to give codes without drawing."""


def _decodificador(caracteres: str) -> Callable[[list[str]], list[str]]:
    """Names as PDF strings of the name font write them (``caracteres`` given their codes
    first, as ``dibujar`` does) → the names; ValueError for a code no character has. Those
    with an escape (their characters but printable ASCII) decoded all at once, joined by a
    character no code has."""
    with _cerrojo:
        _fuentes()
    fuente, clave = pdfmetrics.getFont(_SANS), _Clave()
    try:
        fuente.splitString(caracteres, clave)
        asignados = fuente.state[clave].assignments
    finally:
        fuente.state.pop(clave, None)
    tabla = {n: c for c, n in asignados.items() if 0 < n < 256}
    conocidos = frozenset(map(chr, tabla)) | {_ENTRE}

    def decodificar(textos: list[str]) -> list[str]:
        escapados = [i for i, texto in enumerate(textos) if "\\" in texto]
        if not escapados:  # printable ASCII: each its own code
            return textos
        junto = _ENTRE.join(textos[i] for i in escapados)
        if junto.count(_ENTRE) != len(escapados) - 1:  # one of them had it
            raise ValueError("código sin carácter")
        codigos = _ESCAPE.sub(lambda m: chr(int(m[1], 8)) if m[1].isdigit() else m[1], junto)
        if not conocidos.issuperset(codigos):
            raise ValueError("código sin carácter")
        partes = codigos.translate(tabla).split(_ENTRE)
        if len(partes) != len(escapados):  # an escape that wrote the joining character
            raise ValueError("código sin carácter")
        nombres = list(textos)
        for i, nombre in zip(escapados, partes, strict=True):
            nombres[i] = nombre
        return nombres

    return decodificar


_ENTRE = "\x00"  # no code of the name font (they start at 1): a name with it is refused
