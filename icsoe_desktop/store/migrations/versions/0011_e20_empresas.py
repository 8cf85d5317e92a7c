"""Varias empresas: el catálogo de empresas de la instalación y a cuáles entra cada usuario.

Only the installation's catalog store (``catalogo.sqlite3``, services/empresas/servicio.py) fills these
tables; an empresa's store has them empty. One schema for every file keeps one migration chain
and one template (docs/diseno/empresas.md).

Revision ID: 0011_e20_empresas
Revises: 0010_perf_grid
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_e20_empresas"
down_revision = "0010_perf_grid"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "empresas",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("rfc", sa.String(13), nullable=False, server_default=""),
        sa.Column("razon_social", sa.String(250), nullable=False, server_default=""),
        # The store file, relative to the data dir (the first empresa keeps icsoe.sqlite3).
        sa.Column("archivo", sa.String(260), nullable=False, unique=True),
        sa.Column("creada_at", sa.DateTime(), nullable=False),
        sa.Column("abierta_at", sa.DateTime(), nullable=True),  # the one remembered at login
    )
    # An RFC names one empresa; an empresa not set up yet has none ("").
    op.execute("CREATE UNIQUE INDEX ix_empresas_rfc ON empresas (rfc) WHERE rfc != ''")
    op.create_table(
        "empresa_accesos",
        sa.Column(
            "usuario_id",
            sa.Integer(),
            sa.ForeignKey("idse_users.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "empresa_id",
            sa.Integer(),
            sa.ForeignKey("empresas.id", ondelete="CASCADE"),
            primary_key=True,
            index=True,
        ),
        sa.Column("concedido_at", sa.DateTime(), nullable=False),
        sa.Column("concedido_por", sa.String(254), nullable=False, server_default=""),
    )


def downgrade() -> None:
    op.drop_table("empresa_accesos")
    op.drop_table("empresas")
