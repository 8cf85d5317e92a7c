"""``dias_inhabiles``: the INFONAVIT's non-business days of each year IT loads (``inhabiles
cargar``), served to every desktop (``GET /v1/inhabiles``) for the SISUB's deadlines.

Revision ID: 0015_dias_inhabiles
Revises: 0014_pdfs_del_sisub
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_dias_inhabiles"
down_revision = "0014_pdfs_del_sisub"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dias_inhabiles",
        sa.Column("anio", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("dias", sa.Text(), nullable=False),
        sa.Column("fuente", sa.String(200), nullable=False),
        sa.Column("cargado_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("anio"),
    )


def downgrade() -> None:
    op.drop_table("dias_inhabiles")
