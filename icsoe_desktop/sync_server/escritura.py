"""A push's writes: its new rows and its checksums' changes (by binary COPY on PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from itertools import repeat
from typing import Any

import orjson
from sqlalchemy import Connection, insert, text
from sqlalchemy.orm import Session

from icsoe_desktop.domain import sync_wire
from icsoe_desktop.domain.contenido import huella_texto
from icsoe_desktop.sync_server.auth import Caller
from icsoe_desktop.sync_server.models import ROWS_TABLE
from icsoe_desktop.sync_server.protocol import PushRequest, PushRow


@contextmanager
def _copy(connection: Connection, statement: str, types: list[str]) -> Iterator[Any]:
    """A binary COPY (psycopg's) on the push's own connection, in its transaction."""
    driver = connection.connection.driver_connection
    assert driver is not None  # checked out by the push's session until it commits
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        copy.set_types(types)
        yield copy


_COPY_FROM = 100  # rows; fewer go in one executemany (COPY's start and end cost a round trip)
# Binary: a third of the text format's time on this side, and less on PostgreSQL's. ``data``
# goes as text, which is json's binary format too (a binary COPY's rows carry no types, only
# lengths): psycopg's json dumper would encode it again, in Python.
_COPY_ROWS = (
    "COPY rows (empresa_id, tabla, uuid, seq, version, updated_at, deleted, data, token_id, "
    "huella, texto_visto) FROM STDIN (FORMAT BINARY)"
)
_COPY_TYPES = [
    *("int4", "varchar", "varchar", "int8", "int4", "timestamp", "bool", "text", "int4", "int8"),
    "int8",
]


def stored_text(data: Any) -> str:
    """The text PostgreSQL's ``json`` keeps of ``data`` (the engine's serializer,
    ``db.make_engine``)."""
    return orjson.dumps(data).decode()


def insert_rows(
    session: Session,
    caller: Caller,
    request: PushRequest,
    new: Sequence[int],
    seqs: list[int],
    huellas: Sequence[int | None],
) -> None:
    """The batch's rows ``new`` (indexes), with their sequences. On PostgreSQL by COPY, faster
    than an executemany of INSERTs. (Another push inserting one of them meanwhile makes one of
    the two fail on the unique index, and run again: ``push``.) ``huellas``: each row's
    content fingerprint (by index), computed by ``push``."""
    rows = request.rows
    connection = session.connection()
    if connection.dialect.name != "postgresql" or len(new) < _COPY_FROM:
        values = [
            {
                "empresa_id": caller.empresa_id,
                "tabla": rows[i].table,
                "uuid": rows[i].uuid,
                "seq": seqs[i],
                "version": rows[i].version,
                "updated_at": rows[i].updated_at,
                "deleted": rows[i].deleted,
                "data": rows[i].data,
                "token_id": caller.token_id,
                "huella": huellas[i],
                "texto_visto": huella_texto(rows[i].deleted, stored_text(rows[i].data)),
            }
            for i in new
        ]
        connection.execute(insert(ROWS_TABLE), values)
        return
    data_json = request.data_json
    if len(new) < len(rows):
        rows, seqs = [rows[i] for i in new], [seqs[i] for i in new]
        huellas = [huellas[i] for i in new]
        data_json = data_json and [data_json[i] for i in new]
    data_json = data_json or [orjson.dumps(r.data).decode() for r in rows]
    tables, uuids, versions, dates, deleted, _base_seqs, _datas = zip(*rows, strict=True)
    with _copy(connection, _COPY_ROWS, _COPY_TYPES) as copy:
        write = copy.write_row
        for row in zip(
            repeat(caller.empresa_id),
            tables,
            uuids,
            seqs,
            versions,
            dates,
            deleted,
            data_json,
            repeat(caller.token_id),
            huellas,
            map(huella_texto, deleted, data_json),
        ):
            write(row)


# A push's checksum changes: each table's whole change (bucket -1) as a row of bucket_sums, as
# every pull's summary reads it, and its per-bucket ones as one row of three arrays per table
# (bucket_deltas, migration 0019): a batch of 5,000 rows touches some 2,900 buckets, and a row
# each would cost PostgreSQL a third of what the batch's own rows cost it.
_INSERT_TOTAL = text(
    "INSERT INTO bucket_sums (empresa_id, tabla, bucket, rows, total) "
    "VALUES (:empresa, :tabla, -1, :rows, :total)"
)
_INSERT_DELTAS = text(
    "INSERT INTO bucket_deltas (empresa_id, tabla, buckets, rows, totals) VALUES (:empresa, "
    ":tabla, CAST(:buckets AS integer[]), CAST(:rows AS bigint[]), CAST(:totals AS numeric[]))"
)


def add_sums(
    session: Session, caller: Caller, written: list[PushRow], existing: dict[tuple[str, str], Any]
) -> None:
    """The checksums' changes for the rows this push writes: per table, its whole change and
    its buckets' (models.BucketSum, models.BucketDeltas). The rows' hashes in one
    ``hash_sum``-like C loop (a Python call per row and per hash was most of this step's
    time)."""
    keys = [f"{item.uuid}:{item.version}" for item in written]
    previous = [
        (i, f"{item.uuid}:{current.version}")
        for i, item in enumerate(written)
        if (current := existing.get((item.table, item.uuid))) is not None
    ]
    hashes = sync_wire.row_hashes(keys)
    added = [1] * len(written)
    if previous:
        replaced = sync_wire.row_hashes([key for _i, key in previous])
        for (i, _key), old in zip(previous, replaced, strict=True):
            hashes[i] -= old
            added[i] = 0
    # table → bucket → [rows, sum]
    changes: dict[str, dict[int, list[int]]] = {}
    for item, change, count in zip(written, hashes, added, strict=True):
        per_bucket = changes.setdefault(item.table, {})
        bucket = sync_wire.bucket_of(item.uuid)
        entry = per_bucket.get(bucket)
        if entry is None:
            per_bucket[bucket] = [count, change]
        else:
            entry[0] += count
            entry[1] += change
    connection = session.connection()
    for tabla, per_bucket in changes.items():
        counts, totals = zip(*per_bucket.values(), strict=True)
        connection.execute(
            _INSERT_TOTAL,
            {
                "empresa": caller.empresa_id,
                "tabla": tabla,
                "rows": sum(counts),
                "total": Decimal(sum(totals)),
            },
        )
        connection.execute(
            _INSERT_DELTAS,
            {
                "empresa": caller.empresa_id,
                "tabla": tabla,
                "buckets": _array(per_bucket),
                "rows": _array(counts),
                "totals": _array(totals),
            },
        )


def _array(values: Iterable[int]) -> str:
    """An array literal of integers (PostgreSQL reads it in C, against psycopg's dumper of a
    Python list, one call per element)."""
    return "{" + ",".join(map(str, values)) + "}"
