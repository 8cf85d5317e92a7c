"""Registros patronales y certificados IMSS asignados (sólo datos públicos).

Revision ID: 0002_registros_certificados
Revises: 0001_inicial
Create Date: 2026-11-22
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0002_registros_certificados"
down_revision = "0001_inicial"
branch_labels = None
depends_on = None


def _synced_columns() -> list[sa.Column[Any]]:
    return [
        sa.Column("uuid", sa.String(36), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "registros_patronales",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("registro", sa.String(11), nullable=False, unique=True),
        sa.Column("rfc", sa.String(13), nullable=False),
        sa.Column("razon_social", sa.String(250), nullable=False),
        *_synced_columns(),
    )
    op.create_table(
        "certificados_imss",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "registro_patronal_id",
            sa.Integer(),
            sa.ForeignKey("registros_patronales.id", ondelete="CASCADE"),
            nullable=False,
            unique=True,
        ),
        sa.Column("tipo", sa.String(4), nullable=False),
        sa.Column("usuario", sa.String(20), nullable=False),
        sa.Column("rfc", sa.String(13), nullable=False),
        sa.Column("nombre", sa.String(254), nullable=False),
        sa.Column("no_certificado", sa.String(40), nullable=False),
        sa.Column("emisor", sa.String(254), nullable=False),
        sa.Column("valido_desde", sa.DateTime(), nullable=False),
        sa.Column("valido_hasta", sa.DateTime(), nullable=False),
        sa.Column("certificado_der", sa.LargeBinary(), nullable=False),
        sa.Column("secreto_sellado", sa.LargeBinary(), nullable=False),
        sa.Column("keyring_ref", sa.String(80), nullable=False),
        *_synced_columns(),
    )


def downgrade() -> None:
    op.drop_table("certificados_imss")
    op.drop_table("registros_patronales")
