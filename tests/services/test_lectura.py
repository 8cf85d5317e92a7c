"""The intake of every table: the header under titles, columns by the names people use, summary
rows left out, values as written; and what an assistant window reads from it (the first rows as
they are, the mapping, the rows left out) and gives back (a corrected mapping or header row)."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.importes import dinero
from icsoe_desktop.domain.movimientos import TIPOS_MOVIMIENTO, TIPOS_TRABAJADOR
from icsoe_desktop.services.archivos import lectura
from icsoe_desktop.services.archivos.lectura import CELDAS, SIN_ENCABEZADO, ceros
from icsoe_desktop.services.informativa.trabajadores_archivo import ESQUEMA
from icsoe_desktop.services.movimientos.importar import ESQUEMA as MOVIMIENTOS


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("$1,234.56", "1234.56"),
        ("$ 1,234.56", "1234.56"),
        ("1,234.56", "1234.56"),
        ("1234.5", "1234.5"),
        ("$1,234,567.00", "1234567.00"),
        ("1,234", "1234"),
        ("\u00a0$\u00a0350.50 ", "350.50"),
        ("350 MXN", "350"),
        (1234.5, "1234.5"),
        (350, "350"),
        ("", ""),
        (None, ""),
        ("trescientos", "trescientos"),  # not an amount: the domain's message names it
    ],
)
def test_money_as_mexico_writes_it(written, read):
    assert dinero(written) == read


@pytest.mark.parametrize("written", ["1.234,56", "350,50", "1.234", "$1.234.567"])
def test_money_that_reads_two_ways_is_refused_saying_how_to_write_it(written):
    with pytest.raises(ValidationError) as caught:
        dinero(written, "El SBC", "sbc")
    assert caught.value.code == "importe_ambiguo" and caught.value.field == "sbc"
    assert caught.value.message == (
        f"El SBC «{written}» se puede leer de dos maneras: escríbelo con punto decimal y, si "
        "quieres, coma de miles, como se usa en México (1,234.56 o 1234.56)."
    )


def test_the_leading_zeros_excel_drops_come_back():
    nss = ceros(11)
    assert nss(123456789) == "00123456789"
    assert nss("0123456789") == "00123456789"
    assert nss("12-34-56-7890-1") == "12345678901"
    assert nss("12 34 56 7890 1") == "12345678901"
    assert nss("12345") == "12345"  # too short to be an NSS Excel cut: left for the domain
    assert nss("Y5412345106") == "Y5412345106"
    assert ceros(5)(1000) == "01000" and ceros(5)("44100") == "44100"


@pytest.mark.parametrize(
    "written", ["08", "8", 8, "Reingreso", "reingreso", "08 Reingreso", "08 - Reingreso", "08-"]
)
def test_a_catalogue_value_as_written(written):
    assert lectura.catalogo(TIPOS_MOVIMIENTO)(written) == "08"


def test_a_catalogue_by_its_name_without_accents_or_its_first_word_when_unique():
    tipo = lectura.catalogo(TIPOS_MOVIMIENTO)
    assert tipo("07 Modificación de salario") == tipo("MODIFICACION DE SALARIO") == "07"
    assert tipo("Modificación") == "07"
    assert tipo("Alta patronal") == "Alta patronal"  # the domain refuses it by name
    assert tipo("08 Baja") == "08 Baja"  # code and name disagree: not guessed
    trabajador = lectura.catalogo(TIPOS_TRABAJADOR)
    assert trabajador("Eventual") == "2" and trabajador("1 Permanente") == "1"
    assert trabajador("Eventual del campo") == "4"


def _csv(tmp_path: Path, name: str, lines: list[str]) -> Path:
    path = tmp_path / name
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))  # the same bytes anywhere
    return path


NSS_A, CURP_A = "12345678903", "GODE561231MDFRNL06"
NSS_B, CURP_B = "20002000036", "HEGT761003HDFRNN07"
REPORTE = [
    "Reporte mensual de personal,,,,",
    ",,,,",
    "Clave,Nombre,N.S.S.,C.U.R.P.,Salario Base de Cotización,Depto",
    f'1,ANA,{NSS_A},{CURP_A},"$1,234.56",Ventas',
    f"2,LUIS,{NSS_B},{CURP_B},400,Almacén",
    ',,,,"$1,634.56",',
    "Total general,,,,,",
]


def test_what_an_assistant_shows_the_first_rows_the_header_the_mapping_and_the_rows_left_out(
    tmp_path,
):
    leida = lectura.leer(_csv(tmp_path, "reporte.csv", REPORTE), ESQUEMA)
    assert leida.formato == "CSV"
    assert leida.filas_crudas[0] == (1, ("Reporte mensual de personal", "", "", "", ""))
    assert [n for n, _ in leida.filas_crudas] == [1, 3, 4, 5, 6, 7]  # blank rows are not rows
    assert leida.fila_encabezado == 3
    assert leida.mapeo == {
        "Clave": None,
        "Nombre": "nombre",
        "N.S.S.": "nss",
        "C.U.R.P.": "curp",
        "Salario Base de Cotización": "sbc",
        "Depto": None,
    }
    assert leida.no_usadas == ["Clave", "Depto"] and leida.faltantes == []
    rows = list(leida.filas())
    valores = leida.valores("nss", "sbc", CELDAS)
    assert [(n, *valores(c)) for n, c in rows] == [
        (4, NSS_A, "$1,234.56", 6),
        (5, NSS_B, "400", 6),
    ]
    assert leida.por_campo(rows[0][1]) == {
        "nss": NSS_A,
        "curp": CURP_A,
        "sbc": "$1,234.56",
        "nombre": "ANA",
    }
    assert leida.omitidas == [
        (1, "título, encima del encabezado"),
        (6, "fila con sólo una suma"),
        (7, "fila de totales «Total general»"),
    ]
    assert leida.notas() == [
        "No se usan las columnas: Clave, Depto.",
        "Fila 1: se dejó fuera (título, encima del encabezado).",
        "Fila 6: se dejó fuera (fila con sólo una suma).",
        "Fila 7: se dejó fuera (fila de totales «Total general»).",
    ]


def test_read_again_with_the_clerks_mapping_and_header_row(tmp_path):
    lines = ["Nómina quincenal", "Num,Afil,Clave única,Sueldo diario", f"1,{NSS_A},{CURP_A},350"]
    path = _csv(tmp_path, "propio.csv", lines)
    guessed = lectura.leer(path, ESQUEMA)
    assert guessed.fila_encabezado == SIN_ENCABEZADO  # no column it knows by name
    assert guessed.columnas == ("Columna A", "Columna B", "Columna C", "Columna D")
    corrected = lectura.leer(
        path,
        ESQUEMA,
        mapeo={"Afil": "nss", "Clave única": "curp", "Sueldo diario": "sbc"},
        fila_encabezado=2,
    )
    assert corrected.mapeo == {
        "Num": None,
        "Afil": "nss",
        "Clave única": "curp",
        "Sueldo diario": "sbc",
    }
    [(row, cells)] = list(corrected.filas())
    assert (row, *corrected.valores("nss", "curp", "sbc")(cells)) == (3, NSS_A, CURP_A, "350")
    assert corrected.omitidas == [(1, "título, encima del encabezado")]


def test_the_shape_is_the_same_for_next_months_file_and_not_for_another(tmp_path):
    este = lectura.leer(_csv(tmp_path, "mayo.csv", REPORTE), ESQUEMA)
    siguiente = [*REPORTE[2:4], f"9,EVA,{NSS_B},{CURP_B},500,Ventas"]
    otro = ["NSS,CURP,SBC", f"{NSS_A},{CURP_A},400"]
    assert lectura.leer(_csv(tmp_path, "junio.csv", siguiente), ESQUEMA).forma == este.forma
    assert lectura.leer(_csv(tmp_path, "otro.csv", otro), ESQUEMA).forma != este.forma


def test_a_missing_column_names_it_and_the_header_row_chosen(tmp_path):
    path = _csv(tmp_path, "sin-sbc.csv", ["Listado", "NSS,CURP,Nombre", f"{NSS_A},{CURP_A},ANA"])
    leida = lectura.leer(path, ESQUEMA)
    assert [c.titulo for c in leida.faltantes] == ["SBC"]
    [(row, cells)] = list(leida.filas())  # what an assistant reads while it is corrected
    assert (row, *leida.valores("nss", "sbc", CELDAS)(cells)) == (3, NSS_A, None, 3)
    with pytest.raises(ValidationError) as caught:
        leida.exigir_columnas()
    assert caught.value.message == (
        "A «sin-sbc.csv» le faltan las columnas: SBC. No se encontraron en el encabezado "
        "(fila 2); el archivo necesita una fila de encabezados con NSS, CURP, SBC."
    )


def test_a_header_row_outside_the_first_rows_is_refused(tmp_path):
    with pytest.raises(ValidationError) as caught:
        lectura.leer(_csv(tmp_path, "r.csv", REPORTE), ESQUEMA, fila_encabezado=2)
    assert caught.value.code == "encabezado_fuera"
    assert "La fila 2 de «r.csv» está vacía o fuera de las primeras 30 filas" in (
        caught.value.message
    )


def test_the_separator_is_found_under_a_title_line(tmp_path):
    lines = ["Lista de trabajadores del contrato", "NSS;CURP;SBC", f'{NSS_A};{CURP_A};"1,234.56"']
    leida = lectura.leer(_csv(tmp_path, "punto-y-coma.csv", lines), ESQUEMA)
    [(row, cells)] = list(leida.filas())
    assert (leida.fila_encabezado, row, leida.por_campo(cells)["sbc"]) == (2, 3, "1,234.56")


def test_a_long_file_reads_each_row_alike_whatever_block_it_falls_in(tmp_path):
    """Rows come a block at a time: a block of plain rows is taken whole, one with a subtotal,
    a blank line or a short row row by row; every row reads the same either way."""
    lines = ["Movimientos del periodo", "Registro Patronal,NSS,Movimiento,Nombre,Guía,Depto"]
    expected = []
    tipos = [("Reingreso", "08"), ("08", "08"), ("Baja", "02"), ("02 Baja", "02")]
    for i in range(1000):
        nss = str(10**9 + i) if i % 7 == 0 else str(10**10 + i)  # Excel dropped a zero: 10 digits
        written, tipo = tipos[i % 4]
        if i == 500:  # a short row: the columns after its last cell read None
            lines.append(f"Y5412345106,{nss},{written}")
            expected.append((len(lines), "Y5412345106", nss.zfill(11), tipo, None, None))
            continue
        guia = "" if i % 250 == 17 else "00100"  # blank, with a cell written after it
        lines.append(f"Y5412345106,{nss},{written},ANA,{guia},Ventas")
        expected.append((len(lines), "Y5412345106", nss.zfill(11), tipo, "ANA", guia))
        if i == 300:
            lines.append("Subtotal,,,,,")
        if i == 600:
            lines.append(",,,,,")
    lines.append("TOTAL")
    leida = lectura.leer(_csv(tmp_path, "largo.csv", lines), MOVIMIENTOS)
    valores = leida.valores("registro_patronal", "nss", "tipo", "nombre", "guia", "fecha")
    rows = [(n, *valores(cells)) for n, cells in leida.filas()]
    assert [row[:-1] for row in rows] == expected
    assert {row[-1] for row in rows} == {None}  # no column: None
    assert leida.omitidas == [
        (1, "título, encima del encabezado"),
        (304, "fila de totales «Subtotal»"),
        (1005, "fila de totales «TOTAL»"),
    ]


def test_a_sheets_numbers_and_codes_read_as_in_a_csv(tmp_path):
    """NSS and catalogue codes Excel keeps as numbers, past the first block."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["Registro Patronal", "NSS", "Movimiento", "Nombre"])
    for i in range(300):
        sheet.append(["Y5412345106", 10**9 + i if i % 2 else 10**10 + i, 8, "ANA"])
    path = tmp_path / "numeros.xlsx"
    book.save(path)
    leida = lectura.leer(path, MOVIMIENTOS)
    valores = leida.valores("nss", "tipo", "nombre")
    assert [(n, *valores(cells)) for n, cells in leida.filas()] == [
        (i + 2, str(10**9 + i if i % 2 else 10**10 + i).zfill(11), "08", "ANA") for i in range(300)
    ]


def test_the_rows_before_a_broken_line_are_given_before_its_message(tmp_path):
    lines = ["NSS,CURP,SBC", *[f"{NSS_A},{CURP_A},{100 + i}" for i in range(300)]]
    lines.append('"' + "x" * 200_000)  # a quote never closed: the field grows past the limit
    leida = lectura.leer(_csv(tmp_path, "roto.csv", lines), ESQUEMA)
    read = []
    with pytest.raises(ValidationError) as caught:
        for n, _ in leida.filas():
            read.append(n)
    assert read == list(range(2, 302))
    assert caught.value.code == "csv_invalido"
    assert "no se pudo leer cerca de la línea 302" in caught.value.message


def test_a_file_given_as_bytes_is_read_as_the_same_file_and_no_table_is_refused(tmp_path):
    """What the assistant hands over (the file's bytes): Windows' own encoding read, a value a
    field has no column for at its place; an empty file or a broken workbook refused."""
    texto = "Nómina de mayo\r\nNSS,CURP,SBC\r\n" + f"{NSS_A},{CURP_A},350\r\n"
    leida = lectura.leer("mayo.csv", ESQUEMA, data=texto.encode("cp1252"))
    assert leida.filas_crudas[0] == (1, ("Nómina de mayo",))
    [(row, cells)] = list(leida.filas())
    assert (row, *leida.valores("nss", "curp", "sbc", "nombre")(cells)) == (
        3,
        NSS_A,
        CURP_A,
        "350",
        None,
    )
    with pytest.raises(KeyError):
        leida.posicion("rfc")
    for nombre, data, codigo, mensaje in [
        ("vacio.csv", b"", "archivo_vacio", "El archivo «vacio.csv» está vacío."),
        (
            "roto.xlsx",
            b"NSS,CURP,SBC\r\n",
            "xlsx_invalido",
            "«roto.xlsx» no es un libro de Excel válido o está dañado.",
        ),
    ]:
        with pytest.raises(ValidationError) as caught:
            lectura.leer(nombre, ESQUEMA, data=data)
        assert (caught.value.code, caught.value.message) == (codigo, mensaje)
