"""A «cambio» conflict says which two desktops wrote its versions (``sync_conflicts.equipos``,
synced): only those list it. Conflicts recorded before say none and stay shown everywhere.

Revision ID: 0052_conflictos_de_sus_equipos
Revises: 0051_acuse_regla
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0052_conflictos_de_sus_equipos"
down_revision = "0051_acuse_regla"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "sync_conflicts",
        sa.Column("equipos", sa.String(40), nullable=False, server_default=""),
    )


def downgrade() -> None:
    op.drop_column("sync_conflicts", "equipos")
