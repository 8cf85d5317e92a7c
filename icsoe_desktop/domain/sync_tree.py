"""The drift check's finer levels: a bucket of uuids that differs from the server is split by
one more hex digit of the uuid's end at a time (16 children), both sides summing their rows of
each child, and only children that still differ and hold more than ``LEAF`` rows are split
again; the rest are listed row by row ((uuid, version) pairs). Repairing k rows scattered over a
million lists a few pairs per drifted row, not every row of the buckets they fall in
(``bench/sync_repair.py``).

A node is a suffix of the uuid (lowercase hex, its last ``len(node)`` digits; a bucket is the
3-digit one, ``sync_wire.bucket_of``). Pure: the server and the desktop hash with
``sync_wire.row_hash`` and compare with ``sync_wire.summary_differs``; ``narrow`` asks through
the two callables it is given."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from icsoe_desktop.domain import sync_wire

LEAF = 8  # a differing node with at most this many rows on either side is listed row by row
MAX_DEPTH = 12  # a uuid's last group: no node is longer
HEX = "0123456789abcdef"

Sums = dict[str, tuple[int, int]]  # node → (rows, sum of row_hash modulo 2**60)


def is_node(text: str) -> bool:
    return 3 <= len(text) <= MAX_DEPTH and all(c in HEX for c in text)


def children_sums(keys: Iterable[tuple[str, int]], nodes: Iterable[str]) -> Sums:
    """Per child (one more digit) of ``nodes``, the rows among ``keys`` (uuid, version) under
    it: (rows, sum modulo 2**60). Children without rows are left out."""
    lengths = {len(node) for node in nodes}
    wanted = set(nodes)
    chosen: list[tuple[str, str]] = []
    for row_uuid, version in keys:
        for length in lengths:
            if row_uuid[-length:] in wanted:
                chosen.append((row_uuid[-length - 1 :], f"{row_uuid}:{version}"))
    hashes = sync_wire.row_hashes(key for _child, key in chosen)
    sums: dict[str, list[int]] = {}
    for (child, _key), value in zip(chosen, hashes, strict=True):
        entry = sums.setdefault(child, [0, 0])
        entry[0] += 1
        entry[1] += value
    return {child: (n, total % sync_wire.SUM_MODULUS) for child, (n, total) in sums.items()}


def under(keys: Mapping[str, int], nodes: Iterable[str]) -> dict[str, int]:
    """The (uuid → version) of ``keys`` under any of ``nodes``."""
    lengths = {len(node) for node in nodes}
    wanted = set(nodes)
    return {u: v for u, v in keys.items() if any(u[-n:] in wanted for n in lengths)}


@dataclass
class Narrowed:
    """What the narrowing found: the server's (uuid → version) under the ``listed`` nodes, and
    how many sums and pairs the server sent."""

    server: dict[str, int]
    listed: list[str] = field(default_factory=list)
    sums: int = 0
    pairs: int = 0


AskChildren = Callable[[list[str]], Mapping[str, Mapping[str, int]]]
ListPairs = Callable[[list[str]], dict[str, int]]


def narrow(
    differing: dict[str, int], local: Mapping[str, int], children: AskChildren, pairs: ListPairs
) -> Narrowed:
    """From the ``differing`` buckets (node → the server's row count), down to the nodes worth
    listing: ``children(nodes)`` gives the server's sums of their children (node →
    {"renglones", "suma"}), ``pairs(nodes)`` its (uuid → version) under them. ``local``: this
    desktop's (uuid → version) under the differing buckets, each hashed once and grouped by
    node level by level."""
    found = Narrowed({})
    hashes = sync_wire.row_hashes(f"{u}:{v}" for u, v in local.items())
    groups: dict[str, list[tuple[str, int]]] = {}
    for row_uuid, value in zip(local, hashes, strict=True):
        groups.setdefault(row_uuid[-3:], []).append((row_uuid, value))
    frontier = dict(differing)
    while frontier:
        small = [n for n, theirs in frontier.items() if _leaf(n, theirs, len(groups.get(n, ())))]
        if small:
            pairs_listed = pairs(small)
            found.listed += small
            found.pairs += len(pairs_listed)
            found.server.update(pairs_listed)
        listed = set(small)
        split = [n for n in frontier if n not in listed]
        if not split:
            break
        theirs = children(split)
        found.sums += len(theirs)
        below: dict[str, list[tuple[str, int]]] = {}
        for node in split:
            start = -len(node) - 1
            for row in groups.get(node, ()):
                below.setdefault(row[0][start:], []).append(row)
        frontier = {}
        for node in split:
            for digit in HEX:
                child = digit + node
                held = below.get(child, ())
                ours = (len(held), sum(value for _u, value in held) % sync_wire.SUM_MODULUS)
                summary = theirs.get(child) or {}
                if sync_wire.summary_differs(summary, *ours):
                    frontier[child] = int(summary.get("renglones", 0))
        groups = {child: below[child] for child in frontier if child in below}
    return found


def _leaf(node: str, theirs: int, mine: int) -> bool:
    return len(node) >= MAX_DEPTH or max(theirs, mine) <= LEAF


__all__ = [
    "LEAF",
    "MAX_DEPTH",
    "Narrowed",
    "children_sums",
    "is_node",
    "narrow",
    "under",
]
