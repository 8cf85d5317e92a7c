"""A month's document travels with its bytes: ``evidencia_documentos.datos`` (a PDF of up to
2 MB, as the SISUB's PDFs travel), synced. A desktop that receives one keeps it in its evidence
archive at its next read. Documents attached before keep it empty: another desktop attaches
the same file again, as before.

Revision ID: 0049_evidencia_documento_datos
Revises: 0048_evidencia_conteo
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0049_evidencia_documento_datos"
down_revision = "0048_evidencia_conteo"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "evidencia_documentos",
        sa.Column("datos", sa.LargeBinary(), nullable=False, server_default=sa.text("x''")),
    )


def downgrade() -> None:
    op.drop_column("evidencia_documentos", "datos")
