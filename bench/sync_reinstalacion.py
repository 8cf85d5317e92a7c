"""A desktop installed again that imported the same movimientos before its first sync: applying
the company's pages adopts each local row of the same key (``services/sync/adopt.py``). CPU of that
apply against the same pages applied into an empty store (a desktop joining: the baseline).

    python bench/sync_reinstalacion.py [--rows 20000] [--rounds 3]

No server, no PostgreSQL: the pages are made as the server sends them (bench/sync_apply_gc.py).
"""

from __future__ import annotations

import argparse
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
from bench.sync_apply_gc import pages_of


def apply_into(folder: Path, pages: list[list[dict]], rows: int) -> tuple[float, int, int]:
    """CPU seconds of applying ``pages``, with the conflicts and the changes left to send;
    ``rows``: how many of the same real-shaped movimientos (bench/datos_reales.py) the store made
    itself first."""
    from bench.datos_reales import crear_movimientos
    from icsoe_desktop.services.container import open_services
    from icsoe_desktop.services.sync.apply import apply_remote

    services = open_services(folder)
    try:
        if rows:
            crear_movimientos(services.store, rows, date(2026, 11, 22))
        start = time.process_time()
        conflicts = 0
        for groups in pages:
            with services.store.session(immediate=True) as session:
                conflicts += apply_remote(session, groups, datetime(2026, 11, 23)).conflicts
        spent = time.process_time() - start
        return spent, conflicts, services.sync.pending_count()
    finally:
        services.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="icsoe-bench-reinstalacion-"))
    os.environ.setdefault("PYTHON_KEYRING_BACKEND", "tests.keyring_de_prueba.KeyringDePrueba")
    os.environ.setdefault("XDG_DATA_HOME", str(tmp / "xdg"))
    try:
        (tmp / "origen").mkdir()
        pages = pages_of(tmp / "origen", args.rows)
        adopting: list[float] = []
        joining: list[float] = []
        print(f"rows: {args.rows} movimientos in pages of 5,000 (CPU seconds of the apply)")
        for n in range(args.rounds):
            for again in (True, False):
                folder = tmp / f"r{n}{'adopta' if again else 'nuevo'}"
                folder.mkdir()
                spent, conflicts, waiting = apply_into(folder, pages, args.rows if again else 0)
                (adopting if again else joining).append(spent)
                if again:
                    print(
                        f"round {n + 1}: adopting {spent:.2f} s ({conflicts} conflicts, "
                        f"{waiting} changes left to send, the registros patronales)"
                    )
            print(f"round {n + 1}: joining (baseline) {joining[-1]:.2f} s")
        print(
            f"median: adopting {statistics.median(adopting):.2f} s, joining "
            f"{statistics.median(joining):.2f} s, ratio"
            f" {statistics.median(adopting) / statistics.median(joining):.2f}; {carga()}"
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
