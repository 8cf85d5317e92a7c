"""The contratista's REPSE registration (services/informativa/repse.py): one per contratista,
with the services or works it authorised and its PDF as the STPS issued it. Synced, the PDF
with it."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from icsoe_desktop.domain.clock import utcnow
from icsoe_desktop.store.models.base import Base, SyncedMixin


class RegistroRepse(SyncedMixin, Base):
    __tablename__ = "repse_registros"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contratista_id: Mapped[int] = mapped_column(
        ForeignKey("icsoe_contratistas.id", ondelete="CASCADE"), unique=True
    )
    aviso: Mapped[str] = mapped_column(String(40))  # the folio the STPS gave the registration
    otorgado: Mapped[date] = mapped_column(Date)
    vence: Mapped[date] = mapped_column(Date)  # three years after ``otorgado``
    # The registration's PDF and its SHA-256; empty until attached.
    pdf: Mapped[bytes] = mapped_column(LargeBinary, default=b"", deferred=True)
    pdf_nombre: Mapped[str] = mapped_column(String(255), default="")
    pdf_sha256: Mapped[str] = mapped_column(String(64), default="")
    # The PDF does not state the contratista's RFC or the aviso (a scan): the clerk stated it
    # is this registration's (services/informativa/repse.py ``leer_registro``).
    pdf_declarado: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("0"))
    # A renewal asked for and not granted yet: its date and folio.
    renovacion_solicitada: Mapped[date | None] = mapped_column(Date, nullable=True)
    renovacion_folio: Mapped[str] = mapped_column(String(40), default="")
    anterior: Mapped[str] = mapped_column(String(40), default="")  # the aviso it renewed
    registrado_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ServicioRepse(SyncedMixin, Base):
    """A service or work the registration authorised, with its description, in its order (one
    no longer authorised is deleted, and its row taken again by the next one in its place)."""

    __tablename__ = "repse_servicios"
    __table_args__ = (UniqueConstraint("registro_id", "n", name="uq_repse_servicio_n"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    registro_id: Mapped[int] = mapped_column(ForeignKey("repse_registros.id", ondelete="CASCADE"))
    n: Mapped[int] = mapped_column(Integer)
    descripcion: Mapped[str] = mapped_column(String(1000))


__all__ = ["RegistroRepse", "ServicioRepse"]
