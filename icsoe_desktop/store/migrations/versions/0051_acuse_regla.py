"""Which reading of an acuse a registro passed: ``icsoe_informativas.acuse_imss_regla`` is 0 on
the rows registered before the IMSS acuse was read by its contratista line alone (when any RFC
of its text counted), 1 on those registered since. The stored-acuse check grants the old
allowance (its RFC shown on a line that names no party, its folio the registered one) only to
the first (services/informativa/acuse_guardado.py). ``sisub_reportes.acuse_regla`` is the same
for the INFONAVIT's acuse (0: held to its SHA-256 alone, as it was registered; 1: read again as
the INFONAVIT's acuse of this report) and ``sisub_reportes.acuse_declarado`` records that the
clerk stated a scanned acuse. Plain ADD COLUMNs, synced: a registro keeps its rule on every
desktop.

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
    op.add_column(
        "sisub_reportes",
        sa.Column("acuse_regla", sa.Integer(), nullable=False, server_default="0"),
    )
    op.add_column(
        "sisub_reportes",
        sa.Column("acuse_declarado", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    op.drop_column("sisub_reportes", "acuse_declarado")
    op.drop_column("sisub_reportes", "acuse_regla")
    op.drop_column("icsoe_informativas", "acuse_imss_regla")
