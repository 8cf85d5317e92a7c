"""Primer uso: la empresa (RFC y razón social) y los pasos omitidos de la Configuración inicial;
y el administrador de la aplicación (puede restablecer la contraseña de otro usuario).

The first user registered (who set up the app) becomes its administrator.

Revision ID: 0009_clerk_primer_uso
Revises: 0008_sync_pendientes
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_clerk_primer_uso"
down_revision = "0008_sync_pendientes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "empresa",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("rfc", sa.String(13), nullable=False, server_default=""),
        sa.Column("razon_social", sa.String(250), nullable=False, server_default=""),
        sa.Column("pasos_omitidos", sa.String(200), nullable=False, server_default=""),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    # A plain ALTER TABLE ADD COLUMN (not a batch rebuild): the table's SQL stays as it was, so
    # every store (and the shipped template) ends with the same schema text.
    op.add_column(
        "idse_users",
        sa.Column("administrador", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.execute(
        "UPDATE idse_users SET administrador = 1 WHERE id = "
        "(SELECT min(id) FROM idse_users WHERE deleted = 0)"
    )


def downgrade() -> None:
    with op.batch_alter_table("idse_users") as batch_op:
        batch_op.drop_column("administrador")
    op.drop_table("empresa")
