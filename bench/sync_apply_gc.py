"""Applying pulled pages with Python's garbage collector on (as the sync runs) against the same
work with it off (the baseline): whether switching it off for a sync would pay.

    python bench/sync_apply_gc.py [--rows 40000] [--rounds 5]

Each round makes N real-shaped movimientos (bench/datos_reales.py) on one desktop, turns them into pages of 5,000 as the server
sends them (column by column, through JSON), and applies them into a fresh store, once with the
collector on and once off, in alternating order; CPU seconds of the apply only (the machine is
shared: process time moves less than wall time). No server, no PostgreSQL.
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.carga import carga


def pages_of(folder: Path, rows: int) -> list[list[dict]]:
    import orjson

    from bench.datos_reales import crear_movimientos
    from icsoe_desktop.domain import sync_wire
    from icsoe_desktop.services.container import open_services
    from icsoe_desktop.services.sync.encode import local_changes

    services = open_services(folder)
    try:
        crear_movimientos(services.store, rows, date(2026, 11, 22))
        with services.store.session() as session:
            wire = [r for r in local_changes(session) if r["table"] == "movimientos"]
    finally:
        services.close()
    stored = [
        (r["table"], r["uuid"], i, r["version"], datetime.fromisoformat(r["updated_at"]),
         r["deleted"], r["data"])
        for i, r in enumerate(wire, start=1)
    ]  # fmt: skip
    return [
        orjson.loads(orjson.dumps(sync_wire.pulled_groups(stored[i : i + 5000])))
        for i in range(0, len(stored), 5000)
    ]


def apply_all(folder: Path, pages: list[list[dict]], collect: bool) -> float:
    from icsoe_desktop.services.container import open_services
    from icsoe_desktop.services.sync.apply import apply_remote

    services = open_services(folder)
    enabled = gc.isenabled()
    try:
        if not collect:
            gc.disable()
        start = time.process_time()
        for groups in pages:
            with services.store.session(immediate=True) as session:
                apply_remote(session, groups, datetime(2026, 11, 23))
        return time.process_time() - start
    finally:
        if enabled:
            gc.enable()
        services.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=40_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="icsoe-bench-gc-"))
    os.environ.setdefault("PYTHON_KEYRING_BACKEND", "tests.keyring_de_prueba.KeyringDePrueba")
    os.environ.setdefault("XDG_DATA_HOME", str(tmp / "xdg"))
    try:
        (tmp / "origen").mkdir()
        pages = pages_of(tmp / "origen", args.rows)
        on: list[float] = []
        off: list[float] = []
        print(f"rows: {args.rows} movimientos in pages of 5,000 (CPU seconds of the apply)")
        for n in range(args.rounds):
            order = (True, False) if n % 2 == 0 else (False, True)
            for collect in order:
                folder = tmp / f"r{n}{'on' if collect else 'off'}"
                folder.mkdir()
                (on if collect else off).append(apply_all(folder, pages, collect))
            print(f"round {n + 1}: collector on {on[-1]:.2f} s, off {off[-1]:.2f} s")
        ratio = statistics.median(on) / statistics.median(off)
        print(
            f"median: on {statistics.median(on):.2f} s, off (baseline) "
            f"{statistics.median(off):.2f} s, ratio {ratio:.2f}; {carga()}"
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
