"""Files as nómina systems and Excel write them, read whole by the command line:
`informativa validar-trabajadores` and `movimientos importar` as real processes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests import archivos_de_nomina as nomina
from tests.data.libros_xls import AQUI
from tests.test_cli_informativa import cli


def _xls_de_libreoffice(path: Path, _filas: object) -> Path:
    """tests/data/trabajadores.xls: xlsx_titulos_y_total's workbook of trabajadores(3)."""
    shutil.copyfile(AQUI / "trabajadores.xls", path)
    return path


TRABAJADORES = [
    (nomina.xlsx_titulos_y_total, "titulos.xlsx"),
    (_xls_de_libreoffice, "titulos.xls"),
    (nomina.csv_cp1252_pesos_otro_orden, "pesos.csv"),
    (nomina.csv_titulo_y_total, "total.csv"),
    (nomina.csv_guiones_y_minusculas, "guiones.csv"),
]


@pytest.mark.end2end
@pytest.mark.parametrize(("build", "name"), TRABAJADORES)
def test_each_worker_file_is_read_whole(tmp_path: Path, build, name: str) -> None:
    path = build(tmp_path / name, nomina.trabajadores(3))
    result = cli(tmp_path / "datos", "informativa", "validar-trabajadores", path,
                 "--periodo", "2026-1")  # fmt: skip
    assert (result.returncode, result.stdout) == (0, "3 trabajadores válidos.\n"), result.stderr


@pytest.mark.end2end
def test_the_notes_name_the_columns_not_used_and_the_rows_left_out(tmp_path: Path) -> None:
    path = nomina.xlsx_titulos_y_total(tmp_path / "titulos.xlsx", nomina.trabajadores(3))
    result = cli(tmp_path / "datos", "informativa", "validar-trabajadores", path)
    assert result.returncode == 0
    assert result.stderr.splitlines() == [
        "No se usan las columnas: No., Departamento.",
        "Renglón 1: se dejó fuera (título, encima del encabezado).",
        "Renglón 2: se dejó fuera (título, encima del encabezado).",
        "Renglón 8: se dejó fuera (fila de totales «TOTAL»).",
    ]


@pytest.mark.end2end
def test_three_problems_in_three_rows_at_once_with_the_sheets_rows(tmp_path: Path) -> None:
    filas = nomina.trabajadores(4)
    path = nomina.csv_tres_problemas(tmp_path / "tres.csv", filas)
    result = cli(tmp_path / "datos", "informativa", "validar-trabajadores", path,
                 "--periodo", "2026-1")  # fmt: skip
    assert result.returncode == 2
    lines = result.stdout.splitlines()
    assert [line.split(":")[0] for line in lines] == ["renglón 4", "renglón 5", "renglón 6"]
    assert "dígito verificador" in lines[0]
    assert "«1.234,56» se puede leer de dos maneras" in lines[1]
    assert f"La CURP {filas[0].curp} se repite en los renglones 3 y 6." in lines[2]
    assert "3 problemas en «tres.csv»; 1 trabajador válido." in result.stderr


@pytest.mark.slow
@pytest.mark.end2end
def test_movimientos_files_with_titles_totals_and_the_manuals_catalogue(tmp_path: Path) -> None:
    data = tmp_path / "datos"
    assert cli(data, "demo", "movimientos", "--count", "10").returncode == 0
    rows = nomina.movimientos_rows()
    book = nomina.xlsx_movimientos_titulo_y_total(tmp_path / "mayo.xlsx", rows)
    result = cli(data, "movimientos", "importar", book)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "Excel: 6 movimientos nuevos, 0 ya existían.",
        "Nota: Fila 1: se dejó fuera (título, encima del encabezado).",
        "Nota: Fila 10: se dejó fuera (fila de totales «Total»).",
    ]
    # The same workbook saved as .xls by LibreOffice (tests/data/libros_xls.py): read alike.
    result = cli(data, "movimientos", "importar", AQUI / "movimientos.xls")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "Excel: 0 movimientos nuevos, 6 ya existían."
    # The same movements, «08 Reingreso» in the Movimiento column: all six recognised.
    manual = nomina.csv_movimientos_catalogo_del_manual(tmp_path / "manual.csv", rows)
    result = cli(data, "movimientos", "importar", manual)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "CSV: 0 movimientos nuevos, 6 ya existían.\n"

    bad = nomina.xlsx_movimientos_tres_problemas(tmp_path / "malo.xlsx", rows)
    result = cli(data, "movimientos", "importar", bad)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert lines[0] == "Fila 1: se dejó fuera (título, encima del encabezado)."
    problems = [line for line in lines[1:] if line.startswith("Fila ")]
    assert [p.split(":")[0] for p in problems] == ["Fila 4", "Fila 5", "Fila 5", "Fila 7"]
    assert "El NSS" in problems[0] and "posterior a hoy" in problems[1]
    assert "tipo de salario" in problems[2] and "Tipo de movimiento «Alta patronal»" in problems[3]
    assert "No se importó nada: 3 de 6 filas tienen errores." in result.stderr


@pytest.mark.slow
@pytest.mark.end2end
def test_a_forged_or_damaged_xls_is_refused_in_spanish_with_nothing_else(tmp_path: Path) -> None:
    """The .xls whose DIMENSIONS asked calamine for 687 GB (the process aborted), and one
    whose page setup, retyped as a formula, makes calamine panic: exit 2 and one Spanish line,
    no Rust or Python text."""
    from tests.services.test_libros_xls import DAÑOS

    xls = (AQUI / "movimientos.xls").read_bytes()
    for dano in ("dimensions", "formula_rota"):
        path = tmp_path / f"{dano}.xls"
        path.write_bytes(DAÑOS[dano](xls))
        result = cli(tmp_path / "datos", "movimientos", "importar", path)
        assert (result.returncode, result.stdout) == (2, ""), result.stderr
        assert result.stderr == f"«{dano}.xls» no es un libro de Excel válido o está dañado.\n"


@pytest.mark.slow
@pytest.mark.end2end
def test_movimientos_of_a_filtered_list_are_the_rows_shown(tmp_path: Path) -> None:
    """The month's movements filtered to some rows: only those are imported, the count says
    so, and each row left out is named."""
    from tests.services.libros_de_prueba import escribir
    from tests.services.movimientos_data import HEADERS

    data = tmp_path / "datos"
    assert cli(data, "demo", "movimientos", "--count", "10").returncode == 0
    filas = [HEADERS, *([row[h] for h in HEADERS] for row in nomina.movimientos_rows())]
    path = escribir(tmp_path / "filtrada.xlsx", filas, {3, 5}, filtro=True)
    result = cli(data, "movimientos", "importar", path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "Excel: 4 movimientos nuevos, 0 ya existían.",
        "Nota: Fila 3: se dejó fuera (oculta por un filtro).",
        "Nota: Fila 5: se dejó fuera (oculta por un filtro).",
    ]


@pytest.mark.end2end
def test_two_sbc_columns_that_disagree_are_refused_naming_both(tmp_path: Path) -> None:
    from tests.services.libros_de_prueba import escribir

    filas = [("NSS", "CURP", "SBC", "SBC")]
    filas += [(t.nss, t.curp, 999.99, t.sbc / 100) for t in nomina.trabajadores(3)]
    path = escribir(tmp_path / "dos.xlsx", filas)
    result = cli(tmp_path / "datos", "informativa", "validar-trabajadores", path)
    assert result.returncode == 2
    assert "las columnas C «SBC» y D «SBC» son todas «SBC»" in result.stderr


@pytest.mark.end2end
def test_the_signatures_under_the_total_row_are_left_out_with_a_note(tmp_path: Path) -> None:
    from tests.services.libros_de_prueba import escribir

    filas: list[tuple[object, ...]] = [("NSS", "CURP", "SBC")]
    filas += [(t.nss, t.curp, t.sbc / 100) for t in nomina.trabajadores(3)]
    filas += [("TOTAL", None, 3000), ("Elaboró: ______", None, None, "Revisó: ______")]
    path = escribir(tmp_path / "firmas.csv", filas)
    result = cli(tmp_path / "datos", "informativa", "validar-trabajadores", path,
                 "--periodo", "2026-1")  # fmt: skip
    assert (result.returncode, result.stdout) == (0, "3 trabajadores válidos.\n"), result.stderr
    assert result.stderr.splitlines() == [
        "Renglón 5: se dejó fuera (fila de totales «TOTAL»).",
        "Renglón 6: se dejó fuera (debajo de la tabla «Elaboró: ______»).",
    ]


@pytest.mark.slow
@pytest.mark.end2end
def test_a_library_warning_goes_to_the_log_not_to_the_clerk(tmp_path: Path) -> None:
    """A cell formatted as a date holding a number no date has: openpyxl (which streams this
    sheet: a value at AMJ27400 stretches its grid past what is held whole) warns in English.
    The clerk reads only the Spanish answer; the warning is in the log."""
    from openpyxl import Workbook

    from icsoe_desktop.paths import LOG_FILE
    from tests.services.movimientos_data import HEADERS, known_rows

    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in known_rows():
        sheet.append([row[h] for h in HEADERS])
    sheet["Z2"] = 1e12
    sheet["Z2"].number_format = "dd/mm/yyyy"
    sheet["AMJ27400"] = "x"
    path = tmp_path / "fecha_imposible.xlsx"
    book.save(path)
    data = tmp_path / "datos"
    for args in (("movimientos", "importar", path), ("informativa", "validar-trabajadores", path)):
        result = cli(data, *args)
        assert result.returncode == 2, result.stderr
        assert "Warning" not in result.stderr and "openpyxl" not in result.stderr, result.stderr
    assert "Cell Z2 is marked as a date" in (data / LOG_FILE).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("comando", "formatos"),
    [
        (("movimientos", "importar"), ("lote IDSE", ".xlsx", ".xls", ".xlsb", ".ods", "CSV")),
        (
            ("informativa", "validar-trabajadores"),
            ("CSV", ".txt", ".xlsx", ".xls", ".xlsb", ".ods"),
        ),
    ],
)
def test_the_help_names_every_format_read(capsys, comando, formatos) -> None:
    from icsoe_desktop.cli import main

    with pytest.raises(SystemExit) as salida:
        main([*comando, "--help"])
    assert salida.value.code == 0
    texto = " ".join(capsys.readouterr().out.split())
    for formato in formatos:
        assert f"{formato}," in texto or f"{formato} " in texto or f"{formato})" in texto, formato
