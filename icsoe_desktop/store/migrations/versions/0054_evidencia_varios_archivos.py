"""A month's slot holds several files (the SUA cédula, SIPARE's line and its bank receipt, the
bimonthly INFONAVIT payment; the ISR payment's bank receipt), each once by its SHA-256: the
unique key of ``evidencia_documentos`` becomes (mes, tipo, contratante, sha256). Each file keeps
what its text says and the warnings it was kept with (``lectura``, ``avisos``, synced). The
table is rebuilt with its rows, uuids and versions as they were; the sync's bookkeeping is
written again with it.

Revision ID: 0054_evidencia_varios_archivos
Revises: 0053_repse_pdf_declarado
Create Date: 2026-11-29
"""

import importlib

import sqlalchemy as sa
from alembic import op

from icsoe_desktop.store import pendientes, plain, sumas

revision = "0054_evidencia_varios_archivos"
down_revision = "0053_repse_pdf_declarado"
branch_labels = None
depends_on = None

# The synced tables before this revision: 0050's (0051 added a column only).
_previa = importlib.import_module("icsoe_desktop.store.migrations.versions.0050_sisub_guias")
_DOCUMENTO = ("mes", "tipo", "contratante", "nombre", "sha256", "tamano", "adjuntado_at")
_SINCRONIZADAS = ("uuid", "created_at", "updated_at", "version", "deleted")
_NUEVAS = ("lectura", "avisos")
NUEVA: sumas.SyncedTableSums = (
    "evidencia_documentos",
    False,
    None,
    (*_DOCUMENTO, "datos", *_NUEVAS, "created_at", "deleted"),
)
# The synced tables at this revision: the documents with their content columns of now.
TABLES: tuple[sumas.SyncedTableSums, ...] = tuple(
    NUEVA if t[0] == "evidencia_documentos" else t for t in _previa.TABLES
)


def _drop() -> None:
    """The bookkeeping's views name the table: dropped before it is."""
    driver = plain.driver(op.get_bind())
    sumas.drop_bookkeeping(driver)
    pendientes.drop_bookkeeping(driver)


def _replace(tables: tuple[sumas.SyncedTableSums, ...]) -> None:
    _drop()
    for statement in sumas.bookkeeping(tables):
        op.execute(statement)
    for statement in pendientes.bookkeeping((t[0], t[2]) for t in tables):
        op.execute(statement)


def _tabla(nombre: str, clave: tuple[str, ...], nuevas: bool) -> None:
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
        sa.Column("uuid", sa.String(36), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("datos", sa.LargeBinary(), nullable=False, server_default=sa.text("x''")),
        *(
            [
                sa.Column("lectura", sa.String(300), nullable=False, server_default=sa.text("''")),
                sa.Column("avisos", sa.Text(), nullable=False, server_default=sa.text("''")),
            ]
            if nuevas
            else []
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(*clave, name="uq_evidencia_documento"),
    )


def _reconstruir(clave: tuple[str, ...], nuevas: bool, donde: str = "") -> None:
    _drop()
    columnas = ", ".join(("id", *_DOCUMENTO, *_SINCRONIZADAS, "datos"))
    _tabla("evidencia_documentos_nueva", clave, nuevas)
    op.execute(
        f"INSERT INTO evidencia_documentos_nueva ({columnas}) "
        f"SELECT {columnas} FROM evidencia_documentos {donde}"
    )
    op.execute("DROP TABLE evidencia_documentos")
    op.execute("ALTER TABLE evidencia_documentos_nueva RENAME TO evidencia_documentos")


def upgrade() -> None:
    _reconstruir(("mes", "tipo", "contratante", "sha256"), nuevas=True)
    _replace(TABLES)


def downgrade() -> None:
    # One file per slot again: the last attached of each.
    _reconstruir(
        ("mes", "tipo", "contratante"),
        nuevas=False,
        donde="WHERE id IN (SELECT max(id) FROM evidencia_documentos "
        "GROUP BY mes, tipo, contratante)",
    )
    _replace(_previa.TABLES)
