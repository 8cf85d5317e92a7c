"""Renglones sin llaves foráneas y con ``data`` como JSON de texto (PostgreSQL).

Un envío de 100,000 renglones pagaba en PostgreSQL, por renglón, dos disparadores de llave
foránea (empresa y token: el servidor sólo escribe los del token autenticado, que existen y
nunca se borran) y la conversión de ``data`` a JSONB, que cada página de bajada volvía a
convertir en texto; el servidor no consulta dentro de ``data``: sólo la guarda y la devuelve.
``json`` guarda el texto validado tal cual. (En SQLite ``data`` ya es texto y las llaves no se
verifican: nada que cambiar.)

Revision ID: 0003_renglones_json
Revises: 0002_lotes_antiguos
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0003_renglones_json"
down_revision = "0002_lotes_antiguos"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_constraint("rows_empresa_id_fkey", "rows", type_="foreignkey")
    op.drop_constraint("rows_token_id_fkey", "rows", type_="foreignkey")
    op.alter_column(
        "rows", "data", type_=sa.JSON(), existing_type=JSONB(), postgresql_using="data::json"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.alter_column(
        "rows", "data", type_=JSONB(), existing_type=sa.JSON(), postgresql_using="data::jsonb"
    )
    op.create_foreign_key("rows_token_id_fkey", "rows", "tokens", ["token_id"], ["id"])
    op.create_foreign_key("rows_empresa_id_fkey", "rows", "empresas", ["empresa_id"], ["id"])
