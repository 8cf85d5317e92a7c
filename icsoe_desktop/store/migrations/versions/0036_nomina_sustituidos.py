"""The CFDI de nómina cancelled and issued again: ``nomina_sustituidos`` keeps each substituted
receipt's UUID and the one of the receipt that substitutes it (CfdiRelacionados, TipoRelacion
«04»), so that the cancelled one imported later is not stored. Local to each desktop.

Revision ID: 0036_nomina_sustituidos
Revises: 0035_recibos_nomina
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0036_nomina_sustituidos"
down_revision = "0035_recibos_nomina"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "nomina_sustituidos",
        sa.Column("timbre", sa.String(length=36), nullable=False),
        sa.Column("por", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("timbre"),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("nomina_sustituidos")
