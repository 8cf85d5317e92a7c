"""The grid's pages at a million movements: which rows come next, as index seeks. The only
module that writes the paging's SQL; the grid's SQL source (``services/movimientos/fuentes/sql.py``) hands it a
``Busqueda`` and a sort column and gets keys back:

- ``plan``: how a search's keys are read: which index, or gathered (``gathered``);
  ``key_query`` builds one as told;
- ``page_keys``: the keys (id, sort value) of a page, from its first row, an offset or after a
  row; ``every_key``: every ``every``-th key, the scroll bar's page boundaries; ``every_id``:
  every id in order (a find's, kept by the service);
- ``fallback_ready``: whether the schema's index the default order reads meanwhile is there.

A page is found in two steps: the keys (id, sort value) of its rows, then those rows by id
(``store/movimientos.py`` ``rows_by_id``). The keys come from the column's sort index
(models/movimientos.py sort_index_columns): the (tipo, estado) group's code, the column's key
and the row's id, over the live movements, built the first time the clerk sorts by the column
(MovimientosService.prepare_sort, in the background; until then one top-N pass over the table, or for fecha the schema's tipo/fecha
index). fecha's order is also the order of the schema's own indexes, which hold a registro
patronal, a tab, an estado or an estado and a tab besides the fecha: a search by those reads
one of them (FECHA_INDEXES), whatever sort indexes there are. A filter that fixes the prefix (a tab, an
estado) is one seek; otherwise one stream per prefix value (3 tipos × 5 estados) is read from its
own seek, and SQLite merges the streams as they come out of their indexes (one compound SELECT
in grid order), stopping at the page's last key. A registro patronal or a date range is tested
on each movement's row (the index holds only the sort key, to keep every column's index small). The IDSE dates and the lote follow the
movement's fecha: under a date range of a few months their month index gives one stream per
month too, each starting inside the range instead of walking every earlier date; under a longer
range, or one open at an end, their walk is bounded by their lowest and highest value among the
filter's rows (the span, read from the month index). A filter that leaves few rows (counted
beforehand) reads them through its own index (_fecha_index) and sorts them instead: walking a
sort index to find 200 of 400 matches would read most of the index.

A page at an offset in fecha's order, when the keys come from several streams merged, starts
at its day: the day and the rows of it before the page are found from the kept counts per day
(movimientos_conteo), then read as the rows after that day's first (_day_at).

A find (the find box: NSS, CURP or name, store/movimientos_buscar.py) is counted beforehand
(by the service: from its matches' panel terms once kept, by ``count_found`` until then). A few matches (at most GATHER_MAX: one worker's
movements; but not a first page of a few among a wide panel filter's many rows, met sooner
walking: ``_walk_sooner``), every key or a far offset, or an order whose sort index is not
built yet are gathered and sorted: by id from the find's indexes, or, when the panel's filter (counted from
the kept counts) is cheaper to read than the find's matches, through the filter's own index with
the find tested on each row (``through``). Otherwise (an apellido shared by a twentieth of the
store) the order's index is walked as for any other search, the find tested on each row: a page
is then a few thousand rows away, where sorting every match took 80 ms; a walk that meets no
page of matches within WALK_CPU_S (an order that follows the find's own text:
«gar» by Apellido Paterno, its matches all after the CASTILLO to FLORES) is gathered instead
(``walked_keys``).

"After row R" (keyset paging) is split into seeks too: the rows with R's value and a later id,
then the rows with a later value. Never "value >= v" with rows skipped: a value shared by
300,000 rows (an estado) would be walked.

Raw SQL (sqlite3 via the engine): SQLAlchemy's SQLite compiler has no INDEXED BY. Sort values
come back as stored (dates as ISO text), which is what the next seek compares against (as the
index's key: models/movimientos.py keyed).
"""

from __future__ import annotations

import re
import time
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from itertools import product
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

from icsoe_desktop.domain.buscar import Termino
from icsoe_desktop.domain.movimientos import ESTADOS, TIPOS_MOVIMIENTO
from icsoe_desktop.store import movimientos_buscar, plain
from icsoe_desktop.store.lectura import Interrumpida as Interrumpida  # the grid's
from icsoe_desktop.store.lectura import interruptible
from icsoe_desktop.store.models import (
    BY_MONTH,
    MONTH,
    SORT_PREFIX,
    MovimientoRow,
    has_key,
    key_value,
    keyed,
    month_index,
    month_number,
    prefix_code,
    sort_index,
    sort_key,
    sort_prefix,
)
from icsoe_desktop.store.movimientos import counts_current, fecha_ends

# A column whose order an index of the schema gives until its sort index is built: the default
# order (fecha) reads (deleted, tipo, fecha), one stream per tipo, from the first window on.
ALWAYS_INDEXED = {"fecha": ("ix_mov_tipo_fecha", ("tipo",))}
# fecha's order as the schema's own indexes hold it ((deleted, [registro,] tipo, fecha),
# (deleted, [registro,] estado, tipo, fecha), (deleted, fecha), the row's id after), by the
# columns among registro, tipo and estado the filter fixes: each of those a seek, a date range a
# seek inside each stream, nothing tested on the movement's row, and one stream (three, one per
# tipo, under an estado or a registro without a tab) instead of fecha's sort index's fifteen.
# Every combination has its index. A registro patronal above all: the sort indexes do not hold
# it, so its far pages and the scroll bar's keys were read through its index and every key
# sorted (333,000 at a million: ~1 s; 0.1 s walked). A tab and an estado through the tab's index
# would test the estado on each row: ~100,000 rows read for the middle of «Bajas rechazadas»'s
# 16,000 (0.2 s of CPU at a million).
FECHA_INDEXES: dict[frozenset[str], tuple[str, tuple[str, ...]]] = {
    frozenset(): ("ix_mov_fecha", ()),
    frozenset({"tipo"}): ("ix_mov_tipo_fecha", ("tipo",)),
    frozenset({"estado"}): ("ix_mov_estado_fecha", ("tipo",)),
    frozenset({"estado", "tipo"}): ("ix_mov_estado_fecha", ("tipo",)),
    frozenset({"registro"}): ("ix_mov_registro_tipo_fecha", ("tipo",)),
    frozenset({"registro", "tipo"}): ("ix_mov_registro_tipo_fecha", ("tipo",)),
    frozenset({"registro", "estado"}): ("ix_mov_registro_estado_fecha", ("tipo",)),
    frozenset({"registro", "estado", "tipo"}): ("ix_mov_registro_estado_fecha", ("tipo",)),
}
# At most this many matching rows: read them through the filter's index and sort them.
GATHER_MAX = 4_000
# Beyond this, a span (with_span) instead: each month is 15 streams (tipo × estado) of one
# statement, and SQLite takes ~0.1 ms per stream to prepare it: a page of 12 months took 16 ms
# the first time against 9 ms with the span, 5-6 ms both from then on (1M rows).
MONTHS_MAX = 3
_VALUES = {"tipo": tuple(TIPOS_MOVIMIENTO), "estado": tuple(ESTADOS)}


@dataclass(frozen=True)
class Busqueda:
    """A search as the paging reads it: the grid's filter, its dates resolved."""

    registro: str | None = None
    tipo: str | None = None
    estado: str | None = None
    desde: date | None = None
    hasta: date | None = None
    buscar: Termino | None = None  # the find box's text


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
    # An index of the schema read instead of the sort index, and the prefix columns it is
    # streamed by (FECHA_INDEXES; ALWAYS_INDEXED while the sort index is not built), if it is
    # there (a sync pull drops them until its end: store/bulk_indexes.py). Named, not left to
    # the planner: beside sort indexes ANALYZE has not seen, it chose one that sorts every row
    # of each stream (30 s at a million).
    schema: tuple[str, tuple[str, ...]] | None = None
    # The gather plan's index, named for the same reason (_fecha_index), and its prefix columns
    # the filter leaves open, each an IN list so that a date range is a seek under each value.
    through: tuple[str, tuple[str, ...]] | None = None
    busqueda: Busqueda = Busqueda()  # the search the terms above stand for (its dates: the span)


def plan(
    conn: Connection,
    busqueda: Busqueda,
    column: str,
    descending: bool,
    *,
    total: int,
    walked: int,
    indexed: bool,
    panel: int | None = None,
    gather: bool = False,
) -> KeyQuery:
    """How the grid reads the keys of ``busqueda`` (``total`` rows) sorted by ``column``, with
    ``walked`` keys before the first wanted (an offset; ``total`` for every key) and the
    column's sort index built or not (``indexed``). ``panel``: with a find, how many rows the
    panel's filter alone leaves (None: every row); ``gather``: gathered whatever the rest
    says (a find's walk that ran out of time: ``walked_keys``)."""
    schema = _schema_index(conn, busqueda, column, indexed)
    if not gather and gathered(busqueda, column, total, walked, schema):
        gather = walked > 0 or not _walk_sooner(conn, busqueda, total, panel)
    if busqueda.buscar is not None and not indexed and schema is None:
        gather = True  # its matches sorted, not one pass over the table (a million rows)
    through = _through(conn, busqueda, panel) if gather else None
    return key_query(
        busqueda,
        column,
        descending,
        gather=gather,
        indexed=indexed,
        schema=schema,
        through=through,
    )


def key_query(
    busqueda: Busqueda,
    column: str,
    descending: bool,
    *,
    gather: bool,
    indexed: bool = True,
    schema: tuple[str, tuple[str, ...]] | None = None,
    through: tuple[str, tuple[str, ...]] | None = None,
) -> KeyQuery:
    """How the keys of ``busqueda`` sorted by ``column`` are read: through the column's sort
    index (``indexed``: it is built), an index of the schema in the column's order
    (``schema``: see KeyQuery), or the filter's own index, the rows sorted (``gather``)."""
    where, params, fixed = ["m.deleted = 0"], {}, {}
    for name, value, condition in (
        ("registro", busqueda.registro, "m.registro_patronal = :registro"),
        ("tipo", busqueda.tipo, "m.tipo = :tipo"),
        ("estado", busqueda.estado, "m.estado = :estado"),
        ("desde", busqueda.desde, "m.fecha >= :desde"),
        ("hasta", busqueda.hasta, "m.fecha <= :hasta"),
    ):
        if value:
            where.append(condition)
            # Dates are stored as ISO text (SQLAlchemy's SQLite Date).
            params[name] = value.isoformat() if isinstance(value, date) else value
    if busqueda.buscar is not None:
        # Gathered: the ids from the find's indexes, unless read through the filter's; walked
        # (or through the filter's index): tested on each row.
        found = busqueda.buscar
        if gather and through is None:
            where.append(f"m.id IN ({movimientos_buscar.ids_sql(found)})")
        else:
            where.append(movimientos_buscar.row_test(found))
        params.update(movimientos_buscar.params(found))
    if busqueda.tipo:
        fixed["tipo"] = busqueda.tipo
    if busqueda.estado:
        fixed["estado"] = busqueda.estado
    nullable = bool(MovimientoRow.__table__.c[column].nullable)
    months = _months(busqueda) if column in BY_MONTH and indexed else ()
    return KeyQuery(
        tuple(where),
        params,
        fixed,
        column,
        descending,
        gather,
        nullable,
        indexed,
        months,
        schema=schema,
        through=through,
        busqueda=busqueda,
    )


def _schema_index(
    conn: Connection, busqueda: Busqueda, column: str, indexed: bool
) -> tuple[str, tuple[str, ...]] | None:
    """The index of the schema to read ``column``'s order from (see KeyQuery.schema), if any
    and it is there."""
    found = _fecha_index(busqueda) if column == "fecha" else None
    if found is not None and _index_there(conn, found[0]):
        return found
    found = None if indexed else ALWAYS_INDEXED.get(column)
    return found if found is not None and _index_there(conn, found[0]) else None


def _fecha_index(busqueda: Busqueda) -> tuple[str, tuple[str, ...]]:
    """FECHA_INDEXES' index for what ``busqueda`` fixes: it holds all of it, and fecha. fecha's
    order walks it; a gather reads the filter's rows through it. Left to the planner, a search
    of one day sorted by a column such an index holds (tipo, estado, registro patronal) was
    read by walking that covering index's million entries (0.1-0.2 s) instead of seeking the
    day's few hundred rows."""
    fixed = {"registro": busqueda.registro, "tipo": busqueda.tipo, "estado": busqueda.estado}
    return FECHA_INDEXES[frozenset(k for k, v in fixed.items() if v)]


# A row of the filter read with the find tested on it costs about twice a match looked up by
# id (the name's two expressions computed): 230 ms for a quarter's 90,000 rows, 140 ms for
# «ma»'s 118,000 matches at a million.
FIND_TEST_COST = 2


def panel_narrower(conn: Connection, busqueda: Busqueda, panel: int | None) -> bool:
    """Whether the panel's filter (``panel`` rows, None: no filter) is cheaper to read, the
    find tested on each row, than the find's matches: a day's few hundred rows, against an
    apellido's 59,000 matches."""
    if panel is None or busqueda.buscar is None:
        return False
    return FIND_TEST_COST * panel <= movimientos_buscar.estimate(conn, busqueda.buscar)


def _through(
    conn: Connection, busqueda: Busqueda, panel: int | None, narrower: bool | None = None
) -> tuple[str, tuple[str, ...]] | None:
    """The filter's own index to gather its rows through (if it is there): always without a
    find; with one, when the panel's filter is cheaper to read than the find's matches
    (``narrower``: ``panel_narrower``'s answer, if asked already)."""
    if narrower is None:
        narrower = busqueda.buscar is None or panel_narrower(conn, busqueda, panel)
    if not narrower:
        return None  # the find's ids, from its indexes
    through = _fecha_index(busqueda)
    return through if _index_there(conn, through[0]) else None


# The grid's page: what a walk reads rows for before it stops.
WALK_PAGE = 100


def _walk_sooner(conn: Connection, busqueda: Busqueda, total: int, panel: int | None) -> bool:
    """Whether a find's first page of few matches (``total``, at most GATHER_MAX) among the
    ``panel`` rows of a panel filter is met sooner walking the order, the find tested on each
    row, than gathering them all: «gar» in Bajas, 3,316 of its 60,139 matches, is a page every
    ~4,500 of the tab's 150,000 rows (10 ms), where gathering read all 60,139 (70 ms at a
    million). A walk that runs out of time is gathered after all (``walked_keys``)."""
    if busqueda.buscar is None or panel is None or not total:
        return False
    walk = FIND_TEST_COST * panel * WALK_PAGE / total  # a page's share of the filter's rows
    # Gathering reads the fewer of the filter's rows (each tested) and the find's matches.
    return walk < FIND_TEST_COST * panel and walk < movimientos_buscar.estimate(
        conn, busqueda.buscar
    )


def count_found(
    conn: Connection, busqueda: Busqueda, panel: int, narrower: bool | None = None
) -> int:
    """How many live movements a find (``busqueda.buscar``) finds among the ``panel`` rows of
    the panel's filter: its matches read by id from its indexes, the filter tested on each, or
    the filter's rows through its own index, the find tested on each; whichever is cheaper
    (``narrower``: ``panel_narrower``'s answer, if asked already)."""
    through = _through(conn, busqueda, panel, narrower)
    query = key_query(busqueda, "fecha", False, gather=True, through=through)
    source, where = _gathered_from(query, " AND ".join(query.where))
    sql = f"SELECT count(*) FROM {source} WHERE {where}"
    return int(conn.exec_driver_sql(sql, query.params).scalar_one())


def _gathered_from(query: KeyQuery, where: str) -> tuple[str, str]:
    """The FROM and WHERE of a gathered read: through the filter's index named (``through``),
    its open prefix columns an IN list; or the find's ids looked up one by one (NOT INDEXED:
    beside a tab's or a registro's index SQLite may walk that one, testing each of its rows
    against the find's ids)."""
    if query.through is None:
        found = query.busqueda.buscar is not None
        return f"movimientos AS m{' NOT INDEXED' if found else ''}", where
    name, prefix_of = query.through
    for p in prefix_of:
        if p not in query.fixed:
            listed = ", ".join(f"'{v}'" for v in _VALUES[p])  # the domain's own codes
            where += f" AND m.{p} IN ({listed})"
    return f"movimientos AS m INDEXED BY {name}", where


def _index_there(conn: Connection, name: str) -> bool:
    sql = "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?"
    return conn.exec_driver_sql(sql, (name,)).first() is not None


def gathered(
    busqueda: Busqueda,
    column: str,
    total: int,
    walked: int,
    schema: tuple[str, tuple[str, ...]] | None = None,
) -> bool:
    """Whether to read the filter's rows through its own index and sort them (the gather plan)
    rather than walk the sort index: for a few rows; or when ``walked`` keys (an offset, or
    every key for the scroll bar) would be walked past under a registro patronal or a date
    range, which the sort index does not hold: each of its entries would cost a row read, the
    filter's index reads only the filter's rows (333,000 keys of one registro of three: 4 s
    instead of 48 s at a million); for a find, see below. Never from an index of the schema
    in fecha's order (FECHA_INDEXES): it holds the filter's every term, a walk reads only the
    filter's keys, in order."""
    if busqueda.buscar is not None:
        # Its few matches; or every key or a far offset (a walk reads every row up to it: a
        # million). Many are otherwise met soon on most walks (``walked_keys``).
        return total <= GATHER_MAX or walked > GATHER_MAX
    if column == "fecha" and schema is not None and schema == _fecha_index(busqueda):
        return False
    if total <= GATHER_MAX:
        return True
    dated = (busqueda.desde or busqueda.hasta) and column != "fecha"  # fecha: a seek
    return bool(busqueda.registro or dated) and walked > GATHER_MAX


def _months(busqueda: Busqueda) -> tuple[str, ...]:
    """The months ("2025-01") a closed date range touches, if few enough to read each apart."""
    start, end = busqueda.desde, busqueda.hasta
    if start is None or end is None:
        return ()
    count = (end.year - start.year) * 12 + end.month - start.month + 1
    if count > MONTHS_MAX:
        return ()
    return tuple(
        f"{start.year + (start.month - 1 + i) // 12:04d}-{(start.month - 1 + i) % 12 + 1:02d}"
        for i in range(count)
    )


def spannable(query: KeyQuery) -> bool:
    """An IDSE date or the lote under a date range without month streams (too long, or open at
    one end): its walk is bounded by a span (with_span)."""
    if query.column not in BY_MONTH or not query.indexed or query.gather or query.months:
        return False
    return bool(query.busqueda.desde or query.busqueda.hasta)


def with_span(conn: Connection, query: KeyQuery) -> KeyQuery:
    """The column's lowest and highest value among the filter's rows (see spannable), so that
    its walk starts there and not at the column's first value, past the movements of every
    other date (0.1 s for a year). Correct whatever the dates: only the walk's ends move."""
    if not spannable(query):
        return query
    oldest, newest = fecha_ends(conn)  # the months to read
    if oldest is None or newest is None:
        return replace(query, span=(None, None))
    first = max(oldest, query.busqueda.desde or oldest)
    last = min(newest, query.busqueda.hasta or newest)
    if first > last:
        return replace(query, span=(None, None))
    sql, params = span_sql(query, f"{first:%Y-%m}", f"{last:%Y-%m}")
    low, high = conn.exec_driver_sql(sql, params).one()
    return replace(query, span=(low, high))


def page_keys(
    conn: Connection, query: KeyQuery, after: tuple[Any, int] | None, limit: int, offset: int = 0
) -> list[tuple[int, Any]]:
    """The keys (id, sort value) of ``limit`` rows in grid order: from ``offset``, or those
    after the row whose (sort value, id) is ``after``."""
    keys: list[tuple[int, Any]] = []
    if offset and after is None and _by_day(query) and counts_current(conn):
        day = _day_at(conn, query, offset)
        if day is None:  # past the last row
            return keys
        # From the day's first row in grid order: the rows of that day, offset by those
        # before the page, then the next days'.
        after, offset = (day[0], _BEFORE_EVERY_ID[query.descending]), day[1]
    # (An offset counts across segments: one, unsplit, without a span.)
    spanned = not offset and spannable(query)
    for condition, order, extra in seeks(query, after, split_nulls=spanned):
        if of_values(condition):
            if spanned and query.span is None:  # not for a page of NULLs alone
                query = with_span(conn, query)
            if query.span == (None, None):  # no row of the filter has a value
                continue
        sql, params = key_sql(query, condition, order, limit - len(keys), offset)
        keys.extend(conn.exec_driver_sql(sql, {**params, **extra}).all())
        if after is not None:
            offset = 0  # a day's offset (_day_at) counts in its first segment only
        if len(keys) == limit:
            break
    return keys


# A find's page walked along the order is given this much of its thread's CPU before it is
# gathered instead: a walk meets a page of most finds in a few milliseconds (one row in twenty
# to a hundred; an IDSE date's, with its span first, 16 ms), and gathering one costs ~0.1 s at
# a million. Counted in time, not in SQLite's steps: a step that reads a movement's row costs a
# hundred that compare keys.
WALK_CPU_S = 0.03
_STEPS_BETWEEN_CHECKS = 5_000


def walked_keys(
    conn: Connection, query: KeyQuery, after: tuple[Any, int] | None, limit: int, offset: int = 0
) -> list[tuple[int, Any]] | None:
    """``page_keys`` of a walk given at most WALK_CPU_S; None when it runs out: a find's
    matches far apart in the order («gar» by Apellido Paterno: 176,000 rows before the first
    GARCIA at a million), better gathered by id and sorted."""
    raw = conn.connection.driver_connection
    assert raw is not None
    deadline = time.thread_time() + WALK_CPU_S
    out = [False]

    def spent() -> bool:
        out[0] = time.thread_time() > deadline
        return out[0]

    raw.set_progress_handler(spent, _STEPS_BETWEEN_CHECKS)
    try:
        return page_keys(conn, query, after, limit, offset)
    except DBAPIError:
        if not out[0]:
            raise
        return None
    finally:
        raw.set_progress_handler(None, _STEPS_BETWEEN_CHECKS)


# An id before every row in grid order (after every row going down): a day's rows are then
# all "after" it.
_BEFORE_EVERY_ID = {False: -(2**63), True: 2**63 - 1}


def _streams(query: KeyQuery) -> int:
    """How many streams a key query merges (one per value of the prefix left open)."""
    if query.gather:
        return 1
    if query.schema is not None:
        open_ = [p for p in query.schema[1] if p not in query.fixed]
    elif query.indexed:
        open_ = [p for p in SORT_PREFIX[query.column] if p not in query.fixed]
    else:
        return 1  # one pass over the table (NOT INDEXED)
    count = len(query.months) or 1
    for p in open_:
        count *= len(_VALUES[p])
    return count


def _by_day(query: KeyQuery) -> bool:
    """Whether a page at an offset in fecha's order is found from the kept counts per day
    (_day_at) rather than by walking the keys before it: when they come from several streams
    merged (an estado or a registro patronal without a tab: one per tipo). SQLite compares
    every key it skips across the streams: half of a registro's 333,000 took 60 ms at a
    million, a single stream's walk a third of that, the counts' 1,100 days 8 ms."""
    # The counts per day know nothing of a find.
    return query.column == "fecha" and _streams(query) > 1 and query.busqueda.buscar is None


def _day_at(conn: Connection, query: KeyQuery, offset: int) -> tuple[str, int] | None:
    """The fecha of the row at ``offset`` in grid order and how many rows of that fecha come
    before it, from movimientos_conteo (per registro patronal, tipo, estado and day, kept by
    triggers: store/conteo.py); None past the last row."""
    where, params = ["n > 0"], {}
    busqueda = query.busqueda
    for column, value, condition in (
        ("registro", busqueda.registro, "registro_patronal = :registro"),
        ("tipo", busqueda.tipo, "tipo = :tipo"),
        ("estado", busqueda.estado, "estado = :estado"),
        ("desde", busqueda.desde, "fecha >= :desde"),
        ("hasta", busqueda.hasta, "fecha <= :hasta"),
    ):
        if value:
            where.append(condition)
            params[column] = value.isoformat() if isinstance(value, date) else value
    direction = " DESC" if query.descending else ""
    sql = (
        f"SELECT fecha, sum(n) FROM movimientos_conteo WHERE {' AND '.join(where)} "
        f"GROUP BY fecha ORDER BY fecha{direction}"
    )
    before = 0
    for day, rows in conn.exec_driver_sql(sql, params):
        if before + rows > offset:
            return day, offset - before
        before += rows
    return None


def every_key(
    conn: Connection,
    query: KeyQuery,
    total: int,
    every: int,
    seguir: Callable[[], bool] | None = None,
) -> list[tuple[int, Any]]:
    """The keys of rows every-1, 2·every-1, ... of the ``total`` in grid order: every key read
    once, numbered and thinned out by SQLite. ``seguir()`` is asked as SQLite goes: once it
    says no, the read stops (``Interrumpida``); a million keys take seconds on a busy machine."""
    [(condition, order, _extra)] = seeks(query, None)
    sql, params = key_sql(query, condition, order, total)
    numbered = f"SELECT id, v, row_number() OVER () AS n FROM ({sql})"
    thinned = f"SELECT id, v FROM ({numbered}) WHERE n % :every = 0 ORDER BY n"
    run = conn.exec_driver_sql
    return interruptible(
        conn, seguir, lambda: [tuple(r) for r in run(thinned, {**params, "every": every})]
    )


def every_id(
    conn: Connection, query: KeyQuery, total: int, seguir: Callable[[], bool] | None = None
) -> array[int]:
    """The ids of the ``total`` rows in grid order, as ``every_key`` reads them (``seguir``
    likewise): 8 bytes each, where a key (id, value) kept as a tuple took ~60 and more (17 MB
    for 118,000 names)."""
    [(condition, order, _extra)] = seeks(query, None)
    sql, params = key_sql(query, condition, order, total)
    return _ids(conn, sql, params, seguir)


def _ids(
    conn: Connection, sql: str, params: dict[str, Any], seguir: Callable[[], bool] | None
) -> array[int]:
    """The first column of ``sql``'s rows, as 8-byte ids, read by the driver (``seguir``: as
    ``every_key``)."""
    cursor = plain.driver(conn)
    return interruptible(
        conn, seguir, lambda: array("q", [r[0] for r in cursor.execute(sql, params)])
    )


def every_id_by_find_index(
    conn: Connection, column: str, seguir: Callable[[], bool] | None = None
) -> array[int] | None:
    """``every_id`` of the grid's order by ``column`` (going up, every live movement), read
    from the find box's own index of that column where it holds that very order (NSS, CURP:
    their values and the row's id, over the live movements), so no sort: ~0.3 s of CPU for a
    million, against ~2 s sorting the table's rows while the column has no sort index. None
    for another column, or while that index is not there (a joining sync drops it)."""
    name = movimientos_buscar.index_of_column(column)
    if name is None or not _index_there(conn, name):
        return None
    sql = f"SELECT id FROM movimientos INDEXED BY {name} WHERE deleted = 0 ORDER BY {column}, id"
    return _ids(conn, sql, {}, seguir)


def ids_por_lotes(conn: Connection, query: KeyQuery, total: int, lote: int) -> Iterator[list[int]]:
    """The ids of ``every_id``, ``lote`` at a time as SQLite gives them: an export's, in flat
    memory whatever the count (its rows read by id between two lotes, on the same connection)."""
    [(condition, order, _extra)] = seeks(query, None)
    sql, params = key_sql(query, condition, order, total)
    cursor = plain.driver(conn).execute(sql, params)
    while filas := cursor.fetchmany(lote):
        yield [r[0] for r in filas]


def fallback_ready(conn: Connection, column: str) -> bool:
    """Whether ``column`` has an index of the schema in its order (ALWAYS_INDEXED), and it is
    there (a sync pull drops it until its end: store/bulk_indexes.py)."""
    found = ALWAYS_INDEXED.get(column)
    return found is not None and _index_there(conn, found[0])


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
        source, where = _gathered_from(query, where)
        sql = (
            f"SELECT m.id AS id, m.{query.column} AS v FROM {source} WHERE {where} "
            f"ORDER BY {plus} LIMIT :limit OFFSET :offset"
        )
        return sql, params
    if query.schema is not None:
        name, prefix_of = query.schema
        return _schema_index_sql(query, where, order, name, prefix_of, params), params
    if not query.indexed:
        # Unindexed (while the column's sort index is built in the background): one pass over the
        # table, SQLite keeping only the best offset + limit keys (a top-N sort). Per stream, each
        # tipo/estado pair was read through another index, a row lookup per movement: seconds.
        sql = (
            f"SELECT m.id AS id, m.{query.column} AS v FROM movimientos AS m NOT INDEXED "
            f"WHERE {where} ORDER BY {order} LIMIT :limit OFFSET :offset"
        )
        return sql, params
    return _sort_index_sql(query, terms, condition, order, params), params


def _sort_index_sql(
    query: KeyQuery, terms: tuple[str, ...], condition: str, order: str, params: dict[str, Any]
) -> str:
    """The keys from the column's sort index (models/movimientos.py): one stream per
    (tipo, estado) group the filter leaves open (and per month, with month streams), each a seek
    on its group's code; the filter's tipo and estado are in that code, and every term on the
    sort column is compared as the index's key (sort_key), so the index alone answers them. The
    value comes back as stored (key_value), read from the index too."""
    column = query.column
    free = [p for p in SORT_PREFIX[column] if p not in query.fixed]
    choices = [_VALUES[p] for p in free]
    month = MONTH.replace("fecha", "m.fecha")  # as the index has it
    if query.months:
        choices.append(query.months)
    name = month_index(column) if query.months else sort_index(column)
    # The group's code holds the filter's tipo and estado: testing them on the row would read it.
    coded = tuple(f"m.{p} = " for p in SORT_PREFIX[column])
    kept = tuple(keyed(column, t) for t in terms if not t.startswith(coded))
    where = " AND ".join((*kept, keyed(column, condition)))
    key = sort_key(column, f"m.{column}")
    group = sort_prefix(column, "m")
    arms = []
    for n, values in enumerate(product(*choices)):
        chosen = dict(zip(free, values, strict=False))  # the month, if any, comes last
        params[f"s{n}"] = prefix_code(column, {**query.fixed, **chosen})
        equal = f"AND {group} = :s{n}"
        if query.months:
            params[f"s{n}_m"] = month_number(values[-1])
            equal += f" AND {month} = :s{n}_m"
        arms.append(
            f"SELECT m.id AS id, {key} AS k FROM movimientos AS m INDEXED BY {name} "
            f"WHERE {where} {equal}"
        )
    # One compound SELECT in grid order, each stream bare: SQLite merges the streams as each
    # comes out of the index and stops at offset + limit keys in all, so 15 streams cost about
    # what one does. Cut by a LIMIT of its own in a subquery, each stream was read up to that
    # limit and sorted again for the merge: 15 × 200 keys for 200. Merged by the key (k), the
    # index's own order: by the value shown (v, a date's text) each stream would be sorted.
    if any(t.startswith(f"m.{column} = ") for t in terms):
        # The filter fixes the value: by id alone. SQLite knows a column fixed by "=" orders
        # nothing, not an expression (each stream would be sorted).
        order = ", ".join(o for o in order.split(", ") if not o.startswith(f"m.{column}"))
    merged = order.replace(f"m.{column}", "k").replace("m.id", "id")
    union = " UNION ALL ".join(arms)
    # The value shown (a date's text from its day number: a function call) worked out for the
    # page's rows only, not for each key an offset walks past (the middle of «ma» by an IDSE
    # date: ~10-20 % of its CPU).
    value = key_value(column, "k")
    return f"SELECT id, {value} AS v FROM ({union} ORDER BY {merged} LIMIT :limit OFFSET :offset)"


def _schema_index_sql(
    query: KeyQuery,
    where: str,
    order: str,
    name: str,
    prefix_of: tuple[str, ...],
    params: dict[str, Any],
) -> str:
    """The keys from an index of the schema that orders the column after (deleted, [registro,]
    prefix): one stream per value of the prefix the filter leaves open, merged."""
    prefix = [f"m.{p}" for p in prefix_of if p not in query.fixed]
    choices = [_VALUES[p[2:]] for p in prefix]
    arms = []
    for n, values in enumerate(product(*choices)):
        equal = " ".join(f"AND {p} = :s{n}_{i}" for i, p in enumerate(prefix))
        params.update({f"s{n}_{i}": v for i, v in enumerate(values)})
        arms.append(
            f"SELECT m.id AS id, m.{query.column} AS v FROM movimientos AS m "
            f"INDEXED BY {name} WHERE {where} {equal}"
        )
    merged = order.replace(f"m.{query.column}", "v").replace("m.id", "id")
    return f"{' UNION ALL '.join(arms)} ORDER BY {merged} LIMIT :limit OFFSET :offset"


def seeks(
    query: KeyQuery, after: tuple[Any, ...] | None, split_nulls: bool = False
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
    column = query.column
    key = sort_key(column, f"m.{column}")
    group = sort_prefix(column, "m")
    free = [p for p in SORT_PREFIX[column] if p not in query.fixed]
    codes = sorted(
        {
            prefix_code(column, {**query.fixed, **dict(zip(free, values, strict=True))})
            for values in product(*(_VALUES[p] for p in free))
        }
    )
    params = dict(
        query.params, span_first=month_number(first_month), span_last=month_number(last_month)
    )
    params.update({f"g{n}": code for n, code in enumerate(codes)})
    # The filter's tipo and estado are in the groups' codes; "deleted = 0" is the index's own.
    coded = tuple(f"m.{p} = " for p in SORT_PREFIX[column])
    terms = [keyed(column, t) for t in query.where if not t.startswith(coded)]
    held = " AND ".join(t for t in terms if t.startswith("m.deleted "))
    rows = ", ".join(f"(:g{n})" for n in range(len(codes)))
    # The group has a value of the column at all: one seek in its sort index.
    kept = (
        f"SELECT column1 AS code FROM (VALUES {rows}) AS v WHERE EXISTS (SELECT 1 FROM "
        f"movimientos AS m INDEXED BY {sort_index(column)} WHERE {held} "
        f"AND {group} = v.column1 AND {has_key(column, key)})"
    )
    where = " AND ".join(terms)
    month = MONTH.replace("fecha", "m.fecha")

    def end(direction: str) -> str:
        return (
            f"(SELECT {key_value(column, key)} FROM movimientos AS m "
            f"INDEXED BY {month_index(column)} WHERE {where} AND {group} = g.code "
            f"AND {month} = meses.mes AND {has_key(column, key)} "
            f"ORDER BY {key}{direction} LIMIT 1)"
        )

    sql = (
        "WITH RECURSIVE meses(mes) AS (SELECT :span_first UNION ALL "
        "SELECT mes + 1 FROM meses WHERE mes < :span_last), "
        f"g AS MATERIALIZED ({kept}) "
        f"SELECT min(lo), max(hi) FROM (SELECT {end('')} AS lo, {end(' DESC')} AS hi "
        f"FROM g, meses)"
    )
    return sql, params
