"""A contratante may be a foreign firm without a permanent establishment in Mexico: its
contracts are not reported in the informativa (an informativa with only those is filed as «Sin
información»). ``extranjero_sin_ep`` marks it; every contratante saved before is not one. A
plain ADD COLUMN: the table and its sync triggers stay as they are.

``icsoe_contratos.trabajadores_declarados`` stays, unused: the informativa has no typed worker
count (its list is the count); informativas signed with one keep it in their cadena and frozen
copy, and an older desktop still syncs the column.

Revision ID: 0026_contratante_extranjero
Revises: 0025_bitacora_encadenada
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0026_contratante_extranjero"
down_revision = "0025_bitacora_encadenada"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "icsoe_contratantes",
        sa.Column("extranjero_sin_ep", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    op.execute("ALTER TABLE icsoe_contratantes DROP COLUMN extranjero_sin_ep")
