"""The movimientos table's own SQL, for the services that read and write it in bulk: the grid
(``services/movimientos/servicio.py``), the importer, the sync's pull and the demo data.

- ``bulk_insert``: new rows in one transaction with the grid's counts added per batch
  (``store/conteo.py``), and ``insert_sql`` / ``new_ids`` / ``id_of`` for a writer that inserts
  plain tuples and then sorts out the rows that clashed with the unique key;
- ``sort_ready`` / ``prepare_sort``: a grid sort's indexes (``store/models/movimientos.py``);
- ``drop_indexes_unlike``: sort indexes an earlier version built otherwise (a restored backup);
- ``fecha_ends``: the first and last fecha, which the dated counts are bounded by;
- ``rows_by_id``: the grid's rows of a page of keys; ``sort_values``: the keys of ids;
- ``trabajadores_like``, ``curps_by_nss`` (and ``_of_contratos``), ``nombres_by_nss``: the
  workers the empresa's movements know, for the informativa's capture and its signing.

The paging's key queries are ``store/movimientos_paging.py``'s (its SQL reads the sort indexes
declared in the models).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from typing import Any

import orjson
from sqlalchemy import Connection, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from icsoe_desktop.store import conteo, plain
from icsoe_desktop.store.conteo import insert_counted
from icsoe_desktop.store.models import sort_index_ddl, sort_indexes
from icsoe_desktop.store.models.movimientos import sort_key, sort_rank

KEY = ("registro_patronal", "nss", "tipo", "fecha")  # uq_movimiento

bulk_insert = insert_counted
# Whether the kept counts are current (not while a big pull's pages wait for their recount).
counts_current = conteo.current


def insert_sql(columns: Sequence[str]) -> str:
    """One row's INSERT, rows that clash with the unique key left out (``id_of`` finds them)."""
    return (
        f"INSERT INTO movimientos ({', '.join(columns)}) VALUES "
        f"({', '.join('?' * len(columns))}) ON CONFLICT DO NOTHING"
    )


def next_id(conn: Connection) -> int:
    """The id the next inserted row gets (ids are consecutive inside one transaction)."""
    return int(
        conn.exec_driver_sql("SELECT coalesce(max(id), 0) + 1 FROM movimientos").scalar_one()
    )


def new_ids(conn: Connection, first_id: int) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(id, key) of the rows from ``first_id`` on, in id order."""
    sql = f"SELECT id, {', '.join(KEY)} FROM movimientos WHERE id >= ? ORDER BY id"
    for row in conn.exec_driver_sql(sql, (first_id,)):
        yield row[0], tuple(row[1:])


def id_of(conn: Connection, key: Sequence[Any]) -> int | None:
    """The row with this unique key (``KEY``'s values, as stored)."""
    where = " AND ".join(f"{name} = ?" for name in KEY)
    return conn.exec_driver_sql(f"SELECT id FROM movimientos WHERE {where}", tuple(key)).scalar()


def sort_ready(conn: Connection, column: str, known: set[str]) -> bool:
    """Whether the sort indexes of ``column`` exist; ``known`` (names seen before) is kept up
    to date (an index is never dropped, so a name found once is not looked up again)."""
    for name in sort_indexes(column):
        if name not in known:
            sql = "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?"
            if conn.exec_driver_sql(sql, (name,)).first() is None:
                return False
            known.add(name)
    return True


def prepare_sort(conn: Connection, column: str) -> list[str]:
    """Build the sort indexes of ``column`` (in ``conn``'s transaction); their names. A few
    seconds at a million movements, once per store, so imports and sync pulls only pay for
    the sorts clerks use. IF NOT EXISTS: two windows or processes building one at once both
    succeed."""
    for ddl in sort_index_ddl(column):
        conn.exec_driver_sql(ddl)
    return sort_indexes(column)


def drop_indexes_unlike(conn: Connection, expected: dict[str, str]) -> list[str]:
    """Drop the indexes of movimientos named in ``expected`` (name → its CREATE INDEX, spaces
    collapsed) whose definition is another; their names."""
    dropped = []
    sql = "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'movimientos'"
    for name, created in conn.exec_driver_sql(sql).all():
        built = expected.get(name)
        if built is not None and " ".join(created.split()) != built:
            conn.exec_driver_sql(f'DROP INDEX "{name}"')
            dropped.append(name)
    return dropped


def fecha_ends(conn: Connection) -> tuple[date | None, date | None]:
    """The first and last fecha of the live movements (two index seeks; two scans while a
    desktop joining a company builds that index at the end of its pull: bulk_indexes.py)."""
    ends = []
    for direction in ("", " DESC"):
        order = f"WHERE deleted = 0 ORDER BY fecha{direction} LIMIT 1"
        try:
            found = conn.exec_driver_sql(
                f"SELECT fecha FROM movimientos INDEXED BY ix_mov_fecha {order}"
            ).scalar()
        except OperationalError as exc:
            if "no such index" not in str(exc.orig):
                raise
            found = conn.exec_driver_sql(f"SELECT fecha FROM movimientos {order}").scalar()
        ends.append(None if found is None else date.fromisoformat(found))
    return ends[0], ends[1]


def rows_by_id(
    conn: Connection,
    keys: list[tuple[int, Any]],
    selected: str,
    dates: Sequence[int],
    derived: Sequence[tuple[int, Callable[[Any], Any]]],
) -> list[tuple[Any, ...]]:
    """The rows of these (id, sort value) keys, in the keys' order: id, the ``selected`` terms
    (of ``movimientos AS m`` and its lote, ``lotes AS l``), the sort value. ``dates``: the
    positions stored as ISO text; ``derived``: positions computed from the value read there.
    Plain SQL: a page is a hundred lookups by primary key, and SQLAlchemy's statement building,
    IN expansion and result processing cost more than the lookups themselves."""
    if not keys:
        return []
    sql = (
        f"SELECT m.id, {selected} FROM movimientos AS m LEFT JOIN lotes AS l "
        f"ON l.id = m.lote_id WHERE m.id IN ({', '.join('?' * len(keys))})"
    )
    found = {}
    for r in plain.driver(conn).execute(sql, [k for k, _v in keys]):
        row = list(r)
        for i in dates:
            if row[i] is not None:
                row[i] = date.fromisoformat(row[i])
        for i, derive in derived:
            if row[i] is not None:
                row[i] = derive(row[i])
        found[row[0]] = row
    return [(*found[k], v) for k, v in keys if k in found]


def sort_values(conn: Connection, ids: Sequence[int], column: str) -> list[tuple[int, Any]]:
    """The keys (id, ``column`` as stored) of these ids, in their order: a kept find's ids made
    the grid's keys (a page's, the scroll bar's every hundredth), each looked up by id."""
    found: dict[int, Any] = {}
    for start in range(0, len(ids), _IDS_PER_STATEMENT):
        chunk = ids[start : start + _IDS_PER_STATEMENT]
        sql = f"SELECT id, {column} FROM movimientos WHERE id IN ({', '.join('?' * len(chunk))})"
        found.update(plain.driver(conn).execute(sql, list(chunk)).fetchall())
    return [(i, found[i]) for i in ids if i in found]


def in_order(
    conn: Connection, ids: Sequence[int], column: str, offset: int, limit: int
) -> list[int] | None:
    """Of these ids, those at places ``offset``..``offset + limit`` in ``column``'s order going
    up ((sort key, id), NULL first: ``sort_rank``'s), sorted by SQLite: a few thousand rows
    read by id and ordered without a step of Python each (``sort_ranks`` and a sort take about
    half as long again). None when one of them is no longer in the table."""
    sql = (
        "SELECT id, count(*) OVER () FROM movimientos "
        "WHERE id IN (SELECT value FROM json_each(?)) "
        f"ORDER BY {sort_key(column, column)}, id LIMIT ? OFFSET ?"
    )
    found = (
        plain.driver(conn)
        .execute(sql, (orjson.dumps(list(ids)).decode(), limit, offset))
        .fetchall()
    )
    gone = found[0][1] != len(ids) if found else offset < len(ids)
    if gone:
        return None
    return [i for i, _n in found]


def sort_ranks(conn: Connection, ids: Sequence[int], column: str) -> dict[int, tuple[int, Any]]:
    """Each of these ids' (those still in the table) place in ``column``'s sort index, as a key
    Python compares (models/movimientos.py sort_rank)."""
    return {i: sort_rank(column, v) for i, v in sort_values(conn, ids, column)}


# SQLite's bound on a statement's parameters before 3.32 (999).
_IDS_PER_STATEMENT = 999


_NOMBRE = "(nombre || ' ' || primer_apellido || ' ' || segundo_apellido)"


def trabajadores_like(
    conn: Connection | Session, palabras: Sequence[str], limite: int
) -> list[tuple[str, str | None, int, str]]:
    """(nss, curp, sbc, nombre completo) of the workers whose NSS or CURP starts with the one
    word, or whose name holds each of ``palabras``; each from its latest live movement."""
    donde = " AND ".join(f"{_NOMBRE} LIKE '%' || :w{i} || '%'" for i in range(len(palabras)))
    if len(palabras) == 1:
        donde = f"(nss LIKE :w0 || '%' OR curp LIKE :w0 || '%' OR {donde})"
    # Filtered first, then the latest movimiento of each worker: never a sort of them all.
    sql = text(
        f"""
        SELECT nss, curp, sbc, nombre_completo FROM (
            SELECT nss, curp, coalesce(sbc, 0) AS sbc,
                   trim({_NOMBRE}) AS nombre_completo,
                   row_number() OVER (PARTITION BY nss ORDER BY fecha DESC, id DESC) AS n
            FROM movimientos WHERE deleted = 0 AND {donde}
        )
        WHERE n = 1 ORDER BY nombre_completo, nss LIMIT :n
        """
    )
    params = {**{f"w{i}": w for i, w in enumerate(palabras)}, "n": limite}
    return [(n, c, s, nm) for n, c, s, nm in conn.execute(sql, params)]


def curps_by_nss(conn: Connection | Session, nss: Sequence[str]) -> dict[str, str]:
    """NSS → CURP of the live movements of these NSS, the latest that has one."""
    rows = conn.execute(
        text(
            "SELECT nss, curp FROM movimientos WHERE deleted = 0 AND curp != '' "
            "AND nss IN (SELECT value FROM json_each(:nss)) ORDER BY fecha, id"
        ),
        {"nss": json.dumps(sorted(set(nss)))},
    )
    return {nss: value for nss, value in rows}


def curps_by_nss_of_contratos(
    conn: Connection | Session, contratos: Sequence[int]
) -> dict[str, str]:
    """``curps_by_nss`` of the NSS of the live workers of these informativa contracts (row
    ids), their NSS read by SQLite (hundreds of thousands, never listed here)."""
    rows = conn.execute(
        text(
            "SELECT nss, curp FROM movimientos WHERE deleted = 0 AND curp != '' AND nss IN "
            "(SELECT nss FROM icsoe_contrato_trabajadores WHERE deleted = 0 "
            "AND contrato_id IN (SELECT value FROM json_each(:ids))) ORDER BY fecha, id"
        ),
        {"ids": json.dumps(sorted(contratos))},
    )
    return {nss: value for nss, value in rows}


def sbcs_by_nss(conn: Connection | Session, nss: Sequence[str], hasta: date) -> dict[str, int]:
    """NSS → SBC (centavos) of the live movements of these NSS dated up to ``hasta``: the
    latest that has one, the SBC registered with the IMSS on that day."""
    rows = conn.execute(
        text(
            "SELECT nss, sbc FROM movimientos WHERE deleted = 0 AND sbc > 0 AND fecha <= :hasta "
            "AND nss IN (SELECT value FROM json_each(:nss)) ORDER BY fecha, id"
        ),
        {"nss": json.dumps(sorted(set(nss))), "hasta": hasta.isoformat()},
    )
    return {nss: value for nss, value in rows}


def nombres_by_nss(conn: Connection | Session, nss: Sequence[str]) -> dict[str, str]:
    """NSS → full name of the live movements of these NSS, the latest's."""
    rows = conn.execute(
        text(
            f"SELECT nss, trim({_NOMBRE}) FROM movimientos WHERE deleted = 0 "
            "AND nss IN (SELECT value FROM json_each(:nss)) ORDER BY fecha, id"
        ),
        {"nss": json.dumps(sorted(set(nss)))},
    )
    return {nss: value for nss, value in rows}


# The names of a CURP as the payroll last filed them with IDSE (its latest movimiento), read
# from an empresa's store file apart (services/empresas/entrada.py).
NOMBRE_DE_CURP_SQL = (
    "SELECT nombre, primer_apellido, segundo_apellido FROM movimientos "
    "WHERE curp = ? AND deleted = 0 ORDER BY fecha DESC LIMIT 1"
)
