"""``empresas.esquema``: the newest desktop schema (the app's Alembic head) any desktop of the
company has synced with. Desktops of an older version are told to update (their pushes lose
nothing meanwhile: the server keeps the columns they do not know, ``push._merged``).

Revision ID: 0006_esquema_empresa
Revises: 0005_pushes_en_paralelo
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_esquema_empresa"
down_revision = "0005_pushes_en_paralelo"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("empresas", sa.Column("esquema", sa.String(64), nullable=True))


def downgrade() -> None:
    op.drop_column("empresas", "esquema")
