"""Server-side tables: companies, per-desktop tokens (hash only), the latest version of every
synced row with its server sequence, and the answered push batches (idempotency)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Computed,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from icsoe_desktop.domain.clock import utcnow

# BIGINT on PostgreSQL; SQLite only auto-increments an INTEGER PRIMARY KEY.
BigId = BigInteger().with_variant(Integer(), "sqlite")
Json = JSON().with_variant(JSONB(), "postgresql")


class ServerBase(DeclarativeBase):
    pass


class Empresa(ServerBase):
    __tablename__ = "empresas"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rfc: Mapped[str] = mapped_column(String(13), unique=True)
    # The company's last server sequence handed out. A push takes its numbers in a short
    # transaction of its own (secuencias.allocate) with a lease (SeqLease) that its own commit
    # removes: pushes of a company run in parallel and a pull stops below any open lease.
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    # The newest desktop schema (the app's Alembic head, "NNNN_name") seen from the company's
    # desktops: an older desktop is told to update.
    esquema: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Raised by ``reparar`` when rows went without a trigger (migration 0011): part of the
    # history the summaries name, so desktops send back what the server lost.
    epoca: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    # The company's catalogue of códigos postales (``CatalogoCP``): its huella, when IT loaded
    # it, and from where (a desktop's name, or «servidor»). Read with the token, at no cost:
    # every answer names it and an idle sync asks nothing more.
    sepomex_huella: Mapped[str | None] = mapped_column(String(64), nullable=True)
    sepomex_fecha: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    sepomex_de: Mapped[str | None] = mapped_column(String(100), nullable=True)


class DesktopToken(ServerBase):
    __tablename__ = "tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    empresa_id: Mapped[int] = mapped_column(ForeignKey("empresas.id"), index=True)
    nombre: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class AdminToken(ServerBase):
    """A server administrator's token: publishes the installer over HTTP; reads no company."""

    __tablename__ = "admin_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    nombre: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class Instalador(ServerBase):
    """The installer IT published for the desktops (the newest complete one is announced)."""

    __tablename__ = "instaladores"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[str] = mapped_column(String(32))
    sha256: Mapped[str] = mapped_column(String(64))
    tamano: Mapped[int] = mapped_column(BigInteger)
    nombre: Mapped[str] = mapped_column(String(200))
    completo: Mapped[bool] = mapped_column(Boolean)
    publicado_el: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class InstaladorTrozo(ServerBase):
    """One piece (``instalador.TROZO`` bytes, the last one shorter) of an installer's file."""

    __tablename__ = "instalador_trozos"

    instalador_id: Mapped[int] = mapped_column(
        ForeignKey("instaladores.id", ondelete="CASCADE"), primary_key=True
    )
    n: Mapped[int] = mapped_column(Integer, primary_key=True)
    datos: Mapped[bytes] = mapped_column(LargeBinary)


# Per synced table the server holds once by key and looks each key up by an index of its own
# (``exclusivas.py``; many rows, or PDFs of megabytes): the index's name and the key's columns
# it holds, never null in a row of the table. PostgreSQL only. A contract's worker by its NSS
# (migration 0012), a SISUB PDF by its contratista and contract (0014), the rest (0016).
INDICES_POR_CLAVE: dict[str, tuple[str, tuple[str, ...]]] = {
    "icsoe_contrato_trabajadores": ("ix_rows_trabajador_por_contrato", ("contrato_id", "nss")),
    "sisub_pdfs": ("ix_rows_pdf_del_sisub", ("contratista_id", "contrato")),
    "repse_registros": ("ix_rows_registro_repse", ("contratista_id",)),
    "evidencia_documentos": (
        "ix_rows_evidencia_documento",
        ("mes", "tipo", "contratante", "sha256"),
    ),
    "sisub_reportes": ("ix_rows_reporte_sisub", ("contratista_id", "periodo")),
    "sisub_contratos": ("ix_rows_contrato_sisub", ("contrato_id",)),
    "sisub_trabajadores": (
        "ix_rows_trabajador_sisub",
        ("reporte_id", "contrato_id", "bimestre", "nss"),
    ),
}


class SyncedRow(ServerBase):
    __tablename__ = "rows"
    __table_args__ = (
        UniqueConstraint("empresa_id", "tabla", "uuid", name="uq_rows_empresa_tabla_uuid"),
        Index("ix_rows_empresa_seq", "empresa_id", "seq"),
        *(
            Index(
                name,
                "empresa_id",
                *(text(f"(data ->> '{column}')") for column in columns),
                postgresql_where=text(f"tabla = '{table}'"),
            ).ddl_if(dialect="postgresql")
            for table, (name, columns) in INDICES_POR_CLAVE.items()
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # No foreign keys (migration 0003): checking them cost PostgreSQL two trigger calls per
    # row written; only a push writes here, with the ids of the token it authenticated.
    empresa_id: Mapped[int] = mapped_column(Integer)
    tabla: Mapped[str] = mapped_column(String(64))
    # Bytes order on PostgreSQL (migration 0004): canonical UUIDs are ASCII.
    uuid: Mapped[str] = mapped_column(
        String(36).with_variant(String(36, collation="C"), "postgresql")
    )
    seq: Mapped[int] = mapped_column(BigInteger)
    version: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    deleted: Mapped[bool] = mapped_column(Boolean)
    # ``json``, not JSONB, on PostgreSQL: kept as the validated text it came as and sent back
    # as it is (the server never queries inside it).
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    token_id: Mapped[int] = mapped_column(Integer)
    # The content's fingerprint at its last write the server saw (migrations 0010 and 0013,
    # ``domain/contenido.py``): ``verificar`` finds content changed where no trigger ran.
    huella: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    # The text's fingerprint at that write (``contenido.huella_texto``, migration 0018): where
    # PostgreSQL's ``texto_actual`` (generated, not mapped here) equals it, ``huella`` holds.
    texto_visto: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    # The same of the text as it is now, computed by PostgreSQL at every write, with the
    # triggers off too (a plain column, never written, on SQLite).
    texto_actual: Mapped[int | None] = mapped_column(
        BigInteger, Computed("icsoe_texto(deleted, (data)::text)", persisted=True), nullable=True
    )


# The rows' table for Core statements (``SyncedRow.__table__`` is typed as any FromClause).
ROWS_TABLE = ServerBase.metadata.tables[SyncedRow.__tablename__]


class PushBatch(ServerBase):
    __tablename__ = "batches"
    __table_args__ = (Index("ix_batches_empresa_created", "empresa_id", "created_at"),)

    empresa_id: Mapped[int] = mapped_column(ForeignKey("empresas.id"), primary_key=True)
    batch_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    # The reply, compact: a JSON text of arrays held as one JSONB string (push._stored_reply);
    # a batch answered by an earlier server version holds the reply's object.
    response: Mapped[dict[str, Any] | str] = mapped_column(Json)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class SeqLease(ServerBase):
    """Sequence numbers handed to a push whose transaction may still be open: ``first_seq``
    to ``last_seq``, for the transaction ``owner`` (its PostgreSQL xid). Committed before the
    push writes its rows, deleted by the push's own commit: while one is there, a pull stops
    below ``first_seq`` (rows with those numbers may still appear). One whose owner aborted
    (a crash) holds nothing back and is deleted by the next allocation."""

    __tablename__ = "seq_leases"

    empresa_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    first_seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger)
    owner: Mapped[int] = mapped_column(BigInteger)


class BucketSum(ServerBase):
    """Changes of the checksums (domain/sync_wire.row_hash summed, and row counts) of a
    company's table, per bucket of uuids (``bucket``: sync_wire.bucket_of; -1: the whole
    table), written by each push in its own transaction: one row per bucket a push touched,
    never an update, so parallel pushes do not wait for each other here. Summed on reading;
    ``deriva.compact_sums`` folds them into one row per bucket now and then. A push writes
    here only its tables' whole changes (bucket -1); its per-bucket ones go to ``BucketDeltas``
    (the triggers of an administrator's edits, ``reparar`` and the compaction write here)."""

    __tablename__ = "bucket_sums"
    __table_args__ = (Index("ix_bucket_sums", "empresa_id", "tabla", "bucket"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    empresa_id: Mapped[int] = mapped_column(Integer)
    tabla: Mapped[str] = mapped_column(String(64))
    bucket: Mapped[int] = mapped_column(Integer)
    rows: Mapped[int] = mapped_column(BigInteger)
    total: Mapped[int] = mapped_column(Numeric(40, 0))


class BucketDeltas(ServerBase):
    """One push's per-bucket changes of one table's checksums, as ``BucketSum`` rows would
    hold them (``buckets[i]``, ``rows[i]``, ``totals[i]``): one row instead of thousands
    (migration 0019). Read with ``bucket_sums`` (``unnest``); folded into it by
    ``deriva.compact_sums``. PostgreSQL only."""

    __tablename__ = "bucket_deltas"
    __table_args__ = (Index("ix_bucket_deltas", "empresa_id", "tabla"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    empresa_id: Mapped[int] = mapped_column(Integer)
    tabla: Mapped[str] = mapped_column(String(64))
    buckets: Mapped[list[int]] = mapped_column(ARRAY(Integer))
    rows: Mapped[list[int]] = mapped_column(ARRAY(BigInteger))
    totals: Mapped[list[int]] = mapped_column(ARRAY(Numeric(40, 0)))


class OutsideEdit(ServerBase):
    """A write to ``rows`` made outside a push (an administrator's SQL: ``INSERT``, ``UPDATE``,
    ``DELETE``), or a company's sums made again (``SUMAS``): listed by the triggers of migration
    0009 and ``sumas.reparar``. The summaries carry a company's last id: a desktop that differs
    after it changed is told the server changed. (PostgreSQL; empty on SQLite.)"""

    __tablename__ = "outside_edits"
    __table_args__ = (Index("ix_outside_edits", "empresa_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    empresa_id: Mapped[int] = mapped_column(Integer)
    tabla: Mapped[str] = mapped_column(String(64))
    uuid: Mapped[str] = mapped_column(String(36))
    operacion: Mapped[str] = mapped_column(String(6))
    at: Mapped[datetime] = mapped_column(DateTime)


class CatalogoCP(ServerBase):
    """A catalogue of códigos postales as it travels (the zip of
    services/catalogos/sepomex_paquete.py), once per huella however many companies hold it;
    kept while a company names it."""

    __tablename__ = "catalogos_cp"

    huella: Mapped[str] = mapped_column(String(64), primary_key=True)
    datos: Mapped[bytes] = mapped_column(LargeBinary)
    bytes: Mapped[int] = mapped_column(Integer)
    asentamientos: Mapped[int] = mapped_column(Integer)
    codigos_postales: Mapped[int] = mapped_column(Integer)
    # Its entidades, one a line: the next load of the server's command line is compared with
    # them (a file cut short is refused, as on a desktop).
    entidades: Mapped[str] = mapped_column(Text)
    origen: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class DiasInhabiles(ServerBase):
    """The INFONAVIT's non-business days of a year (its acuerdo in the DOF), loaded by IT with
    ``inhabiles cargar``: every desktop of every company receives them at its next sync and
    moves the SISUB's deadlines by them (domain/sisub/plazos.py). The same for all companies."""

    __tablename__ = "dias_inhabiles"

    anio: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    dias: Mapped[str] = mapped_column(Text)  # ISO dates, one a line
    fuente: Mapped[str] = mapped_column(String(200))
    cargado_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class CertificadoSat(ServerBase):
    """A certificate of the SAT that seals timbres, loaded by IT with ``certificados-sat
    cargar``: every desktop of every company receives it at its next sync, checks it against
    its emisores confiables and verifies timbres with it. Public data only (no key)."""

    __tablename__ = "certificados_sat"

    numero: Mapped[str] = mapped_column(String(20), primary_key=True)  # NoCertificadoSAT
    der: Mapped[bytes] = mapped_column(LargeBinary)
    valido_hasta: Mapped[datetime] = mapped_column(DateTime)
    archivo: Mapped[str] = mapped_column(String(200))  # the file it came from
    cargado_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
