"""Renglones recibidos que esperan a su renglón padre: la sincronización aplica página por página,
y un renglón puede llegar antes que su padre (el padre cambió después y tiene una secuencia mayor).

Revision ID: 0007_sync_pendientes
Revises: 0006_lote_numero
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_sync_pendientes"
down_revision = "0006_lote_numero"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_pending",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("table_name", sa.String(64), nullable=False),
        sa.Column("row", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("sync_pending")
