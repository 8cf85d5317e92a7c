"""A table saved under a name is what the name says: «.csv» comma-separated UTF-8 text with a
BOM (Excel opens the accents right, the importer reads it back), «.xlsx» an Excel book; any
other ending is refused and nothing is written."""

from __future__ import annotations

import codecs
import csv
import io
import zipfile

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.archivos.salida import FILTROS, con_terminacion
from icsoe_desktop.services.movimientos.exportar import ExportCancelled, export_table
from icsoe_desktop.services.movimientos.servicio import COLUMNS, Filtro, Orden
from icsoe_desktop.store.models import MovimientoRow
from tests.services.movimientos_data import REGISTRO_B, load_known, nss


def read_csv(path) -> list[list[str]]:
    data = path.read_bytes()
    assert data.startswith(codecs.BOM_UTF8) and not zipfile.is_zipfile(path)
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_a_csv_name_gives_a_utf8_csv_the_importer_reads_back(services, tmp_path):
    load_known(services, tmp_path)
    target = tmp_path / "movimientos.csv"
    assert export_table(services.movimientos, Filtro(), Orden(), target, CLI_ACTOR) == 6
    header, *rows = read_csv(target)
    assert header == [c.header for c in COLUMNS]
    records = {r[header.index("NSS")]: dict(zip(header, r, strict=True)) for r in rows}
    luis = records[nss(6)]
    assert (luis["Registro Patronal"], luis["Apellido Materno"]) == (REGISTRO_B, "PEÑA")
    assert (luis["Fecha"], luis["SBC"], luis["Movimiento"]) == (
        "01/07/2026",
        "410.00",
        "Modificación de salario",
    )
    assert records[nss(4)]["SBC"] == "" and records[nss(4)]["Causa Baja"]
    # What was written goes back in: every movement is already there.
    again = services.importador.import_file(target, "t")
    assert again.aplicado, again.rechazadas
    assert (again.formato, again.importados, again.existentes) == ("CSV", 0, 6)


def test_formula_like_text_in_a_csv_is_inert(services, tmp_path):
    load_known(services, tmp_path)
    dde = "=cmd|' /C calc'!A0"
    with services.store.session() as session:
        session.execute(update(MovimientoRow).values(estado="rechazado", causa_rechazo=dde))
    target = tmp_path / "inyeccion.csv"
    export_table(services.movimientos, Filtro(), Orden(), target, CLI_ACTOR)
    header, *rows = read_csv(target)
    causa = header.index("Causa Rechazo")
    assert {r[causa] for r in rows} == {"'" + dde}


def test_an_empty_csv_has_its_header_and_a_cancelled_one_no_file(services, tmp_path):
    empty = tmp_path / "vacio.csv"
    assert export_table(services.movimientos, Filtro(), Orden(), empty, CLI_ACTOR) == 0
    assert read_csv(empty) == [[c.header for c in COLUMNS]]
    from datetime import date

    from icsoe_desktop.demo.movimientos import create_demo_movimientos

    create_demo_movimientos(services.store, 2_500, date(2026, 11, 22))
    with pytest.raises(ExportCancelled):
        export_table(
            services.movimientos,
            Filtro(),
            Orden(),
            tmp_path / "cancelado.csv",
            CLI_ACTOR,
            cancelled=lambda: True,
        )
    assert [p.name for p in tmp_path.iterdir() if "cancelado" in p.name] == []


def test_an_xlsx_name_gives_a_workbook(services, tmp_path):
    load_known(services, tmp_path)
    target = tmp_path / "MOVIMIENTOS.XLSX"
    assert export_table(services.movimientos, Filtro(), Orden(), target, CLI_ACTOR) == 6
    assert zipfile.is_zipfile(target)
    book = load_workbook(target, read_only=True)
    assert next(book.worksheets[0].iter_rows(values_only=True)) == tuple(c.header for c in COLUMNS)
    book.close()


@pytest.mark.parametrize("name", ["movimientos.ods", "movimientos.txt", "movimientos"])
def test_another_ending_is_refused_and_nothing_is_written(services, tmp_path, name):
    load_known(services, tmp_path)
    before = set(tmp_path.iterdir())
    with pytest.raises(ValidationError) as refused:
        export_table(services.movimientos, Filtro(), Orden(), tmp_path / name, CLI_ACTOR)
    assert refused.value.message == (
        f"No se puede exportar a «{name}»: el nombre debe terminar en .xlsx (libro de Excel) o "
        ".csv (texto separado por comas, UTF-8)."
    )
    assert set(tmp_path.iterdir()) == before


def test_a_name_typed_without_ending_takes_the_chosen_filter(tmp_path):
    excel, texto = FILTROS
    assert con_terminacion(tmp_path / "junio", texto) == tmp_path / "junio.csv"
    assert con_terminacion(tmp_path / "junio", excel) == tmp_path / "junio.xlsx"
    assert con_terminacion(tmp_path / "junio.csv", excel) == tmp_path / "junio.csv"


@pytest.mark.parametrize(
    ("name", "code"), [("ocupado.xlsx", "excel_no_guardado"), ("ocupado.csv", "csv_no_guardado")]
)
def test_a_file_that_cannot_be_written_is_told_in_spanish_and_nothing_is_left(tmp_path, name, code):
    from icsoe_desktop.services.archivos.excel import TEXT, SheetColumn
    from icsoe_desktop.services.archivos.salida import write_table

    folder = tmp_path / "exportes"
    target = folder / name
    target.mkdir(parents=True)  # something that is not a file stands where the export goes
    with pytest.raises(ValidationError) as refused:
        write_table(target, "Hoja", [SheetColumn("NSS", TEXT, 12)], [["12345678901"]], 1)
    assert refused.value.code == code
    assert refused.value.message.startswith(f"No se pudo guardar «{name}»: ")
    assert sorted(p.name for p in folder.iterdir()) == [name]  # no temporary file left


def test_an_excel_book_prints_landscape_one_page_wide_with_its_headers_on_each_page(
    services, tmp_path
):
    load_known(services, tmp_path)
    target = tmp_path / "movimientos.xlsx"
    export_table(services.movimientos, Filtro(), Orden(), target, CLI_ACTOR)
    hoja = load_workbook(target).active
    assert hoja.page_setup.orientation == "landscape"
    assert hoja.sheet_properties.pageSetUpPr.fitToPage
    assert hoja.page_setup.fitToWidth in (None, 1)  # left out: Excel's own default, one page
    assert hoja.page_setup.fitToHeight == 0  # as many pages down as the rows need
    assert hoja.print_title_rows == "$1:$1"  # the header row on top of every page


def test_an_export_holds_the_grids_rows_in_its_order_whatever_the_search_and_order(
    services, tmp_path
):
    """The export reads its rows by id after their keys (``filas_exportadas``): the same rows,
    values and order as one query sorting them (``iter_rows``), for every column either way,
    with its sort index or before it is built, under each filter and a find."""
    from datetime import date

    from icsoe_desktop.demo.movimientos import create_demo_movimientos

    create_demo_movimientos(services.store, 400, date(2026, 11, 22))
    movimientos = services.movimientos
    registro = next(iter(movimientos.iter_rows(Filtro(), Orden())))[1]
    busquedas = (
        Filtro(),
        Filtro(registro_patronal=registro),
        Filtro(tipo="02", estado="aprobado"),
        Filtro(fecha_inicial=date(2025, 1, 1), fecha_final=date(2025, 6, 30)),
        Filtro(buscar="ma"),
        Filtro(buscar="zzzz"),
    )
    assert all(movimientos.count(f) for f in busquedas[:-1])  # rows to compare
    for column in range(len(COLUMNS)):
        for indexed in (False, True):
            if indexed:
                movimientos.prepare_sort(Orden(column))
            for orden in (Orden(column), Orden(column, descending=True)):
                for filtro in busquedas:
                    expected = [tuple(r[:-1]) for r in movimientos.iter_rows(filtro, orden)]
                    total = movimientos.count(filtro)
                    exported = movimientos.filas_exportadas(filtro, orden, total, batch=7)
                    assert [tuple(r[:-1]) for r in exported] == expected, (column, orden, filtro)
    target = tmp_path / "registro.csv"
    filtro = Filtro(registro_patronal=registro)
    assert export_table(movimientos, filtro, Orden(), target, CLI_ACTOR) == movimientos.count(
        filtro
    )
