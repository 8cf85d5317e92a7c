"""The server's side of an idle sync's drift check at scale: ``/v1/resumen`` (every table's row
count and checksum, with the cursor, in one snapshot) over a company of ``--rows`` movimientos,
against the baseline that sums the rows themselves (md5 of each row's uuid and version, the
same checksum) in the same run on the same database.

    python bench/sync_resumen.py [--rows 1000000] [--repeat 7]

The rows are written straight into a throwaway PostgreSQL (127.0.0.1), and their checksums
per bucket as migration 0005 fills them; prints medians, the ratio, and the load average.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

_FILL = (
    "INSERT INTO rows (empresa_id, tabla, uuid, seq, version, updated_at, deleted, data, token_id) "
    "SELECT 1, 'movimientos', "
    "regexp_replace(md5(n::text), '(.{8})(.{4})(.{4})(.{4})(.{12})', '\\1-\\2-\\3-\\4-\\5'), "
    "n, 1 + n %% 3, now(), false, '{}', 1 FROM generate_series(1, %(rows)s) AS n"
)
_BUCKETS = (
    "INSERT INTO bucket_sums (empresa_id, tabla, bucket, rows, total) "
    "SELECT empresa_id, tabla, b, count(*), sum(h) FROM ("
    "SELECT empresa_id, tabla, ('x' || right(uuid, 3))::bit(12)::int AS b, "
    "('x' || substr(md5(uuid || ':' || version::text), 1, 15))::bit(60)::bigint AS h FROM rows"
    ") r GROUP BY empresa_id, tabla, b"
)
_TABLE_SUMS = (
    "INSERT INTO bucket_sums (empresa_id, tabla, bucket, rows, total) "
    "SELECT empresa_id, tabla, -1, sum(rows), sum(total) FROM bucket_sums GROUP BY 1, 2"
)
# The baseline: the rows summed on every check.
_FROM_ROWS = (
    "SELECT tabla, count(*), "
    "sum(('x' || substr(md5(uuid || ':' || version::text), 1, 15))::bit(60)::bigint) "
    "FROM rows WHERE empresa_id = 1 GROUP BY tabla"
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    from sqlalchemy import text

    from icsoe_desktop.sync_server import db, sumas
    from icsoe_desktop.sync_server.auth import Caller
    from icsoe_desktop.sync_server.deriva import resumen
    from tests.sync import pg

    port, stop = pg.start_cluster()
    try:
        pg.admin(port, "CREATE DATABASE bench")
        engine = db.make_engine(pg.url(port, "bench"))
        db.upgrade(engine)
        db.create_token(engine, "ABC010101AB1", "E0")
        with engine.begin() as conn:
            sumas.mark_push(conn)  # summed at once below, as pushes would have
            conn.exec_driver_sql(_FILL, {"rows": args.rows})
            conn.exec_driver_sql(_BUCKETS)
            conn.exec_driver_sql(_TABLE_SUMS)
            conn.exec_driver_sql(f"UPDATE empresas SET last_seq = {args.rows}")
        caller = Caller(1, 1, "ABC010101AB1", "E0")
        new, old = [], []
        for _ in range(args.repeat):
            start = time.perf_counter()
            answer = resumen(engine, caller)
            new.append(time.perf_counter() - start)
            start = time.perf_counter()
            with engine.connect() as conn:
                (_tabla, count, total), *_ = conn.execute(text(_FROM_ROWS)).all()
            old.append(time.perf_counter() - start)
            mine = answer["tablas"]["movimientos"]
            assert (mine["renglones"], mine["suma"]) == (count, str(total)), "checksums differ"
        old_ms, new_ms = statistics.median(old) * 1000, statistics.median(new) * 1000
        print(f"{args.rows} movimientos, {args.repeat} checks; load average {os.getloadavg()}")
        print(f"resumen, kept sums: median {new_ms:.1f} ms")
        print(f"baseline, rows summed: median {old_ms:.1f} ms")
        print(f"ratio {new_ms / old_ms:.4f} (same answer)")
        engine.dispose()
    finally:
        stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
