"""The client's monthly evidence: ``evidencia_documentos`` (a month's document for every client
or for one, by its SHA-256; the bytes are in the evidence archive beside the store) and
``evidencia_paquetes`` (each pack written, with its members). Local to each desktop.

Revision ID: 0041_evidencias
Revises: 0040_nomina_sincronizada
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0041_evidencias"
down_revision = "0040_nomina_sincronizada"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "evidencia_documentos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mes", sa.String(length=7), nullable=False),
        sa.Column("tipo", sa.String(length=20), nullable=False),
        sa.Column("contratante", sa.String(length=13), nullable=False),
        sa.Column("nombre", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("tamano", sa.Integer(), nullable=False),
        sa.Column("adjuntado_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("mes", "tipo", "contratante", name="uq_evidencia_documento"),
    )
    op.create_table(
        "evidencia_paquetes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mes", sa.String(length=7), nullable=False),
        sa.Column("contratante", sa.String(length=13), nullable=False),
        sa.Column("ruta", sa.String(length=1000), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("miembros", sa.Text(), nullable=False),
        sa.Column("creado_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("evidencia_paquetes")
    op.drop_table("evidencia_documentos")
