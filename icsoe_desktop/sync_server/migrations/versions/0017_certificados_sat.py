"""``certificados_sat``: the SAT's certificates that seal timbres (the ``NoCertificadoSAT`` of
each Timbre Fiscal Digital), which IT loads once (``certificados-sat cargar CARPETA``), served
to every desktop (``GET /v1/certificados-sat``) to verify the timbres of the receipts. Only the
certificate (public): never a key.

Revision ID: 0017_certificados_sat
Revises: 0016_claves_por_indice
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_certificados_sat"
down_revision = "0016_claves_por_indice"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "certificados_sat",
        sa.Column("numero", sa.String(20), nullable=False),
        sa.Column("der", sa.LargeBinary(), nullable=False),
        sa.Column("valido_hasta", sa.DateTime(), nullable=False),
        sa.Column("archivo", sa.String(200), nullable=False),
        sa.Column("cargado_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("numero"),
    )


def downgrade() -> None:
    op.drop_table("certificados_sat")
