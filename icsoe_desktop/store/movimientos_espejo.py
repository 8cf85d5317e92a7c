"""The reads a copy of the find box's orders is built from (services/movimientos/espejo.py):
every live movement's panel terms by id, then each find index in its order, its key and id
only (from the index alone: 0.35 s a million), and the two names of the few movements whose
names begin alike in both orders. One snapshot for all of them (``fija``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import OperationalError

from icsoe_desktop.store import plain
from icsoe_desktop.store.lectura import Interrumpida
from icsoe_desktop.store.movimientos_buscar import INDEXES, nombre_idse, nombre_pila

# Rows read between two questions to ``seguir`` (~10 ms of work).
LOTE = 10_000

# The find indexes by the field they order: (index, term).
ORDENES = {"nombre": INDEXES[2], "pila": INDEXES[3], "nss": INDEXES[0]}


@contextmanager
def fija(conn: Connection) -> Iterator[None]:
    """The reads inside see one snapshot of the store (a write meanwhile is not half seen)."""
    raw = plain.driver(conn)
    raw.execute("BEGIN")
    try:
        yield
    finally:
        raw.rollback()


def _lotes(
    conn: Connection, sql: str, params: dict[str, Any], seguir: Callable[[], bool]
) -> Iterator[list[Any]]:
    cursor = plain.driver(conn).execute(sql, params)
    while True:
        if not seguir():
            raise Interrumpida
        rows = cursor.fetchmany(LOTE)
        if not rows:
            return
        yield rows


def terminos(conn: Connection, primera: date, seguir: Callable[[], bool]) -> Iterator[list[Any]]:
    """Batches of every live movement by id: (id, registro patronal, tipo|estado, days from
    ``primera`` to its fecha)."""
    sql = (
        "SELECT id, registro_patronal, tipo || '|' || estado, "
        "CAST(julianday(fecha) - julianday(:primera) AS INTEGER) "
        "FROM movimientos WHERE deleted = 0 ORDER BY id"
    )
    return _lotes(conn, sql, {"primera": primera.isoformat()}, seguir)


def nombres(
    conn: Connection, ids: list[int], ancho: int, seguir: Callable[[], bool]
) -> Iterator[tuple[int, bytes, bytes]]:
    """(id, the first ``ancho`` bytes of its name in IDSE's order, and nombre first) of these
    movements."""
    for k in range(0, len(ids), LOTE // 20):
        if not seguir():
            raise Interrumpida
        parte = ids[k : k + LOTE // 20]
        sql = (
            f"SELECT id, substr(CAST({nombre_idse()} AS BLOB), 1, ?), "
            f"substr(CAST({nombre_pila()} AS BLOB), 1, ?) FROM movimientos "
            f"WHERE id IN ({', '.join('?' * len(parte))})"
        )
        yield from plain.driver(conn).execute(sql, (ancho, ancho, *parte))


def orden(
    conn: Connection, campo: str, ancho: int, seguir: Callable[[], bool]
) -> Iterator[list[Any]]:
    """Batches of (the first ``ancho`` bytes of its term, id) of every live movement in the
    order of ``campo``'s find index (ORDENES), as the index compares them (bytes)."""
    index, term = ORDENES[campo]
    sql = (
        f"SELECT substr(CAST({term} AS BLOB), 1, :ancho), id FROM movimientos INDEXED BY {index} "
        f"WHERE deleted = 0 AND {term} >= '' ORDER BY {term}"
    )
    return _lotes(conn, sql, {"ancho": ancho}, seguir)


def contar_rango(conn: Connection, campo: str, desde: str, hasta: str) -> int:
    """How many live movements ``campo``'s find index holds from ``desde`` up to ``hasta``
    (excluded), from the index alone."""
    index, term = ORDENES[campo]
    sql = (
        f"SELECT count(*) FROM movimientos {{}} "
        f"WHERE deleted = 0 AND {term} >= :desde AND {term} < :hasta"
    )
    params = {"desde": desde, "hasta": hasta}
    try:
        return int(conn.exec_driver_sql(sql.format(f"INDEXED BY {index}"), params).scalar_one())
    except OperationalError as exc:  # a big import's, dropped until its end: the planner's way
        if "no such index" not in str(exc.orig):
            raise
        return int(conn.exec_driver_sql(sql.format(""), params).scalar_one())
