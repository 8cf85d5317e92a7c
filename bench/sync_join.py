"""A new desktop joins a company whose server already holds N movimientos: time of its first
sync and peak memory (RSS) of the desktop's process, against the same process that only opens
its store (baseline measured in the same run).

    python bench/sync_join.py [--rows 1000000] [--page 5000]

The server's rows are written straight into a throwaway PostgreSQL (as desktop A would have
pushed them: its real-shaped movimientos, bench/datos_reales.py, in wire form), so the bench times the joining desktop only,
served by ``serve`` in its own process, as deployed.
Needs PostgreSQL from Debian (initdb/pg_ctl) and the ``[server]`` extra.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pg  # bench/pg.py

from bench.carga import carga

JOIN = """
import json, sys, time
from pathlib import Path
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.container import open_services
from peak import peak_rss_mb
services = open_services(Path(sys.argv[1]))
services.sync.intercambio.pull_rows = int(sys.argv[4])
start, cpu = time.perf_counter(), time.process_time()
if sys.argv[2] != "-":
    services.sync.configure(sys.argv[2], sys.argv[3], True, 0, CLI_ACTOR)
    result = services.sync.synchronize()
    received = result.recibidos
else:
    received = 0
elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
services.close()
print(json.dumps({"s": elapsed, "cpu": cpu, "peak_mb": peak_rss_mb(), "received": received}))
"""


def fill_server(engine, tmp: Path, rows: int) -> None:
    """Desktop A's real-shaped movimientos, in wire form, straight into the server's rows table."""
    from datetime import date, datetime

    from sqlalchemy import insert, select, update
    from sqlalchemy.orm import Session

    from bench.datos_reales import crear_movimientos
    from icsoe_desktop.domain import sync_wire
    from icsoe_desktop.domain.contenido import huella_texto
    from icsoe_desktop.services.container import open_services
    from icsoe_desktop.services.sync.encode import local_changes
    from icsoe_desktop.sync_server import db, sumas
    from icsoe_desktop.sync_server.escritura import stored_text
    from icsoe_desktop.sync_server.models import BucketSum, Empresa, SyncedRow

    token_id = db.create_token(engine, "ABC010101AB1", "Escritorio A").id
    (tmp / "a").mkdir()
    a = open_services(tmp / "a")
    crear_movimientos(a.store, rows, date(2026, 11, 22))
    with Session(engine) as server:
        empresa = server.scalar(select(Empresa.id).where(Empresa.rfc == "ABC010101AB1"))
    seq = 0
    chunk: list[dict] = []
    # The checksums the server keeps per bucket of uuids and per table, as its pushes write
    # them: without them the joining desktop's drift check finds every bucket differing and
    # receives the whole table again.
    sums: dict[int, list[int]] = {}

    def flush() -> None:
        with engine.begin() as conn:
            sumas.mark_push(conn)  # its sums are written below, as a push writes its own
            conn.execute(insert(SyncedRow.__table__), chunk)
        chunk.clear()

    with a.store.session() as session:
        for row in local_changes(session):
            if row["table"] != "movimientos":
                continue
            seq += 1
            chunk.append(
                {
                    "empresa_id": empresa,
                    "tabla": row["table"],
                    "uuid": row["uuid"],
                    "seq": seq,
                    "version": row["version"],
                    "updated_at": datetime.fromisoformat(row["updated_at"]),
                    "deleted": row["deleted"],
                    "data": row["data"],
                    "token_id": token_id,
                    # Its content fingerprint, and that of its text as stored, as a push
                    # writes them (sync_server/escritura.py): the pages then carry it, and the
                    # joining desktop's content check sums the kept ones instead of hashing
                    # every row.
                    "huella": sumas.huella_de(row["deleted"], row["data"]),
                    "texto_visto": huella_texto(row["deleted"], stored_text(row["data"])),
                }
            )
            change = sync_wire.row_hash(row["uuid"], row["version"])
            for bucket in (sync_wire.bucket_of(row["uuid"]), -1):
                entry = sums.setdefault(bucket, [0, 0])
                entry[0] += 1
                entry[1] += change
            if len(chunk) == 10_000:
                flush()
    if chunk:
        flush()
    with engine.begin() as conn:
        conn.execute(
            insert(BucketSum.__table__),
            [
                {"empresa_id": empresa, "tabla": "movimientos", "bucket": b, "rows": n, "total": t}
                for b, (n, t) in sums.items()
            ],
        )
    with engine.begin() as conn:
        conn.execute(update(Empresa).where(Empresa.id == empresa).values(last_seq=seq))
    a.close()


def join(folder: Path, url: str, token: str, page: int) -> dict:
    folder.mkdir()
    here = Path(__file__).resolve().parent
    env = {**os.environ, "PYTHONPATH": os.pathsep.join((str(here.parent), str(here)))}
    out = subprocess.run(
        [sys.executable, "-c", JOIN, str(folder), url, token, str(page)],
        capture_output=True,
        text=True,
        env=env,
    )
    if out.returncode != 0:
        raise SystemExit(f"el escritorio que se une falló:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--page", type=int, default=5000, help="renglones por página")
    args = parser.parse_args()

    from icsoe_desktop.sync_server import db

    tmp = Path(tempfile.mkdtemp(prefix="icsoe-bench-join-"))
    os.environ.setdefault("PYTHON_KEYRING_BACKEND", "tests.keyring_de_prueba.KeyringDePrueba")
    os.environ.setdefault("XDG_DATA_HOME", str(tmp / "xdg"))
    db_url, engine, stop = pg.start_database()
    server = None
    try:
        start = time.perf_counter()
        fill_server(engine, tmp, args.rows)
        print(f"server filled with {args.rows} movimientos in {time.perf_counter() - start:.1f} s")
        server = pg.start_server(db_url, tmp / "server.log")  # as deployed: its own process
        url = server.url
        token = db.create_token(engine, "ABC010101AB1", "Escritorio nuevo").token
        baseline = join(tmp / "solo_abre", "-", "-", args.page)
        joined = join(tmp / "nuevo", url, token, args.page)
        assert joined["received"] == args.rows, joined
        print(f"rows: {args.rows} movimientos, pages of {args.page}")
        print(f"open the store only:        peak RSS {baseline['peak_mb']:7.0f} MB")
        print(
            f"join (first sync):          peak RSS {joined['peak_mb']:7.0f} MB   "
            f"time {joined['s']:7.1f} s   ({args.rows / joined['s']:.0f} rows/s), "
            f"CPU {joined['cpu']:.1f} s"
        )
        print(
            f"memory the pull adds:       {joined['peak_mb'] - baseline['peak_mb']:7.0f} MB;"
            f" {carga()}"
        )
        engine.dispose()
    finally:
        if server is not None:
            server.stop()
        stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
