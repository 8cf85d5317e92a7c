"""The sync server's own cost of a push: 100,000 movimientos (real-shaped ones, bench/datos_reales.py, encoded by the
desktop's own code) sent in 2,000-row batches straight to the server's functions (what
``POST /v1/push`` runs in its worker thread) against a throwaway PostgreSQL; prints, per
100,000 rows, the server's CPU seconds to parse and check the bodies, to write them (``push``
and the answer's JSON), PostgreSQL's CPU seconds, the wall time of the writes, and the part of
the server's CPU that Python's cyclic collector took (bench/recolector.py).

    python bench/sync_server_push.py [--rows 100000] [--rounds 3]

Each round pushes the same rows into a new database. To compare two commits, run this file
from a checkout of each (it imports the package next to it): the figures are absolute CPU
seconds, so pair the runs (one after the other, several times) on a quiet machine.
"""

from __future__ import annotations

import argparse
import os
import pickle
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import recolector
from bench.carga import carga
from tests.sync import pg


def bodies(rows: int, tmp: Path) -> list[bytes]:
    """The push bodies a desktop with ``rows`` real-shaped movimientos sends (registros first)."""
    from datetime import date

    from bench.datos_reales import crear_movimientos
    from icsoe_desktop.domain import sync_wire
    from icsoe_desktop.services.container import open_services
    from icsoe_desktop.services.sync.encode import encoded_changes
    from icsoe_desktop.services.sync.intercambio import BATCH_ROWS

    os.environ.setdefault("PYTHON_KEYRING_BACKEND", "tests.keyring_de_prueba.KeyringDePrueba")
    os.environ.setdefault("XDG_DATA_HOME", str(tmp / "xdg"))
    (tmp / "desktop").mkdir()
    services = open_services(tmp / "desktop")
    try:
        crear_movimientos(services.store, rows, date(2026, 11, 22))
        with services.store.session() as session:
            encoded = list(encoded_changes(session))
    finally:
        services.close()
    return [
        sync_wire.push_body(f"lote-{n}", encoded[start : start + BATCH_ROWS])
        for n, start in enumerate(range(0, len(encoded), BATCH_ROWS))
    ]


def cpu_of(pids: list[int]) -> float:
    """CPU seconds (user + system) the processes used so far."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def one_round(url: str, payloads: list[bytes]) -> tuple[float, float, float, float, float, int]:
    from sqlalchemy import text

    from icsoe_desktop.sync_server import db
    from icsoe_desktop.sync_server.auth import authenticate
    from icsoe_desktop.sync_server.protocol import parse_push_body
    from icsoe_desktop.sync_server.push import push

    engine = db.make_engine(url, pool_size=1)
    db.upgrade(engine)
    token = db.create_token(engine, "ABC010101AB1", "Escritorio bench").token
    caller = authenticate(engine, f"Bearer {token}")
    with engine.connect() as conn:  # the pool's one connection: every push runs on it
        backend = conn.scalar(text("SELECT pg_backend_pid()"))
    import orjson

    from icsoe_desktop.sync_server import app

    # What a server process does once started (``app_from_env``); absent before the commit
    # that added it.
    getattr(app, "freeze_startup_objects", lambda: None)()
    parse_s = write_s = wall_s = 0.0
    pg_before = cpu_of([backend])
    recolector.medir()
    gc_before = recolector.cpu()
    rows = 0
    for body in payloads:
        start = time.thread_time()
        parsed = parse_push_body(body)
        middle = time.thread_time()
        began = time.perf_counter()
        answer = push(engine, caller, parsed)
        orjson.dumps(answer)  # the reply as the endpoint renders it
        wall_s += time.perf_counter() - began
        write_s += time.thread_time() - middle
        parse_s += middle - start
        rows += len(parsed.rows)
        del parsed, answer  # as a server does once it answered (not timed)
    pg_s = cpu_of([backend]) - pg_before
    gc_s = recolector.cpu() - gc_before
    engine.dispose()
    return parse_s, write_s, pg_s, wall_s, gc_s, rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--bodies-to", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.bodies_to:  # the child's part (see below), in the parent's folder
        saved = Path(args.bodies_to)
        saved.write_bytes(pickle.dumps(bodies(args.rows, saved.parent)))
        return 0
    tmp = Path(tempfile.mkdtemp(prefix="icsoe-bench-server-push-"))
    # The desktop that makes the bodies runs in a child process: its objects left alive here
    # would make every garbage collection of the server's code slower than in a server.
    saved = tmp / "bodies.pickle"
    command = [sys.executable, __file__, "--rows", str(args.rows), "--bodies-to", str(saved)]
    try:
        subprocess.run(command, check=True)
        payloads = pickle.loads(saved.read_bytes())
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    port, stop = pg.start_cluster()
    figures = []
    try:
        for n in range(args.rounds):
            pg.admin(port, f"CREATE DATABASE bench{n}")
            parse_s, write_s, pg_s, wall_s, gc_s, rows = one_round(
                pg.url(port, f"bench{n}"), payloads
            )
            per = 100_000 / rows
            figures.append((parse_s * per, write_s * per, pg_s * per, wall_s * per, gc_s * per))
    finally:
        stop()
    print(f"{rows} rows in {len(payloads)} batches, per 100,000 rows (seconds):")
    print("round  parse+check CPU  write CPU  PostgreSQL CPU  write wall  collector CPU")
    for n, (parse_s, write_s, pg_s, wall_s, gc_s) in enumerate(figures, 1):
        print(f"{n:5}  {parse_s:15.2f}  {write_s:9.2f}  {pg_s:14.2f}  {wall_s:10.2f}  {gc_s:13.2f}")
    medians = [statistics.median(column) for column in zip(*figures, strict=True)]
    print("median {:15.2f}  {:9.2f}  {:14.2f}  {:10.2f}  {:13.2f}".format(*medians), carga())
    return 0


if __name__ == "__main__":
    sys.exit(main())
