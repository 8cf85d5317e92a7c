"""Push latency with many desktops of one company pushing at once: N desktops (threads, each its
own token) push small batches of registros patronales for a while against
``serve --workers W`` on a throwaway PostgreSQL; prints p50/p99/max per push and any non-200.

    python bench/sync_push_load.py [--desktops 32] [--seconds 30] [--workers 2] [--rows 50]

The pushes of one company run one at a time (a row lock hands out sequence numbers in order),
so p99 is mostly the wait for that lock: it shows what the lock's length costs.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.sync import pg


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--desktops", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rows", type=int, default=50, help="renglones por envío")
    args = parser.parse_args()

    import requests

    from icsoe_desktop.sync_server import db

    port, stop = pg.start_cluster()
    server = None
    tmp = Path(tempfile.mkdtemp(prefix="icsoe-bench-load-"))
    try:
        pg.admin(port, "CREATE DATABASE bench")
        url = pg.url(port, "bench")
        engine = db.make_engine(url)
        db.upgrade(engine)
        tokens = [
            db.create_token(engine, "ABC010101AB1", f"E{i}").token for i in range(args.desktops)
        ]
        engine.dispose()
        http_port = pg.free_port()
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
        log = (tmp / "server.log").open("wb")
        server = subprocess.Popen(
            [sys.executable, "-m", "icsoe_desktop.sync_server", "serve", "--database-url", url,
             "--listen", f"127.0.0.1:{http_port}", "--workers", str(args.workers)],
            stdout=log, stderr=subprocess.STDOUT, env=env,
        )  # fmt: skip
        base = f"http://127.0.0.1:{http_port}"
        for _ in range(300):
            try:
                requests.get(f"{base}/v1/estado", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        latencies: list[float] = []
        failures: list[int] = []
        deadline = time.monotonic() + args.seconds

        def desktop(index: int, token: str) -> None:
            http = requests.Session()
            http.headers["Authorization"] = f"Bearer {token}"
            n = 0
            while time.monotonic() < deadline:
                rows = []
                for _ in range(args.rows):
                    n += 1
                    rows.append(
                        {
                            "table": "registros_patronales",
                            "uuid": str(uuid.uuid4()),
                            "version": 1,
                            "updated_at": "2026-11-22T10:00:00",
                            "deleted": False,
                            "base_seq": 0,
                            "data": {
                                "registro": f"Z{index:02d}{n:08d}",
                                "rfc": "ABC010101AB1",
                                "razon_social": f"Escritorio {index}",
                            },
                        }
                    )
                body = {"batch_id": uuid.uuid4().hex, "rows": rows}
                start = time.perf_counter()
                answer = http.post(f"{base}/v1/push", json=body, timeout=60)
                latencies.append(time.perf_counter() - start)
                if answer.status_code != 200:
                    failures.append(answer.status_code)

        threads = [threading.Thread(target=desktop, args=(i, t)) for i, t in enumerate(tokens)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        latencies.sort()

        def pct(p: float) -> float:
            return latencies[min(len(latencies) - 1, int(p * len(latencies)))]

        print(
            f"{args.desktops} desktops, {args.workers} workers, {args.rows} rows a push, "
            f"{args.seconds:.0f} s: {len(latencies)} pushes"
        )
        print(
            f"push latency p50 {pct(0.5):.2f} s   p99 {pct(0.99):.2f} s   max {latencies[-1]:.2f} s"
        )
        print(f"answers other than 200: {len(failures)} {sorted(set(failures))}")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
