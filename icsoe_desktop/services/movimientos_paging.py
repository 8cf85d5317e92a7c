"""The grid's pages at a million movements: which rows come next, as index seeks.

A page is found in two steps: the keys (id, sort value) of its rows, then those rows by id. The
keys come from the column's sort index (models/movimientos.py sort_index_columns): ``deleted, tipo
[, estado], column, id`` and then the filter's other columns (estado, registro patronal, fecha),
built the first time the clerk sorts by the column (MovimientosService.prepare_sort; until then
SQLite sorts each stream itself). The filter is tested on the index entries (a covering index):
skipping the rows it leaves out reads no movement. A filter that fixes the prefix is one seek;
otherwise one stream per prefix value (3 tipos, or 3 × 5 tipo-estado pairs) is read from its
own seek and the streams are merged by SQLite (UNION ALL of a page each, then ORDER BY of those
few hundred keys). The IDSE dates and the lote follow the movement's fecha: under a date range
of a few months their month index gives one stream per month too, each starting inside the
range instead of walking every earlier date. A filter that leaves few rows (counted beforehand)
reads them through its own index and sorts them instead: walking a sort index to find 200 of
400 matches would read most of the index.

"After row R" (keyset paging) is split into seeks too: the rows with R's value and a later id,
then the rows with a later value. Never "value >= v" with rows skipped: a value shared by
300,000 rows (an estado) would be walked.

Raw SQL (sqlite3 via the engine): SQLAlchemy's SQLite compiler has no INDEXED BY. Sort values
come back as stored (dates as ISO text), which is what the next seek compares against.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product
from typing import Any

from icsoe_desktop.domain.movimientos import ESTADOS, TIPOS_MOVIMIENTO
from icsoe_desktop.store.models import MONTH, SORT_PREFIX, month_index, sort_index

# At most this many matching rows: read them through the filter's index and sort them.
GATHER_MAX = 4_000
_VALUES = {"tipo": tuple(TIPOS_MOVIMIENTO), "estado": tuple(ESTADOS)}


@dataclass(frozen=True)
class KeyQuery:
    """What to seek: the filter's conditions, the sort column, its direction."""

    where: tuple[str, ...]
    params: dict[str, Any]
    fixed: dict[str, str]  # prefix columns the filter fixes (tipo, estado)
    column: str
    descending: bool
    gather: bool
    nullable: bool = True  # a NOT NULL column has no NULL segment to read
    indexed: bool = True  # False until the column's sort index is built: SQLite sorts instead
    months: tuple[str, ...] = ()  # a stream per month of fecha, from the month index (BY_MONTH)


def _no_nulls(segments: list[tuple[str, str]]) -> list[tuple[str, str]]:
    # SQLite does not seek "x IS NULL" on a NOT NULL column: it sorts every row of the stream.
    return [(c, o) for c, o in segments if "IS NULL" not in c and "IS NOT NULL" not in c]


def _segments(column: str, value: Any, row_id: int, descending: bool) -> list[tuple[str, str]]:
    """The keys after (value, row_id) in the order (column, id), as (condition, ORDER BY)
    pairs read in turn. SQLite puts NULL first going up, last going down."""
    c = f"m.{column}"
    if not descending:
        if value is None:
            return [
                (f"{c} IS NULL AND m.id > :after_id", "m.id"),
                (f"{c} IS NOT NULL", f"{c}, m.id"),
            ]
        return [
            (f"{c} = :after_value AND m.id > :after_id", "m.id"),
            (f"{c} > :after_value", f"{c}, m.id"),
        ]
    if value is None:
        return [(f"{c} IS NULL AND m.id < :after_id", "m.id DESC")]
    return [
        (f"{c} = :after_value AND m.id < :after_id", "m.id DESC"),
        (f"{c} < :after_value", f"{c} DESC, m.id DESC"),
        (f"{c} IS NULL", "m.id DESC"),
    ]


def _first(column: str, descending: bool) -> list[tuple[str, str]]:
    return [("1", f"m.{column} DESC, m.id DESC" if descending else f"m.{column}, m.id")]


def key_sql(
    query: KeyQuery, condition: str, order: str, limit: int, offset: int = 0
) -> tuple[str, dict[str, Any]]:
    """One statement giving ``limit`` keys (id, sort value) of one segment, in grid order."""
    params = dict(query.params, limit=limit, offset=offset)
    terms = query.where
    if condition.startswith(f"m.{query.column} = "):
        # The row's own value: the filter's range on the column holds already, and left in,
        # SQLite seeks that range (a quarter of dates) instead of the value, and sorts it.
        terms = tuple(t for t in terms if not t.startswith(f"m.{query.column} "))
    where = " AND ".join((*terms, condition))
    if query.gather:
        # "+" keeps the sort index out: the filter's own index finds the few rows.
        plus = ", ".join(f"+{term.strip()}" for term in order.split(","))
        sql = (
            f"SELECT m.id AS id, m.{query.column} AS v FROM movimientos AS m WHERE {where} "
            f"ORDER BY {plus} LIMIT :limit OFFSET :offset"
        )
        return sql, params
    prefix = [f"m.{p}" for p in SORT_PREFIX[query.column] if p not in query.fixed]
    choices = [_VALUES[p[2:]] for p in prefix]
    name = sort_index(query.column)
    if query.months:
        prefix.append(MONTH.replace("fecha", "m.fecha"))  # as the index has it
        choices.append(query.months)
        name = month_index(query.column)
    # INDEXED BY fails on a missing index; without it each stream is sorted (right, but slow).
    index = f"INDEXED BY {name} " if query.indexed else ""
    arms = []
    for n, values in enumerate(product(*choices)):
        equal = " ".join(f"AND {p} = :s{n}_{i}" for i, p in enumerate(prefix))
        params.update({f"s{n}_{i}": v for i, v in enumerate(values)})
        arms.append(
            f"SELECT m.id AS id, m.{query.column} AS v FROM movimientos AS m "
            f"{index}WHERE {where} {equal}"
        )
    if query.indexed:
        # One compound SELECT in grid order, each stream bare: SQLite merges the streams as
        # each comes out of the index and stops at offset + limit keys in all, so 15 streams
        # cost about what one does. Cut by a LIMIT of its own in a subquery, each stream was
        # read up to that limit and sorted again for the merge: 15 × 200 keys for 200.
        merged = order.replace(f"m.{query.column}", "v").replace("m.id", "id")
        return f"{' UNION ALL '.join(arms)} ORDER BY {merged} LIMIT :limit OFFSET :offset", params
    # Unindexed, each stream is sorted anyway: its first offset + limit keys (a top-N sort) are
    # all the merge can need.
    parts = [f"SELECT * FROM ({arm} ORDER BY {order} LIMIT :limit + :offset)" for arm in arms]
    union = " UNION ALL ".join(parts)
    outer = order.replace("m.", "k.").replace(f"k.{query.column}", "k.v")
    sql = f"SELECT k.id, k.v FROM ({union}) AS k ORDER BY {outer} LIMIT :limit OFFSET :offset"
    return sql, params


def seeks(query: KeyQuery, after: tuple | None) -> list[tuple[str, str, dict[str, Any]]]:
    """(condition, ORDER BY, extra params) per segment to read in turn."""
    if after is None:
        return [(c, o, {}) for c, o in _first(query.column, query.descending)]
    value, row_id = after
    extra = {"after_value": value, "after_id": row_id}
    segments = _segments(query.column, value, row_id, query.descending)
    if not query.nullable:
        segments = _no_nulls(segments)
    if any(t.startswith(f"m.{query.column} = ") for t in query.where):
        segments = segments[:1]  # the filter fixes the value: no row has another
    return [(c, o, extra) for c, o in segments]
