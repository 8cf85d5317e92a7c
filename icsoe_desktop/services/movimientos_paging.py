"""The grid's pages at a million movements: which rows come next, as index seeks.

A page is found in two steps: the keys (id, sort value) of its rows, then those rows by id. The
keys come from the column's sort index (models/movimientos.py sort_index_columns): ``deleted, tipo,
estado, column`` and the row's id, built the first time the clerk sorts by the column
(MovimientosService.prepare_sort, in the background; until then one top-N pass over the table,
or for fecha the schema's tipo/fecha index). A filter that fixes the prefix (a tab, an estado) is
one seek; otherwise one stream per prefix value (3 tipos × 5 estados) is read from its own seek,
and SQLite merges the streams as they come out of their indexes (one compound SELECT in grid
order), stopping at the page's last key. A registro patronal or a date range is tested on each
movement's row (the index holds only the sort key, to keep every column's index small). The
IDSE dates and the lote follow the movement's fecha: under a date range of a few months their
month index gives one stream per month too, each starting inside the range instead of walking
every earlier date; under a longer range, or one open at an end, their walk is bounded by their
lowest and highest value among the filter's rows (the span, read from the month index). A filter
that leaves few rows (counted beforehand) reads them through its own index and sorts them
instead: walking a sort index to find 200 of 400 matches would read most of the index.

"After row R" (keyset paging) is split into seeks too: the rows with R's value and a later id,
then the rows with a later value. Never "value >= v" with rows skipped: a value shared by
300,000 rows (an estado) would be walked.

Raw SQL (sqlite3 via the engine): SQLAlchemy's SQLite compiler has no INDEXED BY. Sort values
come back as stored (dates as ISO text), which is what the next seek compares against.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import product
from typing import Any

from icsoe_desktop.domain.movimientos import ESTADOS, TIPOS_MOVIMIENTO
from icsoe_desktop.store.models import MONTH, SORT_PREFIX, month_index, sort_index

# A column whose order an index of the schema gives until its sort index is built: the default
# order (fecha) reads (deleted, tipo, fecha), one stream per tipo, from the first window on.
ALWAYS_INDEXED = {"fecha": ("ix_mov_tipo_fecha", ("tipo",))}
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
    # (lowest, highest) value of the column among the filter's rows, NULLs aside ((None, None):
    # all NULL): read from the month index for a date range too long for month streams (span_sql).
    span: tuple[Any, Any] | None = None
    # Unindexed, whether ALWAYS_INDEXED's index is there (a sync pull drops it until its end:
    # store/bulk_indexes.py). Named, not left to the planner: beside sort indexes ANALYZE has
    # not seen, it chose one that sorts every row of each stream (30 s at a million).
    fallback: bool = False


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


def _null_first(column: str, descending: bool) -> list[tuple[str, str]]:
    """The first segment split at NULL (going up NULL comes first), for a span to bound the
    values' part."""
    c = f"m.{column}"
    if descending:
        return [(f"{c} IS NOT NULL", f"{c} DESC, m.id DESC"), (f"{c} IS NULL", "m.id DESC")]
    return [(f"{c} IS NULL", "m.id"), (f"{c} IS NOT NULL", f"{c}, m.id")]


def of_values(condition: str) -> bool:
    """Whether a segment reads values (not the NULLs) of the column."""
    return "IS NULL" not in condition.replace("IS NOT NULL", "")


def _bounded(
    query: KeyQuery, condition: str, params: dict[str, Any]
) -> tuple[tuple[str, ...], str]:
    """The filter's terms and the segment's condition, each bound on the sort column once: a
    looser bound left beside a tighter one (the date range's end beside "before this row's
    fecha") may be the one SQLite seeks by, walking every row between the two (30 ms for a
    year of fechas) or, at the row's own value, sorting them."""
    c = f"m.{query.column}"
    low = high = query.span is not None and of_values(condition)
    terms = query.where
    if condition.startswith(f"{c} = "):
        terms = tuple(t for t in terms if not t.startswith(f"{c} "))
        low = high = False
    elif condition.startswith(f"{c} < "):
        terms = tuple(t for t in terms if not t.startswith(f"{c} <"))
        high = False
    elif condition.startswith(f"{c} > "):
        terms = tuple(t for t in terms if not t.startswith(f"{c} >"))
        low = False
    # The span: the walk starts at the filter's first value, not at the column's, so under a
    # date range the IDSE dates of later (or earlier) movements are not walked past.
    span_low, span_high = query.span or (None, None)
    if low:
        condition += f" AND {c} >= :span_low"
        params["span_low"] = span_low
    if high:
        condition += f" AND {c} <= :span_high"
        params["span_high"] = span_high
    return terms, condition


def _unindexed(condition: str, column: str) -> str:
    """``condition`` with its sort-column and id terms out of any index's reach (unary +)."""
    return re.sub(rf"(?<![\w.+])m\.({re.escape(column)}|id)\b", r"+m.\1", condition)


def key_sql(
    query: KeyQuery, condition: str, order: str, limit: int, offset: int = 0
) -> tuple[str, dict[str, Any]]:
    """One statement giving ``limit`` keys (id, sort value) of one segment, in grid order."""
    params = dict(query.params, limit=limit, offset=offset)
    if query.gather:
        # The keyset terms of a page after a row are kept out of the indexes too (and the
        # filter's terms are all kept, none made redundant by them): "estado = :after_value"
        # (or registro, tipo) led SQLite to that column's filter index, walking a whole
        # estado's rows (~100 ms at a million) instead of the day's few.
        condition = _unindexed(condition, query.column)
    terms, condition = _bounded(query, condition, params)
    where = " AND ".join((*terms, condition))
    if query.gather:
        # "+" keeps the sort index out: the filter's own index finds the few rows.
        plus = ", ".join(f"+{term.strip()}" for term in order.split(","))
        sql = (
            f"SELECT m.id AS id, m.{query.column} AS v FROM movimientos AS m WHERE {where} "
            f"ORDER BY {plus} LIMIT :limit OFFSET :offset"
        )
        return sql, params
    prefix_of = SORT_PREFIX[query.column]
    name = sort_index(query.column)
    if not query.indexed and query.fallback and query.column in ALWAYS_INDEXED:
        name, prefix_of = ALWAYS_INDEXED[query.column]
    elif not query.indexed:
        # Unindexed (while the column's sort index is built in the background): one pass over the
        # table, SQLite keeping only the best offset + limit keys (a top-N sort). Per stream, each
        # tipo/estado pair was read through another index, a row lookup per movement: seconds.
        sql = (
            f"SELECT m.id AS id, m.{query.column} AS v FROM movimientos AS m NOT INDEXED "
            f"WHERE {where} ORDER BY {order} LIMIT :limit OFFSET :offset"
        )
        return sql, params
    prefix = [f"m.{p}" for p in prefix_of if p not in query.fixed]
    choices = [_VALUES[p[2:]] for p in prefix]
    if query.months:
        prefix.append(MONTH.replace("fecha", "m.fecha"))  # as the index has it
        choices.append(query.months)
        name = month_index(query.column)
    index = f"INDEXED BY {name} "
    arms = []
    for n, values in enumerate(product(*choices)):
        equal = " ".join(f"AND {p} = :s{n}_{i}" for i, p in enumerate(prefix))
        params.update({f"s{n}_{i}": v for i, v in enumerate(values)})
        arms.append(
            f"SELECT m.id AS id, m.{query.column} AS v FROM movimientos AS m "
            f"{index}WHERE {where} {equal}"
        )
    # One compound SELECT in grid order, each stream bare: SQLite merges the streams as each
    # comes out of the index and stops at offset + limit keys in all, so 15 streams cost about
    # what one does. Cut by a LIMIT of its own in a subquery, each stream was read up to that
    # limit and sorted again for the merge: 15 × 200 keys for 200.
    merged = order.replace(f"m.{query.column}", "v").replace("m.id", "id")
    return f"{' UNION ALL '.join(arms)} ORDER BY {merged} LIMIT :limit OFFSET :offset", params


def seeks(
    query: KeyQuery, after: tuple | None, split_nulls: bool = False
) -> list[tuple[str, str, dict[str, Any]]]:
    """(condition, ORDER BY, extra params) per segment to read in turn. ``split_nulls``: the
    first page in two segments, NULLs apart, as a span needs (given or still to be read)."""
    extra: dict[str, Any] = {}
    if after is None:
        segments = _first(query.column, query.descending)
        if query.span is not None or split_nulls:
            segments = _null_first(query.column, query.descending)
    else:
        value, row_id = after
        extra = {"after_value": value, "after_id": row_id}
        segments = _segments(query.column, value, row_id, query.descending)
        if any(t.startswith(f"m.{query.column} = ") for t in query.where):
            segments = segments[:1]  # the filter fixes the value: no row has another
    if not query.nullable:
        segments = _no_nulls(segments)
    if query.span == (None, None):  # no row of the filter has a value: only NULLs to read
        segments = [(c, o) for c, o in segments if not of_values(c)]
    return [(c, o, extra) for c, o in segments]


def span_sql(query: KeyQuery, first_month: str, last_month: str) -> tuple[str, dict[str, Any]]:
    """(lowest, highest) value of a BY_MONTH column among the filter's rows, NULLs aside: one
    seek at each end of every (tipo, estado, month) stretch of its month index, months
    ``first_month``..``last_month`` ("2025-01"), for the (tipo, estado) pairs that have a value
    of the column at all (one seek each in its sort index): an IDSE date belongs to a few
    estados (a rejection's to rechazado), and each seek reads an index page of its own the first
    time (two years, 15 pairs: 720 seeks, 18-22 ms of a first sort with the store out of the
    OS cache; 144 for the rejection date)."""
    column = f"m.{query.column}"
    prefix = [p for p in SORT_PREFIX[query.column] if p not in query.fixed]
    params = dict(query.params, span_first=first_month, span_last=last_month)
    # The filter's terms on the sort index's prefix (deleted, a fixed tipo or estado): a seek.
    lead = ("m.deleted ", *(f"m.{p} = " for p in SORT_PREFIX[query.column]))
    held = " AND ".join(t for t in query.where if t.startswith(lead))

    def some(equal: str) -> str:  # the pair has a value of the column: one seek
        return (
            f"EXISTS (SELECT 1 FROM movimientos AS m INDEXED BY {sort_index(query.column)} "
            f"WHERE {held}{equal} AND {column} IS NOT NULL)"
        )

    if prefix:
        groups = list(product(*(_VALUES[p] for p in prefix)))
        rows = ", ".join(
            "(" + ", ".join(f":g{n}_{i}" for i in range(len(prefix))) + ")"
            for n in range(len(groups))
        )
        params.update({f"g{n}_{i}": v for n, g in enumerate(groups) for i, v in enumerate(g)})
        names = [f"column{i + 1}" for i in range(len(prefix))]
        inner = "".join(f" AND m.{p} = v.{c}" for p, c in zip(prefix, names, strict=True))
        kept = f"SELECT {', '.join(names)} FROM (VALUES {rows}) AS v WHERE {some(inner)}"
        equal = "".join(f" AND m.{p} = g.{c}" for p, c in zip(prefix, names, strict=True))
    else:
        kept, equal = f"SELECT 1 WHERE {some('')}", ""
    where = " AND ".join(query.where)
    month = MONTH.replace("fecha", "m.fecha")

    def end(direction: str) -> str:
        return (
            f"(SELECT {column} FROM movimientos AS m INDEXED BY {month_index(query.column)} "
            f"WHERE {where}{equal} AND {month} = meses.mes AND {column} IS NOT NULL "
            f"ORDER BY {column}{direction} LIMIT 1)"
        )

    sql = (
        "WITH RECURSIVE meses(mes) AS (SELECT :span_first UNION ALL "
        "SELECT strftime('%Y-%m', mes || '-01', '+1 month') FROM meses WHERE mes < :span_last), "
        f"g AS MATERIALIZED ({kept}) "
        f"SELECT min(lo), max(hi) FROM (SELECT {end('')} AS lo, {end(' DESC')} AS hi "
        f"FROM g, meses)"
    )
    return sql, params
