"""The SISUB of the INFONAVIT: one report per contratista, period and kind; the SISUB data of
each ICSOE contract (its number and work site, kept across periods: a contract stays in force
until it ends); and the workers tied to a contract in each bimestre of a report, with their
amounts in centavos. Synced: the office prepares the report on any desktop.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from icsoe_desktop.store.models.base import Base, SyncedMixin


class SisubReporte(SyncedMixin, Base):
    __tablename__ = "sisub_reportes"
    __table_args__ = (Index("ix_sisub_reportes_contratista", "contratista_id", "periodo"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contratista_id: Mapped[int] = mapped_column(
        ForeignKey("icsoe_contratistas.id", ondelete="CASCADE")
    )
    periodo: Mapped[str] = mapped_column(String(7))  # Periodo.clave
    tipo: Mapped[str] = mapped_column(String(16))
    estado: Mapped[str] = mapped_column(String(16))
    # A complementario: the uuid of the report filed before it (a plain value).
    complementa: Mapped[str] = mapped_column(String(36), default="")
    motivo: Mapped[str] = mapped_column(String(20), default="")
    # Why the ICSOE informativa of the period lists other contracts or workers.
    nota_icsoe: Mapped[str] = mapped_column(String(1000), default="")
    preparado_por: Mapped[str] = mapped_column(String(18), default="")  # CURP or RFC
    # Filed on the INFONAVIT's Portal Empresarial: the folio of «Seguimiento a folio», when
    # (naive UTC), the acuse PDF and its SHA-256.
    folio: Mapped[str] = mapped_column(String(40), default="")
    presentado_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    acuse_pdf: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True, deferred=True)
    acuse_sha256: Mapped[str] = mapped_column(String(64), default="")
    # The reading the acuse passed (domain/sisub/acuse.py REGLA; 0: registered before it, held
    # to its SHA-256 alone) and whether the clerk stated it (a scan): migration 0051.
    acuse_regla: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    acuse_declarado: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The contracts as filed (domain/sisub/presentados.py): a filed report shows these.
    contratos_presentados: Mapped[str] = mapped_column(Text, default="", server_default="")


class SisubContrato(SyncedMixin, Base):
    """The SISUB data of one ICSOE contract: its number and its work site."""

    __tablename__ = "sisub_contratos"
    __table_args__ = (Index("ix_sisub_contratos_contrato", "contrato_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contrato_id: Mapped[int] = mapped_column(ForeignKey("icsoe_contratos.id", ondelete="CASCADE"))
    numero: Mapped[str] = mapped_column(String(40), default="")
    calle: Mapped[str] = mapped_column(String(150), default="")
    numero_exterior: Mapped[str] = mapped_column(String(30), default="")
    numero_interior: Mapped[str] = mapped_column(String(30), default="")
    colonia: Mapped[str] = mapped_column(String(150), default="")
    codigo_postal: Mapped[str] = mapped_column(String(5), default="")
    municipio: Mapped[str] = mapped_column(String(150), default="")
    entidad: Mapped[str] = mapped_column(String(60), default="")
    # The contracts file's: its kind, its amount (centavos) and the beneficiary's registro.
    tipo: Mapped[str] = mapped_column(String(60), default="", server_default="")
    monto: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    registro_beneficiario: Mapped[str] = mapped_column(String(11), default="", server_default="")


class SisubTrabajador(SyncedMixin, Base):
    """A worker tied to a contract in one bimestre of a report, with the amounts."""

    __tablename__ = "sisub_trabajadores"
    __table_args__ = (
        Index("ix_sisub_trabajadores_reporte", "reporte_id", "contrato_id", "bimestre", "nss"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reporte_id: Mapped[int] = mapped_column(ForeignKey("sisub_reportes.id", ondelete="CASCADE"))
    contrato_id: Mapped[int] = mapped_column(ForeignKey("icsoe_contratos.id", ondelete="CASCADE"))
    bimestre: Mapped[int] = mapped_column(Integer)  # 1 … 6 of the period's year
    nss: Mapped[str] = mapped_column(String(11))
    curp: Mapped[str] = mapped_column(String(18), default="")
    nombre: Mapped[str] = mapped_column(String(254), default="")
    registro_patronal: Mapped[str] = mapped_column(String(11), default="")
    fijas: Mapped[int] = mapped_column(Integer, default=0)
    variables: Mapped[int] = mapped_column(Integer, default=0)
    dias_incapacidad: Mapped[int] = mapped_column(Integer, default=0)
    no_integradas: Mapped[int] = mapped_column(Integer, default=0)
    no_excedente: Mapped[int] = mapped_column(Integer, default=0)
    # Item c) of Ley del INFONAVIT art. 29 Bis: the aportación patronal for the client's share
    # and the loan discounted (deducciones 010); a worker with one is «con crédito».
    aportacion: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    amortizacion: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    origen: Mapped[str] = mapped_column(String(200), default="")
    editado: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class SisubPdf(SyncedMixin, Base):
    """A PDF the SISUB carries, kept once and reused every period: the contratista's escritura
    constitutiva (``contrato`` empty) or one contract's PDF (``contrato``: its uuid). Synced:
    one per contratista and contract in the company."""

    __tablename__ = "sisub_pdfs"
    __table_args__ = (Index("ux_sisub_pdfs", "contratista_id", "contrato", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contratista_id: Mapped[int] = mapped_column(
        ForeignKey("icsoe_contratistas.id", ondelete="CASCADE")
    )
    contrato: Mapped[str] = mapped_column(String(36), default="")
    nombre: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    datos: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    adjuntado_at: Mapped[datetime] = mapped_column(DateTime)


class SisubGuia(SyncedMixin, Base):
    """The layout the office's INFONAVIT guide gave one of the three CSVs (``archivo``:
    domain/sisub/layout.py ``SUJETO``, ``CONTRATOS``, ``TRABAJADORES``), one per CSV in the
    empresa: its column titles in order and the field each holds (JSON lists, a column the app
    cannot fill as null), and the guide it came from (its file name and SHA-256, who read it,
    when). Synced: every desktop of the company exports with the guide one of them read."""

    __tablename__ = "sisub_guias"
    __table_args__ = (Index("ux_sisub_guias", "archivo", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    archivo: Mapped[str] = mapped_column(String(16))
    titulos: Mapped[str] = mapped_column(Text)
    campos: Mapped[str] = mapped_column(Text)
    nombre: Mapped[str] = mapped_column(String(255), default="")
    sha256: Mapped[str] = mapped_column(String(64), default="")
    leida_por: Mapped[str] = mapped_column(String(254), default="")
    leida_at: Mapped[datetime] = mapped_column(DateTime)


__all__ = ["SisubContrato", "SisubGuia", "SisubPdf", "SisubReporte", "SisubTrabajador"]
