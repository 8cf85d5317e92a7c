"""``sisub_reportes.contratos_presentados``: the contracts of a SISUB as it was filed (JSON,
domain/sisub/presentados.py), so a filed report shows and exports them as the INFONAVIT received
them. Synced with the report; empty for a report not filed (or filed before this revision: it
shows the contracts as they are).

Revision ID: 0047_sisub_contratos_presentados
Revises: 0046_repse_evidencias_sincronizadas
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0047_sisub_contratos_presentados"
down_revision = "0046_repse_evidencias_sincronizadas"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "sisub_reportes",
        sa.Column("contratos_presentados", sa.Text(), nullable=False, server_default=""),
    )


def downgrade() -> None:
    op.drop_column("sisub_reportes", "contratos_presentados")
