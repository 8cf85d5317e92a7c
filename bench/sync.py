"""Sync throughput: push 100,000 rows from desktop A to the server, pull them into desktop B,
against a plain bulk INSERT of the same rows into the same PostgreSQL (ratio printed).

    python bench/sync.py [--rows 100000] [--table movimientos|audit_log] [--rounds 3]
                         [--server-in-process]

Each round starts from a fresh PostgreSQL cluster, server and pair of desktops, and times the baseline
right after its push and pull: the ratio of each round is paired, and the median of the rounds
is printed last (one round's ratio moves by a third on a shared machine).

The server runs as deployed: its own process (``python -m icsoe_desktop.sync_server serve``),
so it works on the next page while the desktop applies the one before, as it does on a real
server. ``--server-in-process`` runs it on a thread of the bench's process instead (as earlier
figures were taken): server and desktop then share one interpreter lock.

Needs PostgreSQL from Debian (initdb/pg_ctl; a throwaway cluster is started on 127.0.0.1) and
the ``[server]`` extra. Movimientos have the shape of a real company's (bench/datos_reales.py:
distinct workers, real name distributions; bulk-inserted as ``demo movimientos`` does, so they
have no sync state yet and count as local changes, as rows made before sync was set up do);
audit_log rows go through the audit service and the session's change tracking.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pg  # bench/pg.py

from bench.carga import carga


def make_rows(services, table: str, count: int) -> None:
    """``count`` rows of ``table`` on a desktop, all of them waiting to be pushed."""
    if table == "movimientos":
        from datetime import date

        from bench.datos_reales import crear_movimientos

        crear_movimientos(services.store, count, date(2026, 11, 22))
        return
    if table != "audit_log":
        raise SystemExit(f"make_rows no sabe crear renglones de {table!r}")
    with services.store.session() as session:
        for n in range(count):
            services.audit.record(
                session,
                "nominas@empresa.com",
                "movimiento_capturado",
                f"Y5412345106 {n:08d}",
                f"alta NSS 1234567{n % 10000:04d} salario 315.04 fecha 2026-11-{1 + n % 28:02d}",
            )


def plain_insert(database_url: str, table: str, rows: list[dict]) -> float:
    """The baseline: the same wire rows, one bulk INSERT into a plain table of the same width."""
    from sqlalchemy import JSON, Boolean, Column, DateTime, Integer, MetaData, String, Table, insert
    from sqlalchemy.dialects.postgresql import JSONB

    from icsoe_desktop.sync_server.db import make_engine

    engine = make_engine(database_url)
    plain = Table(
        f"plain_{table}",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("uuid", String(36), unique=True),
        Column("version", Integer),
        Column("updated_at", DateTime),
        Column("deleted", Boolean),
        Column("data", JSON().with_variant(JSONB(), "postgresql")),
    )
    plain.create(engine)
    values = [
        {
            "uuid": r["uuid"],
            "version": r["version"],
            "updated_at": r["updated_at"],
            "deleted": r["deleted"],
            "data": r["data"],
        }
        for r in rows
    ]
    start = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(insert(plain), values)
    elapsed = time.perf_counter() - start
    engine.dispose()
    return elapsed


class InProcessServer(pg.cluster.ThreadServer):
    def __init__(self, app) -> None:
        super().__init__(app, pg.free_port())
        self.start()
        self.url = f"http://127.0.0.1:{self.server.config.port}"


def start_server(database_url: str, in_process: bool, make_app, log: Path):
    """The server as deployed (`serve`, its own process), or on a thread of this one."""
    if in_process:
        return InProcessServer(make_app())
    return pg.start_server(database_url, log)


def one_round(n: int, args, tmp: Path) -> tuple[float, float, float, int, int]:
    """A fresh PostgreSQL cluster, server and pair of desktops: (baseline, push, pull) seconds
    and the rows sent and received. (A cluster per round: in a shared one the earlier rounds'
    writes were still being flushed during the later baselines.)"""
    from icsoe_desktop.services.sync.encode import local_changes
    from icsoe_desktop.sync_server.app import create_app

    url, engine, stop = pg.start_database()
    server = None
    desktops = []
    try:
        server = start_server(
            url, args.server_in_process, lambda: create_app(engine), tmp / f"server{n}.log"
        )
        for name in ("a", "b"):
            desktops.append(
                pg.connect_desktop(tmp / f"{name}{n}", server.url, engine, f"Escritorio {name}")
            )
        a, b = desktops
        make_rows(a, args.table, args.rows)
        with a.store.session() as session:
            wire = [r for r in local_changes(session) if r["table"] == args.table]

        start = time.perf_counter()
        pushed = a.sync.synchronize()
        push_s = time.perf_counter() - start
        start = time.perf_counter()
        pulled = b.sync.synchronize()
        pull_s = time.perf_counter() - start
        assert pulled.recibidos >= args.rows, pulled
        if args.table == "movimientos":
            from icsoe_desktop.services.movimientos.servicio import Filtro

            arrived = b.movimientos.count(Filtro())
            assert arrived == args.rows, f"B tiene {arrived} movimientos, se esperaban {args.rows}"
        baseline = plain_insert(url, args.table, wire)
        return baseline, push_s, pull_s, pushed.enviados, pulled.recibidos
    finally:
        for services in desktops:
            services.close()
        if server is not None:
            server.stop()
        stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--table", default="movimientos", choices=("movimientos", "audit_log"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--server-in-process", action="store_true")
    args = parser.parse_args()

    from datetime import datetime

    tmp = Path(tempfile.mkdtemp(prefix="icsoe-bench-sync-"))
    pg.isolate(tmp)
    try:
        where = "a thread of this process" if args.server_in_process else "its own process"
        print(
            f"rows: {args.rows} ({args.table}), {datetime.now():%Y-%m-%d %H:%M}, server in {where}"
        )
        print("round   plain INSERT     push     pull   push+pull   ratio")
        ratios = []
        for n in range(1, args.rounds + 1):
            baseline, push_s, pull_s, sent, received = one_round(n, args, tmp)
            total = push_s + pull_s
            ratios.append(total / baseline)
            print(
                f"{n:5}  {baseline:11.2f} s {push_s:6.2f} s {pull_s:6.2f} s {total:9.2f} s"
                f"   {total / baseline:5.2f}   ({sent} sent, {received} received)"
            )
        print(
            f"median ratio (push + pull / plain INSERT, paired per round): "
            f"{statistics.median(ratios):.2f}; {carga()}"
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)  # two stores of N rows per round: not left behind
    return 0


if __name__ == "__main__":
    sys.exit(main())
