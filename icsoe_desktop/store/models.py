"""Tables of the local store. Every shared row carries the sync columns (ARCHITECTURE.md)."""

from __future__ import annotations

import uuid as uuid_module
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
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from icsoe_desktop.domain.clock import utcnow


def new_uuid() -> str:
    return str(uuid_module.uuid4())


class Base(DeclarativeBase):
    pass


class SyncedMixin:
    """Columns the optional sync protocol relies on."""

    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class IdseUser(SyncedMixin, Base):
    """A user of the "Conexión en línea con IDSE" module; the usuario is an e-mail."""

    __tablename__ = "idse_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    usuario: Mapped[str] = mapped_column(String(254), unique=True)
    nombre: Mapped[str] = mapped_column(String(100))
    primer_apellido: Mapped[str] = mapped_column(String(100))
    segundo_apellido: Mapped[str] = mapped_column(String(100), default="")
    password_hash: Mapped[str] = mapped_column(String(200))
    habilitado: Mapped[bool] = mapped_column(Boolean, default=True)
    aviso_aceptado_at: Mapped[datetime] = mapped_column(DateTime)
    # May reset another user's password (Regístrate aquí); local to this desktop, never synced.
    administrador: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class RegistroPatronal(SyncedMixin, Base):
    """A registro patronal of the company (IMSS employer registration) and its employer."""

    __tablename__ = "registros_patronales"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    registro: Mapped[str] = mapped_column(String(11), unique=True)
    rfc: Mapped[str] = mapped_column(String(13))
    razon_social: Mapped[str] = mapped_column(String(250))


class CertificadoImss(SyncedMixin, Base):
    """The certificate assigned to a registro patronal: its public data, and its secrets sealed."""

    __tablename__ = "certificados_imss"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    registro_patronal_id: Mapped[int] = mapped_column(
        ForeignKey("registros_patronales.id", ondelete="CASCADE"), unique=True
    )
    tipo: Mapped[str] = mapped_column(String(4))  # FIEL | IMSS
    usuario: Mapped[str] = mapped_column(
        String(20)
    )  # shown masked; not a secret (RFC or IMSS user)
    rfc: Mapped[str] = mapped_column(String(13))
    nombre: Mapped[str] = mapped_column(String(254))
    no_certificado: Mapped[str] = mapped_column(String(40))
    emisor: Mapped[str] = mapped_column(String(254))
    valido_desde: Mapped[datetime] = mapped_column(DateTime)
    valido_hasta: Mapped[datetime] = mapped_column(DateTime)
    certificado_der: Mapped[bytes] = mapped_column(LargeBinary)
    # The private key and the certificate's contraseña, sealed (AES-GCM) with a random data key
    # that lives only in the OS keyring under ``keyring_ref``: Windows' credential store cannot
    # hold a whole key, and without the keyring entry these bytes are useless.
    secreto_sellado: Mapped[bytes] = mapped_column(LargeBinary)
    keyring_ref: Mapped[str] = mapped_column(String(80))


class LoginThrottle(Base):
    """Failed sign-ins per typed usuario (known or not), for the 5-attempts / 5-minutes lock."""

    __tablename__ = "login_throttle"

    usuario: Mapped[str] = mapped_column(String(254), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    last_failure_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class OneTimeToken(Base):
    """A recovery/activation code: only its hash is kept; it expires and works once."""

    __tablename__ = "one_time_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    purpose: Mapped[str] = mapped_column(String(40))
    subject_uuid: Mapped[str] = mapped_column(String(36), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class OutboxMail(Base):
    """Mail waits here until an SMTP server accepts it; it is never dropped."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_pending", "sent_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    to_addr: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_error: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    # The sender that holds this row, until when (a crashed sender's claim is retaken after).
    claimed_by: Mapped[str | None] = mapped_column(String(80), nullable=True)
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    # A mail carrying a one-use code names its token; the code is drawn only at send time.
    token_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


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


__all__ = [
    "AuditEntry",
    "Base",
    "CertificadoImss",
    "IdseUser",
    "LoginThrottle",
    "OneTimeToken",
    "OutboxMail",
    "RegistroPatronal",
]

# Tables of other areas register on the same Base (imported last: they import Base from here;
# kept in their own modules so areas merge apart). models_sync keeps the sync bookkeeping.
from icsoe_desktop.store import models_icsoe, models_movimientos, models_sync  # noqa: E402, F401

# Configuración inicial: the empresa and the skipped steps.
from icsoe_desktop.store import models_primer_uso  # noqa: E402, F401  # isort: skip

# Varias empresas: the installation's catalog and grants (filled only in the catalog store).
from icsoe_desktop.store.models_empresas import AccesoEmpresa, EmpresaCatalogo  # noqa: E402, F401  # isort: skip
