"""Sincronización opcional: estado por renglón (pendientes de enviar), conflictos y cursor.

Rows that existed before this revision have no state row: the first push treats a synced row
without state as pending, so nothing needs copying here.

Revision ID: 0005_sync
Revises: 0004_icsoe
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_sync"
down_revision = "0004_icsoe"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_row_state",
        sa.Column("table_name", sa.String(64), primary_key=True),
        sa.Column("row_uuid", sa.String(36), primary_key=True),
        sa.Column("server_seq", sa.Integer(), nullable=False),
        sa.Column("dirty", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_sync_row_state_dirty", "sync_row_state", ["dirty"])
    op.create_table(
        "sync_conflicts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("table_name", sa.String(64), nullable=False),
        sa.Column("row_uuid", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("detected_at", sa.DateTime(), nullable=False),
        sa.Column("loser", sa.Text(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("resolution", sa.String(20), nullable=False),
    )
    op.create_index("ix_sync_conflicts_row_uuid", "sync_conflicts", ["row_uuid"])
    op.create_table(
        "sync_state",
        sa.Column("key", sa.String(40), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    for table in ("sync_state", "sync_conflicts", "sync_row_state"):
        op.drop_table(table)
