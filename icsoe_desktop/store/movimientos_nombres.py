"""The reads that put part of a find in the order of a name column (nombre, primer apellido)
when the find box's copy cannot tell it from its keys (services/movimientos/espejo_nombres.py):
which live movements have that column within a range of texts, from the column's sort index
alone (a seek per tipo and estado group), and a few movements' rows sorted as the grid sorts
them."""

from __future__ import annotations

from itertools import product

import orjson
from sqlalchemy import Connection

from icsoe_desktop.store import plain
from icsoe_desktop.store.models.movimientos import (
    CODES,
    SORT_PREFIX,
    prefix_code,
    sort_index,
    sort_prefix,
)

# The columns it reads (their values compared as the grid sorts them: the text's bytes).
COLUMNAS = frozenset(("nombre", "primer_apellido"))


def entre(conn: Connection, columna: str, desde: str, hasta: str) -> list[int]:
    """The ids of the live movements whose ``columna`` is from ``desde`` up to ``hasta``
    (excluded); its sort index must be there (``sort_ready``)."""
    return _por_indice(conn, columna, f"{columna} >= ? AND {columna} < ?", (desde, hasta))


def iguales(conn: Connection, columna: str, valor: str) -> list[int]:
    """The ids of the live movements whose ``columna`` is ``valor``, as ``entre``."""
    return _por_indice(conn, columna, f"{columna} = ?", (valor,))


def en_orden(conn: Connection, columna: str, desde: str, hasta: str) -> list[int]:
    """``entre``'s ids in the grid's order going up ((the column, id)): the index's entries
    sorted, no row read."""
    condicion = f"{columna} >= ? AND {columna} < ?"
    return _por_indice(conn, columna, condicion, (desde, hasta), ordenados=True)


def _por_indice(
    conn: Connection,
    columna: str,
    condicion: str,
    params: tuple[str, ...],
    ordenados: bool = False,
) -> list[int]:
    assert columna in COLUMNAS  # a column's name in the SQL
    grupos = sorted(
        {
            prefix_code(columna, dict(zip(SORT_PREFIX[columna], valores, strict=True)))
            for valores in product(*(CODES[p] for p in SORT_PREFIX[columna]))
        }
    )
    # The column's text only to sort by: else each row's text object is built for nothing
    # (a third of the read of «MARIA»'s tens of thousands).
    valor = f", {columna} AS v" if ordenados else ""
    tramo = (
        f"SELECT id{valor} FROM movimientos INDEXED BY {sort_index(columna)} "
        f"WHERE deleted = 0 AND {condicion} AND {sort_prefix(columna)}"
    )
    # A tipo or estado outside the known ones: the group is NULL.
    sql = f"{tramo} IN ({', '.join(map(str, grupos))}) UNION ALL {tramo} IS NULL"
    if ordenados:
        sql = f"SELECT id FROM ({sql}) ORDER BY v, id"
    return [fila[0] for fila in plain.driver(conn).execute(sql, params * 2)]


def ordenados(
    conn: Connection,
    columna: str,
    ids: list[int],
    desde: str,
    hasta: str | None,
    offset: int,
    limit: int,
) -> list[int]:
    """Places ``offset``..``offset + limit`` of the movements of ``ids`` whose ``columna`` is
    from ``desde`` up to ``hasta`` (excluded; None: no end), in the grid's order going up
    ((the column, id)), each row read by id."""
    assert columna in COLUMNAS
    hasta_sql = "" if hasta is None else f"AND {columna} < :hasta"
    sql = (
        "SELECT id FROM movimientos NOT INDEXED WHERE id IN (SELECT value FROM json_each(:ids)) "
        f"AND {columna} >= :desde {hasta_sql} ORDER BY {columna}, id LIMIT :limit OFFSET :offset"
    )
    params = {
        "ids": orjson.dumps(ids).decode(),
        "desde": desde,
        "hasta": hasta,
        "limit": limit,
        "offset": offset,
    }
    return [i for (i,) in plain.driver(conn).execute(sql, params)]
