"""Movimientos: import (CSV, xlsx, IDSE lote), the grid's filters and tabs, Excel export."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.idse_lote import write_lines
from icsoe_desktop.domain.movimientos import Movimiento, validate
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.movimientos.exportar import ExportCancelled, export_table
from icsoe_desktop.services.movimientos.servicio import COLUMNS, Filtro, Orden
from tests.services.movimientos_data import (
    HEADERS,
    REGISTRO_A,
    REGISTRO_B,
    add_registros,
    known_rows,
    load_known,
    nss,
    write_csv,
)


def test_a_csv_with_the_grid_columns_is_imported(services, tmp_path):
    report = load_known(services, tmp_path)
    assert report.aplicado and report.formato == "CSV"
    assert (report.leidas, report.importados, report.existentes) == (6, 6, 0)
    assert services.movimientos.count(Filtro()) == 6
    assert services.audit.recent()[0].action == "movimientos_importados"


def test_reimporting_the_same_file_adds_nothing(services, tmp_path):
    load_known(services, tmp_path)
    again = services.importador.import_file(tmp_path / "conocidos.csv", "t")
    assert (again.importados, again.existentes) == (0, 6)
    assert services.movimientos.count(Filtro()) == 6


def test_bad_lines_are_reported_by_number_and_nothing_is_imported(services, tmp_path):
    add_registros(services)
    rows = known_rows()
    rows[1]["NSS"] = "12345678904"  # line 3: wrong check digit
    rows[3]["Causa Baja"] = ""  # line 5: a baja without its cause
    rows[4]["Registro Patronal"] = "Z9999999999"  # line 6: not the company's
    rows.append(dict(rows[0]))  # line 8: the same movement as line 2
    report = services.importador.import_file(write_csv(tmp_path / "malo.csv", rows), "t")
    assert not report.aplicado
    refused = {r.linea: r.motivo for r in report.rechazadas}
    assert sorted(refused) == [3, 5, 6, 8]
    assert "dígito verificador" in refused[3]
    assert "causa de baja" in refused[5]
    assert "no está dado de alta" in refused[6]
    assert "línea 2" in refused[8]
    assert services.movimientos.count(Filtro()) == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "está vacío"),
        (b"Nombre,Apellido Paterno\nANA,RUIZ\n", "faltan las columnas: Registro Patronal, NSS"),
        (b"\x00\x01\x02binario", "no es un archivo de texto"),
        (b"Registro Patronal,NSS,Apellido Paterno,Nombre,Fecha,Movimiento\n", "no contiene"),
    ],
)
def test_bad_files_are_refused_with_a_reason(services, tmp_path, content, message):
    path = tmp_path / "archivo.csv"
    path.write_bytes(content)
    with pytest.raises(ValidationError, match=message):
        services.importador.import_file(path, "t")


def test_a_damaged_xlsx_is_refused(services, tmp_path):
    path = tmp_path / "libro.xlsx"
    path.write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(ValidationError, match="no es un libro de Excel válido"):
        services.importador.import_file(path, "t")


def test_an_xlsx_with_real_dates_and_numbers_is_imported(services, tmp_path):
    add_registros(services)
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    row = known_rows()[0]
    values = [row[h] for h in HEADERS]
    values[HEADERS.index("Fecha")] = datetime(2026, 5, 1)
    values[HEADERS.index("SBC")] = 651.84
    values[HEADERS.index("NSS")] = int(row["NSS"])  # Excel turned it into a number
    sheet.append(values)
    book.save(tmp_path / "libro.xlsx")
    report = services.importador.import_file(tmp_path / "libro.xlsx", "t")
    assert report.aplicado and report.importados == 1 and report.formato == "Excel"
    mov = services.movimientos.pagina(Filtro(), Orden(), 0, 10)[0]
    assert mov[1 + COLUMNS.index(next(c for c in COLUMNS if c.attr == "sbc"))] == 65_184


def test_an_idse_lote_file_is_imported(services, tmp_path):
    add_registros(services)
    movs = [
        validate(
            Movimiento(
                registro_patronal=REGISTRO_A,
                nss=nss(10 + i),
                primer_apellido="HERNANDEZ",
                segundo_apellido="",
                nombre="MARIA",
                tipo=tipo,
                fecha=date(2026, 10, 1 + i),
                curp="GODE561231MDFRNL06",
                sbc=30_000,
                tipo_trabajador="1",
                tipo_salario="0",
                causa_baja="1",
            ),
            date(2026, 11, 22),
        )
        for i, tipo in enumerate(["08", "07", "02"])
    ]
    path = tmp_path / "lote.txt"
    path.write_bytes(write_lines(movs))
    report = services.importador.import_file(path, "t")
    assert report.formato == "Lote IDSE" and report.importados == 3
    path.write_bytes(write_lines(movs)[:-40])  # truncated last line
    report = services.importador.import_file(path, "t")
    assert [(r.linea, "caracteres" in r.motivo) for r in report.rechazadas] == [(3, True)]


def test_filters_and_tabs_give_the_right_rows(services, tmp_path):
    load_known(services, tmp_path)
    count = services.movimientos.count
    assert count(Filtro(tipo="08")) == 3
    assert count(Filtro(tipo="07")) == 2
    assert count(Filtro(tipo="02")) == 1
    assert count(Filtro(registro_patronal=REGISTRO_B)) == 2
    assert count(Filtro(estado="pendiente")) == 3
    assert count(Filtro(tipo="08", estado="pendiente", registro_patronal=REGISTRO_A)) == 1
    assert count(Filtro(fecha_inicial=date(2026, 6, 1), fecha_final=date(2026, 6, 30))) == 3
    with pytest.raises(ValidationError, match="fecha inicial"):
        count(Filtro(fecha_inicial=date(2026, 7, 1), fecha_final=date(2026, 6, 1)))
    fecha = next(i for i, c in enumerate(COLUMNS) if c.attr == "fecha")
    nombre = next(i for i, c in enumerate(COLUMNS) if c.attr == "nombre")
    newest = services.movimientos.pagina(Filtro(), Orden(fecha, True), 0, 2)
    assert [r[1 + fecha] for r in newest] == [date(2026, 7, 1), date(2026, 6, 20)]
    by_name = services.movimientos.pagina(Filtro(tipo="08"), Orden(nombre, False), 0, 10)
    assert [r[1 + nombre] for r in by_name] == ["ANA", "CLAUDIA", "OSCAR"]
    second_page = services.movimientos.pagina(Filtro(), Orden(fecha, True), 2, 2)
    assert [r[1 + fecha] for r in second_page] == [date(2026, 6, 10), date(2026, 6, 1)]


def test_export_writes_every_row_of_the_filter_with_real_types(services, tmp_path):
    load_known(services, tmp_path)
    seen: list[tuple[int, int]] = []
    target = tmp_path / "movimientos.xlsx"
    filtro = Filtro(registro_patronal=REGISTRO_A)
    written = export_table(
        services.movimientos, filtro, Orden(), target, CLI_ACTOR, lambda d, t: seen.append((d, t))
    )
    assert written == 4 and seen[-1] == (4, 4)
    book = load_workbook(target, read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    book.close()
    assert list(rows[0]) == [c.header for c in COLUMNS]
    grid = services.movimientos.pagina(filtro, Orden(), 0, 100)
    assert len(rows) == 1 + len(grid)
    for excel, shown in zip(rows[1:], grid, strict=True):
        record = dict(zip([c.attr for c in COLUMNS], excel, strict=True))
        values = dict(zip([c.attr for c in COLUMNS], shown[1:-1], strict=True))
        assert record["nss"] == values["nss"]
        assert record["fecha"] == datetime.combine(values["fecha"], datetime.min.time())
        assert record["sbc"] == (None if values["sbc"] is None else values["sbc"] / 100)
        estado = next(c for c in COLUMNS if c.attr == "estado")
        assert record["estado"] == estado.display(values["estado"])


def test_export_writes_formula_like_text_as_text(services, tmp_path):
    """IDSE's causa de rechazo (or a synced row) may start with "="; Excel must show it, not
    run it. NSS and CURP stay text too (no number, no lost leading zero)."""
    from sqlalchemy import update

    from icsoe_desktop.store.models import MovimientoRow

    load_known(services, tmp_path)
    dde = "=cmd|' /C calc'!A0"
    with services.store.session() as session:
        session.execute(update(MovimientoRow).values(estado="rechazado", causa_rechazo=dde))
    target = tmp_path / "inyeccion.xlsx"
    export_table(services.movimientos, Filtro(), Orden(), target, CLI_ACTOR)
    sheet = load_workbook(target).active
    headers = [c.value for c in sheet[1]]
    causa, nss_column = headers.index("Causa Rechazo"), headers.index("NSS")
    for row in sheet.iter_rows(min_row=2):
        assert (row[causa].data_type, row[causa].value) == ("s", dde)
        assert row[nss_column].data_type == "s" and len(row[nss_column].value) == 11


def test_exporting_no_movimientos_gives_the_header_row_and_no_warning(services, tmp_path):
    """An empty filter printed a UserWarning per column («column_widths: index 0 out of
    range») and lost the widths and the filters of the header row."""
    import warnings

    target = tmp_path / "vacio.xlsx"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert export_table(services.movimientos, Filtro(), Orden(), target, CLI_ACTOR) == 0
    sheet = load_workbook(target).active
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [[c.header for c in COLUMNS]]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    causa = [c.header for c in COLUMNS].index("Causa Rechazo")
    letter = sheet.cell(row=1, column=causa + 1).column_letter
    assert sheet.column_dimensions[letter].width > 30


def test_a_cancelled_export_leaves_no_file(services, tmp_path):
    from icsoe_desktop.demo.movimientos import create_demo_movimientos

    create_demo_movimientos(services.store, 2_500, date(2026, 11, 22))
    target = tmp_path / "cancelado.xlsx"
    with pytest.raises(ExportCancelled):
        export_table(
            services.movimientos, Filtro(), Orden(), target, CLI_ACTOR, cancelled=lambda: True
        )
    assert list(tmp_path.glob("*cancelado*")) == []


def test_export_to_a_missing_folder_says_so(services, tmp_path):
    with pytest.raises(ValidationError, match="No existe la carpeta"):
        export_table(services.movimientos, Filtro(), Orden(), tmp_path / "no" / "x.xlsx", CLI_ACTOR)


def test_demo_data_is_valid_and_not_duplicated(services, tmp_path):
    from icsoe_desktop.demo.movimientos import create_demo_movimientos

    today = date(2026, 11, 22)
    assert create_demo_movimientos(services.store, 300, today) == 300
    assert create_demo_movimientos(services.store, 300, today) == 0
    rows = services.movimientos.pagina(Filtro(), Orden(), 0, 300)
    for row in rows:
        mov = services.movimientos.movimiento(row[0])
        validate(mov, today)  # every demo movement passes IDSE's rules
