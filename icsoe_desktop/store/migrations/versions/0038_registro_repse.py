"""The contratista's REPSE registration: ``repse_registros``, one per contratista (aviso, date
granted, end, renewal asked, its PDF and SHA-256), and ``repse_servicios``, the services or
works it authorised, each with its description. Local to each desktop: not synced.

Revision ID: 0038_registro_repse
Revises: 0037_acuse_corregido
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0038_registro_repse"
down_revision = "0037_acuse_corregido"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "repse_registros",
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
        sa.ForeignKeyConstraint(["contratista_id"], ["icsoe_contratistas.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("contratista_id"),
    )
    op.create_table(
        "repse_servicios",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registro_id", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("descripcion", sa.String(length=1000), nullable=False),
        sa.ForeignKeyConstraint(["registro_id"], ["repse_registros.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("registro_id", "n", name="uq_repse_servicio_n"),
    )


def downgrade() -> None:
    op.drop_table("repse_servicios")
    op.drop_table("repse_registros")
