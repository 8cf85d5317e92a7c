"""``sync_hash(uuid, version)``, which the sync sums' triggers call (``store/sumas.py``): one
row's part of a table checksum, ``sync_wire.row_hash`` as SQLite calls it (once per row
written). A module of its own: ``plain.py`` registers it on every connection without loading
the sums' module and the wire format."""

from __future__ import annotations

import hashlib

HASH_FUNCTION = "sync_hash"


def row_hash(row_uuid: str, version: int) -> int:
    """60 bits of md5("uuid:version")."""
    return int(hashlib.md5(f"{row_uuid}:{version}".encode()).hexdigest()[:15], 16)
