"""The reads a copy of the find box's orders is built from (services/movimientos/espejo.py):
every live movement's panel terms by id, then each find index in its order, its key and id
only (from the index alone: 0.35 s a million), and the two names of the few movements whose
names begin alike in both orders. One snapshot for all of them (``fija``).

And what brings the copy up to date after a change: the movements written since it was read,
as ``movimientos_cambiados`` records them (migration 0033: triggers on movimientos; a bulk
insert records its rows itself, ``registrar``), and those movements' terms now."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import OperationalError

from icsoe_desktop.store import cifrado, plain
from icsoe_desktop.store.lectura import Interrumpida
from icsoe_desktop.store.movimientos_buscar import INDEXES, nombre_idse, nombre_pila

# Rows read between two questions to ``seguir`` (~10 ms of work).
LOTE = 10_000

# The find indexes by the field they order: (index, term).
ORDENES = {"nombre": INDEXES[2], "pila": INDEXES[3], "nss": INDEXES[0]}

# The trigger that records each movement inserted (dropped by a bulk insert: ``registrar``).
INSERT_TRIGGER = "movimientos_cambiados_insert"
# A bulk insert of more rows records a single «many» (id 0): a copy is read again after it.
REGISTRADOS = 10_000
# Ids asked for at once (as many as LOTE's rows take to read).
_POR_CONSULTA = LOTE // 20


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


def marca(conn: Connection) -> tuple[int, int | None] | None:
    """The latest change ``movimientos_cambiados`` recorded and its random number ((0, None):
    none yet); None: a store without that record (its schema before migration 0033, opened
    read-only)."""
    try:
        ultima = conn.exec_driver_sql(
            "SELECT n, azar FROM movimientos_cambiados ORDER BY n DESC LIMIT 1"
        ).first()
    except OperationalError as exc:
        if "no such table" not in str(exc.orig):
            raise
        return None
    return (0, None) if ultima is None else (int(ultima[0]), int(ultima[1]))


def azar(conn: Connection, n: int) -> int | None:
    """The random number of recorded change ``n`` (None: not recorded, or let go of)."""
    sql = "SELECT azar FROM movimientos_cambiados WHERE n = ?"
    return conn.exec_driver_sql(sql, (n,)).scalar()


def marcar(conn: Connection, desde: int) -> tuple[int, int | None] | None:
    """A change of no movement recorded (id -1), if none was since ``desde``: a copy read at
    ``desde`` is named by it; its (n, random number), or None (in ``conn``'s transaction)."""
    ultima = marca(conn)
    if ultima is None or ultima[0] != desde:
        return None
    conn.exec_driver_sql("INSERT INTO movimientos_cambiados (movimiento_id) VALUES (-1)")
    return marca(conn)


def cambiados(
    conn: Connection, desde: int, maximo: int, todos: bool = False
) -> tuple[int, int | None, list[int]] | None:
    """The latest change recorded after change ``desde`` and its random number (``desde`` and
    None when there is none), and the ids of the movements written since (ascending; only
    those whose copy's columns changed unless ``todos``: migration 0034); None when they are
    more than ``maximo``, a bulk insert's «many» is among them, or the record no longer
    reaches back to ``desde``. Every change since is read (a movement written many times is
    one id): only the latest are kept, so they are never many."""
    primera = conn.exec_driver_sql("SELECT min(n) FROM movimientos_cambiados").scalar()
    if primera is not None and primera > desde + 1:
        return None
    sql = "SELECT n, movimiento_id, azar, {} FROM movimientos_cambiados WHERE n > ? ORDER BY n"
    try:
        filas = plain.driver(conn).execute(sql.format("copia"), (desde,)).fetchall()
    except cifrado.OperationalError as exc:  # a store before 0034, opened read-only
        if "no such column" not in str(exc):
            raise
        filas = plain.driver(conn).execute(sql.format("1"), (desde,)).fetchall()
        if todos and any(id_ >= 0 for _n, id_, _azar, _copia in filas):
            return None  # whether other sortable columns changed is not recorded there
    # -1: no movement (``marcar``)
    ids = {id_ for _n, id_, _azar, copia in filas if id_ >= 0 and (copia or todos)}
    if len(ids) > maximo or 0 in ids:
        return None
    if not filas:
        return desde, None, []
    return filas[-1][0], filas[-1][2], sorted(ids)


def filas(conn: Connection, ids: list[int], primera: date, ancho: int) -> list[tuple[Any, ...]]:
    """The terms now of these movements (those still in the table): (id, whether live,
    registro patronal, tipo|estado, days from ``primera`` to its fecha, the first ``ancho``
    bytes of its name in IDSE's order and nombre first, NSS)."""
    columnas = (
        "deleted = 0, registro_patronal, tipo || '|' || estado, "
        "CAST(julianday(fecha) - julianday(?) AS INTEGER), "
        f"substr(CAST({nombre_idse()} AS BLOB), 1, ?), "
        f"substr(CAST({nombre_pila()} AS BLOB), 1, ?), nss"
    )
    return list(_por_id(conn, columnas, (primera.isoformat(), ancho, ancho), ids))


def _por_id(
    conn: Connection,
    columnas: str,
    params: tuple[Any, ...],
    ids: list[int],
    seguir: Callable[[], bool] = lambda: True,
) -> Iterator[tuple[Any, ...]]:
    """(id, ``columnas``...) of these movements, _POR_CONSULTA ids a statement."""
    for k in range(0, len(ids), _POR_CONSULTA):
        if not seguir():
            raise Interrumpida
        parte = ids[k : k + _POR_CONSULTA]
        sql = f"SELECT id, {columnas} FROM movimientos WHERE id IN ({', '.join('?' * len(parte))})"
        yield from plain.driver(conn).execute(sql, (*params, *parte))


def registrar(conn: Connection, antes: int) -> None:
    """A bulk insert's rows (ids past ``antes``) recorded as written, its insert trigger
    dropped meanwhile: each, or past REGISTRADOS a single «many»."""
    nuevas = conn.exec_driver_sql(
        "SELECT count(*) FROM movimientos WHERE id > ?", (antes,)
    ).scalar_one()
    if not nuevas:
        return
    if nuevas > REGISTRADOS:
        conn.exec_driver_sql("INSERT INTO movimientos_cambiados (movimiento_id) VALUES (0)")
        return
    conn.exec_driver_sql(
        "INSERT INTO movimientos_cambiados (movimiento_id) "
        "SELECT id FROM movimientos WHERE id > ? ORDER BY id",
        (antes,),
    )


def nombres(
    conn: Connection, ids: list[int], ancho: int, seguir: Callable[[], bool]
) -> Iterator[tuple[int, bytes, bytes]]:
    """(id, the first ``ancho`` bytes of its name in IDSE's order, and nombre first) of these
    movements."""
    columnas = (
        f"substr(CAST({nombre_idse()} AS BLOB), 1, ?), substr(CAST({nombre_pila()} AS BLOB), 1, ?)"
    )
    return _por_id(conn, columnas, (ancho, ancho), ids, seguir)


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


def vivos(conn: Connection) -> int:
    """How many live movements the store holds, counted (a process apart has no counts kept)."""
    return int(
        conn.exec_driver_sql("SELECT count(*) FROM movimientos WHERE deleted = 0").scalar_one()
    )


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
