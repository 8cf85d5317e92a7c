"""``repse_registros.pdf_declarado``: the registration's PDF does not state the contratista's
RFC or the aviso (a scan) and the clerk stated it is this registration's; shown as «declarado
por el usuario» wherever the registration appears. Synced, as the PDF is. Registrations kept
before it read as not declared.

Revision ID: 0053_repse_pdf_declarado
Revises: 0052_conflictos_de_sus_equipos
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0053_repse_pdf_declarado"
down_revision = "0052_conflictos_de_sus_equipos"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "repse_registros",
        sa.Column("pdf_declarado", sa.Boolean(), nullable=False, server_default=sa.text("0")),
    )


def downgrade() -> None:
    op.drop_column("repse_registros", "pdf_declarado")
