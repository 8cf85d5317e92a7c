"""The audit log (bitácora): every admin action, insert-only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from icsoe_desktop.domain.clock import utcnow
from icsoe_desktop.store.models.base import Base, new_uuid


class AuditEntry(Base):
    """Append-only (SQLite triggers refuse UPDATE and DELETE): who did what, when, to what."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(80))
    target: Mapped[str] = mapped_column(String(254), default="")
    detail: Mapped[str] = mapped_column(Text, default="")


class AuditEslabon(Base):
    """The chain's link of an audit entry (domain/bitacora.py): written by the store's trigger
    as the entry is inserted, insert-only like it. Never synced: each store chains its entries
    in the order it received them (its own and those pulled from the sync server)."""

    __tablename__ = "audit_cadena"

    audit_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    hash: Mapped[str] = mapped_column(String(64))


__all__ = ["AuditEntry", "AuditEslabon"]
