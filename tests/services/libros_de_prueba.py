"""Workbooks for the intake's tests, written as Excel and LibreOffice write them: an .xlsx by
openpyxl (rows hidden as Excel hides them, by hand or under an AutoFilter), an OpenDocument
spreadsheet (``table:visibility`` "collapse" by hand, "filter" by a filter), a CSV, the .xls
LibreOffice writes of that .xlsx (kept in tests/data/xls_de_libreoffice/, see
``xls_de_libreoffice``); and the LibreOffice .xls of tests/data with some of its rows hidden
(the ROW record's fDyZero) and its sheet filtered (AUTOFILTERINFO), the Workbook stream
rewritten in place."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import struct
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

import olefile
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from icsoe_desktop.services.archivos import biff

FORMATOS = ("xlsx", "xls", "ods", "csv")
LIBROS = ("xlsx", "xls", "ods")  # the formats that record hidden rows and columns
XLS_GUARDADOS = Path(__file__).resolve().parent.parent / "data" / "xls_de_libreoffice"


def escribir(
    path: Path,
    filas: Sequence[Sequence[object]],
    ocultas: Iterable[int] = (),
    filtro: bool = False,
    columnas_ocultas: Iterable[int] = (),
) -> Path:
    """``filas`` (the header first) in the format of ``path``'s suffix; ``ocultas``: sheet
    rows (from 1) hidden, by a filter when ``filtro``; ``columnas_ocultas``: 0-based."""
    ocultas, columnas_ocultas = set(ocultas), set(columnas_ocultas)
    formato = path.suffix.lstrip(".")
    if formato == "xlsx":
        book = Workbook()
        sheet = book.active
        for fila in filas:
            sheet.append(list(fila))
        for numero in ocultas:
            sheet.row_dimensions[numero].hidden = True
        for columna in columnas_ocultas:
            sheet.column_dimensions[get_column_letter(columna + 1)].hidden = True
        if filtro:
            ancho = max(len(f) for f in filas)
            sheet.auto_filter.ref = f"A1:{get_column_letter(ancho)}{len(filas)}"
        book.save(path)
    elif formato == "xls":
        path.write_bytes(xls_de_libreoffice(filas, ocultas, filtro, columnas_ocultas))
    elif formato == "ods":
        path.write_bytes(ods_bytes(filas, ocultas, filtro, columnas_ocultas))
    elif formato == "csv":
        assert not ocultas and not columnas_ocultas  # a CSV hides nothing
        texto = io.StringIO()
        csv.writer(texto).writerows(["" if v is None else v for v in f] for f in filas)
        # The writer ends each line with \r\n itself: no translation (Windows would double it).
        path.write_text(texto.getvalue(), encoding="utf-8-sig", newline="")
    else:
        raise ValueError(formato)
    return path


def xls_de_libreoffice(
    filas: Sequence[Sequence[object]], ocultas: set[int], filtro: bool, columnas_ocultas: set[int]
) -> bytes:
    """The .xls (Excel 97-2003) LibreOffice writes of the same workbook as an .xlsx
    (``soffice --convert-to xls``), kept in tests/data/xls_de_libreoffice/ under a digest of
    what it holds: made once where LibreOffice is installed, read from there everywhere else
    (CI has no LibreOffice)."""
    contenido = [[list(f) for f in filas], sorted(ocultas), filtro, sorted(columnas_ocultas)]
    texto = json.dumps(contenido, default=str, ensure_ascii=False)
    guardado = XLS_GUARDADOS / f"{hashlib.sha256(texto.encode()).hexdigest()[:20]}.xls"
    if not guardado.exists():
        assert shutil.which("soffice"), (
            f"tests/data/xls_de_libreoffice/{guardado.name} is missing: run this test once "
            "where LibreOffice (soffice) is installed, and keep the file it writes"
        )
        from tests.data.libros_xls import _convertir

        XLS_GUARDADOS.mkdir(exist_ok=True)
        with tempfile.TemporaryDirectory() as tmp:
            xlsx = escribir(Path(tmp) / "libro.xlsx", filas, ocultas, filtro, columnas_ocultas)
            _convertir(xlsx, "xls", guardado)
    return guardado.read_bytes()


_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)
_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
    'manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" manifest:media-type="'
    + _MIME.decode()
    + '"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def _celda(valor: object) -> str:
    if valor is None or valor == "":
        return "<table:table-cell/>"
    if isinstance(valor, int | float) and not isinstance(valor, bool):
        return (
            f'<table:table-cell office:value-type="float" office:value="{valor}">'
            f"<text:p>{valor}</text:p></table:table-cell>"
        )
    return (
        '<table:table-cell office:value-type="string">'
        f"<text:p>{escape(str(valor))}</text:p></table:table-cell>"
    )


def ods_bytes(
    filas: Sequence[Sequence[object]],
    ocultas: set[int] = frozenset(),  # type: ignore[assignment]
    filtro: bool = False,
    columnas_ocultas: set[int] = frozenset(),  # type: ignore[assignment]
) -> bytes:
    """An OpenDocument spreadsheet of one table «Hoja1», as LibreOffice writes its content."""
    ancho = max(len(f) for f in filas)
    columnas = "".join(
        '<table:table-column table:visibility="collapse"/>'
        if i in columnas_ocultas
        else "<table:table-column/>"
        for i in range(ancho)
    )
    oculta = ' table:visibility="filter"' if filtro else ' table:visibility="collapse"'
    renglones = "".join(
        f"<table:table-row{oculta if n in ocultas else ''}>"
        + "".join(_celda(v) for v in fila)
        + "</table:table-row>"
        for n, fila in enumerate(filas, start=1)
    )
    contenido = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_NS} '
        'office:version="1.2"><office:body><office:spreadsheet>'
        f'<table:table table:name="Hoja1">{columnas}{renglones}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    salida = io.BytesIO()
    with zipfile.ZipFile(salida, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), _MIME, zipfile.ZIP_STORED)
        archive.writestr("content.xml", contenido)
        archive.writestr("META-INF/manifest.xml", _MANIFEST)
    return salida.getvalue()


_ROW, _GRIDSET, _AUTOFILTERINFO = 0x0208, 0x0082, 0x009D


def xls_con_filas_ocultas(
    origen: Path, destino: Path, ocultas: Iterable[int], filtro: bool
) -> Path:
    """The LibreOffice .xls ``origen`` with the sheet rows ``ocultas`` (from 1) hidden, as
    Excel writes a hidden row (fDyZero in its ROW record); with ``filtro``, the sheet says it
    has an AutoFilter (its 2-byte GRIDSET record retyped AUTOFILTERINFO, same length: the
    stream keeps its size)."""
    shutil.copyfile(origen, destino)
    ocultas = {n - 1 for n in ocultas}
    with olefile.OleFileIO(str(destino), write_mode=True) as ole:
        data = bytearray(ole.openstream("Workbook").read())
        (hoja,) = biff.hojas_xls(bytes(data))
        pos, hechas = hoja.inicio, set()
        while pos + 4 <= len(data):
            tipo, largo = struct.unpack_from("<HH", data, pos)
            if tipo == 0x000A:  # EOF
                break
            if tipo == _ROW and struct.unpack_from("<H", data, pos + 4)[0] in ocultas:
                data[pos + 4 + 12] |= 0x20
                hechas.add(struct.unpack_from("<H", data, pos + 4)[0])
            elif tipo == _GRIDSET and filtro:
                struct.pack_into("<H", data, pos, _AUTOFILTERINFO)
            pos += 4 + largo
        assert hechas == ocultas, (hechas, ocultas)
        ole.write_stream("Workbook", bytes(data))
    return destino
