"""The uuids' tree below the buckets: drifted rows scattered over a table whose buckets hold
many rows each are found by listing a few (uuid, version) pairs per drifted row, not every row
of the buckets they fall in; and none is missed."""

from __future__ import annotations

import random
import uuid

from icsoe_desktop.domain import sync_tree


def _rows(n: int, rng: random.Random) -> dict[str, int]:
    return {str(uuid.UUID(int=rng.getrandbits(128), version=4)): 3 for _ in range(n)}


class _Server:
    def __init__(self, rows: dict[str, int]) -> None:
        self.rows = rows
        self.asked: list[list[str]] = []

    def children(self, nodes: list[str]) -> dict[str, dict[str, int]]:
        self.asked.append(nodes)
        sums = sync_tree.children_sums(sync_tree.under(self.rows, nodes).items(), nodes)
        return {n: {"renglones": rows, "suma": total} for n, (rows, total) in sums.items()}

    def pairs(self, nodes: list[str]) -> dict[str, int]:
        return sync_tree.under(self.rows, nodes)


def test_scattered_drift_lists_a_few_pairs_per_drifted_row_and_misses_none() -> None:
    rng = random.Random(3)
    server_rows = _rows(60_000, rng)  # about 15 rows per bucket
    local = dict(server_rows)
    drifted = rng.sample(sorted(server_rows), 40)
    for i, row_uuid in enumerate(drifted):
        if i % 3 == 0:
            del local[row_uuid]  # gone from this desktop
        elif i % 3 == 1:
            local[row_uuid] = 0  # changed without the app
        else:
            local[row_uuid] = 2  # another version
    extra = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    local[extra] = 1  # a row the server does not hold
    buckets = {u[-3:] for u in (*drifted, extra)}
    differing = {b: sum(1 for u in server_rows if u.endswith(b)) for b in buckets}
    server = _Server(server_rows)

    found = sync_tree.narrow(
        differing, sync_tree.under(local, buckets), server.children, server.pairs
    )

    assert {u for u, v in found.server.items() if local.get(u) != v} == set(drifted)
    assert extra in sync_tree.under(local, found.listed)  # it is where the listing looked
    bucket_listing = sum(differing.values())
    assert found.pairs <= 10 * len(drifted) < bucket_listing
    assert server.asked  # split below the buckets, not listed whole


def test_a_bucket_of_few_rows_is_listed_without_asking_for_sums() -> None:
    rng = random.Random(5)
    server_rows = _rows(500, rng)
    local = dict(server_rows)
    drifted = next(iter(server_rows))
    local[drifted] = 9
    bucket = drifted[-3:]
    server = _Server(server_rows)

    found = sync_tree.narrow(
        {bucket: 1}, sync_tree.under(local, [bucket]), server.children, server.pairs
    )

    assert found.server == {u: 3 for u in server_rows if u.endswith(bucket)}
    assert server.asked == []
