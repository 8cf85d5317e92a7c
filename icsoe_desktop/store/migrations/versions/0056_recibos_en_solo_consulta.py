"""``empresas.solo_consulta_recibos``: whether modo sólo consulta lists the empresa's payroll
receipts (NSS, CURP, name, period and clients; never their amounts). An administrator decides
it per empresa (services/empresas/servicio.py); the upgrade keeps what the app did before:
listed.

Revision ID: 0056_recibos_en_solo_consulta
Revises: 0055_sisub_montos_y_sujeto
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0056_recibos_en_solo_consulta"
down_revision = "0055_sisub_montos_y_sujeto"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("empresas") as batch:
        batch.add_column(
            sa.Column(
                "solo_consulta_recibos", sa.Boolean(), nullable=False, server_default=sa.true()
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("empresas") as batch:
        batch.drop_column("solo_consulta_recibos")
