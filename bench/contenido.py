"""The content check's cost on an idle sync: N movimientos synced to a desktop, then idle syncs
timed with the check (each table's content fingerprints summed on both sides; due hourly, made
due here) and without it (ratio printed, paired per round).

    python bench/contenido.py [--rows 20000] [--rounds 5]

Needs PostgreSQL from Debian (bench/pg.py starts a throwaway cluster) and the ``[server]`` extra.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pg  # bench/pg.py

from bench.carga import carga


def _idle(services) -> float:
    start = time.perf_counter()
    result = services.sync.synchronize()
    took = time.perf_counter() - start
    assert services.sync.status().verified_at is not None, result.texto
    return took


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    from bench.datos_reales import crear_movimientos
    from icsoe_desktop.services.sync.contenido import ComparacionContenido

    tmp = Path(tempfile.mkdtemp(prefix="icsoe-bench-contenido-"))
    pg.isolate(tmp)
    url, engine, stop = pg.start_database()
    server = pg.start_server(url, tmp / "server.log")
    desktop = None
    try:
        desktop = pg.connect_desktop(tmp / "a", server.url, engine, "Escritorio a")
        crear_movimientos(desktop.store, args.rows, date(2026, 11, 22))
        desktop.sync.synchronize()
        compare = ComparacionContenido.compare
        print(f"rows: {args.rows} movimientos; idle sync without / with the content check")
        ratios = []
        for n in range(1, args.rounds + 1):
            ComparacionContenido.compare = lambda *_a, **_k: None  # type: ignore[method-assign]
            without = _idle(desktop)
            ComparacionContenido.compare = compare  # type: ignore[method-assign]
            desktop.sync.estado.escribir(contenido_at="")  # due now (it runs hourly)
            with_check = _idle(desktop)
            ratios.append(with_check / without)
            print(f"{n:5}  {without:6.2f} s  {with_check:6.2f} s  {with_check / without:5.2f}")
        print(
            f"median ratio (with / without, paired per round): {statistics.median(ratios):.2f}; {carga()}"
        )
    finally:
        if desktop is not None:
            desktop.close()
        server.kill()
        stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
