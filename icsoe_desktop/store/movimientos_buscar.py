"""The find box of the movimientos grid (domain/buscar.py) as SQL: a worker's movements by the
beginning of their NSS, CURP or name, each a range of one partial index over the live
movements (models/movimientos.py BUSCAR_INDEXES).

The names are compared through two expressions of the stored columns, never stored
themselves: IDSE's order (apellido paterno, materno, nombre) and the nombre first, each with Ñ
read as N (the names are stored as IDSE writes them, capitals without accents but Ñ). An
expression index is matched by the same expression only: the queries name these very texts.

Two ways to read a search's rows (movimientos_paging.py decides by its count):
- ``ids_sql``: the ids of its matches, from the indexes alone (the gather plan: a few rows, or
  an order that would walk many rows before them);
- ``row_test``: a condition tested on each movement as the grid's order is walked (many rows,
  an apellido shared by a twentieth of the store: a page is found after a few thousand), or as
  a narrower panel filter's own rows are read.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection

from icsoe_desktop.domain.buscar import CURP, NOMBRE, NSS, Termino, siguiente
from icsoe_desktop.store import plain
from icsoe_desktop.store.lectura import interruptible


def _n(column: str) -> str:
    return f"replace({column}, 'Ñ', 'N')"


def _apellidos(alias: str) -> str:
    return f"trim({alias}primer_apellido || ' ' || {alias}segundo_apellido)"


def nombre_idse(alias: str = "") -> str:
    """The full name in IDSE's order, as its index holds it (``alias``: "m." in a query)."""
    return _n(f"{_apellidos(alias)} || ' ' || {alias}nombre")


def nombre_pila(alias: str = "") -> str:
    """The full name, nombre first, as its index holds it."""
    return _n(f"{alias}nombre || ' ' || {_apellidos(alias)}")


# Each field a clerk may type the beginning of: the terms its indexes are read by.
def _terms(alias: str) -> dict[str, tuple[str, ...]]:
    return {
        NSS: (f"{alias}nss",),
        CURP: (f"{alias}curp",),
        NOMBRE: (nombre_idse(alias), nombre_pila(alias)),
    }


# The indexes (name, term), partial over the live movements (models/movimientos.py). ~100 MiB
# at a million movements, a fifth of the store without sort indexes (bench/buscar.py).
INDEXES: tuple[tuple[str, str], ...] = (
    ("ix_mov_buscar_nss", "nss"),
    ("ix_mov_buscar_curp", "curp"),
    ("ix_mov_buscar_nombre", nombre_idse()),
    ("ix_mov_buscar_nombre_pila", nombre_pila()),
)
_INDEX_OF = {term: name for name, term in INDEXES}
# The indexes whose term is a column alone (NSS, CURP): each holds (value, id) of the live
# movements, the grid's order by that column.
_COLUMN_INDEXES = {term: name for name, term in INDEXES if term.isidentifier()}


def index_of_column(column: str) -> str | None:
    """The find box's index that holds ``column``'s order over the live movements as the grid
    sorts them (by the value, then the id), if there is one."""
    return _COLUMN_INDEXES.get(column)


def params(t: Termino) -> dict[str, Any]:
    return {"b_lo": t.texto, "b_hi": siguiente(t.texto)}


def _ranges(t: Termino, alias: str) -> list[str]:
    terms = _terms(alias)
    return [f"{e} >= :b_lo AND {e} < :b_hi" for c in t.campos for e in terms[c]]


def ids_sql(t: Termino) -> str:
    """The ids of the live movements ``t`` finds, each range read from its index alone, for
    ``id IN (…)`` (one id twice when two of its fields match: the IN holds it once). UNION ALL:
    under a UNION, SQLite 3.53 with ANALYZE's figures (a store analyzed by a tool, the
    benches') merges the two names' ranges in id order, one of them read by a pass over the
    whole table (1 s of CPU at a million, against 0.09 s: «gar» in Bajas)."""
    arms = [f"SELECT id FROM movimientos WHERE deleted = 0 AND {r}" for r in _ranges(t, "")]
    return arms[0] if len(arms) == 1 else " UNION ALL ".join(arms)


def panel_terms(
    conn: Connection, t: Termino, seguir: Callable[[], bool] | None = None
) -> Counter[tuple[str, str, str, str]]:
    """How many live movements ``t`` finds have each (registro patronal, tipo, estado, fecha as
    stored): what the search panel's filters test, read once per find in the background
    (services/movimientos/hallados.py; ``seguir`` as in store/lectura.py): each match's row
    looked up by id (~0.9 µs at a million) and counted as it comes (~0.9 µs more; a list of
    them counted after, twice that). Not grouped by SQLite: its sort of «ma»'s 285,570 rows
    cost more than counting them here."""
    sql = (
        "SELECT registro_patronal, tipo, estado, fecha FROM movimientos NOT INDEXED "
        f"WHERE id IN ({ids_sql(t)})"
    )
    cursor = plain.driver(conn)
    return interruptible(conn, seguir, lambda: Counter(cursor.execute(sql, params(t))))


def row_test(t: Termino) -> str:
    """``t`` as a condition on the row ``m``."""
    return "(" + " OR ".join(f"({r})" for r in _ranges(t, "m.")) + ")"


_THERE = "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN ({})".format(
    ", ".join(f"'{name}'" for name, _term in INDEXES)
)


def _all_there(conn: Connection) -> bool:
    return bool(conn.exec_driver_sql(_THERE).scalar_one() == len(INDEXES))


def _range_counts(conn: Connection, t: Termino) -> list[tuple[int, str]]:
    """(count, term) of each index range ``t`` reads, from the indexes alone."""
    # A big import or sync pull drops them until its end (store/bulk_indexes.py): the
    # planner's choice meanwhile, slower and as right.
    there = _all_there(conn)
    counts = []
    for term in _terms("")[t.campos[0]]:
        indexed = f"INDEXED BY {_INDEX_OF[term]}" if there else ""
        sql = (
            f"SELECT count(*) FROM movimientos {indexed} "
            f"WHERE deleted = 0 AND {term} >= :b_lo AND {term} < :b_hi"
        )
        counts.append((int(conn.exec_driver_sql(sql, params(t)).scalar_one()), term))
    return counts


def estimate(conn: Connection, t: Termino) -> int:
    """At least how many live movements ``t`` finds, and at most twice that: its ranges'
    counts added (a name found in both orders counted twice), from the indexes alone. Without
    them (a big pull's) every movement: each range would be a pass over the table."""
    if not _all_there(conn):
        return EVERY
    return sum(n for n, _term in _range_counts(conn, t))


EVERY = 2**62


# The shorter range is read row by row while it is less than this share of both.
UNION_SHARE = 5


def count(conn: Connection, t: Termino) -> int:
    """How many live movements ``t`` finds, from its indexes alone but for a name's rows found
    by both of its orders (counted once: read from the shorter range, or both ranges' ids
    merged when both are long)."""
    counts = _range_counts(conn, t)
    if len(counts) == 1:
        return counts[0][0]
    # A name in both orders ("JUAN JUAN …"): counted once, read from the shorter range.
    (fewer, term), (more, other) = sorted(counts)
    if fewer * UNION_SHARE > fewer + more:
        # Both ranges long («ma»: MARTINEZ and MARIA): their ids merged in a temporary b-tree
        # cost ~0.4 µs each, a row read to test its other order ~2.3 µs (51 ms against 135
        # at a million). count(DISTINCT): a UNION would be a pass over the table (ids_sql).
        sql = f"SELECT count(DISTINCT id) FROM ({ids_sql(t)})"
        return int(conn.exec_driver_sql(sql, params(t)).scalar_one())
    there = _all_there(conn)
    indexed = f"INDEXED BY {_INDEX_OF[term]}" if there else ""
    both = (
        f"SELECT count(*) FROM movimientos {indexed} WHERE deleted = 0 "
        f"AND {term} >= :b_lo AND {term} < :b_hi AND {other} >= :b_lo AND {other} < :b_hi"
    )
    twice = conn.exec_driver_sql(both, params(t)).scalar_one() if fewer else 0
    return int(fewer + more - twice)
