"""``GET /v1/pull``: the company's rows after a sequence, a page at a time, row- or column-wise;
the last page, when asked, with the company's checksums at its cursor (the drift check's)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import ColumnClause, Engine, Select, Text, cast, func, literal_column, select, text
from sqlalchemy.orm import Session

from icsoe_desktop.domain import sync_wire
from icsoe_desktop.sync_server import sumas
from icsoe_desktop.sync_server.auth import Caller
from icsoe_desktop.sync_server.models import ROWS_TABLE, Empresa
from icsoe_desktop.sync_server.secuencias import WATERMARK_PG

# The company's last sequence and each table's checksum, in one statement (one snapshot: the
# sums hold exactly the rows committed up to that sequence).
_PG_SUMMARY = text(
    "SELECT e.last_seq, s.tabla, s.n, s.total, (SELECT coalesce(max(id), 0) FROM outside_edits "
    "WHERE empresa_id = :empresa), e.epoca FROM empresas e LEFT JOIN ("
    "SELECT tabla, sum(rows) AS n, sum(total) AS total FROM bucket_sums "
    "WHERE empresa_id = :empresa AND bucket = -1 GROUP BY tabla) s ON true "
    "WHERE e.id = :empresa"
)


# A pull's first statement on PostgreSQL: the watermark, the company's last sequence (an
# estimate of what remains, not a count: rows re-sent since left gaps), and enable_sort for
# the transaction: off reads the page in the order of ix_rows_empresa_seq, stopping at the
# limit (on a table without statistics yet the planner instead fetched every row after the
# cursor and sorted them on disk: a second a page, quadratic over a full pull); on for a
# repair's buckets, the planner's choice.
_PG_START = text(
    f"SELECT {WATERMARK_PG}, (SELECT last_seq FROM empresas WHERE id = :empresa), "
    "set_config('enable_sort', :sort, true)"
)


def pg_summary(session: Session, caller: Caller) -> sync_wire.Resumen:
    """The company's last sequence and, per table, its rows and checksum (PostgreSQL's kept
    sums), read in ``session``'s snapshot, with the database's history (``sumas.history``) and
    the last of the writes made to its rows outside a push (migration 0009)."""
    found = session.execute(_PG_SUMMARY, {"empresa": caller.empresa_id}).all()
    cursor, edits, epoca = (found[0][0], found[0][4], found[0][5]) if found else (0, 0, 0)
    tablas = {
        tabla: sync_wire.table_summary(int(n), int(total))
        for _c, tabla, n, total, _e, _epoca in found
        if tabla is not None
    }
    summary = sync_wire.resumen(cursor or 0, tablas, sumas.history(session, int(epoca or 0)))
    summary["ediciones"] = int(edits)
    summary["ultimo"] = int(cursor or 0)
    return summary


def _none_past(session: Session, caller: Caller, cursor: int, last_seq: int | None) -> bool:
    """Whether ``session``'s snapshot holds no row numbered past ``cursor``: nothing numbered
    past it at all, or only numbers of pushes still to commit (or that never will), whose rows
    and sums this snapshot does not see. (While 32 desktops sync, one push or another is
    nearly always under way: the sums are still exactly those of the rows a desktop at this
    cursor holds, and its drift check needs no second pull.)"""
    if (last_seq or 0) <= cursor:
        return True
    rows_table = ROWS_TABLE
    past = session.scalar(
        select(rows_table.c.seq)
        .where(rows_table.c.empresa_id == caller.empresa_id, rows_table.c.seq > cursor)
        .limit(1)
    )
    return past is None


def rows_query(caller: Caller) -> Select[str, str, int, int, datetime, bool, str]:
    """The company's rows as the wire carries them, in sequence order. Core rows (no ORM
    objects for a page of thousands); ``data`` as the JSON text the database keeps, sent as it
    is (orjson.Fragment) in a row-wise page: not parsed into dicts to be written back out
    (fetching a page took three times as long)."""
    rows_table = ROWS_TABLE
    return (
        select(
            rows_table.c.tabla,
            rows_table.c.uuid,
            rows_table.c.seq,
            rows_table.c.version,
            rows_table.c.updated_at,
            rows_table.c.deleted,
            cast(rows_table.c.data, Text),
        )
        .where(rows_table.c.empresa_id == caller.empresa_id)
        .order_by(rows_table.c.seq)
    )


# A row's content fingerprint as kept at its last write, where its text is still that write's
# (``sync_server/contenido.py``), else null: a pulled row carries it to the desktop, which
# keeps it for its content check instead of hashing the row again (PostgreSQL only: SQLite's
# server has no generated column telling a text changed by hand).
_KEPT_HUELLA: ColumnClause[Any] = literal_column(
    "CASE WHEN texto_actual = texto_visto THEN huella END"
)


def with_huella(query: Any, postgres: bool) -> Any:
    """``rows_query``'s ``query`` with each row's kept fingerprint last, on PostgreSQL."""
    return query.add_columns(_KEPT_HUELLA) if postgres else query


def pulled_groups(found: Sequence[Sequence[Any]]) -> list[sync_wire.PulledGroup]:
    """``found`` (from ``rows_query``, maybe ``with_huella``) as column-wise ``grupos``: each
    row's data parsed here, on the server's core, so the desktop parses lists."""
    loaded = (
        (tabla, row_uuid, seq, number, at, deleted, orjson.loads(data), *kept)
        for tabla, row_uuid, seq, number, at, deleted, data, *kept in found
    )
    return sync_wire.pulled_groups(loaded)


def pull(
    engine: Engine,
    caller: Caller,
    since: int,
    limit: int,
    table: str | None = None,
    columnar: bool = False,
    buckets: list[int] | None = None,
    summary: bool = False,
    count: bool = False,
) -> sync_wire.PullPage:
    """Rows after ``since``, as ``rows`` or, ``columnar``, as ``grupos`` (sync_wire); of one
    ``table`` only, and of those only the ``buckets`` of uuids given (a repair). ``summary``:
    the last page of the whole company (PostgreSQL) also carries the company's checksums at
    its cursor, read in the page's snapshot, or null when pushes past it were still to commit
    (the company is moving: a desktop compares at a later pull). The drift check then needs
    no request of its own, and never one that finds the company moved on since the pull.
    ``count``: the page also says how many rows follow ``since`` in its snapshot (``total``),
    counted only when they are more than a page (one index range, once per pull)."""
    rows_table = ROWS_TABLE
    with Session(engine) as session:
        postgres = session.get_bind().dialect.name == "postgresql"
        query = with_huella(rows_query(caller), postgres and columnar)
        query = query.where(rows_table.c.seq > since).limit(limit)
        settled = last_seq = None
        if postgres:
            # One snapshot for the watermark, the page and the company's last number: never
            # past a number whose push may still commit. (One statement: each round trip to
            # the database waits for a turn on a busy machine; set_config is SET LOCAL.)
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            settled, last_seq, _sort = session.execute(
                _PG_START,
                {"empresa": caller.empresa_id, "sort": "off" if buckets is None else "on"},
            ).one()
            query = query.where(rows_table.c.seq <= settled)
        if table is not None:
            # (A table's rows, maybe a few among a million: the planner's choice.)
            query = query.where(rows_table.c.tabla == table)
        if buckets is not None:  # a bucket: a uuid's last three hex digits (bucket_of)
            ends = [f"{bucket:03x}" for bucket in buckets]
            query = query.where(func.substr(rows_table.c.uuid, 34, 3).in_(ends))
        found = session.connection().execute(query).all()
        total = len(found)
        if count and total == limit:
            counted = query.with_only_columns(func.count(), maintain_column_froms=True)
            total = session.scalar(counted.order_by(None).limit(None)) or 0
        if not postgres:
            last_seq = session.scalar(
                select(Empresa.last_seq).where(Empresa.id == caller.empresa_id)
            )
        cursor = found[-1].seq if found else since
        at_head: sync_wire.Resumen | None = None
        if settled is not None and len(found) < limit:
            # Every row up to the watermark was in this page or an earlier one (same snapshot):
            # the numbers between are gaps (a push that never committed, a row sent again
            # since). Passing them lets a quiet desktop's cursor reach the server's, which the
            # drift check waits for.
            cursor = max(cursor, settled)
            if summary and table is None and _none_past(session, caller, cursor, last_seq):
                # The sums of this snapshot are exactly those of the rows up to its cursor.
                at_head = pg_summary(session, caller)
                at_head["cursor"] = cursor
        # (only PostgreSQL keeps the sums; a desktop asks SQLite's server its /v1/resumen)
        carried = summary and postgres and table is None and len(found) < limit
    remaining = max(0, (last_seq or 0) - cursor) if len(found) == limit else 0
    if columnar:
        page = sync_wire.pull_page([], cursor, remaining, pulled_groups(found))
        if carried:
            page["resumen"] = at_head
        if count:
            page["total"] = total
        return page
    out = [
        sync_wire.pulled_row(
            tabla,
            row_uuid,
            seq,
            sync_wire.version(
                number,
                at,
                deleted,
                orjson.Fragment(data),  # type: ignore[arg-type]  # the stored JSON, as it is
            ),
        )
        for tabla, row_uuid, seq, number, at, deleted, data in found
    ]
    return sync_wire.pull_page(out, cursor, remaining)
