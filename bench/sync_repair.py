"""A repair's listing: how many (uuid, version) pairs the server lists to find ``k`` random rows
drifted among ``--rows`` (half an older version, half gone from the desktop), split down the
uuids' tree (``domain/sync_tree.py``) against listing every row of each differing bucket, as a
server without the tree does. The same hashing and comparison as the sync; the server's side
summed from its rows in this process (no HTTP: the listing is what is measured).

    python bench/sync_repair.py [--rows 1000000] [--k 20,2000,50000] [--seed 7]

Prints per k: the buckets that differ, the sums and pairs the tree's server sent, the pairs a
bucket listing sends, pairs per drifted row (target: at most 10), and the CPU time the
narrowing took here (both sides' sums: this process plays the server too).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from icsoe_desktop.domain import sync_tree, sync_wire


def _bucket_sums(keys: dict[str, int]) -> dict[str, tuple[int, int]]:
    rows: dict[str, list[str]] = {}
    for row_uuid, version in keys.items():
        rows.setdefault(row_uuid[-3:], []).append(f"{row_uuid}:{version}")
    return {
        b: (len(held), sync_wire.hash_sum(held) % sync_wire.SUM_MODULUS) for b, held in rows.items()
    }


class Server:
    """The server's rows by bucket, answering the tree's two questions as the server does."""

    def __init__(self, rows: dict[str, int]) -> None:
        self.by_bucket: dict[str, dict[str, int]] = {}
        for row_uuid, version in rows.items():
            self.by_bucket.setdefault(row_uuid[-3:], {})[row_uuid] = version

    def _under(self, nodes: list[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for bucket in {n[-3:] for n in nodes}:
            found.update(self.by_bucket.get(bucket, {}))
        return sync_tree.under(found, nodes)

    def children(self, nodes: list[str]) -> dict[str, dict[str, int]]:
        sums = sync_tree.children_sums(self._under(nodes).items(), nodes)
        return {n: {"renglones": rows, "suma": total} for n, (rows, total) in sums.items()}

    def pairs(self, nodes: list[str]) -> dict[str, int]:
        return self._under(nodes)


def run(server_rows: dict[str, int], k: int, rng: random.Random) -> dict[str, float]:
    local = dict(server_rows)
    drifted = rng.sample(sorted(server_rows), k)
    for i, row_uuid in enumerate(drifted):
        if i % 2:
            del local[row_uuid]
        else:
            local[row_uuid] = 0
    theirs, mine = _bucket_sums(server_rows), _bucket_sums(local)
    differing = {
        b: theirs.get(b, (0, 0))[0]
        for b in set(theirs) | set(mine)
        if theirs.get(b, (0, 0)) != mine.get(b, (0, 0))
    }
    server = Server(server_rows)
    started = time.process_time()
    narrowed = sync_tree.narrow(differing, sync_tree.under(local, differing), *_asks(server))
    took = time.process_time() - started
    wanted = {u for u, v in narrowed.server.items() if local.get(u) != v}
    assert wanted == set(drifted), "the tree missed a drifted row"
    bucket_pairs = sum(theirs[b][0] for b in differing if b in theirs)
    return {
        "buckets": len(differing),
        "sums": narrowed.sums,
        "pairs": narrowed.pairs,
        "bucket_pairs": bucket_pairs,
        "seconds": took,
    }


def _asks(server: Server):
    return server.children, server.pairs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--k", default="20,2000,50000")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    print(f"{args.rows:,} rows; load average {os.getloadavg()[0]:.1f}")
    print(
        f"{'k':>7} {'buckets':>8} {'tree sums':>10} {'tree pairs':>11} {'pairs/k':>8} "
        f"{'bucket pairs':>13} {'bucket/tree':>12} {'CPU s':>6}"
    )
    worst = 0.0
    server_rows = {str(uuid.UUID(int=rng.getrandbits(128), version=4)): 1 for _ in range(args.rows)}
    for k in map(int, args.k.split(",")):
        r = run(server_rows, k, rng)
        ratio = r["pairs"] / k
        worst = max(worst, ratio)
        print(
            f"{k:>7,} {r['buckets']:>8,} {r['sums']:>10,} {r['pairs']:>11,} {ratio:>8.2f} "
            f"{r['bucket_pairs']:>13,} {r['bucket_pairs'] / max(r['pairs'], 1):>12.1f} "
            f"{r['seconds']:>6.2f}"
        )
    print(f"worst pairs per drifted row: {worst:.2f} (target: at most 10)")
    return 0 if worst <= 10 else 1


if __name__ == "__main__":
    sys.exit(main())
