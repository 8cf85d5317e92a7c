"""``empresas.epoca``: raised by ``reparar`` when the company's rows lost some that their sums
still counted (deleted where no trigger ran, a restore of the data only). The summaries name it
with the database's history (``sumas.history``): every desktop then takes the server for
restored and sends back what it holds that the server lost (or holds at a newer version).

Revision ID: 0011_epoca_de_los_renglones
Revises: 0010_huella_de_contenido
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_epoca_de_los_renglones"
down_revision = "0010_huella_de_contenido"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "empresas", sa.Column("epoca", sa.Integer, nullable=False, server_default=sa.text("0"))
    )


def downgrade() -> None:
    op.drop_column("empresas", "epoca")
