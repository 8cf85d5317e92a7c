"""Workbooks built the way other programs (or attackers) write them: a valid openpyxl file whose
zip members are then rewritten, and raw zips whose headers lie."""

from __future__ import annotations

import io
import re
import struct
import zipfile
from collections.abc import Callable, Iterable
from datetime import datetime

from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"


def workbook_bytes(rows: Iterable[Iterable[object]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsxwriter_bytes(rows: Iterable[Iterable[object]]) -> bytes:
    """As xlsxwriter writes it: strings in xl/sharedStrings.xml (openpyxl writes them inline)."""
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    date = book.add_format({"num_format": "dd/mm/yyyy"})
    for number, row in enumerate(rows):
        for column, value in enumerate(row):
            if isinstance(value, datetime):
                sheet.write_datetime(number, column, value, date)
            else:
                sheet.write(number, column, value)
    book.close()
    return out.getvalue()


def rewrite(data: bytes, changes: dict[str, Callable[[bytes], bytes | None]]) -> bytes:
    """The same zip with members changed (a function of the old bytes; None drops the member)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename in changes:
                content = changes[info.filename](content)
                if content is None:
                    continue
            target.writestr(info.filename, content)
    return out.getvalue()


def lying_dimension(data: bytes, ref: str = "A1:X5") -> bytes:
    """What some exporters write: a <dimension> smaller than the rows actually there."""

    def change(xml: bytes) -> bytes:
        if b"<dimension" in xml:
            return re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(), xml)
        return xml.replace(b"<sheetData", f'<dimension ref="{ref}"/><sheetData'.encode(), 1)

    return rewrite(data, {SHEET: change})


def declared_size_lie(data: bytes, member: str, declared: int) -> bytes:
    """Rewrite the uncompressed size a member declares in both zip headers (bytes unchanged)."""
    raw = bytearray(data)
    name = member.encode()
    at = 0
    while (at := raw.find(name, at)) != -1:
        if raw[at - 30 : at - 26] == b"PK\x03\x04":
            struct.pack_into("<I", raw, at - 30 + 22, declared)
        elif raw[at - 46 : at - 42] == b"PK\x01\x02":
            struct.pack_into("<I", raw, at - 46 + 24, declared)
        at += len(name)
    return bytes(raw)


def version_needed(data: bytes, version: int = 255) -> bytes:
    """Every member says it needs zip version ``version`` / 10 to extract (255: «25.5»), in
    both headers; the bytes themselves are unchanged."""
    raw = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 4), (b"PK\x01\x02", 6)):
        at = 0
        while (at := raw.find(signature, at)) != -1:
            struct.pack_into("<H", raw, at + offset, version)
            at += 4
    return bytes(raw)


def far_cell(data: bytes, ref: str = "XFD1048576", value: str = "x") -> bytes:
    """The workbook with one more value, alone at ``ref`` (below the rows already there): what
    a stray keystroke after Ctrl+End leaves, or a file made to exhaust memory."""
    row = int(re.sub("[A-Z]", "", ref))
    cell = f'<row r="{row}"><c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c></row>'
    return rewrite(
        data, {SHEET: lambda xml: xml.replace(b"</sheetData>", cell.encode() + b"</sheetData>")}
    )


def _varint(number: int) -> bytes:
    out = bytearray()
    while True:
        low, number = number & 0x7F, number >> 7
        out.append(low | 0x80 if number else low)
        if not number:
            return bytes(out)


def _record(kind: int, data: bytes = b"") -> bytes:
    return _varint(kind) + _varint(len(data)) + data


def _wide(text: str) -> bytes:
    return struct.pack("<I", len(text)) + text.encode("utf-16-le")


def xlsb_bytes(
    rows: Iterable[Iterable[object]],
    sheet: str = "Hoja1",
    filas_ocultas: Iterable[int] = (),
    columnas_ocultas: Iterable[int] = (),
) -> bytes:
    """An Excel binary workbook (.xlsb) of ``rows``, written record by record as [MS-XLSB]
    lays them out (no program here writes the format): text as inline strings, numbers as
    doubles, None as no cell. A row given as (row index, {column index: value}) is put there.
    ``filas_ocultas``, ``columnas_ocultas``: rows and columns (0-based) hidden as Excel hides
    them (BrtRowHdr's fDyZero, BrtColInfo's fHidden)."""
    placed: list[tuple[int, dict[int, object]]] = []
    for number, row in enumerate(rows):
        if isinstance(row, tuple) and len(row) == 2 and isinstance(row[1], dict):
            placed.append(row)
        else:
            placed.append((number, dict(enumerate(row))))
    book = (_record(0x83) + _record(0x8F)
            + _record(0x9C, struct.pack("<II", 0, 1) + _wide("rId1") + _wide(sheet))
            + _record(0x90) + _record(0x84))  # fmt: skip
    last_row = max(r for r, _ in placed)
    last_column = max(c for _, cells in placed for c in cells)
    data = _record(0x81) + _record(0x94, struct.pack("<IIII", 0, last_row, 0, last_column))
    columnas = sorted(columnas_ocultas)
    if columnas:  # BrtBeginColInfos, a BrtColInfo (first, last, width, style, flags) each
        data += _record(0x186)
        for c in columnas:
            data += _record(0x3C, struct.pack("<IIIIH", c, c, 2304, 0, 0x0001))
        data += _record(0x187)
    data += _record(0x91)
    ocultas = set(filas_ocultas)
    for number, cells in placed:
        dy_zero = 0x10 if number in ocultas else 0
        data += _record(0x00, struct.pack("<IIHBBBI", number, 0, 300, 0, dy_zero, 0, 0))
        for column, value in cells.items():
            if isinstance(value, str):
                data += _record(0x06, struct.pack("<II", column, 0) + _wide(value))
            elif value is not None:
                data += _record(0x05, struct.pack("<IId", column, 0, float(value)))  # type: ignore[arg-type]
    data += _record(0x92) + _record(0x82)
    main = "application/vnd.ms-excel.sheet.binary.macroEnabled.main"
    types = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Default Extension="bin" ContentType="{main}"/>'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Override PartName="/xl/worksheets/sheet1.bin" '
        'ContentType="application/vnd.ms-excel.worksheet"/></Types>'
    )
    rel = '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/{}" Target="{}"/>'
    rels = '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{}</Relationships>'
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        target.writestr("[Content_Types].xml", types)
        target.writestr("_rels/.rels", rels.format(rel.format("officeDocument", "xl/workbook.bin")))
        target.writestr("xl/workbook.bin", book)
        target.writestr(
            "xl/_rels/workbook.bin.rels",
            rels.format(rel.format("worksheet", "worksheets/sheet1.bin")),
        )
        target.writestr("xl/worksheets/sheet1.bin", data)
    return out.getvalue()
