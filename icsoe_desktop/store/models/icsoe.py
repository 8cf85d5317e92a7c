"""ICSOE tables: contratistas (who enter with their e.firma), capturistas (people, by CURP) and
the relation between them (a person may capture for several contratistas)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from icsoe_desktop.store.models.base import Base, SyncedMixin

# Estatus of a relation (guía Alta de usuarios, Consulta): invited, password created, baja.
REGISTRADA = "Registrada"
ACTIVA = "Activa"
BAJA = "Baja"


class Contratista(SyncedMixin, Base):
    """A contratista known from its e.firma, its datos generales and its STPS acuse."""

    __tablename__ = "icsoe_contratistas"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rfc: Mapped[str] = mapped_column(String(13), unique=True)
    nombre: Mapped[str] = mapped_column(String(254))
    persona: Mapped[str] = mapped_column(String(6))  # moral | fisica
    no_certificado: Mapped[str] = mapped_column(String(40), default="")
    terminos_aceptados_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    correo: Mapped[str] = mapped_column(String(254), default="")
    celular: Mapped[str] = mapped_column(String(10), default="")
    telefono_fijo: Mapped[str] = mapped_column(String(10), default="")
    # Persona moral only: None until answered; False → the domicilio social below.
    domicilio_igual_fiscal: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    codigo_postal: Mapped[str] = mapped_column(String(5), default="")
    colonia: Mapped[str] = mapped_column(String(150), default="")
    calle: Mapped[str] = mapped_column(String(150), default="")
    numero_exterior: Mapped[str] = mapped_column(String(30), default="")
    numero_interior: Mapped[str] = mapped_column(String(30), default="")
    municipio: Mapped[str] = mapped_column(String(150), default="")
    entidad: Mapped[str] = mapped_column(String(60), default="")
    # The acuse PDF lives in <data dir>/acuses/<acuse_archivo>; the DB keeps its name only.
    acuse_archivo: Mapped[str] = mapped_column(String(60), default="")
    acuse_nombre: Mapped[str] = mapped_column(String(255), default="")
    datos_generales_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    # What the SISUB's sujeto obligado file asks beyond the datos generales, captured once.
    entre_calle: Mapped[str] = mapped_column(String(150), default="", server_default="")
    y_calle: Mapped[str] = mapped_column(String(150), default="", server_default="")
    representante_legal: Mapped[str] = mapped_column(String(254), default="", server_default="")
    administrador_unico: Mapped[str] = mapped_column(String(254), default="", server_default="")
    escritura_numero: Mapped[str] = mapped_column(String(40), default="", server_default="")
    escritura_fecha: Mapped[date | None] = mapped_column(Date, nullable=True)
    notario_nombre: Mapped[str] = mapped_column(String(254), default="", server_default="")
    notario_numero: Mapped[str] = mapped_column(String(20), default="", server_default="")
    folio_mercantil: Mapped[str] = mapped_column(String(40), default="", server_default="")


class Capturista(SyncedMixin, Base):
    """A person who captures for contratistas: signs in with the CURP and a password."""

    __tablename__ = "icsoe_capturistas"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    curp: Mapped[str] = mapped_column(String(18), unique=True)
    nombre: Mapped[str] = mapped_column(String(100))
    primer_apellido: Mapped[str] = mapped_column(String(100))
    segundo_apellido: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)
    password_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class CapturistaRelacion(SyncedMixin, Base):
    """One capturista registered by one contratista, with the contact data it captured."""

    __tablename__ = "icsoe_capturista_relaciones"
    __table_args__ = (
        UniqueConstraint("contratista_id", "capturista_id", name="uq_relacion_contratista_curp"),
        # The Consulta grid pages through one contratista's relations in id order.
        Index("ix_relaciones_contratista_id", "contratista_id", "id"),
        Index("ix_relaciones_capturista", "capturista_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contratista_id: Mapped[int] = mapped_column(
        ForeignKey("icsoe_contratistas.id", ondelete="CASCADE")
    )
    capturista_id: Mapped[int] = mapped_column(
        ForeignKey("icsoe_capturistas.id", ondelete="CASCADE")
    )
    rol: Mapped[str] = mapped_column(String(30), default="Capturista")
    telefono: Mapped[str] = mapped_column(String(10))
    correo: Mapped[str] = mapped_column(String(254))
    estatus: Mapped[str] = mapped_column(String(12), default=REGISTRADA)
    usuario_alta: Mapped[str] = mapped_column(String(13))
    fecha_alta: Mapped[datetime] = mapped_column(DateTime)
    fecha_baja: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    fecha_actualizacion: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


__all__ = ["ACTIVA", "BAJA", "REGISTRADA", "Capturista", "CapturistaRelacion", "Contratista"]
