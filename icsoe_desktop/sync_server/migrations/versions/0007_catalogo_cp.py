"""The company's catalogue of códigos postales: ``catalogos_cp`` (one zip per huella) and, per
company, which one it holds (``empresas.sepomex_*``). Every desktop of the company receives it
with its sync.

Revision ID: 0007_catalogo_cp
Revises: 0006_esquema_empresa
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_catalogo_cp"
down_revision = "0006_esquema_empresa"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "catalogos_cp",
        sa.Column("huella", sa.String(64), primary_key=True),
        sa.Column("datos", sa.LargeBinary(), nullable=False),
        sa.Column("bytes", sa.Integer(), nullable=False),
        sa.Column("asentamientos", sa.Integer(), nullable=False),
        sa.Column("codigos_postales", sa.Integer(), nullable=False),
        sa.Column("entidades", sa.Text(), nullable=False),
        sa.Column("origen", sa.String(300), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    with op.batch_alter_table("empresas") as batch:
        batch.add_column(sa.Column("sepomex_huella", sa.String(64), nullable=True))
        batch.add_column(sa.Column("sepomex_fecha", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("sepomex_de", sa.String(100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("empresas") as batch:
        batch.drop_column("sepomex_de")
        batch.drop_column("sepomex_fecha")
        batch.drop_column("sepomex_huella")
    op.drop_table("catalogos_cp")
