"""Row uuids are version 7: unique, and increasing in the order the rows are made (what keeps
the uuid-keyed indexes of both ends writing at their end, not at random places)."""

from __future__ import annotations

import time
import uuid

from icsoe_desktop.domain.row_ids import new_uuid


def test_row_uuids_are_time_ordered_version_7_and_unique():
    before = int(time.time() * 1000)
    made = [new_uuid() for _ in range(20_000)]
    after = int(time.time() * 1000)
    assert len(set(made)) == len(made)
    assert made == sorted(made)  # even several within one millisecond
    parsed = [uuid.UUID(u) for u in made]
    assert {p.version for p in parsed} == {7}
    assert {p.variant for p in parsed} == {uuid.RFC_4122}
    assert all(str(p) == u for p, u in zip(parsed, made, strict=True))  # lowercase, dashed
    stamps = [p.int >> 80 for p in parsed]  # the first 48 bits: Unix time in milliseconds
    assert before <= stamps[0] <= stamps[-1] <= after
