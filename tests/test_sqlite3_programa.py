"""An empresa's store read by SQLite's own program, ``sqlite3``, from a copy in clear (the store
itself is encrypted: the program sees no database; services/test_cifrado_almacen.py): its
schema loads and every view reads without any of the app's functions, ``.dump`` read into a new
file keeps every row, and ``.recover`` works wherever the program can recover at all (it needs
the ``sqlite_dbpage`` table, which Debian 12's ``sqlite3`` 3.40 lacks: there it fails on any
file, an empty one of a single plain table too, so the app's schema is not the cause)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from icsoe_desktop.demo.movimientos import create_demo_movimientos
from icsoe_desktop.services.container import open_services
from tests.en_claro import copia_en_claro

pytestmark = pytest.mark.skipif(
    sys.platform == "win32", reason="the sqlite3 program of the CI is Debian's"
)

ROWS = 300
COUNTED = ("movimientos", "registros_patronales", "sync_row_state", "sync_sums", "audit_log")


def sqlite3(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    program = shutil.which("sqlite3")
    if program is None:
        pytest.fail("Falta el programa sqlite3 (.ci/run lo instala)", pytrace=False)
    return subprocess.run(
        [program, *args], input=stdin, capture_output=True, text=True, timeout=120
    )


def counts(path: Path) -> list[str]:
    query = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM {t}" for t in COUNTED)
    return sqlite3(str(path), query).stdout.splitlines()


@pytest.fixture
def store(tmp_path: Path, clock) -> Path:
    services = open_services(tmp_path, clock)
    create_demo_movimientos(services.store, ROWS, date(2026, 11, 22))
    path = services.store.path
    services.close()
    return copia_en_claro(path, tmp_path / "en-claro.sqlite3")


def test_the_sqlite3_program_reads_and_dumps_a_store(store: Path, tmp_path: Path) -> None:
    assert sqlite3(str(store), "PRAGMA integrity_check").stdout.strip() == "ok"
    views = sqlite3(str(store), "SELECT name FROM sqlite_master WHERE type = 'view'").stdout
    for view in views.split():
        read = sqlite3(str(store), f"SELECT count(*) FROM {view}")
        assert read.returncode == 0 and not read.stderr, (view, read.stderr)
    copy = tmp_path / "copia.sqlite3"

    read = sqlite3(str(copy), stdin=sqlite3(str(store), ".dump").stdout)

    assert read.returncode == 0 and not read.stderr, read.stderr
    assert counts(copy) == counts(store)
    assert f"movimientos|{ROWS}" in counts(copy)


def test_recover_works_on_a_store_wherever_it_works_at_all(store: Path, tmp_path: Path) -> None:
    recovered = sqlite3(str(store), ".recover")
    if sqlite3(":memory:", "SELECT count(*) FROM sqlite_dbpage").returncode != 0:
        plain = tmp_path / "simple.sqlite3"
        sqlite3(str(plain), "CREATE TABLE t (a); INSERT INTO t VALUES (1)")
        elsewhere = sqlite3(str(plain), ".recover")
        assert recovered.returncode == elsewhere.returncode != 0
        assert recovered.stderr == elsewhere.stderr
        return
    copy = tmp_path / "recuperada.sqlite3"
    assert recovered.returncode == 0, recovered.stderr
    read = sqlite3(str(copy), stdin=recovered.stdout)
    assert read.returncode == 0, read.stderr
    assert counts(copy) == counts(store)
