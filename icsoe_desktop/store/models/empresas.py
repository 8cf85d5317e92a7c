"""The installation's catalog of empresas and who may work in each (services/empresas/servicio.py).
Filled only in the catalog store; every empresa's own store has these tables empty."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from icsoe_desktop.domain.clock import utcnow
from icsoe_desktop.store.models.base import Base


class EmpresaCatalogo(Base):
    __tablename__ = "empresas"
    # An RFC names one empresa; one not set up yet has none ("").
    __table_args__ = (Index("ix_empresas_rfc", "rfc", unique=True, sqlite_where=text("rfc != ''")),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rfc: Mapped[str] = mapped_column(String(13), default="")
    razon_social: Mapped[str] = mapped_column(String(250), default="")
    archivo: Mapped[str] = mapped_column(String(260), unique=True)
    creada_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    abierta_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    # An administrator allows it to be opened in modo sólo consulta (no credentials).
    solo_consulta: Mapped[bool] = mapped_column(Boolean, default=False)
    # Sólo consulta lists the payroll receipts (NSS, CURP, name, clients; never amounts).
    solo_consulta_recibos: Mapped[bool] = mapped_column(
        Boolean, default=True, server_default=text("1")
    )
    # The last link of the empresa's audit chain this installation saw (services/audit.py): a
    # store whose chain does not hold it is an older copy, or was cut or rewritten.
    bitacora_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    bitacora_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)


class AccesoEmpresa(Base):
    """A grant: this IDSE user may open this empresa (administrators open every one)."""

    __tablename__ = "empresa_accesos"

    usuario_id: Mapped[int] = mapped_column(
        ForeignKey("idse_users.id", ondelete="CASCADE"), primary_key=True
    )
    empresa_id: Mapped[int] = mapped_column(
        ForeignKey("empresas.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    concedido_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    concedido_por: Mapped[str] = mapped_column(String(254), default="")
