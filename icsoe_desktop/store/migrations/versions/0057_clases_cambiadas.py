"""``clases_cambiadas``: which kinds of data (domain/cambios.py: receipts, evidence, the
informativa…) each process wrote, so that the open app wakes the windows of what another
program wrote in its store (the command line beside it), kind by kind, as its own writes
wake them. A row per kind and writer (``proceso``: a random number of each opened store),
whose ``n`` counts the transactions that wrote that kind; a reader compares the other
writers' rows with what it saw (store/vigencia.py), never its own. Derived data: not synced.

Revision ID: 0057_clases_cambiadas
Revises: 0056_recibos_en_solo_consulta
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0057_clases_cambiadas"
down_revision = "0056_recibos_en_solo_consulta"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "clases_cambiadas",
        sa.Column("clase", sa.String(32), nullable=False),
        sa.Column("proceso", sa.BigInteger(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("momento", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("clase", "proceso"),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("clases_cambiadas")
