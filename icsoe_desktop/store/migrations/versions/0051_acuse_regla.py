"""Which reading of the IMSS acuse a registro passed: ``acuse_imss_regla`` is 0 on the rows
registered before the acuse was read by its contratista line alone (when any RFC of its text
counted), 1 on those registered since. The stored-acuse check grants the old allowance (its RFC
shown on a line that names no party, its folio the registered one) only to the first
(services/informativa/acuse_guardado.py). A plain ADD COLUMN, synced: a registro keeps its rule
on every desktop.

Revision ID: 0051_acuse_regla
Revises: 0050_sisub_guias
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0051_acuse_regla"
down_revision = "0050_sisub_guias"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "icsoe_informativas",
        sa.Column("acuse_imss_regla", sa.Integer(), nullable=False, server_default="0"),
    )


def downgrade() -> None:
    op.drop_column("icsoe_informativas", "acuse_imss_regla")
