"""The desktop's CPU per sync, against the real server (``serve``, its own process) on a
throwaway PostgreSQL, all on 127.0.0.1: what 32 desktops syncing at once cost the machine they
share. Two desktops of a company with a few hundred registros and a few thousand movimientos;
the CPU time of a desktop's own process (all its threads) for:

- an idle sync (nothing to send, nothing to receive, the drift check);
- a sync with a few registros edited here (sent) and a few by the other desktop (received);
- a 50-row change: 25 movimientos edited and 25 added on one desktop, its sync (sent), and the
  other desktop's next sync (received);

each also with its SQL built and compiled again before every sync (the baseline, in the same
run: the ratio is printed).

    python bench/sync_cpu.py [--syncs 20] [--rows 300] [--movimientos 2000] [--profile FILE]

Prints CPU-s per sync (median and mean) and wall-s per sync for each kind, and the load
average (the machine may be shared). ``--profile`` writes a cProfile of the measured syncs.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

EMPRESA = "ABC010101AB1"
CHANGE = 50  # rows of a «change»: half edited, half added


def _loadavg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--syncs", type=int, default=20, help="syncs measured of each kind")
    parser.add_argument("--rows", type=int, default=300, help="registros of the company")
    parser.add_argument("--movimientos", type=int, default=2000, help="movimientos of the company")
    parser.add_argument("--profile", type=Path, help="cProfile output of the measured syncs")
    args = parser.parse_args()

    import pg  # bench/pg.py

    from bench.datos_reales import crear_movimientos, movimientos
    from icsoe_desktop.services.sync import encode as sync_encode
    from icsoe_desktop.services.sync import sql as sync_sql
    from icsoe_desktop.store.models import MovimientoRow

    print(f"load average at start: {_loadavg()}")
    tmp = Path(tempfile.mkdtemp(prefix="icsoe-bench-cpu-"))
    os.environ["PYTHON_KEYRING_BACKEND"] = "tests.keyring_de_prueba.KeyringDePrueba"
    os.environ["XDG_DATA_HOME"] = str(tmp / "xdg")
    url, engine, stop = pg.start_database()
    server = None
    opened = []
    try:
        server = pg.start_server(url, tmp / "server.log")
        for i in range(2):
            opened.append(
                pg.connect_desktop(tmp / f"escritorio_{i}", server.url, engine, f"E{i}", EMPRESA)
            )
        me, other = opened
        registros = [f"Y54{n:08d}" for n in range(args.rows)]
        for registro in registros:
            other.registros.save(registro, EMPRESA, "Inicial", "e")
        today = date(2026, 11, 22)
        # Real-shaped (bench/datos_reales.py); the rows added later are the next ones, made once.
        extra = CHANGE // 2 * args.syncs * 2
        every = list(movimientos(args.movimientos + extra, today))
        crear_movimientos(other.store, args.movimientos, today, filas=every[: args.movimientos])
        added = every[args.movimientos :]
        other.sync.synchronize()
        me.sync.synchronize()
        me.sync.synchronize()

        profiler = cProfile.Profile() if args.profile else None
        figures: dict[str, tuple[list[float], list[float]]] = {}

        def measure(kind: str, before: Callable[[int], None], who: Any = me) -> None:
            cpu, wall = figures.setdefault(kind, ([], []))
            for n in range(args.syncs):
                before(n)
                start_cpu, start_wall = time.process_time(), time.perf_counter()
                if profiler:
                    profiler.enable()
                who.sync.synchronize()
                if profiler:
                    profiler.disable()
                cpu.append(time.process_time() - start_cpu)
                wall.append(time.perf_counter() - start_wall)

        def edits(n: int) -> None:
            for k in range(3):
                registro = registros[(7 * n + k) % len(registros)]
                me.registros.save(registro, EMPRESA, f"Mío {n} {k}", "e")
                registro = registros[(11 * n + k + 1) % len(registros)]
                other.registros.save(registro, EMPRESA, f"Del otro {n} {k}", "e")
            other.sync.synchronize()

        made = [0]

        def change(services: Any, n: int) -> None:
            """25 movimientos edited (their salary and state, as a lote's answer would) and
            25 added, in one transaction of ``services``' desktop."""
            with services.store.session() as session:
                ids = session.scalars(
                    MovimientoRow.__table__.select()
                    .with_only_columns(MovimientoRow.id)
                    .where(MovimientoRow.deleted.is_(False))
                    .order_by(MovimientoRow.id)
                    .offset((CHANGE // 2 * made[0]) % args.movimientos)
                    .limit(CHANGE // 2)
                ).all()
                for row in session.query(MovimientoRow).filter(MovimientoRow.id.in_(ids)):
                    row.estado = "rechazado" if row.estado != "rechazado" else "aprobado"
                    row.causa_rechazo = f"Cambio {n}"
                for values in added[CHANGE // 2 * made[0] : CHANGE // 2 * (made[0] + 1)]:
                    session.add(MovimientoRow(**values))
            made[0] += 1

        def sent(n: int) -> None:
            change(me, n)

        def received(n: int) -> None:
            change(other, n)
            other.sync.synchronize()

        def uncached(before: Callable[[int], None]) -> Callable[[int], None]:
            """The baseline: the same sync with its SQL built and compiled again each time."""

            def prepare(n: int) -> None:
                before(n)
                sync_sql._COMPILED.clear()
                sync_encode._PLANS.clear()

            return prepare

        measure("idle", lambda _n: None)
        measure("idle, compiled each time", uncached(lambda _n: None))
        measure("3 sent + 3 received", edits)
        measure("3+3, compiled each time", uncached(edits))
        measure("50 sent", sent)
        measure("50 sent, compiled each time", uncached(sent))
        measure("50 received", received)
        measure("50 received, compiled each time", uncached(received))
        if profiler:
            profiler.dump_stats(args.profile)
        print(
            f"{args.rows} registros, {args.movimientos} movimientos, "
            f"{args.syncs} syncs of each kind"
        )
        for kind, (cpu, wall) in figures.items():
            print(
                f"{kind:>31}: CPU-s per sync median {statistics.median(cpu):.4f} "
                f"mean {statistics.fmean(cpu):.4f} max {max(cpu):.4f}; "
                f"wall-s median {statistics.median(wall):.4f}"
            )
        for kept, each in (
            ("idle", "idle, compiled each time"),
            ("3 sent + 3 received", "3+3, compiled each time"),
            ("50 sent", "50 sent, compiled each time"),
            ("50 received", "50 received, compiled each time"),
        ):
            ratio = statistics.median(figures[kept][0]) / statistics.median(figures[each][0])
            print(f"{kept}: CPU per sync, compiled once / compiled each time = {ratio:.2f}")
        print(f"load average at the end: {_loadavg()}")
        return 0
    finally:
        for services in opened:
            services.close()
        if server is not None:
            server.stop()
        stop()


if __name__ == "__main__":
    sys.exit(main())
