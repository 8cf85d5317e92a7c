"""The SISUB's PDFs synced like the other tables: ``sisub_pdfs`` takes the synced columns, so
the escritura and each contract's PDF attached on one desktop reach the others of the company
(one per contratista and contract, as here: the server keeps the first it receives). Rows are
copied, none lost; the sync's bookkeeping is written again with the table.

Revision ID: 0045_sisub_pdfs_sincronizados
Revises: 0044_recibos_por_fecha_pago
Create Date: 2026-11-28
"""

import importlib

import sqlalchemy as sa
from alembic import op

from icsoe_desktop.store import sumas

revision = "0045_sisub_pdfs_sincronizados"
down_revision = "0044_recibos_por_fecha_pago"
branch_labels = None
depends_on = None

_previa = importlib.import_module(
    "icsoe_desktop.store.migrations.versions.0040_nomina_sincronizada"
)
_COLUMNAS = ("contratista_id", "contrato", "nombre", "sha256", "datos", "adjuntado_at")
NUEVA: sumas.SyncedTableSums = ("sisub_pdfs", False, None, (*_COLUMNAS, "created_at", "deleted"))
# The synced tables at this revision: 0040's, the PDFs after the SISUB's workers
# (domain/sync_registry.py's order).
TABLES: tuple[sumas.SyncedTableSums, ...] = tuple(
    t
    for previa in _previa.TABLES
    for t in ((previa, NUEVA) if previa[0] == "sisub_trabajadores" else (previa,))
)


def _tabla(nombre: str, *sincronizadas: "sa.Column[object]") -> None:
    op.create_table(
        nombre,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contratista_id", sa.Integer(), nullable=False),
        sa.Column("contrato", sa.String(length=36), nullable=False),
        sa.Column("nombre", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("datos", sa.LargeBinary(), nullable=False),
        sa.Column("adjuntado_at", sa.DateTime(), nullable=False),
        *sincronizadas,
        sa.ForeignKeyConstraint(["contratista_id"], ["icsoe_contratistas.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )


def _en_su_lugar(nueva: str) -> None:
    op.execute("DROP TABLE sisub_pdfs")
    op.execute(f"ALTER TABLE {nueva} RENAME TO sisub_pdfs")
    op.create_index("ux_sisub_pdfs", "sisub_pdfs", ["contratista_id", "contrato"], unique=True)


# A naive UTC stamp, as SQLAlchemy writes; a new row's uuid as Python's uuid4 writes it.
_ALTA = "strftime('%Y-%m-%d %H:%M:%f000', 'now')"
_UUID4 = (
    "lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2)"
    " || '-' || substr('89ab', 1 + abs(random()) % 4, 1) || substr(hex(randomblob(2)), 2) || '-'"
    " || hex(randomblob(6)))"
)


def upgrade() -> None:
    # The rows are copied once the sync's bookkeeping watches the new table: its triggers
    # count them as rows to send and add them to the drift check's sums.
    op.execute("ALTER TABLE sisub_pdfs RENAME TO sisub_pdfs_vieja")
    op.execute("DROP INDEX ux_sisub_pdfs")
    _tabla(
        "sisub_pdfs",
        sa.Column("uuid", sa.String(36), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
    )
    op.create_index("ux_sisub_pdfs", "sisub_pdfs", ["contratista_id", "contrato"], unique=True)
    _previa._replace(TABLES)
    columnas = ", ".join(("id", *_COLUMNAS))
    op.execute(
        f"INSERT INTO sisub_pdfs ({columnas}, uuid, created_at, updated_at, version, deleted) "
        f"SELECT {columnas}, {_UUID4}, adjuntado_at, {_ALTA}, 1, 0 FROM sisub_pdfs_vieja"
    )
    op.execute("DROP TABLE sisub_pdfs_vieja")


def downgrade() -> None:
    _previa._replace(_previa.TABLES)
    _tabla("sisub_pdfs_vieja")
    columnas = ", ".join(("id", *_COLUMNAS))
    op.execute(
        f"INSERT INTO sisub_pdfs_vieja ({columnas}) SELECT {columnas} FROM sisub_pdfs "
        "WHERE NOT deleted"
    )
    _en_su_lugar("sisub_pdfs_vieja")
