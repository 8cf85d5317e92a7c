"""Files that broke the importers: workbooks whose <dimension> lies, damaged or hostile zips and XML,
CSV the csv module chokes on, digits that are not 0-9. Each is read whole or refused with a
Spanish message; none reaches the user as a traceback."""

from __future__ import annotations

import io
import uuid
import zipfile
from datetime import datetime
from pathlib import Path

import pytest

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.identifiers import nss_check_digit
from icsoe_desktop.services.archivos.xlsx_reader import (
    MAX_SHARED_STRINGS_BYTES,
    MAX_TEXTO_SEGUIDO,
    sheet_rows,
)
from icsoe_desktop.services.capturistas.excel import BULK_HEADERS
from icsoe_desktop.services.movimientos.servicio import Filtro
from tests.icsoe_helpers import enter_contratista
from tests.services.movimientos_data import (
    HEADERS,
    REGISTRO_A,
    add_registros,
    known_rows,
    write_csv,
)
from tests.services.xlsx_files import (
    SHEET,
    declared_size_lie,
    lying_dimension,
    rewrite,
    version_needed,
    workbook_bytes,
    xlsxwriter_bytes,
)


def many_rows(n: int) -> list[dict[str, str]]:
    rows = []
    for i in range(n):
        row = dict(known_rows()[0])
        ten = f"{3100000000 + i:010d}"
        row["NSS"] = ten + nss_check_digit(ten)
        rows.append(row)
    return rows


def movimientos_xlsx(rows: list[dict[str, str]]) -> bytes:
    return workbook_bytes([HEADERS, *([r[h] for h in HEADERS] for r in rows)])


def import_bytes(services, tmp_path, data: bytes, name: str = "libro.xlsx"):
    path = tmp_path / name
    path.write_bytes(data)
    return services.importador.import_file(path, "t")


def test_a_workbook_whose_dimension_lies_is_read_to_its_last_row(services, tmp_path):
    add_registros(services)
    data = lying_dimension(movimientos_xlsx(many_rows(40)), "A1:X5")
    report = import_bytes(services, tmp_path, data)
    assert (report.leidas, report.importados) == (40, 40)
    assert services.movimientos.count(Filtro()) == 40
    with services.store.engine.connect() as conn:
        ids = [r[0] for r in conn.exec_driver_sql("SELECT uuid FROM movimientos ORDER BY id")]
    # Time-ordered (version 7): each row's uuid after the one imported before it.
    assert len(set(ids)) == 40 and all(uuid.UUID(i).version == 7 and str(uuid.UUID(i)) == i
                                       for i in ids)  # fmt: skip
    assert ids == sorted(ids)


def test_a_workbook_written_by_xlsxwriter_is_read_whole(services, tmp_path):
    add_registros(services)
    rows = [[r[h] for h in HEADERS] for r in many_rows(30)]
    for values in rows:
        values[HEADERS.index("Fecha")] = datetime(2026, 5, 1)
    data = lying_dimension(xlsxwriter_bytes([HEADERS, *rows]), "A1:C2")
    report = import_bytes(services, tmp_path, data)
    assert report.aplicado and report.importados == 30


def test_the_bulk_alta_reads_every_row_whatever_the_dimension_says(
    services, data_dir, tmp_path, smtp_configured
):
    from stdnum.mx.curp import calc_check_digit

    rfc = enter_contratista(services, data_dir, tmp_path)
    rows = []
    for i in range(40):
        base = f"PEMA80{1 + i // 28:02d}{1 + i % 28:02d}HDFRRN0"
        curp = base + calc_check_digit(base + "0")
        rows.append((curp, "Pedro", "Pérez", "Ruiz", "Capturista", "5512345678", f"p{i}@c.mx",
                     f"p{i}@c.mx"))  # fmt: skip
    path = tmp_path / "alta.xlsx"
    path.write_bytes(lying_dimension(workbook_bytes([BULK_HEADERS, *rows]), "A1:H5"))
    assert services.capturistas_excel.alta_masiva(rfc, path).guardados == 40
    assert services.capturistas.total(rfc) == 40


def test_a_csv_with_old_mac_line_endings_is_imported(services, tmp_path):
    add_registros(services)
    path = write_csv(tmp_path / "mac.csv", known_rows())
    path.write_bytes(path.read_bytes().replace(b"\r\n", b"\r"))
    assert services.importador.import_file(path, "t").importados == 6


def test_a_csv_field_over_the_csv_module_limit_is_refused_with_its_line(services, tmp_path):
    add_registros(services)
    path = write_csv(tmp_path / "largo.csv", known_rows())
    path.write_bytes(path.read_bytes() + b'"' + b"A" * 200_000 + b'",x\r\n')
    with pytest.raises(ValidationError, match=r"línea 8.*excede 131,072 caracteres") as error:
        services.importador.import_file(path, "t")
    assert error.value.code == "csv_invalido"
    assert services.movimientos.count(Filtro()) == 0


@pytest.mark.parametrize("digits", ["²", "１", "١", "०"])
def test_non_ascii_digits_in_nss_and_sbc_are_refused_line_by_line(services, tmp_path, digits):
    add_registros(services)
    rows = known_rows()
    rows[0]["NSS"] = rows[0]["NSS"][:-1] + digits
    rows[1]["SBC"] = digits * 3
    rows[2]["Fecha"] = "01/06/202" + digits
    report = services.importador.import_file(write_csv(tmp_path / "d.csv", rows), "t")
    refused = {r.linea: r.motivo for r in report.rechazadas}
    assert sorted(refused) == [2, 3, 4]
    assert "11 dígitos" in refused[2] and "importe válido" in refused[3]
    assert "no es una fecha válida" in refused[4]
    assert services.movimientos.count(Filtro()) == 0


def _no_sheet(data: bytes) -> bytes:
    def workbook(xml: bytes) -> bytes:
        start, end = xml.index(b"<sheets>"), xml.index(b"</sheets>") + len(b"</sheets>")
        return xml[:start] + b"<sheets/>" + xml[end:]

    return rewrite(data, {"xl/workbook.xml": workbook, SHEET: lambda _: None})


def _encoding_unknown(xml: bytes) -> bytes:
    assert b'encoding="UTF-8"' in xml[:100]
    return xml.replace(b'encoding="UTF-8"', b'encoding="TTF-8"', 1)


def _broken_deflate(data: bytes) -> bytes:
    """The sheet member's compressed bytes damaged in the middle (its CRC left as it was)."""
    raw = bytearray(data)
    at = raw.index(SHEET.encode()) + len(SHEET) + 40
    raw[at : at + 24] = bytes(24)
    return bytes(raw)


LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
        for i in range(1, 10)
    )
    + b']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
    b'uniqueCount="1"><si><t>&lol9;</t></si></sst>'
)


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda d: rewrite(d, {SHEET: lambda x: x[: len(x) // 2]}), "dañado"),
        (lambda d: rewrite(d, {SHEET: lambda x: x.replace(b"</row>", b"</rom>", 3)}), "dañado"),
        (lambda d: rewrite(d, {SHEET: lambda x: x.replace(b'r="B3"', b'r="3B"')}), "dañado"),
        (_no_sheet, "no tiene ninguna hoja"),
        (_broken_deflate, "dañado"),
        (lambda d: rewrite(d, {"xl/sharedStrings.xml": lambda _: LAUGHS}), "DTD"),
        (lambda d: rewrite(d, {SHEET: lambda x: b"<!DOCTYPE x []>" + x}), "DTD"),
        # A flipped bit in the XML declaration's «UTF-8»: an encoding that does not exist.
        (lambda d: rewrite(d, {"[Content_Types].xml": _encoding_unknown}), "dañado"),
    ],
    ids=[
        "truncated-xml",
        "broken-xml",
        "bad-cell-ref",
        "no-sheet",
        "deflate",
        "laughs",
        "dtd",
        "unknown-encoding",
    ],
)
def test_damaged_and_hostile_workbooks_are_refused(services, tmp_path, damage, message):
    add_registros(services)
    rows = [[r[h] for h in HEADERS] for r in many_rows(5)]
    data = damage(xlsxwriter_bytes([HEADERS, *rows]))
    with pytest.raises(ValidationError, match=message):
        import_bytes(services, tmp_path, data)
    assert services.movimientos.count(Filtro()) == 0


def _bomb() -> bytes:
    """One shared string just over the bound: a few hundred KB that inflate to 64+ MB."""
    huge = b"A" * (MAX_SHARED_STRINGS_BYTES + 1)
    sst = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
        b'uniqueCount="1"><si><t>' + huge + b"</t></si></sst>"
    )
    data = xlsxwriter_bytes([HEADERS, *([r[h] for h in HEADERS] for r in many_rows(1))])
    return rewrite(data, {"xl/sharedStrings.xml": lambda _: sst})


def test_a_decompression_bomb_is_refused_before_it_is_inflated(services, tmp_path):
    data = _bomb()
    assert len(data) < 200_000
    with pytest.raises(ValidationError, match=r"sharedStrings\.xml.*más de 64 MB") as error:
        import_bytes(services, tmp_path, data)
    assert error.value.code == "xlsx_descomprimido_grande"


def test_a_bomb_that_declares_a_small_size_is_refused_while_inflating(services, tmp_path):
    data = declared_size_lie(_bomb(), "xl/sharedStrings.xml", 1000)
    # Its one text passes the longest a cell holds first (MAX_TEXTO_SEGUIDO).
    with pytest.raises(ValidationError, match=r"dañado|más de 64 MB|texto de más de 1 MB"):
        import_bytes(services, tmp_path, data)


def test_a_cell_of_more_text_than_excel_holds_is_refused_as_it_inflates(services, tmp_path):
    """A cell of 1.5 GB of spaces in a 1.5 MB file was still being read minutes later; this
    one has 3 MB (a cell holds 32,767 characters in Excel): refused within the first ones."""
    espacios = (
        b'<c r="B2" t="inlineStr"><is><t>' + b" " * (3 * MAX_TEXTO_SEGUIDO) + b"</t></is></c>"
    )
    data = rewrite(movimientos_xlsx(many_rows(3)), {
        SHEET: lambda x: x.replace(b"</sheetData>", b'<row r="9">' + espacios + b"</row></sheetData>")
    })  # fmt: skip
    assert len(data) < 100_000
    with pytest.raises(ValidationError) as error:
        import_bytes(services, tmp_path, data)
    assert error.value.code == "xlsx_texto_grande"
    assert "tiene un texto de más de 1 MB, más del que cabe en una celda" in error.value.message


def _repetido(celdas: int) -> bytes:
    """One shared string of 14,000 characters in ``celdas`` cells under the header."""
    return xlsxwriter_bytes([HEADERS, *(["x" * 14_000] for _ in range(celdas))])


def test_a_long_text_repeated_in_many_cells_is_refused_before_it_is_copied(services, tmp_path):
    """calamine copies a shared string into each cell that refers to it: 20,000 references to
    one of 14,000 characters would hold 280 MB (200,000 to one of 5 KB, 1 GB)."""
    data = _repetido(20_000)
    assert len(data) < 200_000
    with pytest.raises(ValidationError) as error:
        import_bytes(services, tmp_path, data)
    assert error.value.code == "xlsx_texto_repetido"
    assert "repiten textos largos hasta sumar más de 256 MB" in error.value.message
    # The same text in fewer cells (56 MB held) is read, every row.
    path = tmp_path / "menos.xlsx"
    path.write_bytes(_repetido(4_000))
    assert sum(1 for _ in sheet_rows(path, path.name)) == 4_001


def test_the_bulk_alta_refuses_a_bomb(services, data_dir, tmp_path, smtp_configured):
    rfc = enter_contratista(services, data_dir, tmp_path)
    path = tmp_path / "alta.xlsx"
    sst = b"<sst><si><t>" + b"A" * (MAX_SHARED_STRINGS_BYTES + 1) + b"</t></si></sst>"
    data = xlsxwriter_bytes([BULK_HEADERS, ["x"] * 8])
    path.write_bytes(rewrite(data, {"xl/sharedStrings.xml": lambda _: sst}))
    with pytest.raises(ValidationError, match="más de 64 MB"):
        services.capturistas_excel.alta_masiva(rfc, path)


def test_a_zip_of_a_version_not_supported_is_refused_in_spanish_by_both_importers(
    services, data_dir, tmp_path, smtp_configured
):
    """«version needed 25.5» made zipfile raise NotImplementedError past every check: a
    traceback in the CLI, «Error inesperado» in the app."""
    add_registros(services)
    rows = [[r[h] for h in HEADERS] for r in many_rows(3)]
    data = version_needed(xlsxwriter_bytes([HEADERS, *rows]))
    with pytest.raises(ValidationError, match="dañado"):
        import_bytes(services, tmp_path, data)
    assert services.movimientos.count(Filtro()) == 0
    rfc = enter_contratista(services, data_dir, tmp_path)
    path = tmp_path / "alta.xlsx"
    path.write_bytes(version_needed(xlsxwriter_bytes([BULK_HEADERS, ["x"] * 8])))
    with pytest.raises(ValidationError, match="dañado"):
        services.capturistas_excel.alta_masiva(rfc, path)


def _lote(count: int, first: int = 0) -> list[str]:
    from datetime import date

    from icsoe_desktop.domain.idse_lote import format_line
    from icsoe_desktop.domain.movimientos import Movimiento

    lines = []
    for i in range(first, first + count):
        ten = f"{4100000000 + i:010d}"
        mov = Movimiento(registro_patronal=REGISTRO_A, nss=ten + nss_check_digit(ten),
                         primer_apellido="PEÑA", nombre="JOSE", tipo="08", fecha=date(2026, 1, 5),
                         curp="GODE561231MDFRNL06", sbc=40_000, tipo_trabajador="1",
                         tipo_salario="0", jornada="0")  # fmt: skip
        lines.append(format_line(mov))
    return lines


def test_a_lote_larger_than_a_batch_finds_repeats_and_known_movements(services, tmp_path):
    """Repeated lines are found across insert batches (5,000 rows), movements already stored are
    skipped, and a refusal rolls back every batch already inserted."""
    add_registros(services)
    path = tmp_path / "lote.txt"
    path.write_bytes(("\r\n".join(_lote(3)) + "\r\n").encode("cp1252"))
    assert services.importador.import_file(path, "t").importados == 3

    lines = _lote(5_200)
    lines.insert(5_100, lines[4])  # line 5101 repeats line 5
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    report = services.importador.import_file(path, "t")
    assert [(r.linea, r.motivo) for r in report.rechazadas] == [
        (5_101, "Repite el movimiento de la línea 5.")
    ]
    assert report.leidas == 5_201 and services.movimientos.count(Filtro()) == 3

    del lines[5_100]
    path.write_bytes(("\n".join(lines)).encode("cp1252"))  # LF only, no final newline
    report = services.importador.import_file(path, "t")
    assert (report.leidas, report.importados, report.existentes) == (5_200, 5_197, 3)
    assert services.movimientos.count(Filtro()) == 5_200


def test_a_lotes_movements_store_null_for_the_idse_answers_it_does_not_carry(services, tmp_path):
    """A lote carries no IDSE answer: the rows hold NULL for them (bound as NaN, which SQLite
    stores as NULL: store/enlace.py), and a filled value keeps its own storage class."""
    add_registros(services)
    path = tmp_path / "lote.txt"
    path.write_bytes(("\r\n".join(_lote(3)) + "\r\n").encode("cp1252"))
    assert services.importador.import_file(path, "t").importados == 3
    with services.store.engine.connect() as conn:
        stored = conn.exec_driver_sql(
            "SELECT typeof(fecha_emision), typeof(fecha_recibido), typeof(fecha_aprobacion), "
            "typeof(fecha_rechazo), typeof(fecha), typeof(sbc), typeof(deleted) FROM movimientos"
        ).all()
        answered = conn.exec_driver_sql(
            "SELECT count(*) FROM movimientos WHERE fecha_emision IS NOT NULL "
            "OR fecha_recibido IS NOT NULL OR fecha_aprobacion IS NOT NULL "
            "OR fecha_rechazo IS NOT NULL"
        ).scalar_one()
    assert stored == [("null", "null", "null", "null", "text", "integer", "integer")] * 3
    assert answered == 0


def test_many_parts_that_together_declare_too_much_are_refused(services, tmp_path):
    """Each part within its own bound, all of them together a bomb of time: refused from the
    sizes they declare, before inflating any."""
    from icsoe_desktop.services.archivos.xlsx_reader import MAX_OTHER_PART_BYTES, MAX_TOTAL_BYTES

    parts = MAX_TOTAL_BYTES // MAX_OTHER_PART_BYTES + 1
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(xlsxwriter_bytes([HEADERS]))) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
        for i in range(parts):
            target.writestr(f"xl/media/relleno{i:04d}.xml", b"<a/>")
    data = out.getvalue()
    for i in range(parts):
        data = declared_size_lie(data, f"xl/media/relleno{i:04d}.xml", MAX_OTHER_PART_BYTES)
    with pytest.raises(ValidationError, match="el libro completo ocupa más de"):
        import_bytes(services, tmp_path, data)


def test_a_workbook_written_by_libreoffice_is_read_whole(services, tmp_path):
    """tests/data/libreoffice_movimientos.xlsx: LibreOffice 7.4 (`soffice --headless
    --convert-to xlsx`) of a 40-row CSV; NSS, SBC and Movimiento became numbers, Fecha a date."""
    from pathlib import Path

    add_registros(services)
    data = (Path(__file__).parents[1] / "data" / "libreoffice_movimientos.xlsx").read_bytes()
    assert import_bytes(services, tmp_path, data).importados == 40
    report = import_bytes(services, tmp_path, lying_dimension(data, "A1:Q3"), "otra.xlsx")
    assert (report.leidas, report.existentes) == (40, 40)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_table_of_several_batches_with_one_bad_row_near_the_end_imports_nothing(
    services, tmp_path, kind, monkeypatch
):
    """250 rows span three insert batches (100 rows here, the app's 5,000 lowered so that the
    file stays small), read from the disk as they come: a bad row at line 240 rolls back the
    batches already inserted and is named by its line (the header is line 1); the same file
    without it is imported whole."""
    from icsoe_desktop.services.movimientos import importar as movimientos_import

    monkeypatch.setattr(movimientos_import, "BATCH", 100)
    add_registros(services)
    rows = many_rows(250)
    rows[238]["NSS"] = "1234"  # line 240

    def write(name: str) -> Path:
        if kind == "csv":
            return write_csv(tmp_path / f"{name}.csv", rows)
        path = tmp_path / f"{name}.xlsx"
        path.write_bytes(xlsxwriter_bytes([HEADERS, *([r[h] for h in HEADERS] for r in rows)]))
        return path

    report = services.importador.import_file(write("malo"), "t")
    assert [r.linea for r in report.rechazadas] == [240]
    assert "NSS" in report.rechazadas[0].motivo
    assert report.leidas == 250 and report.importados == 0
    assert services.movimientos.count(Filtro()) == 0

    rows[238] = many_rows(239)[-1]
    report = services.importador.import_file(write("bueno"), "t")
    assert report.aplicado and (report.leidas, report.importados) == (250, 250)
    assert services.movimientos.count(Filtro()) == 250


def test_a_sheet_longer_than_excel_allows_is_refused_whole(services, tmp_path, monkeypatch):
    """Excel's limit (1,048,576 rows) lowered to 30 for the test: a 40-row sheet is refused with a
    message and nothing is imported (a longer sheet would keep growing openpyxl's memory)."""
    from icsoe_desktop.services.archivos import xlsx_reader

    add_registros(services)
    monkeypatch.setattr(xlsx_reader, "MAX_ROWS", 30)
    with pytest.raises(ValidationError) as error:
        import_bytes(services, tmp_path, movimientos_xlsx(many_rows(40)))
    assert error.value.code == "xlsx_demasiadas_filas" and "30 filas" in error.value.message
    assert services.movimientos.count(Filtro()) == 0
    assert import_bytes(services, tmp_path, movimientos_xlsx(many_rows(29))).importados == 29


@pytest.mark.parametrize("writer", ["openpyxl", "xlsxwriter"])
def test_a_short_sheet_and_a_long_one_are_read_to_the_same_values(monkeypatch, writer):
    """A sheet up to CALAMINE_MAX_SHEET_BYTES is read by calamine whole, a longer one by
    calamine a window at a time, one it cannot bound streamed by openpyxl: the same workbook
    gives the same rows every way (text kept as text with its zeros, whole numbers as int,
    dates as Excel stores them, a formula as its saved value, empty cells and rows where they
    are, a table that starts at C3)."""
    from icsoe_desktop.services.archivos import xlsx_reader

    rows = [
        ["NSS", "SBC", "Fecha", "Dias", "Total"],
        ["00123456789", 278.99, datetime(2026, 1, 31), 7, None],
        [None, 1234567.5, datetime(2025, 12, 1, 8, 30), -3, "TOTAL"],
    ]
    if writer == "xlsxwriter":
        import xlsxwriter

        buffer = io.BytesIO()
        book = xlsxwriter.Workbook(buffer, {"in_memory": True})
        sheet = book.add_worksheet()
        dates = book.add_format({"num_format": "dd/mm/yyyy"})
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, datetime):
                    sheet.write_datetime(r + 2, c + 2, value, dates)
                elif value is not None:
                    sheet.write(r + 2, c + 2, value)
        sheet.write_formula(4, 6, "=D4+D5", None, 1513.49)
        book.close()
        data = buffer.getvalue()
    else:
        from openpyxl import Workbook

        book = Workbook()
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                book.active.cell(r + 3, c + 3, value)
        buffer = io.BytesIO()
        book.save(buffer)
        data = buffer.getvalue()

    def read() -> list[tuple[int, tuple]]:
        return [(n, tuple(v)) for n, v in xlsx_reader.sheet_rows(data, "libro.xlsx")]

    short = read()
    monkeypatch.setattr(xlsx_reader, "CALAMINE_MAX_SHEET_BYTES", 0)
    long = read()
    streamed = [
        (n, tuple(v))
        for n, v in xlsx_reader._openpyxl_sheet(
            io.BytesIO(data), "libro.xlsx", "Sheet1" if writer == "xlsxwriter" else "Sheet"
        )
    ]
    assert short == long == streamed
    assert short[2] == (3, (None, None, "NSS", "SBC", "Fecha", "Dias", "Total"))
    assert short[3][1][2:6] == ("00123456789", 278.99, datetime(2026, 1, 31), 7)


def test_a_long_sheet_is_read_a_window_at_a_time_to_the_same_rows(monkeypatch):
    """A sheet longer than calamine reads whole is read a window of rows at a time (here one
    row each): the same rows as whole, with the empty rows between windows where they are, of
    the sheet the workbook opens on (not the first), its texts from the shared strings."""
    from openpyxl import Workbook

    from icsoe_desktop.services.archivos import xlsx_reader

    book = Workbook()
    book.active.title = "Notas"
    book.active["A1"] = "No es esta hoja"
    sheet = book.create_sheet("Datos")
    book.active = 1
    sheet["B2"] = "Listado de movimientos"
    for row in (["NSS", "Fecha", "SBC"], ["00123456789", datetime(2026, 1, 31), 278.99]):
        sheet.append([None, *row])
    sheet.append([])
    sheet.append([])
    sheet["C7"] = 1234567
    sheet["A9"] = "TOTAL"
    buffer = io.BytesIO()
    book.save(buffer)

    def read() -> list[tuple[int, tuple]]:
        return [(n, tuple(v)) for n, v in xlsx_reader.sheet_rows(buffer.getvalue(), "l.xlsx")]

    whole = read()
    monkeypatch.setattr(xlsx_reader, "CALAMINE_MAX_SHEET_BYTES", 0)
    monkeypatch.setattr(xlsx_reader, "VENTANA_BYTES", 1)
    assert read() == whole
    assert whole == [
        (1, ()),
        (2, (None, "Listado de movimientos")),
        (3, (None, "NSS", "Fecha", "SBC")),
        (4, (None, "00123456789", datetime(2026, 1, 31), 278.99)),
        (5, ()),
        (6, ()),
        (7, (None, None, 1234567)),
        (8, ()),
        (9, ("TOTAL",)),
    ]
