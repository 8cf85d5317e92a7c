"""The company's registros patronales and the IMSS certificate assigned to each."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from icsoe_desktop.store.models.base import Base, SyncedMixin


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


__all__ = ["CertificadoImss", "RegistroPatronal"]
