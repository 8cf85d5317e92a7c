"""Varias empresas: whether an empresa may be opened in modo sólo consulta (no credentials).

An administrator decides it per empresa (services/empresas/servicio.py). The upgrade keeps what the app
did before for the installation's first empresa (the data dir's own ``icsoe.sqlite3``); any
other empresa stays closed to sólo consulta until an administrator allows it.

Revision ID: 0013_e20gaps_solo_consulta
Revises: 0012_p18grid_orden_cubre
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_e20gaps_solo_consulta"
down_revision = "0012_p18grid_orden_cubre"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("empresas") as batch:
        batch.add_column(
            sa.Column("solo_consulta", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.execute("UPDATE empresas SET solo_consulta = 1 WHERE archivo = 'icsoe.sqlite3'")


def downgrade() -> None:
    with op.batch_alter_table("empresas") as batch:
        batch.drop_column("solo_consulta")
