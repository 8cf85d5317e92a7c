"""A company's server sequence: numbers leased to a push, the watermark a pull stops at."""

from __future__ import annotations

import weakref

from sqlalchemy import Engine, create_engine, event, select, text, update
from sqlalchemy.orm import Session

from icsoe_desktop.sync_server.auth import Caller
from icsoe_desktop.sync_server.db import POOL_TIMEOUT_S
from icsoe_desktop.sync_server.models import Empresa

# Sequence numbers for a push, in a transaction of its own: the company's row is locked only
# for this statement, and the lease says which numbers may still appear (pull's watermark).
_LEASE = text(
    "WITH taken AS (UPDATE empresas SET last_seq = last_seq + :n WHERE id = :empresa "
    "RETURNING last_seq) "
    "INSERT INTO seq_leases (empresa_id, first_seq, last_seq, owner) "
    "SELECT :empresa, last_seq - :n + 1, last_seq, :owner FROM taken RETURNING first_seq"
)
# Leases of pushes that never committed (a crash, a rollback): they hold nothing back.
_DEAD_LEASES = text(
    "DELETE FROM seq_leases WHERE empresa_id = :empresa "
    "AND coalesce(pg_xact_status(owner::text::xid8), 'aborted') = 'aborted'"
)
# The highest sequence below which every row is committed, or will never be: the company's
# last sequence, or just below its oldest lease whose push may still commit. Read in the same
# snapshot as the rows (one statement): a push's rows and the removal of its lease commit
# together, and its lease committed before it wrote any row.
WATERMARK_PG = (
    "(SELECT least(e.last_seq, (SELECT min(l.first_seq) - 1 FROM seq_leases l "
    "WHERE l.empresa_id = e.id "
    "AND pg_xact_status(l.owner::text::xid8) IN ('in progress', 'committed'))) "
    "FROM empresas e WHERE e.id = :empresa)"
)
_allocators: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()


def _allocator(engine: Engine) -> Engine:
    """A small pool of its own for the allocations: a push holds its connection while it
    takes a second one here, and with one shared pool, pushes holding every connection
    would wait forever for their second. An allocation holds its connection for a
    statement, and waits for nothing but another allocation."""
    found = _allocators.get(engine)
    if found is None:
        found = create_engine(
            engine.url,
            pool_size=2,
            max_overflow=8,
            pool_timeout=POOL_TIMEOUT_S,
            pool_pre_ping=True,
        )
        _allocators[engine] = found
        # Closed with the engine it serves.
        event.listen(engine, "engine_disposed", lambda _engine: found.dispose())
    return found


def allocate(engine: Engine, session: Session, caller: Caller, count: int) -> tuple[int, bool]:
    """``count`` sequence numbers for this push: the first, and whether a lease was taken (to
    be removed by the push's own commit)."""
    if session.get_bind().dialect.name != "postgresql":
        # SQLite: one writer at a time; the push's transaction holds the database already.
        last = session.execute(
            update(Empresa)
            .where(Empresa.id == caller.empresa_id)
            .values(last_seq=Empresa.last_seq + count)
            .returning(Empresa.last_seq)
        ).scalar_one()
        return last - count + 1, False
    owner = session.execute(text("SELECT pg_current_xact_id()::text::bigint")).scalar_one()
    with _allocator(engine).begin() as conn:
        conn.execute(_DEAD_LEASES, {"empresa": caller.empresa_id})
        first = conn.execute(
            _LEASE, {"n": count, "empresa": caller.empresa_id, "owner": owner}
        ).scalar_one()
    return first, True


def last_seq(session: Session, caller: Caller) -> int:
    found = session.scalar(select(Empresa.last_seq).where(Empresa.id == caller.empresa_id))
    return found or 0
