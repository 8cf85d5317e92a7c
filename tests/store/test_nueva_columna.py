"""A stored movimientos column is its line in ``CAMPOS`` and its migration (docs/ARCHITECTURE.md
«Recipe: add a movimientos column»): everything else is read from them, the drift check's
triggers too. Proved on a scratch copy of the project: the two files are written, the generated
files are rebuilt, and the tests of what reads the column list pass there, with one more: a
change to the new column without the app is noticed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent

CAMPO = '    Campo("referencia", "Referencia", size=20, aliases=("Ref.",)),\n'
ANCLA = '    Campo("clave_trabajador", "Clave Trabajador", size=10, conflict="Clave trabajador",\n'

MIGRACION = '''"""A movimientos column of a scratch copy."""

import sqlalchemy as sa
from alembic import op

revision = "9999_referencia"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "movimientos", sa.Column("referencia", sa.String(20), nullable=False, server_default="")
    )


def downgrade() -> None:
    op.drop_column("movimientos", "referencia")
'''

# The scratch column changed without the app: the drift check's triggers notice it.
SONDA = """from contextlib import closing

from sqlalchemy import select

from icsoe_desktop.demo.movimientos import create_demo_movimientos
from icsoe_desktop.store import plain
from icsoe_desktop.store.models import MovimientoRow
from tests.store.test_pendientes import TODAY, answer_push


def test_a_change_to_the_new_column_without_the_app_is_noticed(services):
    create_demo_movimientos(services.store, 2, TODAY)
    answer_push(services.store)
    with closing(plain.connect(services.store.path)) as connection, connection:
        connection.execute("UPDATE movimientos SET referencia = 'FUERA' WHERE id = 1")
    with services.store.session() as session:
        version = select(MovimientoRow.version).where(MovimientoRow.id == 1)
        assert session.scalar(version) == 0
"""

# What reads CAMPOS, the schema or the synced columns: the domain, the fast lote path, the store
# (its sums, counts and upgrades), the fast table-row path, the grid, the importers and exports,
# the sync's encoding and applying, a sync through the real server that finds a file changed
# without the app, the sync server's column list.
PRUEBAS = [
    "tests/domain/test_movimientos.py",
    "tests/domain/test_lote_rapido.py",
    "tests/store/",
    "tests/empresas/test_upgrade.py",
    "tests/services/test_movimientos.py",
    "tests/services/test_fila_rapida.py",
    "tests/services/test_import_files.py",
    "tests/services/test_lotes.py",
    "tests/services/test_sync_apply.py",
    "tests/services/test_sync_encode.py",
    "tests/sync/test_deriva_archivo.py",
    "tests/test_sync_server_esquemas.py",
]


@pytest.mark.slow
@pytest.mark.end2end
@pytest.mark.timeout(900)  # a test run of its own, in another process
def test_a_stored_column_is_a_line_in_campos_and_a_migration(tmp_path: Path) -> None:
    from icsoe_desktop.store.migrations import HEAD_REVISION

    copia = tmp_path / "copia"
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    for name in filter(None, (n.decode() for n in listed)):
        if name.startswith(("icsoe_desktop/", "tests/", "ui/", "resources/")) or "/" not in name:
            source, target = ROOT / name, copia / name
            if source.is_file():
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(source.read_bytes())

    # The two product files.
    campos = copia / "icsoe_desktop" / "domain" / "movimientos.py"
    text = campos.read_text(encoding="utf-8")
    assert ANCLA in text
    campos.write_text(text.replace(ANCLA, CAMPO + ANCLA), encoding="utf-8")
    versions = copia / "icsoe_desktop" / "store" / "migrations" / "versions"
    (versions / "9999_referencia.py").write_text(
        MIGRACION.format(head=HEAD_REVISION), encoding="utf-8"
    )

    (copia / "tests" / "store" / "test_columna_de_prueba.py").write_text(SONDA, encoding="utf-8")

    env = dict(os.environ, PYTHONPATH=str(copia), QT_QPA_PLATFORM="offscreen")
    # The generated files (as after any migration): the template and the server's column list.
    subprocess.run(
        [sys.executable, "-m", "icsoe_desktop.store.template"], cwd=copia, env=env, check=True
    )
    columnas = subprocess.run(
        [sys.executable, "-m", "tests.test_sync_server_esquemas"],
        cwd=copia,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    (copia / "icsoe_desktop" / "sync_server" / "columnas.py").write_text(columnas, encoding="utf-8")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-x",
            "--ignore=tests/store/test_nueva_columna.py",  # (this test)
            *PRUEBAS,
        ],
        cwd=copia,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    # The column is really there: the grid, the export and the store have it.
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "from icsoe_desktop.services.movimientos.servicio import COLUMNS;"
            "from icsoe_desktop.store.migrations import HEAD_REVISION;"
            "print([c.header for c in COLUMNS], HEAD_REVISION)",
        ],
        cwd=copia,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "Referencia" in probe.stdout and "9999_referencia" in probe.stdout
