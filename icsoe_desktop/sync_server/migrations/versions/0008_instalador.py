"""The installer IT publishes for the company's desktops (``instalador publicar``), kept in the
database in pieces of 1 MiB (PostgreSQL or SQLite alike, read and written one piece at a time),
and the server administrators' tokens (publishing over HTTP).

Revision ID: 0008_instalador
Revises: 0007_catalogo_cp
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_instalador"
down_revision = "0007_catalogo_cp"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "admin_tokens",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("nombre", sa.String(100), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("revoked_at", sa.DateTime, nullable=True),
    )
    op.create_table(
        "instaladores",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("version", sa.String(32), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("tamano", sa.BigInteger, nullable=False),
        sa.Column("nombre", sa.String(200), nullable=False),
        # False while its pieces are written: never announced half written.
        sa.Column("completo", sa.Boolean, nullable=False),
        sa.Column("publicado_el", sa.DateTime, nullable=False),
    )
    op.create_table(
        "instalador_trozos",
        sa.Column(
            "instalador_id",
            sa.Integer,
            sa.ForeignKey("instaladores.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("n", sa.Integer, primary_key=True),
        sa.Column("datos", sa.LargeBinary, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("instalador_trozos")
    op.drop_table("instaladores")
    op.drop_table("admin_tokens")
