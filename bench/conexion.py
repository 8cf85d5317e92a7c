"""Opening a connection to an empresa's store, and writing synced rows under the sync's
bookkeeping triggers: the compact triggers (head: each table's name the change into a view
whose INSTEAD OF trigger holds the statements) against the same triggers written out in full
on each table (the store at revision 0021, which differs from head only there), in the same
run, alternately.

- open: a new connection and its first statement (SQLite parses the whole schema then), as
  ``plain.configure`` and every engine connection do; median of ``--opens``;
- per row, inside one transaction of ``--rows`` rows each: a single-row INSERT of a synced
  row (no bulk path), its sync state, an UPDATE of its version, a DELETE of half of them.

Both stores end with the same ``sync_sums`` and ``sync_unsent`` (checked: the same writes with
the same uuids).

    python bench/conexion.py [--opens 400] [--rows 8000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from icsoe_desktop.store import cifrado, plain, sumas
from icsoe_desktop.store.db import upgrade_file
from icsoe_desktop.store.migrations import HEAD_REVISION, MIGRATIONS_DIR

EARLIER = "0021_pendientes"  # the bookkeeping written out on each table
LOTE = (
    "INSERT INTO lotes (uuid, numero, registro_patronal, generado_at, archivo, generado_por, "
    "version, deleted, created_at, updated_at) VALUES (?, ?, 'Y5412345106', '2026-01-01', "
    "'lote.txt', 'bench', 1, 0, '2026-01-01', '2026-01-01')"
)


def open_time(path: Path, opens: int) -> float:
    times = []
    for _ in range(opens):
        start = time.perf_counter()
        conn = cifrado.conectar(path)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        conn.close()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def writes(path: Path, work: Path, rows: int) -> tuple[dict[str, float], tuple]:
    """CPU per row of each kind of write on a copy of ``path``; the sums and counts after."""
    copy = work / f"escritura-{path.name}"
    shutil.copyfile(path, copy)
    conn = cifrado.conectar(copy, isolation_level=None)
    plain.configure(conn)
    sumas.register(conn)
    uuids = [str(uuid.UUID(int=i)) for i in range(1, rows + 1)]
    steps = {
        "insert": [(LOTE, (u, n)) for n, u in enumerate(uuids)],
        "state": [
            (
                "INSERT INTO sync_row_state (table_name, row_uuid, server_seq, dirty, version) "
                "VALUES ('lotes', ?, 0, 0, 1)",
                (u,),
            )
            for u in uuids
        ],
        "update": [("UPDATE lotes SET version = version + 1 WHERE uuid = ?", (u,)) for u in uuids],
        "delete": [("DELETE FROM lotes WHERE uuid = ?", (u,)) for u in uuids[::2]],
    }
    cost = {}
    conn.execute("BEGIN")
    for kind, statements in steps.items():
        start = time.process_time()
        for sql, args in statements:
            conn.execute(sql, args)
        cost[kind] = (time.process_time() - start) / len(statements)
    conn.execute("COMMIT")
    kept = (
        conn.execute("SELECT * FROM sync_sums ORDER BY table_name, bucket").fetchall(),
        conn.execute("SELECT * FROM sync_unsent ORDER BY table_name").fetchall(),
    )
    conn.close()
    return cost, kept


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--opens", type=int, default=400)
    parser.add_argument("--rows", type=int, default=8000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="icsoe-bench-conexion-") as folder:
        work = Path(folder)
        stores = {
            "compact (head)": work / "head.sqlite3",
            f"full ({EARLIER})": work / "0021.sqlite3",
        }
        shutil.copyfile(MIGRATIONS_DIR / plain.TEMPLATES[True], stores["compact (head)"])
        upgrade_file(stores["compact (head)"])
        upgrade_file(stores[f"full ({EARLIER})"], EARLIER)
        opened: dict[str, list[float]] = {name: [] for name in stores}
        written: dict[str, list[dict[str, float]]] = {name: [] for name in stores}
        kept = {}
        for _ in range(args.repeat):
            for name, path in stores.items():
                opened[name].append(open_time(path, args.opens))
                cost, kept[name] = writes(path, work, args.rows)
                written[name].append(cost)
        for name in stores:
            schema = cifrado.conectar(stores[name])
            size = schema.execute("SELECT sum(length(sql)) FROM sqlite_master").fetchone()[0]
            schema.close()
            costs = {
                kind: statistics.median(c[kind] for c in written[name]) * 1e6
                for kind in written[name][0]
            }
            opening = statistics.median(opened[name]) * 1e3
            print(
                f"{name:<24} schema {size / 1024:5.1f} KB  open {opening:5.2f} ms  "
                + "  ".join(f"{kind} {us:5.1f} us/row" for kind, us in costs.items())
            )
        head, full = (statistics.median(opened[name]) for name in stores)
        print(f"open: compact / full = {head / full:.2f} (revision {HEAD_REVISION} vs {EARLIER})")
        same = kept["compact (head)"] == kept[f"full ({EARLIER})"]
        print("same sums and unsent counts after the same writes:", "yes" if same else "NO")
        if not same:
            sys.exit(1)


if __name__ == "__main__":
    main()
