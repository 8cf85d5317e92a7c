"""``python -m icsoe_desktop reparar`` on a data folder whose store lost leaf pages of
movimientos, or the page its opening reads first (its schema revision): the command says how
many rows it rescued and how many it could not read, and the store reads whole afterwards. On
a file that is no SQLite database it says so and changes nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from icsoe_desktop.demo.movimientos import create_demo_movimientos
from icsoe_desktop.services.container import open_services
from icsoe_desktop.services.movimientos.servicio import Filtro
from icsoe_desktop.store import rescate
from icsoe_desktop.store.migrations import HEAD_REVISION
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
    assert (
        f"renglones legibles; no se pudieron leer {lost} (Movimiento afiliatorio: {lost}). El archivo "
        "dañado quedó en" in done.stdout
    )
    assert rescate.revisar(path) == []
    again = run(["reparar"], data_dir)
    assert again.stdout.strip() == "La base de datos está íntegra; se volvieron a contar sus sumas."


def store_with_movimientos(data_dir: Path, clock) -> Path:
    data_dir.mkdir()
    services = open_services(data_dir, clock)
    create_demo_movimientos(services.store, ROWS, date(2026, 11, 22))
    path = services.store.path
    services.close()
    return path


def test_reparar_a_store_whose_schema_revision_does_not_read(tmp_path: Path, clock) -> None:
    """Any other command is refused at the opening; ``reparar`` rescues every row that reads,
    says which did not, and the empresa opens again."""
    data_dir = tmp_path / "datos"
    path = store_with_movimientos(data_dir, clock)
    lost = zero_leaf_pages(path, "movimientos", 1)
    assert zero_leaf_pages(path, "alembic_version", 1) == 1
    refused = run(["respaldar", str(tmp_path / "copia.sqlite3")], data_dir)
    assert refused.returncode == 2
    assert "El archivo está dañado" in refused.stderr

    done = run(["reparar"], data_dir)

    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("La base de datos estaba dañada (")
    assert f"no se pudieron leer {lost} (Movimiento afiliatorio: {lost})." in done.stdout
    assert (
        "La versión de su esquema no se pudo leer: se tomó la de esta versión de la aplicación "
        f"({HEAD_REVISION})." in done.stdout
    )
    services = open_services(data_dir, clock)
    try:
        assert services.bitacora_alterada == ""
        assert services.movimientos.count(Filtro()) == ROWS - lost
    finally:
        services.close()


@pytest.mark.parametrize(
    ("contenido", "como"),
    [
        (b"", "está vacío"),
        (bytes(range(256)) * 64, "no empieza como una"),
        (b"SQLite format 3\x00\x10\x00", "no empieza como una"),  # cut inside its header
    ],
    ids=["vacio", "bytes_al_azar", "encabezado_cortado"],
)
def test_reparar_a_file_that_is_no_sqlite_database_changes_nothing(
    tmp_path: Path, clock, contenido: bytes, como: str
) -> None:
    data_dir = tmp_path / "datos"
    path = store_with_movimientos(data_dir, clock)
    path.write_bytes(contenido)
    before = sorted(p.name for p in data_dir.iterdir() if p.name.startswith(path.name))

    done = run(["reparar"], data_dir)

    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.strip().startswith(
        f"El archivo «{path.name}» no es una base de datos de SQLite ({como}"
    )
    assert "no cambió nada" in done.stderr and "Traceback" not in done.stderr
    assert path.read_bytes() == contenido
    # (nothing set aside, no copy begun)
    assert sorted(p.name for p in data_dir.iterdir() if p.name.startswith(path.name)) == before
