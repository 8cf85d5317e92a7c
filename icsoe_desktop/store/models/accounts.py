"""Users of the IDSE module, sign-in throttling and one-use codes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column

from icsoe_desktop.domain.clock import utcnow
from icsoe_desktop.store.models.base import Base, SyncedMixin


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


__all__ = ["IdseUser", "LoginThrottle", "OneTimeToken"]
