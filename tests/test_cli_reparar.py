"""``python -m icsoe_desktop reparar`` on a data folder whose store lost leaf pages of
movimientos: the command says how many rows it rescued and how many it could not read, and the
store reads whole afterwards."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from icsoe_desktop.demo.movimientos import create_demo_movimientos
from icsoe_desktop.services.container import open_services
from icsoe_desktop.store import rescate
from tests.paginas_danadas import zero_leaf_pages
from tests.test_cli_usuarios import run

ROWS = 1500


def test_reparar_from_the_command_line(tmp_path: Path, clock) -> None:
    data_dir = tmp_path / "datos"
    data_dir.mkdir()
    services = open_services(data_dir, clock)
    create_demo_movimientos(services.store, ROWS, date(2026, 11, 22))
    path = services.store.path
    services.close()
    lost = zero_leaf_pages(path, "movimientos", 3)

    done = run(["reparar"], data_dir)

    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("La base de datos estaba dañada (")
    assert f"renglones legibles; no se pudieron leer {lost}. El archivo dañado quedó en" in (
        done.stdout
    )
    assert rescate.revisar(path) == []
    again = run(["reparar"], data_dir)
    assert again.stdout.strip() == "La base de datos está íntegra; se volvieron a contar sus sumas."
