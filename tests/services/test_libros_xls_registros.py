"""Excel 97-2003 workbooks (.xls) written record by record, as Excel and older programs write
them, and damaged one record at a time: what the clerk gets is asserted each time (the rows,
the sheet the workbook opens on, its hidden rows and columns; or the refusal «no es un libro
de Excel válido o está dañado», nothing read). The records follow [MS-XLS]; the container is
a compound file (OLE) of one stream, at least 4,096 bytes as Excel pads it."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.services.archivos.xlsx_reader import abrir, sheet_rows
from tests.services.xlsx_files import xlsb_bytes

BOF, EOF, BOUNDSHEET, SST, CONTINUE = 0x0809, 0x000A, 0x0085, 0x00FC, 0x003C
LABELSST, LABEL, NUMBER, MULRK, DIMENSIONS = 0x00FD, 0x0204, 0x0203, 0x00BD, 0x0200
WINDOW1, CODEPAGE, LBL, EXTERNSHEET, MERGECELLS = 0x003D, 0x0042, 0x0018, 0x0017, 0x00E5
ROW, COLINFO, FILTERMODE, OBJ = 0x0208, 0x007D, 0x009B, 0x005D


def registro(tipo: int, cuerpo: bytes = b"") -> bytes:
    return struct.pack("<HH", tipo, len(cuerpo)) + cuerpo


def compuesto(flujo: bytes, nombre: str = "Workbook") -> bytes:
    """A compound file (OLE, version 3, 512-byte sectors) holding ``flujo`` as its one stream:
    the stream's sectors, then the directory's, then the FAT's."""
    flujo = flujo.ljust(4096, b"\x00")
    sectores = -(-len(flujo) // 512)
    fats = -(-(sectores + 1) // 127)  # each FAT sector maps 128, itself among them
    assert fats <= 109  # all listed in the header
    libre, fin, fat_sector = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    fat = [*range(1, sectores), fin, fin] + [fat_sector] * fats
    fat += [libre] * (128 * fats - len(fat))
    cabecera = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + bytes(16)
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + bytes(6)
        + struct.pack("<9I", 0, fats, sectores, 0, 4096, fin, 0, fin, 0)
        + struct.pack("<109I", *range(sectores + 1, sectores + 1 + fats), *([libre] * (109 - fats)))
    )

    def entrada(texto: str, tipo: int, hijo: int, inicio: int, largo: int) -> bytes:
        nombre_utf16 = texto.encode("utf-16-le") + b"\x00\x00"
        return (
            nombre_utf16.ljust(64, b"\x00")
            + struct.pack("<HBB3I", len(nombre_utf16), tipo, 1, libre, libre, hijo)
            + bytes(16)
            + struct.pack("<IQQIQ", 0, 0, 0, inicio, largo)
        )

    directorio = entrada("Root Entry", 5, 1, fin, 0) + entrada(nombre, 2, libre, 0, len(flujo))
    return (
        cabecera
        + flujo.ljust(sectores * 512, b"\x00")
        + directorio.ljust(512, b"\x00")
        + struct.pack(f"<{len(fat)}I", *fat)
    )


def bof(tipo: int, version: int = 0x0600) -> bytes:
    """0x0005: the workbook's globals; 0x0010: a worksheet; 0x0020: a chart."""
    return registro(BOF, struct.pack("<HHHHII", version, tipo, 0x0DBB, 0x07CC, 0, 0x06))


def texto8(texto: str) -> bytes:
    """An XLUnicodeString of 8-bit characters, as an SST holds it."""
    return struct.pack("<HB", len(texto), 0) + texto.encode("latin-1")


def sst(*cadenas: bytes, continuaciones: tuple[bytes, ...] = (), cuenta: int = 0) -> bytes:
    """An SST of ``cadenas`` (``cuenta`` of them when some are in ``continuaciones``)."""
    cuenta = cuenta or len(cadenas)
    cuerpo = struct.pack("<II", cuenta, cuenta) + b"".join(cadenas)
    return registro(SST, cuerpo) + b"".join(registro(CONTINUE, c) for c in continuaciones)


def dimensions(filas: int, columnas: int) -> bytes:
    return registro(DIMENSIONS, struct.pack("<IIHHH", 0, filas, 0, columnas, 0))


def etiqueta(fila: int, columna: int, indice: int) -> bytes:
    return registro(LABELSST, struct.pack("<HHHI", fila, columna, 15, indice))


def numero(fila: int, columna: int, valor: float) -> bytes:
    return registro(NUMBER, struct.pack("<HHHd", fila, columna, 15, valor))


def hoja_de_nombre(nombre: str, inicio: int, biff8: bool = True, estado: int = 0) -> bytes:
    if not biff8:  # BIFF5: the name's bytes right after its length, in the code page
        return registro(
            BOUNDSHEET,
            struct.pack("<IBBB", inicio, estado, 0, len(nombre)) + nombre.encode("cp1252"),
        )
    if nombre.isascii():
        cuerpo = struct.pack("<IBBBB", inicio, estado, 0, len(nombre), 0) + nombre.encode()
    else:
        cuerpo = struct.pack("<IBBBB", inicio, estado, 0, len(nombre), 1)
        cuerpo += nombre.encode("utf-16-le")
    return registro(BOUNDSHEET, cuerpo)


def libro(
    hojas: list[tuple[str, bytes]],
    globales: bytes = b"",
    tabla: bytes = b"",
    version: int = 0x0600,
    inicios: dict[str, int] | None = None,
) -> bytes:
    """A Workbook stream: the globals (``globales`` after the BOF, the sheets' BOUNDSHEETs,
    ``tabla``: the SST), then each sheet's records between its BOF and EOF."""
    biff8 = version == 0x0600
    cuerpos = [bof(0x10, version) + registros + registro(EOF) for _, registros in hojas]
    largo = len(bof(5, version)) + len(globales) + len(tabla) + len(registro(EOF))
    largo += sum(len(hoja_de_nombre(n, 0, biff8)) for n, _ in hojas)
    nombres, inicio = b"", largo
    for (nombre, _), cuerpo in zip(hojas, cuerpos, strict=True):
        nombres += hoja_de_nombre(nombre, (inicios or {}).get(nombre, inicio), biff8)
        inicio += len(cuerpo)
    return bof(5, version) + globales + nombres + tabla + registro(EOF) + b"".join(cuerpos)


def guardar(tmp_path: Path, flujo: bytes, nombre: str = "Workbook") -> Path:
    path = tmp_path / "nomina.xls"
    path.write_bytes(compuesto(flujo, nombre))
    return path


def filas(path: Path, hoja: str | None = None) -> list[tuple[int, tuple[object, ...]]]:
    return list(sheet_rows(path, path.name, hoja))


def rechazado(path: Path) -> None:
    with pytest.raises(ValidationError) as caught:
        filas(path)
    assert caught.value.code == "xlsx_invalido"
    assert caught.value.message == "«nomina.xls» no es un libro de Excel válido o está dañado."


def test_an_excel_2003_workbook_with_all_its_records_is_read_as_excel_shows_it(tmp_path):
    """Two sheets, the second selected (WINDOW1) and named in UTF-16; a defined name and an
    ExternSheet; an SST with a rich-text string, a phonetic one and one that goes on in a
    CONTINUE record as 16-bit characters; a hidden column, a hidden row, a filter, a MULRK
    and an embedded chart among the cells."""
    rica = struct.pack("<HBH", 4, 0x08, 1) + b"JOSE" + struct.pack("<HH", 0, 1)  # 1 run
    fonetica = struct.pack("<HBI", 3, 0x04, 6) + b"ANA" + bytes(6)
    larga = struct.pack("<HB", 6, 0) + b"PEN"  # ...and three more, 16-bit, after the flags
    tabla = sst(
        texto8("NSS"), rica, fonetica, larga, continuaciones=(b"\x01" + "ÑOS".encode("utf-16-le"),)
    )
    nombre_definido = struct.pack("<HBBHHH4B", 0, 0, 5, 0, 0, 0, 0, 0, 0, 0) + b"\x00TOTAL"
    globales = (
        registro(CODEPAGE, struct.pack("<H", 1200))
        + registro(WINDOW1, struct.pack("<HHHHHHHHH", 0, 0, 9000, 6000, 0x38, 1, 0, 1, 600))
        + registro(EXTERNSHEET, struct.pack("<H", 0))
        + registro(LBL, nombre_definido)
    )
    grafica = bof(0x20) + registro(OBJ, bytes(4)) + registro(EOF)
    rk = struct.pack("<HHHI", 3, 0, 15, (7 << 2) | 2) + struct.pack("<HIH", 15, (8 << 2) | 2, 1)
    datos = (
        dimensions(4, 3)
        + registro(COLINFO, struct.pack("<HHHHHH", 2, 2, 2304, 15, 0x0001, 0))
        + registro(ROW, struct.pack("<HHHHHHI", 2, 0, 3, 300, 0, 0, 0x0120))
        + registro(FILTERMODE)
        + etiqueta(0, 0, 0)
        + etiqueta(0, 1, 1)
        + numero(1, 0, 1234.5)
        + etiqueta(1, 1, 2)
        + grafica
        + numero(2, 0, 7)
        + etiqueta(2, 1, 3)
        + numero(2, 2, 99)
        + registro(MULRK, rk)
    )
    notas = dimensions(0, 0)
    path = guardar(tmp_path, libro([("Notas", notas), ("Años", datos)], globales, tabla))
    with abrir(path, path.name) as book:
        assert book.hojas == (("Notas", True), ("Años", True))
        assert book.por_omision() == "Años"  # the tab selected when it was saved
        assert book.ocultas("Años")[0] == frozenset({2})
        ocultas = book.filas_ocultas("Años")
        assert 3 in ocultas and 2 not in ocultas
        assert list(book.rows("Notas")) == []
    assert filas(path) == [
        (1, ("NSS", "JOSE")),
        (2, (1234.5, "ANA")),
        (3, (7, "PENÑOS", 99)),
        (4, (7, 8)),
    ]


def test_an_excel_95_workbook_is_read_with_its_cp1252_sheet_name(tmp_path):
    """BIFF5 (Excel 5.0/95): a «Book» stream, the sheet's name in the code page right after
    its length, a 10-byte DIMENSIONS, text in LABEL cells (no SST), no WINDOW1."""
    cuerpo = (
        registro(DIMENSIONS, struct.pack("<HHHHH", 0, 2, 0, 2, 0))
        + registro(LABEL, struct.pack("<HHHH", 0, 0, 15, 3) + b"NSS")
        + registro(LABEL, struct.pack("<HHHH", 0, 1, 15, 4) + b"A\xd1OS")
        + numero(1, 0, 42)
    )
    path = guardar(tmp_path, libro([("Nómina", cuerpo)], version=0x0500), "Book")
    with abrir(path, path.name) as book:
        assert book.hojas == (("Nómina", True),)
        assert book.activa is None
    assert filas(path) == [(1, ("NSS", "AÑOS")), (2, (42,))]


def _una_hoja(cuerpo: bytes = b"", globales: bytes = b"", tabla: bytes = b"") -> bytes:
    datos = cuerpo or dimensions(1, 1) + numero(0, 0, 1)
    return libro([("Hoja1", datos)], globales, tabla)


@pytest.mark.parametrize(
    "flujo",
    [
        # A CODEPAGE of one byte (calamine reads two without looking).
        _una_hoja(globales=registro(CODEPAGE, b"\x01")),
        # A defined name shorter than the name it declares.
        _una_hoja(globales=registro(LBL, struct.pack("<HBBHHH4B", 0, 0, 40, 0, 0, 0, 0, 0, 0, 0))),
        # An ExternSheet without its count of references.
        _una_hoja(globales=registro(EXTERNSHEET)),
        # A defined name of fewer bytes than its fixed part.
        _una_hoja(globales=registro(LBL, bytes(6))),
        # A sheet whose records would start past the end of the stream.
        libro([("Hoja1", dimensions(1, 1))], inicios={"Hoja1": 1_000_000}),
        # A MERGECELLS that says two ranges and holds one.
        _una_hoja(dimensions(1, 1) + registro(MERGECELLS, struct.pack("<H4H", 2, 0, 0, 0, 1))),
        # A MERGECELLS without even its count.
        _una_hoja(dimensions(1, 1) + registro(MERGECELLS, b"\x01")),
        # A DIMENSIONS of neither BIFF5's length nor BIFF8's.
        _una_hoja(registro(DIMENSIONS, bytes(12)) + numero(0, 0, 1)),
    ],
    ids=["short-codepage", "short-name", "tiny-name", "empty-externsheet", "sheet-past-the-end",
         "mergecells-cut", "mergecells-empty", "dimensions-of-12-bytes"],
)  # fmt: skip
def test_a_record_calamine_would_trust_refuses_the_workbook_before_it_is_read(tmp_path, flujo):
    rechazado(guardar(tmp_path, flujo))


def test_the_sheet_it_opens_on_is_the_first_visible_when_window1_names_none(tmp_path):
    """WINDOW1's selected tab past the sheets (a sheet deleted by another program): the first
    visible sheet is read. A DIMENSIONS whose first column is past an .xls's last is read
    from its first column."""
    globales = registro(WINDOW1, struct.pack("<HHHHHHHHH", 0, 0, 9000, 6000, 0x38, 7, 0, 1, 600))
    primera = dimensions(1, 1) + numero(0, 0, 1)
    segunda = registro(DIMENSIONS, struct.pack("<IIHHH", 0, 1, 300, 1, 0)) + numero(0, 0, 2)
    path = guardar(tmp_path, libro([("Uno", primera), ("Dos", segunda)], globales))
    with abrir(path, path.name) as book:
        assert book.activa is None and book.por_omision() == "Uno"
    assert filas(path) == [(1, (1,))]
    assert filas(path, "Dos") == [(1, (2,))]


def test_strings_cut_across_records_are_read_and_a_table_cut_short_refused(tmp_path):
    """A string ending where the SST record ends (the next starts the CONTINUE), and a
    rich-text string whose formatting runs go on in the CONTINUE: read. A table whose last
    string lacks its characters, its runs, or its header: the workbook is damaged."""
    rica = struct.pack("<HBH", 4, 0x08, 2) + b"JOSE" + struct.pack("<HH", 0, 1)
    celdas = dimensions(2, 2) + etiqueta(0, 0, 0) + etiqueta(0, 1, 1)
    celdas += etiqueta(1, 0, 2) + etiqueta(1, 1, 3)
    for tabla in (
        sst(
            texto8("NSS"), texto8("ANA"), texto8("JOSE"), continuaciones=(texto8("LUIS"),), cuenta=4
        ),
        sst(
            texto8("NSS"),
            texto8("ANA"),
            rica,
            continuaciones=(struct.pack("<HH", 2, 1) + texto8("LUIS"),),
            cuenta=4,
        ),
    ):
        path = guardar(tmp_path, _una_hoja(celdas, tabla=tabla))
        assert filas(path) == [(1, ("NSS", "ANA")), (2, ("JOSE", "LUIS"))]

    cortes = {
        "characters": sst(texto8("NSS"), struct.pack("<HB", 10, 0) + b"ANA"),
        "runs": sst(texto8("NSS"), struct.pack("<HBH", 3, 0x08, 5) + b"ANA" + bytes(4)),
        "header": sst(texto8("NSS"), b"\x03"),
    }
    for corte, tabla in cortes.items():
        celdas = dimensions(1, 2) + etiqueta(0, 0, 0) + etiqueta(0, 1, 1)
        path = guardar(tmp_path, _una_hoja(celdas, tabla=tabla))
        with pytest.raises(ValidationError) as caught:
            filas(path)
        assert caught.value.code == "xlsx_invalido", corte


def test_text_repeated_past_the_bound_and_sheets_too_big_together_are_refused(tmp_path):
    """One 20,000-character string in 14,000 cells: 280 million characters calamine would hold
    at once. Two sheets, each within the grid alone, past it together: the workbook would not
    fit; the refusal names the cell that stretches the bigger one."""
    from icsoe_desktop.services.archivos.xlsx_reader import MAX_TEXTO_REPETIDO

    larga = struct.pack("<HB", 20_000, 0) + b"x" * 8000
    tabla = sst(larga, continuaciones=(b"\x00" + b"x" * 8000, b"\x00" + b"x" * 4000))
    celdas = dimensions(14_000, 1) + b"".join(etiqueta(f, 0, 0) for f in range(14_000))
    path = guardar(tmp_path, _una_hoja(celdas, tabla=tabla))
    with pytest.raises(ValidationError) as caught:
        filas(path)
    assert caught.value.code == "xlsx_texto_repetido"
    assert f"más de {MAX_TEXTO_REPETIDO // 2**20} MB" in caught.value.message

    enero = dimensions(50_000, 256) + numero(0, 0, 1) + numero(49_999, 255, 2)
    febrero = dimensions(65_536, 256) + numero(0, 0, 1) + numero(65_535, 255, 2)
    path = guardar(tmp_path, libro([("Enero", enero), ("Febrero", febrero)]))
    with pytest.raises(ValidationError) as caught:
        filas(path)
    assert caught.value.code == "dato_suelto"
    assert caught.value.message.startswith(
        "Hay un dato suelto en IV65536 de la hoja «Febrero» de «nomina.xls», lejos de los demás"
    )


def test_an_xlsb_sheet_with_an_unknown_record_is_read_and_one_cut_short_refused(tmp_path):
    """Excel's binary format: a record of a type unknown here (its number in two bytes, the
    high bit of both set: two bytes are all a type may take) is passed over; a sheet ending
    inside a record's type, or one the workbook names without a relationship, is damaged."""
    from tests.services.xlsx_files import rewrite

    libro_xlsb = xlsb_bytes([["NSS", "Nombre"], [12345678901, "ANA"]], columnas_ocultas=[1])
    hoja = "xl/worksheets/sheet1.bin"
    path = tmp_path / "nomina.xlsb"
    path.write_bytes(rewrite(libro_xlsb, {hoja: lambda data: b"\xff\xff\x00" + data}))
    with abrir(path, path.name) as book:
        assert book.ocultas("Hoja1") == (frozenset({1}), frozenset())
    assert filas(path) == [(1, ("NSS", "Nombre")), (2, (12345678901, "ANA"))]

    # A sheet ending inside a record's type; a sheet whose relationship id is a null string.
    rid = struct.pack("<I", 4) + "rId1".encode("utf-16-le")
    sin_relacion = {"xl/workbook.bin": lambda data: data.replace(rid, b"\xff" * 4)}
    for cambio in ({hoja: lambda data: data + b"\x85"}, sin_relacion):
        path.write_bytes(rewrite(libro_xlsb, cambio))
        with pytest.raises(ValidationError) as caught:
            filas(path)
        assert caught.value.message == (
            "«nomina.xlsb» no es un libro de Excel válido o está dañado."
        )


def test_a_record_that_makes_calamine_panic_is_a_damaged_workbook(tmp_path, caplog):
    """LibreOffice's .xls with its page setup retyped as a formula: calamine's formula parser
    panics. The clerk gets the refusal; what the panic wrote to stderr goes to the log."""
    from tests.data.libros_xls import AQUI
    from tests.xls_registros import FORMULA, SETUP, retipado

    path = tmp_path / "nomina.xls"
    path.write_bytes(retipado((AQUI / "movimientos.xls").read_bytes(), SETUP, FORMULA))
    with caplog.at_level("INFO", logger="icsoe_desktop.services.archivos.xlsx_reader"):
        rechazado(path)
    assert "refused by calamine" in caplog.text
    assert "calamine, leyendo nomina.xls: " in caplog.text
