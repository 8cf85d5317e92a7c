"""A desktop's file rescued the usual SQLite way (``sqlite3 .dump`` read into a new file) that
lost rows on the way: its kept sums came along as an ordinary table, so they still say every row
is there. The next sync sees the file is not the one it recorded, counts the sums again from the
rows, receives the lost rows from the server, tells the clerk, and only then verifies."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from icsoe_desktop.services.movimientos.servicio import Filtro
from icsoe_desktop.services.sync.recuento import RECONTADO
from icsoe_desktop.store.models import MovimientoRow
from tests.en_claro import copia_en_claro
from tests.sync.conftest import both_holding_movimientos, connected

ROWS = 1000
LOST = 400


def sqlite3_cli() -> str:
    found = shutil.which("sqlite3")
    if found is None:
        pytest.fail("Falta el programa sqlite3 (.ci/run lo instala)", pytrace=False)
    return found


def dump_and_read(services, tmp_path: Path, keep) -> None:
    """The store's file dumped with the sqlite3 program (from a copy in clear: the program
    cannot read the encrypted store), the dump's lines filtered by ``keep`` and read into a new
    file put in the store's place (its store closed meanwhile; encrypted as it reopens)."""
    path = services.store.path
    services.store.engine.dispose()
    en_claro = copia_en_claro(path, tmp_path / "en-claro.sqlite3")
    dump = subprocess.run(
        [sqlite3_cli(), str(en_claro), ".dump"], check=True, capture_output=True, text=True
    ).stdout
    kept = "\n".join(line for line in dump.splitlines() if keep(line))
    rescued = tmp_path / "rescatada.sqlite3"
    subprocess.run(
        [sqlite3_cli(), str(rescued)], input=kept, check=True, capture_output=True, text=True
    )
    for leftover in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    shutil.move(rescued, path)
    services.store.reopen()


def rows(services) -> int:
    with services.store.session() as session:
        return session.query(MovimientoRow).count()


def test_a_dump_read_into_a_new_file_that_lost_rows_is_recounted_and_repaired(
    sync_server, desktops, monkeypatch, tmp_path
) -> None:
    a, b = both_holding_movimientos(sync_server, desktops, monkeypatch, ROWS)
    assert (
        b.sync.synchronize().texto == "Sincronización terminada: 0 cambios enviados, 0 recibidos."
    )
    assert b.sync.status().verified_at is not None

    lost = iter(range(LOST))

    def keep(line: str) -> bool:
        return not (
            line.startswith("INSERT INTO movimientos VALUES") and next(lost, None) is not None
        )

    dump_and_read(b, tmp_path, keep)
    assert rows(b) == ROWS - LOST
    assert b.movimientos.count(Filtro()) == ROWS  # the kept counts came along too

    result = b.sync.synchronize()

    assert rows(b) == b.movimientos.count(Filtro()) == a.movimientos.count(Filtro()) == ROWS
    told = (
        f"{RECONTADO} Movimiento afiliatorio: {LOST} renglones faltaban en este equipo; "
        "recibidos de nuevo del servidor."
    )
    assert result.texto == f"Sincronización terminada: 0 cambios enviados, 0 recibidos. {told}"
    status = b.sync.status()
    assert status.verified_at is not None
    assert status.reparacion == told
    # Recounted once: the file is now the one recorded, and nothing goes back as a change.
    again = b.sync.synchronize()
    assert again.texto == "Sincronización terminada: 0 cambios enviados, 0 recibidos."
    assert a.sync.synchronize().recibidos == 0


def test_sums_wrong_in_the_desktop_s_own_file_are_recounted_within_a_week(
    sync_server, desktops, clock, caplog
) -> None:
    """Sums edited by hand in the file the app recorded: the drift check cannot repair rows
    that are all there, so the sync does not verify; the weekly recount from the rows finds
    them, and the next sync verifies."""
    a, b = connected(sync_server, desktops)
    for n in range(20):
        a.registros.save(f"Y56{n:08d}", "ABC010101AB1", "Original", "e")
    a.sync.synchronize()
    b.sync.synchronize()
    assert b.sync.status().verified_at is not None
    with b.store.session() as session:
        session.connection().exec_driver_sql(
            "UPDATE sync_sums SET rows = rows + 1 WHERE table_name = 'registros_patronales'"
        )

    clock.advance(days=1)
    b.sync.synchronize()
    assert b.sync.status().verified_at is None  # still differs: not verified

    clock.advance(days=7)
    result = b.sync.synchronize()

    assert RECONTADO in result.texto
    assert b.sync.status().verified_at == clock()
    assert b.sync.synchronize().reparacion == ""  # recounted once a week, not at every sync


def test_a_dump_that_lost_rows_and_sync_states_alike_is_repaired(
    sync_server, desktops, monkeypatch, tmp_path
) -> None:
    """Lines lost at random among the rows and their sync states (every tenth of either):
    a row without its state is sent again and found the server's as it is; a row lost with
    its state is received like any row this desktop never had."""
    a, b = both_holding_movimientos(sync_server, desktops, monkeypatch, ROWS)
    seen = iter(range(10**9))

    def keep(line: str) -> bool:
        synced = line.startswith(("INSERT INTO movimientos VALUES", "INSERT INTO sync_row_state"))
        return not (synced and next(seen) % 10 == 0)

    dump_and_read(b, tmp_path, keep)
    assert rows(b) < ROWS

    b.sync.synchronize()

    assert rows(b) == b.movimientos.count(Filtro()) == ROWS
    assert b.sync.status().verified_at is not None
    assert b.sync.status().pending == 0
    assert a.sync.synchronize().recibidos == 0
    assert rows(a) == ROWS
