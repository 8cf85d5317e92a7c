"""A value far from the rest of a sheet (a stray keystroke after Ctrl+End, or a file made to
exhaust memory: one cell at XFD1048576 in a 5 KB workbook) never ends the program: each
importer answers with a Spanish message naming the cell, under a 4 GB memory limit, whatever
way the workbook writes that cell; a value far down but within the columns read is read, the
sheet streamed instead of held whole."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.services.archivos import alcance
from icsoe_desktop.services.archivos.xlsx_reader import sheet_rows
from tests.archivos_de_nomina import trabajadores, xlsx_titulos_y_total
from tests.services.movimientos_data import HEADERS, known_rows
from tests.services.xlsx_files import (
    SHEET,
    far_cell,
    lying_dimension,
    rewrite,
    xlsb_bytes,
    xlsxwriter_bytes,
)

REPO = Path(__file__).resolve().parents[2]
BULK = [("CURP", "Nombre", "Primer apellido", "Segundo apellido", "Rol", "Teléfono celular",
         "Correo electrónico", "Confirmar correo")]  # fmt: skip
REGISTROS = [("Reg. Patronal", "R.F.C.", "Nombre o razón social"),
             ("Y54-12345-10-6", "EDM010101AB1", "Empresa Demo")]  # fmt: skip


def limited(data_dir: str, folder: Path) -> list[dict]:
    """Each answer of tests/importar_con_limite.py (under the 4 GB limit) for the files of
    ``folder``; the process must end on its own (no abort)."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.importar_con_limite", data_dir, str(folder)],
        capture_output=True, text=True, encoding="utf-8", timeout=300, cwd=REPO, check=False,
    )  # fmt: skip
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
    return [json.loads(line) for line in done.stdout.splitlines()]


def _importer_files(folder: Path, ref: str) -> None:
    folder.mkdir()
    grid = [[r[h] for h in HEADERS] for r in known_rows()]
    valid = {
        "movimientos": xlsxwriter_bytes([HEADERS, *grid]),
        "trabajadores": xlsx_titulos_y_total(folder / "t.xlsx", trabajadores(3)).read_bytes(),
        "registros": xlsxwriter_bytes(REGISTROS),
        "capturistas": xlsxwriter_bytes(BULK),
    }
    (folder / "t.xlsx").unlink()
    for name, data in valid.items():
        (folder / f"{name}.xlsx").write_bytes(far_cell(data, ref))


# An address-space limit is set with POSIX's setrlimit; Windows has none to set that way.
SIN_LIMITE_DE_MEMORIA = pytest.mark.skipif(
    sys.platform == "win32", reason="el límite de memoria del proceso (RLIMIT_AS) es de POSIX"
)


@pytest.mark.slow
@SIN_LIMITE_DE_MEMORIA
@pytest.mark.parametrize("ref", ["XFD1048576", "XFD10000"])
def test_every_importer_names_the_far_cell_under_a_memory_limit(tmp_path, ref):
    _importer_files(tmp_path / "libros", ref)
    answers = limited(str(tmp_path / "datos"), tmp_path / "libros")
    assert [a["archivo"] for a in answers] == [
        "movimientos", "trabajadores", "registros", "capturistas"
    ]  # fmt: skip
    for answer in answers:
        assert answer.get("codigo") == "dato_suelto", answer
        assert answer["mensaje"].startswith(f"Hay un dato suelto en {ref} de la hoja"), answer
        assert "No se importó nada." in answer["mensaje"]


def _ods(table: str) -> bytes:
    """An OpenDocument spreadsheet as LibreOffice lays one out, with the rows given."""
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')  # fmt: skip
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} '
               'office:version="1.2"><office:body><office:spreadsheet>'
               f'<table:table table:name="Hoja1">{table}</table:table>'
               "</office:spreadsheet></office:body></office:document-content>")  # fmt: skip
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as book:
        book.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        book.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


_CELL = '<table:table-cell office:value-type="string"><text:p>NSS</text:p></table:table-cell>'
_EMPTY_ROWS = (
    '<table:table-row table:number-rows-repeated="{n}"><table:table-cell/></table:table-row>'
)


def _far_sheets(folder: Path) -> None:
    """The far value written every way a workbook may write it."""
    folder.mkdir()
    base = xlsxwriter_bytes([["NSS", "Nombre"], ["12345678901", "Ana"]])
    value = "<v>1</v>"

    def sheet(rows: str) -> bytes:
        return rewrite(
            base, {SHEET: lambda xml: xml.replace(b"</sheetData>", rows.encode() + b"</sheetData>")}
        )

    books = {
        "a_usual.xlsx": far_cell(base, "XFD10000"),
        "b_sin_referencias.xlsx": sheet('<row r="10000">' + "<c><v>1</v></c>" * 16_384 + "</row>"),
        "c_comillas_simples.xlsx": sheet(f"<row r='10000'><c r='XFD10000'>{value}</c></row>"),
        "d_prefijo.xlsx": sheet(
            f'<row r="10000"><x:c xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/'
            f'2006/main" r="XFD10000">{value}</x:c></row>'
        ),
        "e_minusculas.xlsx": sheet(f'<row r="10000"><c r="xfd10000">{value}</c></row>'),
        "f_filas_lejanas.ods": _ods(
            f"<table:table-row>{_CELL}</table:table-row>" + _EMPTY_ROWS.format(n=9_998)
            + '<table:table-row><table:table-cell table:number-columns-repeated="16383"/>'
            + f"{_CELL}</table:table-row>"
        ),
    }  # fmt: skip
    books["g_binario.xlsb"] = xlsb_bytes([["NSS"], ["12345678901"], (9_999, {16_383: 1})])
    for name, data in books.items():
        (folder / name).write_bytes(data)


@pytest.mark.slow
@SIN_LIMITE_DE_MEMORIA
def test_the_far_value_is_found_however_the_workbook_writes_it(tmp_path):
    _far_sheets(tmp_path / "libros")
    answers = limited("-", tmp_path / "libros")
    assert len(answers) == 7
    for answer in answers:
        assert answer.get("codigo") == "dato_suelto", answer
        assert "Hay un dato suelto en XFD10000 de la hoja" in answer["mensaje"], answer


@pytest.mark.slow
@SIN_LIMITE_DE_MEMORIA
def test_a_value_far_down_within_the_columns_is_read_streaming(tmp_path):
    """1,024 columns (AMJ, LibreOffice's limit for years) by Excel's 1,048,576 rows do not fit
    in memory as one grid: the sheet is streamed and the value read as the last row."""
    folder = tmp_path / "libros"
    folder.mkdir()
    base = xlsxwriter_bytes([["NSS", "Nombre"], ["12345678901", "Ana"]])
    (folder / "abajo.xlsx").write_bytes(far_cell(base, "AMJ1048576"))
    assert limited("-", folder) == [{"archivo": "abajo.xlsx", "filas": 1_048_576}]


def _rows(data: bytes) -> list[tuple]:
    return [(n, tuple(v)) for n, v in sheet_rows(data, "libro.xlsx")]


def test_a_dimension_saying_the_whole_sheet_is_not_believed():
    data = xlsxwriter_bytes([["NSS", "Nombre"], ["12345678901", "Ana"]])
    assert _rows(lying_dimension(data, "A1:XFD1048576")) == [
        (1, ("NSS", "Nombre")), (2, ("12345678901", "Ana"))
    ]  # fmt: skip


def test_a_format_far_away_is_no_value():
    """Excel writes a cell formatted and empty as ``<c r="XFD1048576" s="1"/>``: nothing there
    to refuse, and no grid to that corner."""
    data = xlsxwriter_bytes([["NSS", "Nombre"], ["12345678901", "Ana"]])
    styled = rewrite(data, {SHEET: lambda xml: xml.replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" s="1"/></row></sheetData>')})  # fmt: skip
    assert _rows(styled) == [(1, ("NSS", "Nombre")), (2, ("12345678901", "Ana"))]


def test_a_wide_long_sheet_is_read_whole_and_as_openpyxl_reads_it(monkeypatch):
    """Columns past Z and rows past 10,000: the extent is looked for closer (the widest
    references only), and every value comes as openpyxl, which holds no grid, gives it."""
    from icsoe_desktop.services.archivos import xlsx_reader

    # To column AB and row 10,001: past Z and past 10,000, the last cell a number.
    header = [f"Columna {i}" for i in range(28)]
    rows = [header, *([f"{r}-{c}" if c % 3 else r * 28 + c for c in range(28)]
                      for r in range(10_000))]  # fmt: skip
    data = xlsxwriter_bytes(rows)
    read = _rows(data)
    assert len(read) == 10_001 and read[-1][1][27] == 9_999 * 28 + 27
    monkeypatch.setattr(xlsx_reader, "CALAMINE_MAX_SHEET_BYTES", 0)
    assert read == _rows(data)


def test_the_glance_bounds_what_it_lets_through():
    """What ``Vistazo`` lets through (26 columns, rows under 1,000,000) fits in the grid."""
    assert alcance.LIMITE_VISTAZO <= alcance.MAX_CELDAS_GRID
    glance = alcance.Vistazo()
    # A reference cut between two chunks is seen whole.
    glance.ver(b'<row r="5"><c r="A5"><v>1</v></c><c r="X')
    glance.ver(b'FD5"><v>1</v></c></row>')
    glance.fin()
    assert (glance.canonica, glance.basta) == (True, False)


def test_the_far_cell_is_refused_before_any_row_is_given():
    data = far_cell(xlsxwriter_bytes([["NSS"], ["12345678901"]]), "AMK2")
    with pytest.raises(ValidationError) as raised:
        _rows(data)
    assert raised.value.message.startswith(
        "Hay un dato suelto en AMK2 de la hoja «Sheet1» de «libro.xlsx», más allá de la "
        "columna AMJ, la última que se lee."
    )


@pytest.mark.parametrize("ventanas", [False, True], ids=["entera", "por_ventanas"])
def test_a_narrow_sheet_is_read_to_excels_last_row_and_no_further(monkeypatch, ventanas):
    """Columns A to Z with rows past 999,999 (a header and a million movements): read to
    Excel's last row, whole or (a long sheet) a window of rows at a time; a value below that
    row is refused naming its cell."""
    from icsoe_desktop.services.archivos import xlsx_reader

    assert 26 * alcance.MAX_FILAS <= alcance.MAX_CELDAS_GRID  # any window's grid fits
    if ventanas:
        monkeypatch.setattr(xlsx_reader, "CALAMINE_MAX_SHEET_BYTES", 0)
        monkeypatch.setattr(xlsx_reader, "VENTANA_BYTES", 1)
    base = xlsxwriter_bytes([["NSS", "Nombre"], ["12345678901", "Ana"]])
    rows = _rows(far_cell(base, "B1048576"))
    assert rows[:3] == [(1, ("NSS", "Nombre")), (2, ("12345678901", "Ana")), (3, ())]
    assert (len(rows), rows[-1]) == (1_048_576, (1_048_576, (None, "x")))
    with pytest.raises(ValidationError) as raised:
        _rows(far_cell(base, "C2000000"))
    assert raised.value.code == "dato_suelto" and "C2000000" in raised.value.message
