"""`informativa vencimientos` and `informativa validar-trabajadores` as real processes."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from icsoe_desktop.services.informativa.trabajadores_archivo import escribir_csv
from tests import preloaded
from tests.informativa_datos import trabajadores_limpios

REPO = Path(__file__).resolve().parents[1]


def cli(
    data_dir: Path, *args: str | Path, input: str | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return preloaded.run(
        [sys.executable, "-m", "icsoe_desktop", "--data-dir", str(data_dir), *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        env=dict(os.environ, PYTHONPATH=str(REPO), PYTHONIOENCODING="utf-8"),
        check=False,
        input=input,
        cwd=cwd,
    )


@pytest.mark.end2end
def test_deadlines_one_line_per_cuatrimestre_without_any_store(tmp_path: Path) -> None:
    data = tmp_path / "datos"
    result = cli(data, "--empresa", "SEM980701STA", "informativa", "vencimientos",
                 "--desde", "2025", "--hasta", "2026")  # fmt: skip
    assert result.returncode == 0, result.stderr
    # Checked on the calendar: 17/05/2025 sábado, 17/01/2026 sábado, 17/05/2026 domingo,
    # 17/01/2027 domingo; the others are weekdays.
    assert result.stdout.splitlines() == [
        "2025-1\t2025-05-19",
        "2025-2\t2025-09-17",
        "2025-3\t2026-01-19",
        "2026-1\t2026-05-18",
        "2026-2\t2026-09-17",
        "2026-3\t2027-01-18",
    ]
    assert not data.exists()  # no store was opened or created


@pytest.mark.end2end
def test_deadline_years_out_of_order_or_not_years_exit_2(tmp_path: Path) -> None:
    backwards = cli(tmp_path, "informativa", "vencimientos", "--desde", "2027", "--hasta", "2026")
    assert backwards.returncode == 2
    assert backwards.stderr.strip() == "--hasta (2026) es anterior a --desde (2027)."
    wrong = cli(tmp_path, "informativa", "vencimientos", "--desde", "dos mil", "--hasta", "2026")
    assert wrong.returncode == 2
    assert "año «dos mil» no válido: usa cuatro dígitos" in wrong.stderr
    assert "Traceback" not in backwards.stderr + wrong.stderr


@pytest.mark.end2end
def test_a_clean_file_says_how_many_workers_are_valid(tmp_path: Path) -> None:
    path = tmp_path / "trabajadores.csv"
    escribir_csv(trabajadores_limpios(1_234, random.Random(2)), path)
    result = cli(tmp_path / "datos", "informativa", "validar-trabajadores", path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "1,234 trabajadores válidos.\n"


@pytest.mark.end2end
def test_each_problem_is_a_line_naming_its_renglon_and_the_exit_is_2(tmp_path: Path) -> None:
    a, b, c = trabajadores_limpios(3, random.Random(3))
    path = tmp_path / "trabajadores.csv"
    path.write_bytes(
        (
            "NSS;CURP;SBC\r\n"
            f"{a.nss};{a.curp};300.00\r\n"
            f"{b.nss};{b.curp}\r\n"
            f"{a.nss};{c.curp};450.00\r\n"
        ).encode("cp1252")
    )
    result = cli(tmp_path, "informativa", "validar-trabajadores", path, "--periodo", "2026-1")
    assert result.returncode == 2
    assert result.stdout.splitlines() == [
        "renglón 2: El SBC de $300.00 es menor que el salario mínimo general de 2026 ($315.04).",
        "renglón 3: Tiene 2 columnas y se esperaban 3 (NSS, CURP, SBC).",
        f"renglón 4: El NSS {a.nss} se repite en los renglones 2 y 4.",
    ]
    assert "3 problemas en «trabajadores.csv»; 0 trabajadores válidos." in result.stderr
    # The same SBC is legal in 2025 (salario mínimo 278.80).
    en_2025 = cli(tmp_path, "informativa", "validar-trabajadores", path, "--periodo", "2025-2")
    assert en_2025.returncode == 2
    assert [line.split(":")[0] for line in en_2025.stdout.splitlines()] == [
        "renglón 3",
        "renglón 4",
    ]


@pytest.mark.slow
@pytest.mark.end2end
def test_a_foreign_or_missing_file_is_a_spanish_error_never_a_traceback(tmp_path: Path) -> None:
    pdf = tmp_path / "acuse.csv"
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    result = cli(tmp_path, "informativa", "validar-trabajadores", pdf)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip() == (
        "«acuse.csv» es un PDF, no una lista de trabajadores (CSV con NSS, CURP y SBC, o libro de Excel)."
    )
    missing = cli(tmp_path, "informativa", "validar-trabajadores", tmp_path / "no.csv")
    assert missing.returncode == 2 and "No se encontró el archivo «" in missing.stderr
    bad_period = cli(tmp_path, "informativa", "validar-trabajadores", pdf, "--periodo", "2026-4")
    assert bad_period.returncode == 2
    assert "periodo «2026-4» no válido: usa AAAA-N" in bad_period.stderr
    for run in (result, missing, bad_period):
        assert "Traceback" not in run.stderr
