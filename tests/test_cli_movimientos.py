"""`demo movimientos`, `movimientos importar` and `movimientos exportar` as real processes."""

from __future__ import annotations

import os
import subprocess
import sys
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
