"""The client's monthly evidence (services/evidencias): the documents attached for a month,
for every client (``contratante`` empty) or for one, by their SHA-256 (their bytes in the row,
to travel, and in the evidence archive: services/evidencias/archivo.py), and each pack written, with what it held, so the next pack of the month says what changed. The documents
(with their bytes) and the days due are synced; the packs are each desktop's own
(domain/sync_registry.py ``LOCAL_ONLY``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, LargeBinary, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from icsoe_desktop.domain.clock import utcnow
from icsoe_desktop.store.models.base import Base, SyncedMixin


class EvidenciaDocumento(SyncedMixin, Base):
    """A file of a month's slot: a slot holds several (the SUA cédula, SIPARE's line and its
    bank receipt…), each once by its SHA-256; one removed stays as a deleted row (attached
    again, it is that row again)."""

    __tablename__ = "evidencia_documentos"
    __table_args__ = (
        UniqueConstraint("mes", "tipo", "contratante", "sha256", name="uq_evidencia_documento"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mes: Mapped[str] = mapped_column(String(7))  # «2026-10»
    tipo: Mapped[str] = mapped_column(String(20))  # domain/evidencias.py DOCUMENTOS
    contratante: Mapped[str] = mapped_column(String(13), default="")  # "": every client
    nombre: Mapped[str] = mapped_column(String(255))  # the file's name as attached
    sha256: Mapped[str] = mapped_column(String(64))
    tamano: Mapped[int] = mapped_column(Integer)
    adjuntado_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # The file itself, so that it travels to the other desktops (empty: attached before it
    # did; that desktop attaches it again). Kept in the evidence archive too, where packs read.
    datos: Mapped[bytes] = mapped_column(
        LargeBinary, default=b"", server_default=text("x''"), deferred=True
    )
    # What its text says (domain/evidencias_lectura.py ``Lectura.resumen``) and the warnings
    # it was kept with, one a line (empty: none): the board and the pack's index show them.
    lectura: Mapped[str] = mapped_column(String(300), default="", server_default=text("''"))
    avisos: Mapped[str] = mapped_column(Text, default="", server_default=text("''"))


class EvidenciaPaquete(Base):
    """A pack written: its client and month, where, and its members (JSON: name → SHA-256)."""

    __tablename__ = "evidencia_paquetes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    mes: Mapped[str] = mapped_column(String(7))
    contratante: Mapped[str] = mapped_column(String(13))
    ruta: Mapped[str] = mapped_column(String(1000))
    sha256: Mapped[str] = mapped_column(String(64))
    miembros: Mapped[str] = mapped_column(Text)
    creado_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class EvidenciaEntrega(SyncedMixin, Base):
    """The day of the next month a client's evidence is due (not listed: the 17th)."""

    __tablename__ = "evidencia_entregas"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contratante: Mapped[str] = mapped_column(String(13), unique=True)
    dia: Mapped[int] = mapped_column(Integer)


class EvidenciaConteo(Base):
    """Per client and month, the receipts in force paid that month that name it and how many
    of them have their XML in this desktop's archive: kept by triggers
    (store/evidencia_conteo.py), so the board reads a few hundred rows, not every receipt.
    Derived data: not synced."""

    __tablename__ = "evidencia_conteo"
    __table_args__ = ({"sqlite_with_rowid": False},)

    contratante: Mapped[str] = mapped_column(String(13), primary_key=True)
    mes: Mapped[str] = mapped_column(String(7), primary_key=True)
    recibos: Mapped[int] = mapped_column(Integer)
    con_xml: Mapped[int] = mapped_column(Integer)


class NominaXml(Base):
    """A receipt (its timbre's UUID) whose XML this desktop's evidence archive keeps: written
    with the receipts an import keeps, and again from the archive after a restore."""

    __tablename__ = "nomina_xml"
    __table_args__ = ({"sqlite_with_rowid": False},)

    uuid: Mapped[str] = mapped_column(String(36), primary_key=True)


__all__ = [
    "EvidenciaConteo",
    "EvidenciaDocumento",
    "EvidenciaEntrega",
    "EvidenciaPaquete",
    "NominaXml",
]
