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
from typing import Any, Final

import orjson

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
# 60 bits of the md5 of a row's text as stored (``json`` keeps it as written), not of its
# content: no parsing, a fraction of ``SQL``'s time. The server keeps it per row at each write
# it sees (``rows.texto_visto``) and PostgreSQL computes it for the row as it is now
# (``rows.texto_actual``, a generated column: computed even with the triggers off); where the
# two are equal the text, and so the content, is the one ``rows.huella`` was computed from
# (migration 0018).
SQL_TEXTO = (
    "('x' || substr(md5(CASE WHEN {deleted} THEN 't' ELSE 'f' END || coalesce({data}, '')), "
    "1, 15))::bit(60)::bigint"
)
SQL_TEXTO_FUNCTION = (
    "CREATE OR REPLACE FUNCTION icsoe_texto(deleted boolean, data text) RETURNS bigint "
    "LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT "
    + SQL_TEXTO.format(deleted="deleted", data="data")
    + " $$"
)
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "))


def jsonb_order(key: str) -> tuple[int, bytes]:
    """A key's place among an object's keys as PostgreSQL writes a ``jsonb``."""
    raw = key.encode()
    return len(raw), raw


def texto(data: Mapping[str, Any]) -> str:
    """``data`` without its nulls as PostgreSQL writes it as ``jsonb``."""
    kept = {k: data[k] for k in sorted(data, key=jsonb_order) if data[k] is not None}
    return _ENCODER.encode(kept)


def huella(deleted: bool, data: Mapping[str, Any]) -> int:
    """The content fingerprint of a row whose data is ``data`` (a dict, as the wire carries
    it)."""
    if deleted:
        return _TOMBSTONE
    hashed = _rapido(data)
    if hashed is None:
        hashed = ("f" + texto(data)).encode()
    return _md5_60(hashed)


def huella_texto(deleted: bool, stored: str | None) -> int:
    """``SQL_TEXTO`` of a row whose data is stored as the text ``stored``."""
    return _md5_60((("t" if deleted else "f") + (stored or "")).encode())


def _md5_60(hashed: bytes) -> int:
    return int(hashlib.md5(hashed).hexdigest()[:15], 16)


_TOMBSTONE: Final = _md5_60(b"t")
_SIMPLE: Final = frozenset((str, int, bool))
# A data's keys (in the order it holds them) → the same in jsonb's order. A table's rows share
# their keys: a few entries per synced table.
_ORDERS: dict[tuple[str, ...], tuple[str, ...]] = {}
_ORDERS_MAX: Final = 4096
_ITEM: Final = b",\n  "  # between two items of orjson's indented object


def _rapido(data: Mapping[str, Any]) -> bytes | None:
    """``"f" + texto(data)`` as bytes, byte for byte, written by orjson (a tenth of the
    standard library's encoder's time: every row of a push and of the content check is
    hashed), or None for values only ``texto`` writes so (fractions, nested values, integers
    beyond 64 bits, lone surrogates). orjson's indented object puts «": "» after each key as
    ``texto`` does, and each item on a line of its own: a string never holds a raw line break
    (escaped as «\\n»), so the breaks are only those, and are taken out exactly."""
    keys = tuple(data)
    order = _ORDERS.get(keys)
    if order is None:
        order = tuple(sorted(keys, key=jsonb_order))
        if len(_ORDERS) < _ORDERS_MAX:
            _ORDERS[keys] = order
    return _ordenada({k: v for k in order if (v := data[k]) is not None})


def huella_ordenada(kept: dict[str, Any]) -> int:
    """``huella`` of a live row whose data is ``kept``: without nulls, its keys already in
    jsonb's order (``jsonb_order``)."""
    hashed = _ordenada(kept)
    if hashed is None:
        hashed = ("f" + texto(kept)).encode()
    return _md5_60(hashed)


def _ordenada(kept: dict[str, Any]) -> bytes | None:
    """``_rapido`` of data without nulls whose keys are in jsonb's order already."""
    if not kept:
        return b"f{}"
    if not _SIMPLE.issuperset(map(type, kept.values())):
        return None
    try:
        indented = orjson.dumps(kept, option=orjson.OPT_INDENT_2)
    except orjson.JSONEncodeError:
        return None
    # «{\n  "a": 1,\n  "b": 2\n}» → «{"a": 1, "b": 2}»
    return b"f{" + indented[4:-2].replace(_ITEM, b", ") + b"}"


__all__ = [
    "SQL",
    "SQL_FUNCTION",
    "SQL_TEXTO",
    "SQL_TEXTO_FUNCTION",
    "huella",
    "huella_ordenada",
    "huella_texto",
    "jsonb_order",
    "texto",
]
