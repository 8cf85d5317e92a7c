"""The company using this desktop and what its Configuración inicial has left aside."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from icsoe_desktop.domain.clock import utcnow
from icsoe_desktop.store.models.base import Base


class Empresa(Base):
    """One row: the empresa's RFC and razón social, and the steps the user chose to skip
    (comma-separated names). Local to this desktop."""

    __tablename__ = "empresa"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rfc: Mapped[str] = mapped_column(String(13), default="")
    razon_social: Mapped[str] = mapped_column(String(250), default="")
    pasos_omitidos: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


__all__ = ["Empresa"]
