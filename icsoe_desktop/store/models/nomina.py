"""The CFDI de nómina imported (services/nomina): one row per timbre UUID and its children.

Compact on purpose (a staffing firm keeps ~50,000 receipts a month): amounts in centavos,
percentages and days in thousandths, the children keyed by their receipt without a rowid of
their own. Indexed for the three ways they are asked for: a worker's (NSS, CURP), a client's
(``RfcLabora``), a period's (the dates paid).

Synced (domain/sync_registry.py): a receipt's row is its timbre's UUID (two desktops importing
one XML make one row) and carries its children in ``detalle`` (JSON); the three child tables
are written from it by a trigger on each desktop (migration 0040), so they never travel.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from icsoe_desktop.store.models.base import Base, SyncedMixin


class ReciboNomina(SyncedMixin, Base):
    """``uuid`` is the timbre's UUID (lower case, as sync writes every UUID); ``created_at`` the CFDI's date, so that one
    XML imported on two desktops is one and the same row."""

    __tablename__ = "nomina_recibos"
    __table_args__ = (
        Index("ix_nomina_recibos_nss", "nss", "fecha_final"),
        Index("ix_nomina_recibos_curp", "curp"),
        Index("ix_nomina_recibos_fecha_final", "fecha_final"),
        # The board of Evidencias del cliente counts from this index alone (migration 0044).
        Index("ix_nomina_recibos_fecha_pago", "fecha_pago", "deleted", "uuid"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cfdi: Mapped[str] = mapped_column(String(3))  # the CFDI's version: «4.0» | «3.3»
    fecha: Mapped[datetime] = mapped_column(DateTime)  # of issue
    fecha_pago: Mapped[date] = mapped_column(Date)
    fecha_inicial: Mapped[date] = mapped_column(Date)
    fecha_final: Mapped[date] = mapped_column(Date)
    dias_pagados: Mapped[int] = mapped_column(Integer)  # thousandths
    tipo_nomina: Mapped[str] = mapped_column(String(1))
    periodicidad: Mapped[str] = mapped_column(String(2))
    nss: Mapped[str] = mapped_column(String(11))
    curp: Mapped[str] = mapped_column(String(18))
    rfc: Mapped[str] = mapped_column(String(13))
    nombre: Mapped[str] = mapped_column(String(254))
    registro_patronal: Mapped[str] = mapped_column(String(11))
    sbc: Mapped[int] = mapped_column(Integer)  # centavos
    sdi: Mapped[int] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(Integer)
    total_percepciones: Mapped[int] = mapped_column(Integer)
    total_deducciones: Mapped[int] = mapped_column(Integer)
    total_otros_pagos: Mapped[int] = mapped_column(Integer)
    no_certificado: Mapped[str] = mapped_column(String(20))  # the CSD that sealed it
    # Whether the SAT's seal of the timbre was verified (1) or only read (0): its certificate
    # was not at hand.
    # Never sent: a receipt another desktop imported arrives as not verified here.
    sello_sat: Mapped[int] = mapped_column(Integer, default=0)
    # The SHA-256 (its 32 bytes) of the XML this desktop verified (its seals, at import; one
    # stored before, at its first pack): a pack checks the archive's bytes against it instead of
    # verifying the seals again. Never sent, as ``sello_sat``: a desktop vouches only for what
    # it verified itself (one imported elsewhere gets it when its XML is imported here).
    xml_sha256: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    # The children as JSON: {"p": [[tipo, gravado, exento]…], "i": [[dias, tipo, importe]…],
    # "s": [[rfc, porcentaje]…]} (each key only when the receipt has some); "v": its deducciones
    # 010 (the SISUB's), "r": its TipoRegimen when asimilados (Proponer leaves it out).
    detalle: Mapped[str] = mapped_column(String, default="{}")


class PercepcionNomina(Base):
    """A receipt's perceptions of one SAT type, added up."""

    __tablename__ = "nomina_percepciones"
    __table_args__ = ({"sqlite_with_rowid": False},)

    recibo_id: Mapped[int] = mapped_column(
        ForeignKey("nomina_recibos.id", ondelete="CASCADE"), primary_key=True
    )
    tipo: Mapped[str] = mapped_column(String(3), primary_key=True)
    gravado: Mapped[int] = mapped_column(Integer)
    exento: Mapped[int] = mapped_column(Integer)


class IncapacidadNomina(Base):
    __tablename__ = "nomina_incapacidades"
    __table_args__ = ({"sqlite_with_rowid": False},)

    recibo_id: Mapped[int] = mapped_column(
        ForeignKey("nomina_recibos.id", ondelete="CASCADE"), primary_key=True
    )
    n: Mapped[int] = mapped_column(Integer, primary_key=True)  # its place in the receipt
    dias: Mapped[int] = mapped_column(Integer)
    tipo: Mapped[str] = mapped_column(String(2))
    importe: Mapped[int] = mapped_column(Integer)


class SubcontratacionNomina(Base):
    """A client the worker served in the receipt's period (``RfcLabora``) and the share."""

    __tablename__ = "nomina_subcontrataciones"
    __table_args__ = (
        Index("ix_nomina_subcontrataciones_rfc", "rfc", "recibo_id"),
        {"sqlite_with_rowid": False},
    )

    recibo_id: Mapped[int] = mapped_column(
        ForeignKey("nomina_recibos.id", ondelete="CASCADE"), primary_key=True
    )
    rfc: Mapped[str] = mapped_column(String(13), primary_key=True)
    porcentaje: Mapped[int] = mapped_column(Integer)  # thousandths of a percent


class SustituidoNomina(SyncedMixin, Base):
    """A receipt cancelled and issued again: ``uuid`` is its timbre's UUID, ``por`` the one of
    the receipt that substitutes it. Kept, and synced, so that importing the cancelled one later
    on any desktop stores nothing; ``created_at`` is the substitute's date (one row wherever
    it was read)."""

    __tablename__ = "nomina_sustituidos"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    por: Mapped[str] = mapped_column(String(36))


__all__ = [
    "IncapacidadNomina",
    "PercepcionNomina",
    "ReciboNomina",
    "SubcontratacionNomina",
    "SustituidoNomina",
]
