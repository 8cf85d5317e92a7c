"""Local bookkeeping of the optional sync: per-row state (the outbox of changes to send),
conflicts, the cursor and other facts, rows waiting for their parent. ``store/tracking.py``
fills ``sync_row_state`` as the store's sessions flush."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from icsoe_desktop.domain.clock import utcnow
from icsoe_desktop.store.models.base import Base, new_uuid


class SyncRowState(Base):
    """Per synced row: the server sequence of the version this desktop last saw, and whether it
    has local changes waiting to be sent (the outbox)."""

    __tablename__ = "sync_row_state"
    # One b-tree per state (migration 0014); the index holds only the rows waiting to be sent,
    # read by queries that say ``dirty IS 1`` (SQLAlchemy's ``is_(True)``), as it does.
    __table_args__ = (
        Index("ix_sync_row_state_dirty", "dirty", sqlite_where=text("dirty IS 1")),
        {"sqlite_with_rowid": False},
    )

    table_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    row_uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    server_seq: Mapped[int] = mapped_column(Integer, default=0)
    dirty: Mapped[bool] = mapped_column(Boolean, default=True)
    # The version the server holds at server_seq: what the drift check counts for a row this
    # desktop does not keep (a «duplicado», a tombstone of a row it never had).
    version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # The content fingerprint (domain/contenido.py) of the row at ``version`` as this desktop
    # and the server agreed on it (applied from a pull, accepted by a push; migration 0059):
    # the content check's for a clean row still at ``version``. Written with every version.
    huella: Mapped[int | None] = mapped_column(Integer, nullable=True)


class SyncSum(Base):
    """The drift check's sums of one synced table's bucket of uuids (``store/sumas.py``): the
    rows the server should hold and the sum of their hashes modulo 2**60, kept by triggers
    (migration 0018)."""

    __tablename__ = "sync_sums"
    __table_args__ = ({"sqlite_with_rowid": False},)

    table_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    bucket: Mapped[str] = mapped_column(String(3), primary_key=True)  # the uuid's last 3 digits
    rows: Mapped[int] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(Integer)


class SyncConflict(Base):
    """A version that lost (by server order) to the one now in the row; kept for review.

    A «cambio» conflict (a push overwrote a version its desktop never saw) is itself synced:
    the desktop whose edit lost sees it too, with the same two versions, and settling it on
    one desktop settles it on every one. Only those two list it (``equipos``): the others of
    the company hold it, hidden, so that its settlement reaches them too. «duplicado» and «invalido» ones are found by each
    desktop on its own pull and stay local, as do «recapturado» ones (a row a desktop made
    again before its first sync, with other content: services/sync/adopt.py)."""

    __tablename__ = "sync_conflicts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    table_name: Mapped[str] = mapped_column(String(64))
    row_uuid: Mapped[str] = mapped_column(String(36), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # cambio | duplicado | invalido…
    detected_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # The losing version as it travelled: {"version", "updated_at", "deleted", "data"} (JSON).
    loser: Mapped[str] = mapped_column(Text)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    resolution: Mapped[str] = mapped_column(String(20), default="")  # actual | otra
    # A «cambio» conflict's two desktops, by their sync tokens' numbers on the server
    # (comma-separated): the one whose version was overwritten and the one whose push did.
    # Empty: shown on every desktop (a server that does not say who wrote).
    equipos: Mapped[str] = mapped_column(String(40), default="", server_default="")


class SyncState(Base):
    """Small key/value facts: the pull cursor, the batch in flight, the last outcome."""

    __tablename__ = "sync_state"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")


class SyncPending(Base):
    """A pulled row whose parent row has not arrived yet (the parent changed later and comes in
    a later page): kept here, committed with its page, and applied once the pull has every
    page."""

    __tablename__ = "sync_pending"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    table_name: Mapped[str] = mapped_column(String(64))
    row: Mapped[str] = mapped_column(Text)  # the row as pulled (JSON)


class SyncUnsent(Base):
    """Per synced table, its rows that travel and have no sync state yet (``store/pendientes.py``),
    kept by triggers (migration 0021)."""

    __tablename__ = "sync_unsent"
    __table_args__ = ({"sqlite_with_rowid": False},)

    table_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    rows: Mapped[int] = mapped_column(Integer)


__all__ = ["SyncConflict", "SyncPending", "SyncRowState", "SyncState", "SyncSum", "SyncUnsent"]
