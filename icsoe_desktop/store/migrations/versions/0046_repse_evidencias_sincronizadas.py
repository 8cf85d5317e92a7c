"""The REPSE registration and the client's monthly evidence synced like the other tables:
``repse_registros``, ``repse_servicios``, ``evidencia_documentos`` and ``evidencia_entregas``
take the synced columns (each row a new UUID, ``created_at`` when it was recorded). The
registration's PDF travels in its row; the documents' bytes stay in the evidence archive; the
packs stay local. Rows are rebuilt, none lost; the sync's bookkeeping is written again with them.

Revision ID: 0046_repse_evidencias_sincronizadas
Revises: 0045_sisub_pdfs_sincronizados
Create Date: 2026-11-28
"""

import importlib
from typing import Any

import sqlalchemy as sa
from alembic import op

from icsoe_desktop.store import pendientes, plain, sumas

revision = "0046_repse_evidencias_sincronizadas"
down_revision = "0045_sisub_pdfs_sincronizados"
branch_labels = None
depends_on = None

# The synced tables before this revision: 0045's.
_previa = importlib.import_module(
    "icsoe_desktop.store.migrations.versions.0045_sisub_pdfs_sincronizados"
)
_FIN = ("created_at", "deleted")
_REGISTRO = (
    *("contratista_id", "aviso", "otorgado", "vence", "pdf", "pdf_nombre", "pdf_sha256"),
    *("renovacion_solicitada", "renovacion_folio", "anterior", "registrado_at"),
)
_SERVICIO = ("registro_id", "n", "descripcion")
_DOCUMENTO = ("mes", "tipo", "contratante", "nombre", "sha256", "tamano", "adjuntado_at")
_ENTREGA = ("contratante", "dia")
NUEVAS: tuple[sumas.SyncedTableSums, ...] = (
    ("repse_registros", False, None, (*_REGISTRO, *_FIN)),
    ("repse_servicios", False, None, (*_SERVICIO, *_FIN)),
    ("evidencia_documentos", False, None, (*_DOCUMENTO, *_FIN)),
    ("evidencia_entregas", False, None, (*_ENTREGA, *_FIN)),
)
# The synced tables at this revision: the new ones before the audit log, as registered.
TABLES: tuple[sumas.SyncedTableSums, ...] = tuple(
    t
    for previa in _previa.TABLES
    for t in ((*NUEVAS, previa) if previa[0] == "audit_log" else (previa,))
)

# A version 4 UUID in SQL, as new_uuid writes one (lower case, canonical).
_UUID = (
    "lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || "
    "substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + abs(random()) % 4, 1) || "
    "substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))"
)
_ALTA = "strftime('%Y-%m-%d %H:%M:%f000', 'now')"  # a naive UTC stamp, as SQLAlchemy writes


def _replace(tables: tuple[sumas.SyncedTableSums, ...]) -> None:
    driver = plain.driver(op.get_bind())
    sumas.drop_bookkeeping(driver)
    pendientes.drop_bookkeeping(driver)
    for statement in sumas.bookkeeping(tables):
        op.execute(statement)
    for statement in pendientes.bookkeeping((t[0], t[2]) for t in tables):
        op.execute(statement)


def _synced() -> list[sa.Column[Any]]:
    return [
        sa.Column("uuid", sa.String(36), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
    ]


def _registros(nombre: str, *extra: sa.Column[Any]) -> None:
    op.create_table(
        nombre,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contratista_id", sa.Integer(), nullable=False),
        sa.Column("aviso", sa.String(length=40), nullable=False),
        sa.Column("otorgado", sa.Date(), nullable=False),
        sa.Column("vence", sa.Date(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("pdf_nombre", sa.String(length=255), nullable=False),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=False),
        sa.Column("renovacion_solicitada", sa.Date(), nullable=True),
        sa.Column("renovacion_folio", sa.String(length=40), nullable=False),
        sa.Column("anterior", sa.String(length=40), nullable=False),
        sa.Column("registrado_at", sa.DateTime(), nullable=False),
        *extra,
        sa.ForeignKeyConstraint(["contratista_id"], ["icsoe_contratistas.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("contratista_id"),
    )


def _servicios(*extra: sa.Column[Any]) -> None:
    op.create_table(
        "repse_servicios",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registro_id", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("descripcion", sa.String(length=1000), nullable=False),
        *extra,
        sa.ForeignKeyConstraint(["registro_id"], ["repse_registros.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("registro_id", "n", name="uq_repse_servicio_n"),
    )


def _documentos(nombre: str, *extra: sa.Column[Any]) -> None:
    op.create_table(
        nombre,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mes", sa.String(length=7), nullable=False),
        sa.Column("tipo", sa.String(length=20), nullable=False),
        sa.Column("contratante", sa.String(length=13), nullable=False),
        sa.Column("nombre", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("tamano", sa.Integer(), nullable=False),
        sa.Column("adjuntado_at", sa.DateTime(), nullable=False),
        *extra,
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("mes", "tipo", "contratante", name="uq_evidencia_documento"),
    )


def _copiar(
    origen: str, destino: str, columnas: tuple[str, ...], sincronizadas: bool, y: str = ""
) -> None:
    """``origen``'s rows into ``destino`` (with new synced columns, or without them and the
    rows removed; ``y``: a further condition on those)."""
    lista = ", ".join(columnas)
    if sincronizadas:
        op.execute(
            f"INSERT INTO {destino} ({lista}, uuid, created_at, updated_at, version, deleted) "
            f"SELECT {lista}, {_UUID}, {_ALTA}, {_ALTA}, 1, 0 FROM {origen}"
        )
    else:
        op.execute(
            f"INSERT INTO {destino} ({lista}) SELECT {lista} FROM {origen} WHERE NOT deleted {y}"
        )


def _reconstruir(sincronizadas: bool) -> None:
    extra = _synced if sincronizadas else list
    registro = ("id", *_REGISTRO)
    servicio = ("id", *_SERVICIO)
    # The services aside first: dropping the registrations would take them (ON DELETE CASCADE).
    op.execute("CREATE TEMPORARY TABLE repse_servicios_aparte AS SELECT * FROM repse_servicios")
    op.execute("DROP TABLE repse_servicios")
    _registros("repse_registros_nueva", *extra())
    _copiar("repse_registros", "repse_registros_nueva", registro, sincronizadas)
    op.execute("DROP TABLE repse_registros")
    op.execute("ALTER TABLE repse_registros_nueva RENAME TO repse_registros")
    _servicios(*extra())
    _copiar(
        "temp.repse_servicios_aparte",
        "repse_servicios",
        servicio,
        sincronizadas,
        "AND registro_id IN (SELECT id FROM repse_registros)",
    )
    op.execute("DROP TABLE temp.repse_servicios_aparte")
    _documentos("evidencia_documentos_nueva", *extra())
    _copiar(
        "evidencia_documentos", "evidencia_documentos_nueva", ("id", *_DOCUMENTO), sincronizadas
    )
    op.execute("DROP TABLE evidencia_documentos")
    op.execute("ALTER TABLE evidencia_documentos_nueva RENAME TO evidencia_documentos")


def upgrade() -> None:
    _reconstruir(sincronizadas=True)
    op.create_table(
        "evidencia_entregas_nueva",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contratante", sa.String(length=13), nullable=False, unique=True),
        sa.Column("dia", sa.Integer(), nullable=False),
        *_synced(),
        sa.PrimaryKeyConstraint("id"),
    )
    _copiar("evidencia_entregas", "evidencia_entregas_nueva", _ENTREGA, sincronizadas=True)
    op.execute("DROP TABLE evidencia_entregas")
    op.execute("ALTER TABLE evidencia_entregas_nueva RENAME TO evidencia_entregas")
    _replace(TABLES)


def downgrade() -> None:
    _replace(_previa.TABLES)
    _reconstruir(sincronizadas=False)
    op.create_table(
        "evidencia_entregas_vieja",
        sa.Column("contratante", sa.String(length=13), nullable=False),
        sa.Column("dia", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("contratante"),
        sqlite_with_rowid=False,
    )
    _copiar("evidencia_entregas", "evidencia_entregas_vieja", _ENTREGA, sincronizadas=False)
    op.execute("DROP TABLE evidencia_entregas")
    op.execute("ALTER TABLE evidencia_entregas_vieja RENAME TO evidencia_entregas")
