"""An idle sync (nothing to send, nothing to receive, the drift check) of a desktop holding
``--rows`` movimientos, against the same idle sync hashing every row again (the desktop's
sums read from the rows, the server's summed from its rows), in the same run; then a repair
of ``--diverged`` random rows drifted from the server: rows received again vs rows diverged.

    python bench/sync_idle.py [--rows 1000000] [--repeat 7] [--diverged 2000]

A throwaway PostgreSQL and the server in its own process (127.0.0.1); the desktop pushes its
rows once, then syncs idle. Desktop: the wall and CPU time of ``synchronize()`` in this process
(the server's work is in the other). Server: its two handlers an idle sync calls (an empty
pull page, the resumen), timed in this process on the same database. Prints medians, ratios
and the load average.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pg  # bench/pg.py

# The server's baseline: the rows summed on every check.
_FROM_ROWS = (
    "SELECT tabla, count(*), "
    "sum(('x' || substr(md5(uuid || ':' || version::text), 1, 15))::bit(60)::bigint) "
    "FROM rows WHERE empresa_id = 1 GROUP BY tabla"
)


def timed(call, repeat: int) -> tuple[float, float]:
    """Median wall and CPU milliseconds of ``call()``."""
    walls, cpus = [], []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        call()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls) * 1000, statistics.median(cpus) * 1000


def rehashing(services):
    """The desktop's view with every table's rows hashed again (the baseline)."""
    from bench.referencias import table_summary
    from icsoe_desktop.services.sync.check import LocalView
    from icsoe_desktop.services.sync.encode import pending_count
    from icsoe_desktop.store.models import SyncState
    from icsoe_desktop.store.sync_tables import SYNCED_TABLES

    def view() -> LocalView:
        with services.store.session() as session:
            pending = bool(pending_count(session))
            cursor = session.get(SyncState, "cursor")
            sums = {t.name: table_summary(session, t) for t in SYNCED_TABLES}
        return LocalView(pending, int(cursor.value if cursor else 0), sums)

    return view


class Received(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if "recibidos de nuevo" in record.getMessage():
            self.messages.append(record.getMessage())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--diverged", type=int, default=2000)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="icsoe-bench-idle-"))
    os.environ.setdefault("PYTHON_KEYRING_BACKEND", "tests.keyring_de_prueba.KeyringDePrueba")
    os.environ.setdefault("XDG_DATA_HOME", str(tmp / "xdg"))
    from datetime import date

    from sqlalchemy import text

    from bench.datos_reales import crear_movimientos
    from icsoe_desktop.sync_server.auth import Caller
    from icsoe_desktop.sync_server.deriva import resumen
    from icsoe_desktop.sync_server.pull import pull

    url, engine, stop = pg.start_database()
    server = services = None
    try:
        server = pg.start_server(url, tmp / "server.log")
        services = pg.connect_desktop(tmp / "a", server.url, engine, "Escritorio a")
        start = time.perf_counter()
        crear_movimientos(services.store, args.rows, date(2026, 11, 22))
        sent = services.sync.synchronize().enviados
        print(f"{args.rows:,} movimientos made and pushed ({sent:,} rows) in "
              f"{time.perf_counter() - start:.0f} s; load average {os.getloadavg()}", flush=True)  # fmt: skip
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
        sync = services.sync
        assert sync.synchronize().enviados == 0 and sync.status().verified_at is not None

        from bench.referencias import table_summary
        from icsoe_desktop.services.sync.check import kept_view as read_kept
        from icsoe_desktop.store.sync_tables import SYNCED_TABLES

        def check_kept() -> None:
            with services.store.session() as session:
                read_kept(session, lambda _session: False)

        def check_rehash() -> None:
            with services.store.session() as session:
                for table in SYNCED_TABLES:
                    table_summary(session, table)

        check_new, _ = timed(check_kept, args.repeat)
        check_old, _ = timed(check_rehash, max(3, args.repeat // 2))
        kept_view = sync.verificacion._local_view
        new_wall, new_cpu = timed(sync.synchronize, args.repeat)
        sync.verificacion._local_view = rehashing(services)
        old_wall, old_cpu = timed(sync.synchronize, max(3, args.repeat // 2))
        sync.verificacion._local_view = kept_view
        assert sync.status().verified_at is not None

        caller = Caller(1, 1, "ABC010101AB1", "Escritorio a")
        cursor = int(sync.estado.leer("cursor"))

        def server_idle() -> None:
            pull(engine, caller, cursor, sync.intercambio.pull_rows, columnar=True)
            resumen(engine, caller)

        def server_rehash() -> None:
            pull(engine, caller, cursor, sync.intercambio.pull_rows, columnar=True)
            with engine.connect() as conn:
                conn.execute(text(_FROM_ROWS)).all()

        server_new, _ = timed(server_idle, args.repeat)
        server_old, _ = timed(server_rehash, max(3, args.repeat // 2))

        print(f"the desktop's sums (its drift check's own work), medians of {args.repeat}:")
        print(f"  kept sums read with the cursor: {check_new:8.1f} ms")
        print(f"  every table's rows rehashed:    {check_old:8.1f} ms")
        print(f"  ratio {check_new / check_old:.4f}")
        print(f"idle sync, {args.repeat} runs (medians):")
        print(f"  desktop, kept sums:     {new_wall:8.1f} ms wall, {new_cpu:8.1f} ms CPU")
        print(f"  desktop, rows rehashed: {old_wall:8.1f} ms wall, {old_cpu:8.1f} ms CPU")
        print(f"  ratio {new_wall / old_wall:.4f} wall, {new_cpu / old_cpu:.4f} CPU")
        print(f"  server (empty pull + resumen), kept sums: {server_new:8.1f} ms")
        print(f"  server, rows summed:                      {server_old:8.1f} ms")
        print(f"  ratio {server_new / server_old:.4f}")

        # A repair: random rows drift (their version changed here, nothing pending).
        with services.store.engine.begin() as conn:
            ids = conn.exec_driver_sql("SELECT id FROM movimientos").scalars().all()
            chosen = random.Random(7).sample(ids, args.diverged)
            conn.exec_driver_sql(
                "UPDATE movimientos SET version = version + 1000 WHERE id IN "
                f"({','.join(map(str, chosen))})"
            )
        received = Received()
        logging.getLogger("icsoe_desktop.services.sync").addHandler(received)
        listed = 0
        call = sync.transporte.call

        def counting(http, method, address, **kwargs):
            nonlocal listed
            answer = call(http, method, address, **kwargs)
            if address.endswith("/v1/versiones"):
                listed += len(answer.get("uuid") or ())
            return answer

        sync.transporte.call = counting
        start = time.perf_counter()
        result = sync.synchronize()
        repair_s = time.perf_counter() - start
        sync.transporte.call = call
        assert sync.status().verified_at is not None and result.recibidos == 0
        print(f"repair of {args.diverged:,} diverged rows in {args.rows:,}: {repair_s:.1f} s")
        print(f"  {received.messages}")
        print(f"  versions listed by the server: {listed:,} (uuid, version) pairs")
    except BaseException:
        log = tmp / "server.log"
        if log.exists():  # the server's side of a failure, before the folder goes
            print(log.read_text()[-3000:], file=sys.stderr)
        raise
    finally:
        if services is not None:
            services.close()
        if server is not None:
            server.stop()
        if engine is not None:
            engine.dispose()
        stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
