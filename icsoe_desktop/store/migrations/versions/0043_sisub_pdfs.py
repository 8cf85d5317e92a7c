"""The SISUB's PDFs kept once per contratista (``sisub_pdfs``): its escritura constitutiva and
each contract's PDF, with their SHA-256. Local to each desktop.

Revision ID: 0043_sisub_pdfs
Revises: 0042_evidencia_entregas
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0043_sisub_pdfs"
down_revision = "0042_evidencia_entregas"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sisub_pdfs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contratista_id", sa.Integer(), nullable=False),
        sa.Column("contrato", sa.String(length=36), nullable=False),
        sa.Column("nombre", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("datos", sa.LargeBinary(), nullable=False),
        sa.Column("adjuntado_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["contratista_id"], ["icsoe_contratistas.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ux_sisub_pdfs", "sisub_pdfs", ["contratista_id", "contrato"], unique=True)


def downgrade() -> None:
    op.drop_index("ux_sisub_pdfs", table_name="sisub_pdfs")
    op.drop_table("sisub_pdfs")
