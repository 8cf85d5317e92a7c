"""`demo movimientos`, `movimientos importar` and `movimientos exportar` as real processes."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests import preloaded

REPO = Path(__file__).resolve().parents[1]


def cli(data_dir: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    return preloaded.run(
        [sys.executable, "-m", "icsoe_desktop", "--data-dir", str(data_dir), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ, PYTHONPATH=str(REPO)),
        check=False,
    )


@pytest.mark.slow
@pytest.mark.end2end
def test_demo_export_and_reimport(tmp_path):
    data = tmp_path / "datos"
    made = cli(data, "demo", "movimientos", "--count", "1200")
    assert made.returncode == 0, made.stderr
    assert "agregados: 1,200" in made.stdout
    book = tmp_path / "bajas.xlsx"
    exported = cli(data, "movimientos", "exportar", book, "--tipo", "02")
    assert exported.returncode == 0, exported.stderr
    workbook = load_workbook(book, read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    assert rows[0][:3] == ("Registro Patronal", "Nombre", "Apellido Paterno")
    assert len(rows) > 100 and {r[rows[0].index("Movimiento")] for r in rows[1:]} == {"Baja"}
    # The exported book goes back in: every movement is already there.
    again = cli(data, "movimientos", "importar", book)
    assert again.returncode == 0, again.stderr
    assert f"0 movimientos nuevos, {len(rows) - 1:,} ya existían" in again.stdout


@pytest.mark.slow
@pytest.mark.end2end
def test_a_bad_file_exits_2_with_each_line_named(tmp_path):
    data = tmp_path / "datos"
    assert cli(data, "demo", "movimientos", "--count", "10").returncode == 0
    bad = tmp_path / "malo.csv"
    bad.write_text(
        "Registro Patronal,NSS,Apellido Paterno,Nombre,Fecha,Movimiento,Causa Baja\n"
        "Y5412345106,12345678903,RUIZ,ANA,01/05/2026,02,2\n"
        "Y5412345106,12345678904,RUIZ,ANA,01/05/2026,02,2\n"
        "Y5412345106,12345678903,RUIZ,ANA,01/02/2099,02,2\n",
        encoding="utf-8",
    )
    result = cli(data, "movimientos", "importar", bad)
    assert result.returncode == 2
    assert "Fila 3: El NSS 12345678904 no es válido" in result.stderr
    assert "Fila 4: La fecha 01/02/2099 es posterior a hoy" in result.stderr
    assert "No se importó nada: 2 de 3 filas" in result.stderr
    assert "Traceback" not in result.stderr
    missing = cli(data, "movimientos", "importar", tmp_path / "no-existe.csv")
    assert missing.returncode == 2 and "No se encontró el archivo" in missing.stderr


@pytest.mark.slow
@pytest.mark.end2end
def test_the_result_of_a_lote_with_two_modificaciones_of_one_nss_is_applied(tmp_path):
    from openpyxl import Workbook

    from icsoe_desktop.services.container import open_services
    from tests.services.movimientos_data import REGISTRO_A, lote_con_dos_modificaciones, nss

    data = tmp_path / "datos"
    data.mkdir()
    services = open_services(data)
    lote_con_dos_modificaciones(services, tmp_path)
    services.close()
    listed = cli(data, "movimientos", "lotes")
    assert listed.returncode == 0, listed.stderr
    numero, registro, _generado, movimientos, resultados = listed.stdout.strip().split("\t")
    assert (numero, registro, movimientos, resultados) == ("1", REGISTRO_A, "4", "Enviado: 4")

    book = Workbook()
    sheet = book.active
    sheet.append(["NSS", "Movimiento", "Fecha", "Resultado", "Causa de rechazo", "Aviso Rechazo"])
    sheet.append([nss(7), "07", "01/06/2026", "Aprobado", None, None])
    sheet.append([nss(7), "07", "01/09/2026", "Rechazado", "Salario fuera de rango", "19/11/2026"])
    sheet.append([nss(2), "08", "15/05/2026", "Aprobado", None, None])
    sheet.append([nss(4), "02", "10/06/2026", "Aprobado", None, None])
    partial = tmp_path / "parcial.xlsx"
    book.save(tmp_path / "resultado.xlsx")
    sheet.delete_rows(3)
    sheet["C2"] = None  # the June line without its Fecha: it could be either 07
    book.save(partial)

    refused = cli(data, "movimientos", "resultado", "1", partial)
    assert refused.returncode == 2
    assert refused.stderr.splitlines() == [
        f"Fila 2: El NSS {nss(7)} tiene 2 movimientos en el lote 1 (07 del 01/06/2026 y 07 "
        "del 01/09/2026): agrega la columna Fecha (la del movimiento).",
        "No se aplicó el resultado de «parcial.xlsx» al lote 1: 1 fila tiene errores.",
    ]
    applied = cli(data, "movimientos", "resultado", "1", tmp_path / "resultado.xlsx")
    assert applied.returncode == 0, applied.stderr
    assert applied.stdout.strip() == (
        "Resultado del lote 1: 3 aprobados, 1 rechazado, 0 recibidos."
    )
    listed = cli(data, "movimientos", "lotes")
    assert listed.stdout.strip().split("\t")[-1] == "Aprobado: 3, Rechazado: 1"
    rechazados = tmp_path / "rechazados.xlsx"
    assert cli(data, "movimientos", "exportar", rechazados, "--estado", "rechazado").returncode == 0
    workbook = load_workbook(rechazados, read_only=True)
    header, *rows = workbook.worksheets[0].iter_rows(values_only=True)
    workbook.close()
    (row,) = [r for r in (dict(zip(header, r, strict=True)) for r in rows) if r["NSS"] == nss(7)]
    assert (row["Fecha"].date(), row["Aviso Rechazo"].date()) == (
        datetime(2026, 9, 1).date(),
        datetime(2026, 11, 19).date(),
    )
    assert row["Causa Rechazo"] == "Salario fuera de rango"
    missing = cli(data, "movimientos", "resultado", "7", tmp_path / "resultado.xlsx")
    assert missing.returncode == 2
    assert missing.stderr.strip() == "No hay un lote 7. Consulta los lotes con «movimientos lotes»."


@pytest.mark.slow
@pytest.mark.end2end
def test_a_lote_saved_in_utf8_is_read_with_a_note_and_a_mixed_one_names_the_cause(tmp_path):
    from icsoe_desktop.services.container import open_services
    from tests.services.movimientos_data import add_registros
    from tests.services.test_lote_codificacion import ANSI, text_of

    data = tmp_path / "datos"
    data.mkdir()
    services = open_services(data)
    add_registros(services)
    services.close()
    utf8 = tmp_path / "Lote_utf8.txt"
    utf8.write_bytes(b"\xef\xbb\xbf" + text_of("PEÑA", "IBAÑEZ").encode("utf-8"))
    read = cli(data, "movimientos", "importar", utf8)
    assert read.returncode == 0, read.stderr
    assert read.stdout.splitlines() == [
        "Lote IDSE: 2 movimientos nuevos, 0 ya existían.",
        "Nota: El archivo está guardado en UTF-8; " + ANSI + " Se leyó como UTF-8, así que la "
        "«Ñ» y los acentos quedaron bien.",
    ]
    first, second = text_of("MUÑOZ", "NUÑEZ").split("\r\n")[:2]
    mixed = tmp_path / "Lote_mezclado.txt"
    mixed.write_bytes(first.encode("cp1252") + b"\r\n" + second.encode("utf-8") + b"\r\n")
    refused = cli(data, "movimientos", "importar", mixed)
    assert refused.returncode == 2
    assert refused.stderr.splitlines() == [
        "Línea 2: La línea tiene 169 caracteres porque está guardada en UTF-8, donde «Ñ» ocupa "
        "2; " + ANSI,
        "No se importó nada: 1 de 2 líneas tienen errores.",
    ]


@pytest.mark.slow
@pytest.mark.end2end
def test_exportar_writes_the_format_its_name_says(tmp_path):
    import codecs
    import csv
    import io
    import zipfile

    data = tmp_path / "datos"
    assert cli(data, "demo", "movimientos", "--count", "300").returncode == 0
    texto = tmp_path / "bajas.csv"
    exported = cli(data, "movimientos", "exportar", texto, "--tipo", "02")
    assert exported.returncode == 0, exported.stderr
    raw = texto.read_bytes()
    assert raw.startswith(codecs.BOM_UTF8) and not zipfile.is_zipfile(texto)
    header, *rows = csv.reader(io.StringIO(raw.decode("utf-8")[1:]))
    assert header[:3] == ["Registro Patronal", "Nombre", "Apellido Paterno"]
    assert rows and {r[header.index("Movimiento")] for r in rows} == {"Baja"}
    assert f"{len(rows):,} movimientos exportados a {texto}." in exported.stdout
    again = cli(data, "movimientos", "importar", texto)
    assert again.returncode == 0, again.stderr
    assert f"CSV: 0 movimientos nuevos, {len(rows):,} ya existían" in again.stdout
    libro = tmp_path / "bajas.xlsx"
    assert cli(data, "movimientos", "exportar", libro, "--tipo", "02").returncode == 0
    assert zipfile.is_zipfile(libro)
    otro = cli(data, "movimientos", "exportar", tmp_path / "bajas.ods")
    assert otro.returncode == 2 and "Traceback" not in otro.stderr
    assert otro.stderr.strip() == (
        "No se puede exportar a «bajas.ods»: el nombre debe terminar en .xlsx (libro de Excel) "
        "o .csv (texto separado por comas, UTF-8)."
    )
    assert not (tmp_path / "bajas.ods").exists()


def test_importar_reads_a_file_as_the_clerk_mapped_its_shape(tmp_path, data_dir, clock):
    """Unattended: a file whose columns the intake cannot name is refused until a clerk maps
    that shape once in the assistant; then the command line imports it as mapped."""
    from icsoe_desktop.domain.roles import CLI_ACTOR
    from icsoe_desktop.services.archivos import mapeos
    from icsoe_desktop.services.archivos.lectura import Guia
    from icsoe_desktop.services.container import open_services
    from icsoe_desktop.services.movimientos.importar import IMPORTACION as IMPORTAR_MOVIMIENTOS
    from tests.gui.test_asistente_importacion import ELEGIR, archivo_propio
    from tests.services.movimientos_data import add_registros

    path = archivo_propio(tmp_path / "octubre.csv", titulos=1)
    services = open_services(data_dir, clock)
    try:
        add_registros(services)
    finally:
        services.close()
    refused = cli(data_dir, "movimientos", "importar", path)
    assert refused.returncode != 0 and "NSS" in refused.stderr

    services = open_services(data_dir, clock)
    try:
        leida = mapeos.leer(IMPORTAR_MOVIMIENTOS, path)
        campos = tuple(ELEGIR.get(c, f) for c, f in leida.mapeo.items())
        corregida = mapeos.leer(IMPORTAR_MOVIMIENTOS, path, Guia(2, campos))
        assert services.mapeos.recordar(CLI_ACTOR, IMPORTAR_MOVIMIENTOS, corregida)
    finally:
        services.close()
    imported = cli(data_dir, "movimientos", "importar", archivo_propio(tmp_path / "nov.csv", 2))
    assert imported.returncode == 0, imported.stderr
    assert "CSV: 6 movimientos nuevos" in imported.stdout
