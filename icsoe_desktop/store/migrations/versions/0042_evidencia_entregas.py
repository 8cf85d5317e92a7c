"""The day of the next month each client's evidence is due (``evidencia_entregas``: a client
not listed is due on the 17th). Local to each desktop.

Revision ID: 0042_evidencia_entregas
Revises: 0041_evidencias
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0042_evidencia_entregas"
down_revision = "0041_evidencias"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "evidencia_entregas",
        sa.Column("contratante", sa.String(length=13), nullable=False),
        sa.Column("dia", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("contratante"),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("evidencia_entregas")
