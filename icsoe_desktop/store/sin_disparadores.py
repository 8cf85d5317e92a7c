"""A bulk insert into a synced table with its per-row insert triggers dropped and their effect
applied once, for the whole batch.

Each synced table's insert triggers keep the drift check's sums (``store/sumas.py``) and the
count of rows not yet sent (``store/pendientes.py``): a lookup and an upsert per inserted row,
most of what a bulk insert costs. A bulk insert (the movimientos import, a sync pull's page,
the demo data, the workers of an informativa's contract) drops them inside its own
transaction, inserts, adds the batch's sums and count from its rowid range (new rows get ids
above the largest one), and creates the triggers again before the transaction can commit.
Other connections never see the table without them (DDL is part of the transaction, and
SQLite lets one writer at a time in); a rollback, or a process killed half-way (the journal
undone at the next open), brings them back too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

from icsoe_desktop.store import pendientes, plain, sumas

log = logging.getLogger(__name__)

# (the largest id before the batch, whether the insert failed): a caller's own triggers' effect.
Aplicar = Callable[[int, bool], None]


def insert_untriggered(
    conn: Connection,
    table: str,
    insert: Callable[[], int],
    also: Sequence[str] = (),
    apply: Aplicar | None = None,
    states: Callable[[], None] | None = None,
) -> int:
    """Run ``insert`` (new rows of ``table`` only, in ``conn``'s transaction, begun here when
    none is open; returns how many rows it wrote) with ``table``'s sync insert triggers and the
    triggers ``also`` names dropped. After it, even when it fails midway (a caller that commits
    anyway keeps exact bookkeeping): ``apply`` (the effect of ``also``'s triggers), the batch's
    sync sums, ``states()`` (only after a successful insert: the sync states of the rows it was
    given, written once the sums are in), and the rows without a state counted; then the
    triggers are created again."""
    nombres = [sumas.insert_trigger(table), pendientes.insert_trigger(table), *also]
    marcas = ", ".join("?" * len(nombres))
    triggers: dict[str, str] = dict(
        conn.exec_driver_sql(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({marcas})",
            tuple(nombres),
        ).all()
    )
    if not plain.driver(conn).in_transaction:
        # pysqlite opens its transaction only at the first INSERT/UPDATE/DELETE: without this
        # BEGIN the DROP would commit on its own and outlive a rollback. IMMEDIATE: the write
        # lock is waited for here; taken after the read below, another window's write in
        # between would make SQLite refuse it at once («database is locked»).
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    before = conn.exec_driver_sql(f"SELECT coalesce(max(id), 0) FROM {table}").scalar_one()
    for name in triggers:
        conn.exec_driver_sql(f"DROP TRIGGER {name}")
    failed = True
    try:
        written = insert()
        failed = False
        return written
    finally:
        try:
            if apply is not None:
                apply(before, failed)
            if sumas.insert_trigger(table) in triggers:
                sumas.add_inserted(plain.driver(conn), table, before)
            if states is not None and not failed:
                # After the sums: a new state of a row here adds nothing to them (its trigger
                # stays), while add_inserted would take it out as a state without its row.
                states()
            if pendientes.insert_trigger(table) in triggers:
                pendientes.add_inserted(plain.driver(conn), table, before)
            # IF NOT EXISTS: after a rollback the triggers are back already.
            for sql in triggers.values():
                conn.exec_driver_sql(
                    sql.replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS", 1)
                )
        except DBAPIError:
            if not failed:
                raise
            # The insert's own error is the one to report; its transaction is rolled back.
            log.warning("Sumas del lote de %s no aplicadas tras un error", table, exc_info=True)
