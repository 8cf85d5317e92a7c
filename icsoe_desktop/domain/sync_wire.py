"""The sync wire format, written once for both ends: the desktop (``services/sync.py``,
``services/sync_rows.py``) and the sync server (``sync_server/``). No ORM, no Qt, no HTTP:
the codecs of column values and the checksum a desktop and the server compare.

Column values travel as JSON: text, integers and booleans as they are; dates and datetimes as
ISO 8601 text; bytes as base64; None as null. There is no decimal column (money is kept in
centavos, an integer). Which codec a column takes is decided by its type once per column
(``store/sync_tables.py`` on the desktop); the server keeps ``data`` as it came.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class Codec:
    """How one column type travels. ``encode`` and ``decode`` take non-null values (None is
    null on the wire for every type); ``decode`` raises TypeError/ValueError for a JSON value
    that does not fit. ``plain``: the JSON value is the Python value (nothing to encode)."""

    kind: str
    encode: Callable[[Any], Any]
    decode: Callable[[Any], Any]
    plain: bool


def _same(value: Any) -> Any:
    return value


def _iso(value: date) -> str:
    return value.isoformat()


def _base64(value: bytes) -> str:
    return base64.b64encode(value).decode("ascii")


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("se esperaba texto")
    return value


def _integer(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("se esperaba un entero")
    return value


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError("se esperaba verdadero/falso")
    return value


def _datetime(value: Any) -> datetime:
    return datetime.fromisoformat(str(value)).replace(tzinfo=None)


def _date(value: Any) -> date:
    return date.fromisoformat(str(value))


def _bytes(value: Any) -> bytes:
    return base64.b64decode(str(value), validate=True)


TEXT = Codec("texto", _same, _text, plain=True)
INTEGER = Codec("entero", _same, _integer, plain=True)
BOOLEAN = Codec("booleano", _same, _boolean, plain=True)
DATE = Codec("fecha", _iso, _date, plain=False)
DATETIME = Codec("fecha_hora", _iso, _datetime, plain=False)
BYTES = Codec("bytes", _base64, _bytes, plain=False)
CODECS = (TEXT, INTEGER, BOOLEAN, DATE, DATETIME, BYTES)


def encode_value(value: Any) -> Any:
    """Any column value as it travels, whatever its column (the codecs' encodings in one)."""
    if value is None:
        return None
    if isinstance(value, date):  # datetime too (a subclass)
        return value.isoformat()
    if isinstance(value, bytes):
        return _base64(value)
    return value


def row_hash(row_uuid: str, version: int) -> int:
    """One row's part of a table checksum (desktop and server sum these over a table): 60 bits
    of md5("uuid:version")."""
    return int(hashlib.md5(f"{row_uuid}:{version}".encode()).hexdigest()[:15], 16)


__all__ = [
    "BOOLEAN",
    "BYTES",
    "CODECS",
    "DATE",
    "DATETIME",
    "INTEGER",
    "TEXT",
    "Codec",
    "encode_value",
    "row_hash",
]
