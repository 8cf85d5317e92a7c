"""The content check's resource: each table's rows and the sum of their content fingerprints
(``domain/contenido.py``) as the rows are now: content changed where no trigger ran
(``session_replication_role = replica``) shows in it. (On PostgreSQL the fingerprint kept
at a row's last write is taken where its text is still that write's, which a generated
column tells with the triggers off too; the rest are computed again.) Per table, per
bucket of one table, or each row's (uuid, version, fingerprint) under some buckets, with the
company's schema: a desktop at the same one computes the same from its rows and compares
(``services/sync/contenido.py``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from icsoe_desktop.domain import contenido, sync_wire
from icsoe_desktop.sync_server import secuencias
from icsoe_desktop.sync_server.auth import Caller
from icsoe_desktop.sync_server.columnas import HEAD
from icsoe_desktop.sync_server.models import ROWS_TABLE

# A row's fingerprint as kept at its last write the server saw, where its text is still the
# one of that write (``texto_actual``, generated: computed with the triggers off too); else
# computed from its content now (migration 0018). Parsing every row's JSON again was most
# of the check's time on PostgreSQL.
_HUELLA = (
    "CASE WHEN texto_actual = texto_visto THEN huella ELSE "
    + contenido.SQL.format(deleted="deleted", data="data")
    + " END"
)
_PG_TABLES = text(
    f"SELECT tabla, count(*), sum({_HUELLA}) FROM rows WHERE empresa_id = :empresa GROUP BY tabla"
)
_PG_BUCKETS = text(
    f"SELECT icsoe_bucket(uuid), count(*), sum({_HUELLA}) FROM rows "
    "WHERE empresa_id = :empresa AND tabla = :tabla GROUP BY 1"
)
_PG_ROWS = text(
    f"SELECT uuid, version, {_HUELLA} FROM rows WHERE empresa_id = :empresa "
    "AND tabla = :tabla AND icsoe_bucket(uuid) = ANY (:cubetas)"
)


def _read(
    engine: Engine, caller: Caller, statement: Any, params: dict[str, Any], table: str | None
) -> tuple[int, list[tuple[Any, ...]], bool]:
    """(the company's last sequence, what ``statement`` selects on PostgreSQL or else (table, uuid,
    version, fingerprint) of each row, whether it is PostgreSQL's), in one snapshot."""
    with Session(engine) as session:
        if session.get_bind().dialect.name == "postgresql":
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            cursor = secuencias.last_seq(session, caller)
            found = session.execute(statement, {"empresa": caller.empresa_id, **params}).all()
            return cursor, [tuple(row) for row in found], True
        # SQLite (a single office's server): summed here, one writer at a time
        cursor = secuencias.last_seq(session, caller)
        rows = ROWS_TABLE.c
        query = select(rows.tabla, rows.uuid, rows.version, rows.deleted, rows.data).where(
            rows.empresa_id == caller.empresa_id
        )
        if table is not None:
            query = query.where(rows.tabla == table)
        return (
            cursor,
            [(t, u, v, contenido.huella(d, data)) for t, u, v, d, data in session.execute(query)],
            False,
        )


def _esquema(caller: Caller) -> str:
    """The company's newest schema: a desktop at another (other columns) does not compare."""
    return caller.esquema or HEAD


def _summed(found: Iterable[tuple[Any, int]]) -> dict[str, sync_wire.TableSummary]:
    sums: dict[Any, list[int]] = {}
    for key, value in found:
        entry = sums.setdefault(key, [0, 0])
        entry[0] += 1
        entry[1] += value
    return {str(k): sync_wire.table_summary(n, total) for k, (n, total) in sums.items()}


def tablas(engine: Engine, caller: Caller) -> dict[str, Any]:
    """Per table: its rows and the sum of their content fingerprints."""
    cursor, found, pg = _read(engine, caller, _PG_TABLES, {}, None)
    if pg:  # summed there
        summed = {t: sync_wire.table_summary(int(n), int(s)) for t, n, s in found}
    else:
        summed = _summed((t, h) for t, _u, _v, h in found)
    return {"cursor": cursor, "esquema": _esquema(caller), "tablas": summed}


def cubetas(engine: Engine, caller: Caller, table: str) -> dict[str, Any]:
    """One table's rows and sum of content fingerprints per bucket of uuids."""
    cursor, found, pg = _read(engine, caller, _PG_BUCKETS, {"tabla": table}, table)
    if pg:
        summed = {str(b): sync_wire.table_summary(int(n), int(s)) for b, n, s in found}
    else:
        summed = _summed((sync_wire.bucket_of(u), h) for _t, u, _v, h in found)
    return {"cursor": cursor, "esquema": _esquema(caller), "cubetas": summed}


def renglones(engine: Engine, caller: Caller, table: str, buckets: list[int]) -> dict[str, Any]:
    """Each row's uuid, version and content fingerprint under ``buckets`` of one table,
    column by column (the fingerprints as text: they outgrow a JSON-safe integer)."""
    cursor, found, pg = _read(engine, caller, _PG_ROWS, {"tabla": table, "cubetas": buckets}, table)
    if not pg:
        wanted = set(buckets)
        found = [(u, v, h) for _t, u, v, h in found if sync_wire.bucket_of(u) in wanted]
    return {
        "cursor": cursor,
        "esquema": _esquema(caller),
        "uuid": [u for u, _v, _h in found],
        "version": [v for _u, v, _h in found],
        "huella": [str(h) for _u, _v, h in found],
    }
