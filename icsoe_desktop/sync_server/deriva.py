"""The drift check: rows and checksums per table, bucket and node, and rows by uuid (a repair)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine, Row, Select, func, or_, select, text
from sqlalchemy.orm import Session

from icsoe_desktop.domain import sync_tree, sync_wire
from icsoe_desktop.sync_server import secuencias, sumas
from icsoe_desktop.sync_server.auth import Caller
from icsoe_desktop.sync_server.models import ROWS_TABLE, SyncedRow
from icsoe_desktop.sync_server.pull import pg_summary, pulled_groups, rows_query, with_huella

_PG_BUCKETS = text(
    "SELECT bucket, sum(rows), sum(total) FROM (" + sumas.KEPT + ") AS k "
    "WHERE empresa_id = :empresa AND tabla = :tabla AND bucket >= 0 GROUP BY bucket"
)
# Each bucket's changes folded into one row of bucket_sums, a push's arrays too (one
# statement: a reader sees the sums before or after, both right); pushes committing meanwhile
# add rows it does not touch.
_COMPACT = text(
    "WITH gone AS (DELETE FROM bucket_sums WHERE empresa_id = :empresa "
    "RETURNING tabla, bucket, rows, total), "
    "moved AS (DELETE FROM bucket_deltas WHERE empresa_id = :empresa "
    "RETURNING tabla, buckets, rows, totals) "
    "INSERT INTO bucket_sums (empresa_id, tabla, bucket, rows, total) "
    "SELECT :empresa, tabla, bucket, sum(rows), sum(total) FROM ("
    "SELECT tabla, bucket, rows, total FROM gone UNION ALL "
    "SELECT m.tabla, u.bucket, u.rows, u.total FROM moved AS m "
    "CROSS JOIN LATERAL unnest(m.buckets, m.rows, m.totals) AS u(bucket, rows, total)"
    ") AS s GROUP BY tabla, bucket"
)
COMPACT_EVERY = 100  # pushes of a company, per server process


def compact_sums(engine: Engine, empresa_id: int) -> None:
    """Fold a company's checksum changes (models.BucketSum): one compaction at a time."""
    with engine.begin() as conn:
        if conn.dialect.name != "postgresql":
            return
        if conn.execute(
            text("SELECT pg_try_advisory_xact_lock(:key, :empresa)"),
            {"key": COMPACT_LOCK, "empresa": empresa_id},
        ).scalar_one():
            conn.execute(_COMPACT, {"empresa": empresa_id})


COMPACT_LOCK = 0x5C_A5


def _sqlite_sums(session: Session, caller: Caller, table: str | None) -> dict[Any, list[int]]:
    """Per table (or, for ``table``, per bucket): rows and checksum, summed here (SQLite has
    no md5)."""
    query = select(SyncedRow.tabla, SyncedRow.uuid, SyncedRow.version).where(
        SyncedRow.empresa_id == caller.empresa_id
    )
    if table is not None:
        query = query.where(SyncedRow.tabla == table)
    sums: dict[Any, list[int]] = {}
    for tabla, row_uuid, version in session.execute(query):
        entry = sums.setdefault(tabla if table is None else sync_wire.bucket_of(row_uuid), [0, 0])
        entry[0] += 1
        entry[1] += sync_wire.row_hash(row_uuid, version)
    return sums


def resumen(engine: Engine, caller: Caller) -> sync_wire.Resumen:
    """Per table: how many rows and their checksum (text: it outgrows a JSON-safe integer),
    with the sequence they hold everything up to."""
    with Session(engine) as session:
        if session.get_bind().dialect.name == "postgresql":
            return pg_summary(session, caller)
        # one writer at a time: the two reads see the same rows
        cursor = secuencias.last_seq(session, caller)
        tablas = {
            t: sync_wire.table_summary(n, total)
            for t, (n, total) in _sqlite_sums(session, caller, None).items()
        }
    summary = sync_wire.resumen(cursor, tablas)
    summary["ultimo"] = cursor
    return summary


def buckets(engine: Engine, caller: Caller, table: str) -> dict[str, Any]:
    """One table's rows and checksum per bucket of uuids (sync_wire.bucket_of), with the
    sequence they hold everything up to: where a table that differs differs."""
    found: Sequence[Sequence[Any]]
    with Session(engine) as session:
        if session.get_bind().dialect.name == "postgresql":
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            cursor = secuencias.last_seq(session, caller)
            found = session.execute(
                _PG_BUCKETS, {"empresa": caller.empresa_id, "tabla": table}
            ).all()
        else:
            cursor = secuencias.last_seq(session, caller)
            found = [(b, n, t) for b, (n, t) in _sqlite_sums(session, caller, table).items()]
    return {
        "cursor": cursor,
        "cubetas": {str(b): sync_wire.table_summary(int(n), int(t)) for b, n, t in found if n},
    }


def _under(caller: Caller, table: str, nodes: list[str]) -> Select[str, int, int]:
    """(uuid, version, seq) of ``table``'s rows whose uuid ends in one of ``nodes``: one IN list
    per length of node (a bucket: the uuid's last three hex digits, ``sync_wire.bucket_of``)."""
    rows_table = ROWS_TABLE
    by_length: dict[int, list[str]] = {}
    for node in nodes:
        by_length.setdefault(len(node), []).append(node)
    ends = [
        func.substr(rows_table.c.uuid, 37 - length, length).in_(chosen)
        for length, chosen in sorted(by_length.items())
    ]
    return select(rows_table.c.uuid, rows_table.c.version, rows_table.c.seq).where(
        rows_table.c.empresa_id == caller.empresa_id, rows_table.c.tabla == table, or_(*ends)
    )


def _read_under(
    engine: Engine, caller: Caller, table: str, nodes: list[str]
) -> tuple[int, Sequence[Row[str, int, int]]]:
    with Session(engine) as session:
        if session.get_bind().dialect.name == "postgresql":
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        cursor = secuencias.last_seq(session, caller)
        found = session.execute(_under(caller, table, nodes)).all()
    return cursor, found


def versions(engine: Engine, caller: Caller, table: str, nodes: list[str]) -> dict[str, Any]:
    """Each row's uuid and version under ``nodes`` of one table's uuids (buckets, or finer
    nodes: ``domain/sync_tree.py``; a repair's last level), with the sequence they hold
    everything up to; column by column. With each row's sequence: a desktop sends a row
    again with the one the server holds (a server restored from a backup lost its newer
    version: verificacion.py)."""
    cursor, found = _read_under(engine, caller, table, nodes)
    return {
        "cursor": cursor,
        "uuid": [u for u, _v, _s in found],
        "version": [v for _u, v, _s in found],
        "seq": [q for _u, _v, q in found],
    }


def children(engine: Engine, caller: Caller, table: str, nodes: list[str]) -> dict[str, Any]:
    """The rows and checksum of each child (one more hex digit) of ``nodes`` of one table's
    uuids, summed from its rows on the fly (a repair's finer levels, ``domain/sync_tree.py``),
    with the sequence they hold everything up to."""
    cursor, found = _read_under(engine, caller, table, nodes)
    sums = sync_tree.children_sums(((u, v) for u, v, _s in found), nodes)
    return {
        "cursor": cursor,
        "sufijos": {node: sync_wire.table_summary(n, total) for node, (n, total) in sums.items()},
    }


def rows_of(engine: Engine, caller: Caller, table: str, uuids: list[str]) -> sync_wire.PullPage:
    """Some rows of one table, by uuid, as a page of ``grupos`` (a repair's last step: only
    the rows that differ), in sequence order; its cursor is the company's last sequence."""
    rows_table = ROWS_TABLE
    with Session(engine) as session:
        cursor = secuencias.last_seq(session, caller)
        query = with_huella(rows_query(caller), session.get_bind().dialect.name == "postgresql")
        found = session.execute(
            query.where(rows_table.c.tabla == table, rows_table.c.uuid.in_(uuids))
        ).all()
    return sync_wire.pull_page([], cursor, 0, pulled_groups(found))
