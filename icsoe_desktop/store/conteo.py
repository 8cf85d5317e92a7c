"""movimientos_conteo and movimientos_total on bulk inserts: counted per batch, not per row.

The triggers (migrations 0010_perf_grid, 0012_p18grid_orden_cubre) keep the counts exact on
every write, but the insert trigger runs its upserts (and a statement journal) for each inserted
row. A bulk insert (import, sync pull, demo data) therefore drops that trigger inside its own
transaction, inserts, adds the batch's counts with one grouped upsert per table, and creates the
trigger again before
the transaction can commit. Other connections never see the table without it (DDL is part of
the transaction, and SQLite lets one writer at a time in); a rollback brings it back too.
Updates and deletes keep their triggers. README «Rendimiento» has the figures.

The sync sums' insert trigger (``store/sumas.py``) and the unsent rows' (``store/pendientes.py``)
are dropped with it, for the same reason (a lookup and an upsert per row), and the batch's sums
and count added from its rowid range: ``store/sin_disparadores.py`` does that for any synced
table, and this module adds the counts.

While a desktop joining a company has the grid's indexes dropped (``store/bulk_indexes.py``),
its pages are not counted: each one touches thousands of the per-day counts (a million rows,
~4 s of upserts), while counting the whole table again from ``COUNTED_BY`` once it is built
takes ~0.5 s (``recount``, run by ``bulk_indexes.restore``). The counts lag only until then.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

from sqlalchemy import Connection

from icsoe_desktop.store import movimientos_espejo, pendientes
from icsoe_desktop.store.sin_disparadores import insert_untriggered

INSERT_TRIGGER = "movimientos_conteo_insert"
UNSENT_STATE_TRIGGER = pendientes.STATE_INSERT_TRIGGER
# The index the counts are read back from: missing, they wait for ``recount``.
COUNTED_BY = "ix_mov_registro_estado_fecha"

# New rows get ids above the largest one (rowid = max + 1), so "id > before" is the batch.
# NOT INDEXED: read by that rowid range. Otherwise SQLite walks an index of ``deleted`` (or the
# unique key, for its GROUP BY order) over every row of the table, not just the batch's: the
# count grew with the store (a sync pull's page: 4 times slower at 100,000 movimientos).
_ADD_BATCH = (
    "INSERT INTO movimientos_conteo (registro_patronal, tipo, estado, fecha, n) "
    "SELECT registro_patronal, tipo, estado, fecha, count(*) FROM movimientos NOT INDEXED "
    "WHERE id > ? AND deleted = 0 GROUP BY registro_patronal, tipo, estado, fecha "
    "ON CONFLICT DO UPDATE SET n = n + excluded.n",
    "INSERT INTO movimientos_total (registro_patronal, tipo, estado, n) "
    "SELECT registro_patronal, tipo, estado, count(*) FROM movimientos NOT INDEXED "
    "WHERE id > ? AND deleted = 0 GROUP BY registro_patronal, tipo, estado "
    "ON CONFLICT DO UPDATE SET n = n + excluded.n",
)


# The same sums, from the batch's values when the caller has them at hand (a sync pull's
# page): no reading the batch back and sorting it in a temporary b-tree.
_ADD_TALLIED = (
    "INSERT INTO movimientos_conteo (registro_patronal, tipo, estado, fecha, n) "
    "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET n = n + excluded.n",
    "INSERT INTO movimientos_total (registro_patronal, tipo, estado, n) "
    "VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET n = n + excluded.n",
)

Tally = Callable[[], Iterable[tuple[str, str, str, str]] | None]


def insert_counted(
    conn: Connection,
    insert: Callable[[], int],
    tally: Tally | None = None,
    states: Callable[[], None] | None = None,
) -> int:
    """Run ``insert`` (new movimientos only, in ``conn``'s open transaction; returns how many
    rows it wrote) with the counts added per batch (``store/sin_disparadores.py``: the sync
    sums and unsent count too). The rows inserted so far are counted even if ``insert`` fails
    midway, so a caller that commits anyway still has exact counts.
    ``tally``, called after a successful ``insert``: the (registro_patronal, tipo, estado,
    fecha) of each row it wrote that is not deleted, as stored; None: read them back.
    ``states``, called after a successful ``insert`` once the batch's sums are added: writes
    the sync states of the uuids of the rows ``insert`` was given (a pulled page's), with the
    unsent count's state trigger dropped too; the batch is counted once states and rows are
    in. While ``COUNTED_BY`` is dropped (a big pull's first pages) nothing is counted: its
    ``recount`` will."""
    found = {
        name
        for (name,) in conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE name IN (?, ?, ?)",
            (INSERT_TRIGGER, COUNTED_BY, movimientos_espejo.INSERT_TRIGGER),
        )
    }
    if INSERT_TRIGGER not in found:  # a schema without counts (before 0010): nothing to keep
        return insert()
    counting = COUNTED_BY in found
    # The movements written, for the find box's copy in memory (from migration 0033).
    recording = movimientos_espejo.INSERT_TRIGGER in found

    def count(before: int, failed: bool) -> None:
        if recording:
            movimientos_espejo.registrar(conn, before)
        if not counting:
            return
        live = None if failed or tally is None else tally()
        if live is None:
            for add in _ADD_BATCH:
                conn.exec_driver_sql(add, (before,))
        else:
            _add_tallied(conn, Counter(live))

    also = [INSERT_TRIGGER, UNSENT_STATE_TRIGGER] if states is not None else [INSERT_TRIGGER]
    if recording:
        also.append(movimientos_espejo.INSERT_TRIGGER)
    return insert_untriggered(conn, "movimientos", insert, also, count, states)


_RECOUNT = (
    "DELETE FROM movimientos_conteo",
    "DELETE FROM movimientos_total",
    "INSERT INTO movimientos_conteo (registro_patronal, tipo, estado, fecha, n) "
    "SELECT registro_patronal, tipo, estado, fecha, count(*) FROM movimientos "
    "WHERE deleted = 0 GROUP BY registro_patronal, tipo, estado, fecha",
    "INSERT INTO movimientos_total (registro_patronal, tipo, estado, n) "
    "SELECT registro_patronal, tipo, estado, count(*) FROM movimientos "
    "WHERE deleted = 0 GROUP BY registro_patronal, tipo, estado",
)


def current(conn: Connection) -> bool:
    """Whether the counts are up to date (not waiting for ``recount``: a big pull's pages)."""
    sql = "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?"
    return conn.exec_driver_sql(sql, (COUNTED_BY,)).first() is not None


def recount(conn: Connection) -> None:
    """Every count of movimientos again, from its rows (read through ``COUNTED_BY``, in
    ``conn``'s transaction)."""
    for sql in _RECOUNT:
        conn.exec_driver_sql(sql)


def _add_tallied(conn: Connection, days: Counter[tuple[str, str, str, str]]) -> None:
    if not days:
        return
    totals: Counter[tuple[str, str, str]] = Counter()
    for (registro, tipo, estado, _fecha), n in days.items():
        totals[registro, tipo, estado] += n
    day_sql, total_sql = _ADD_TALLIED
    conn.exec_driver_sql(day_sql, [(*key, n) for key, n in days.items()])
    conn.exec_driver_sql(total_sql, [(*key, n) for key, n in totals.items()])
