"""A synced row's content fingerprint, one definition for the server and every desktop: the
server keeps it per row (``rows.huella``, computed by PostgreSQL as ``icsoe_huella``) and sums
it from its rows for the desktops' content check (``/v1/contenido``); a desktop computes it
from its own rows as its push would carry them (``services/sync/contenido.py``). Equal
content, equal fingerprint, however the JSON was written (key order, spacing, escapes).

The text hashed: «t» for a deleted row (a tombstone's data is nobody's concern: a hard-deleted
row travels without it), else «f» and the data without its null values as PostgreSQL writes a
``jsonb`` (keys shorter first, then by their bytes; «, » and «: » between; strings escaped as
JSON, other characters as they are); 60 bits of its md5. A null and a missing key are the same
content (a desktop that never knew a column sends none of it). Values are texts, integers and
booleans (``sync_wire``'s codecs: no fractions, whose text PostgreSQL would write otherwise).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

# PostgreSQL's twin of ``huella``, over a row's ``deleted`` and ``data`` (json or jsonb).
SQL = (
    "('x' || substr(md5(CASE WHEN {deleted} THEN 't' "
    "ELSE 'f' || jsonb_strip_nulls(({data})::jsonb)::text END), 1, 15))::bit(60)::bigint"
)
# Written by the server's migration 0013.
SQL_FUNCTION = (
    "CREATE OR REPLACE FUNCTION icsoe_huella(deleted boolean, data text) RETURNS bigint "
    "LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT "
    + SQL.format(deleted="deleted", data="data")
    + " $$"
)
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "))


def _jsonb_order(key: str) -> tuple[int, bytes]:
    raw = key.encode()
    return len(raw), raw


def texto(data: Mapping[str, Any]) -> str:
    """``data`` without its nulls as PostgreSQL writes it as ``jsonb``."""
    kept = {k: data[k] for k in sorted(data, key=_jsonb_order) if data[k] is not None}
    return _ENCODER.encode(kept)


def huella(deleted: bool, data: Mapping[str, Any]) -> int:
    """The content fingerprint of a row whose data is ``data`` (a dict, as the wire carries
    it)."""
    hashed = "t" if deleted else "f" + texto(data)
    return int(hashlib.md5(hashed.encode()).hexdigest()[:15], 16)


__all__ = ["SQL", "SQL_FUNCTION", "huella", "texto"]
