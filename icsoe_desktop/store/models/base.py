"""The declarative base every table of the local store registers on, and the columns every
synced row carries (docs/diseno/sincronizacion.md)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from icsoe_desktop.domain.clock import utcnow
from icsoe_desktop.domain.row_ids import new_uuid


class Base(DeclarativeBase):
    pass


class SyncedMixin:
    """Columns the optional sync protocol relies on."""

    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


__all__ = ["Base", "SyncedMixin", "new_uuid"]
