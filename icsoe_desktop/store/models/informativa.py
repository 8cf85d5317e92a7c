"""The ICSOE informativa cuatrimestral: the contratista's contratantes (reused across contracts
and periods), its informativas per period, their contracts and the workers on each contract.

A signed informativa keeps its cadena original, sello, the signer's public certificate, the
constancia PDF and the informativa frozen as signed in its own row, and once filed the IMSS
acuse de presentación (PDF, folio, date): the acuses archive travels with
the store (backup, sync). Those columns are big: loaded only when read (deferred), never by the
lists of informativas.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from icsoe_desktop.store.models.base import Base, SyncedMixin
from icsoe_desktop.store.trabajadores_orden import INDEXES as ORDEN_INDEXES


class Contratante(SyncedMixin, Base):
    """A beneficiary of the contratista's services, by RFC, with its domicilio and contact."""

    __tablename__ = "icsoe_contratantes"
    __table_args__ = (UniqueConstraint("contratista_id", "rfc", name="uq_contratante_rfc"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contratista_id: Mapped[int] = mapped_column(
        ForeignKey("icsoe_contratistas.id", ondelete="CASCADE")
    )
    rfc: Mapped[str] = mapped_column(String(13))
    nombre: Mapped[str] = mapped_column(String(254))
    correo: Mapped[str] = mapped_column(String(254), default="")
    telefono_fijo: Mapped[str] = mapped_column(String(10), default="")
    telefono_movil: Mapped[str] = mapped_column(String(10), default="")
    calle: Mapped[str] = mapped_column(String(150), default="")
    numero_exterior: Mapped[str] = mapped_column(String(30), default="")
    numero_interior: Mapped[str] = mapped_column(String(30), default="")
    colonia: Mapped[str] = mapped_column(String(150), default="")
    codigo_postal: Mapped[str] = mapped_column(String(5), default="")
    municipio: Mapped[str] = mapped_column(String(150), default="")
    entidad: Mapped[str] = mapped_column(String(60), default="")
    # A foreign firm without a permanent establishment in Mexico: its contracts are left out.
    extranjero_sin_ep: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class InformativaRow(SyncedMixin, Base):
    """One return for one period: Normal, Sin información or a complementaria of a signed one."""

    __tablename__ = "icsoe_informativas"
    __table_args__ = (Index("ix_informativas_contratista_periodo", "contratista_id", "periodo"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contratista_id: Mapped[int] = mapped_column(
        ForeignKey("icsoe_contratistas.id", ondelete="CASCADE")
    )
    periodo: Mapped[str] = mapped_column(String(7))  # Periodo.clave: "2026-1"
    tipo: Mapped[str] = mapped_column(String(16))
    estado: Mapped[str] = mapped_column(String(20))
    # A complementaria: the uuid of the signed informativa it corrects (a plain value, not a
    # foreign key: both rows travel in one table, in any order).
    complementa: Mapped[str] = mapped_column(String(36), default="")
    capturada_por: Mapped[str] = mapped_column(String(18), default="")  # CURP or RFC
    firmada_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    no_certificado: Mapped[str] = mapped_column(String(40), default="")
    cadena: Mapped[str] = mapped_column(Text, default="", deferred=True)
    sello: Mapped[str] = mapped_column(Text, default="")
    certificado_der: Mapped[bytes] = mapped_column(LargeBinary, default=b"", deferred=True)
    acuse_pdf: Mapped[bytes] = mapped_column(LargeBinary, default=b"", deferred=True)
    # Everything the informativa says, frozen at Firmar (domain/informativa/firmada.py); None
    # before signing, and in a row signed before the app kept it (read from ``cadena`` then).
    congelada: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True, deferred=True)
    # The same copy without the workers (the contratista and each contract with its contratante):
    # what the window, the contract list and the presentación read. None in a row signed
    # before it was kept (read from ``congelada`` then).
    congelada_cabecera: Mapped[bytes | None] = mapped_column(
        LargeBinary, nullable=True, deferred=True
    )
    # Filed on the IMSS portal: the acuse de presentación's folio (N…, SI…), its date and time
    # (naive UTC), each contract's IMSS folio (JSON: contract uuid → A26P…), the acuse PDF as
    # downloaded from the portal and its SHA-256.
    folio_imss: Mapped[str] = mapped_column(String(20), default="", server_default="")
    presentada_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    folios_imss: Mapped[str] = mapped_column(Text, default="", server_default="")
    acuse_imss_pdf: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True, deferred=True)
    acuse_imss_sha256: Mapped[str] = mapped_column(String(64), default="", server_default="")
    # The acuse's text did not state whose it is (a scanned PDF): the clerk stated it.
    acuse_imss_declarado: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    # What the acuse's text states of the folio or date the clerk corrected (JSON, "": as read).
    acuse_imss_corregido: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The reading of the acuse the registro passed: 0 before the contratista line rule (its
    # stored acuse keeps that reading's allowance), REGLA_ACUSE since (migration 0051).
    acuse_imss_regla: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class ContratoRow(SyncedMixin, Base):
    """A contract started in the informativa's period."""

    __tablename__ = "icsoe_contratos"
    __table_args__ = (Index("ix_contratos_informativa", "informativa_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    informativa_id: Mapped[int] = mapped_column(
        ForeignKey("icsoe_informativas.id", ondelete="CASCADE")
    )
    contratante_id: Mapped[int] = mapped_column(
        ForeignKey("icsoe_contratantes.id", ondelete="RESTRICT")
    )
    objeto: Mapped[str] = mapped_column(String(1000), default="")
    folio_repse: Mapped[str] = mapped_column(String(40), default="")
    descripcion_servicio: Mapped[str] = mapped_column(String(1000), default="")
    fecha_inicial: Mapped[date | None] = mapped_column(Date, nullable=True)
    fecha_final: Mapped[date | None] = mapped_column(Date, nullable=True)
    # Unused: the informativa has no typed worker count; kept for the rows signed with one.
    trabajadores_declarados: Mapped[int | None] = mapped_column(Integer, nullable=True)


class ContratoTrabajador(SyncedMixin, Base):
    """A worker assigned to a contract: NSS, CURP and SBC (centavos), as the portal asks."""

    __tablename__ = "icsoe_contrato_trabajadores"
    __table_args__ = (
        Index("ix_contrato_trabajadores_contrato", "contrato_id", "id"),
        # The list's orders (store/trabajadores_orden.py); "deleted" in each: a page and a
        # count read the index alone.
        *(
            Index(
                name,
                "contrato_id",
                "deleted",
                *(term if term.isidentifier() else text(term) for term in terms),
            )
            for name, terms in ORDEN_INDEXES.values()
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contrato_id: Mapped[int] = mapped_column(ForeignKey("icsoe_contratos.id", ondelete="CASCADE"))
    nss: Mapped[str] = mapped_column(String(11))
    curp: Mapped[str] = mapped_column(String(18))
    sbc: Mapped[int] = mapped_column(Integer)
    nombre: Mapped[str] = mapped_column(String(100), default="")
    # The IMSS portal rejected this worker (its reason; empty: not rejected), and whether the
    # clerk corrected it since. Marks on a signed informativa's rows: what was signed is frozen
    # in its own row (InformativaRow.congelada), not read from these.
    rechazo_portal: Mapped[str] = mapped_column(String(500), default="", server_default="")
    rechazo_corregido: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


__all__ = ["Contratante", "ContratoRow", "ContratoTrabajador", "InformativaRow"]
