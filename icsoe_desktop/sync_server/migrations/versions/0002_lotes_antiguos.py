"""Índice para olvidar los lotes respondidos antiguos (por empresa y fecha) sin recorrer todos.

Revision ID: 0002_lotes_antiguos
Revises: 0001_servidor
Create Date: 2026-11-22
"""

from alembic import op

revision = "0002_lotes_antiguos"
down_revision = "0001_servidor"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_batches_empresa_created", "batches", ["empresa_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_batches_empresa_created", "batches")
