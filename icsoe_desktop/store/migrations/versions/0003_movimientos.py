"""Movimientos afiliatorios, lotes IDSE y el resultado de cada movimiento en su lote.

Revision ID: 0003_movimientos
Revises: 0002_registros_certificados
Create Date: 2026-11-22 09:42:24.385760
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_movimientos"
down_revision = "0002_registros_certificados"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lotes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("numero", sa.Integer(), nullable=False),
        sa.Column("registro_patronal", sa.String(length=11), nullable=False),
        sa.Column("generado_at", sa.DateTime(), nullable=False),
        sa.Column("archivo", sa.String(length=260), nullable=False),
        sa.Column("generado_por", sa.String(length=254), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("numero"),
        sa.UniqueConstraint("uuid"),
    )
    with op.batch_alter_table("lotes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_lotes_registro_patronal"), ["registro_patronal"], unique=False
        )

    op.create_table(
        "movimientos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registro_patronal", sa.String(length=11), nullable=False),
        sa.Column("nss", sa.String(length=11), nullable=False),
        sa.Column("primer_apellido", sa.String(length=27), nullable=False),
        sa.Column("segundo_apellido", sa.String(length=27), nullable=False),
        sa.Column("nombre", sa.String(length=27), nullable=False),
        sa.Column("curp", sa.String(length=18), nullable=False),
        sa.Column("tipo", sa.String(length=2), nullable=False),
        sa.Column("fecha", sa.Date(), nullable=False),
        sa.Column("sbc", sa.Integer(), nullable=True),
        sa.Column("salario", sa.Integer(), nullable=True),
        sa.Column("tipo_trabajador", sa.String(length=1), nullable=False),
        sa.Column("tipo_salario", sa.String(length=1), nullable=False),
        sa.Column("jornada", sa.String(length=1), nullable=False),
        sa.Column("umf", sa.String(length=3), nullable=False),
        sa.Column("causa_baja", sa.String(length=1), nullable=False),
        sa.Column("clave_trabajador", sa.String(length=10), nullable=False),
        sa.Column("guia", sa.String(length=5), nullable=False),
        sa.Column("estado", sa.String(length=10), nullable=False),
        sa.Column("fecha_emision", sa.Date(), nullable=True),
        sa.Column("fecha_recibido", sa.Date(), nullable=True),
        sa.Column("fecha_aprobacion", sa.Date(), nullable=True),
        sa.Column("fecha_rechazo", sa.Date(), nullable=True),
        sa.Column("causa_rechazo", sa.Text(), nullable=False),
        sa.Column("lote_id", sa.Integer(), nullable=True),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["lote_id"], ["lotes.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("registro_patronal", "nss", "tipo", "fecha", name="uq_movimiento"),
        sa.UniqueConstraint("uuid"),
    )
    with op.batch_alter_table("movimientos", schema=None) as batch_op:
        batch_op.create_index("ix_mov_estado_fecha", ["deleted", "estado", "fecha"], unique=False)
        batch_op.create_index("ix_mov_fecha", ["deleted", "fecha"], unique=False)
        batch_op.create_index("ix_mov_lote", ["lote_id"], unique=False)
        batch_op.create_index(
            "ix_mov_registro_tipo_fecha",
            ["deleted", "registro_patronal", "tipo", "fecha"],
            unique=False,
        )
        batch_op.create_index("ix_mov_tipo_fecha", ["deleted", "tipo", "fecha"], unique=False)

    op.create_table(
        "lote_movimientos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lote_id", sa.Integer(), nullable=False),
        sa.Column("movimiento_id", sa.Integer(), nullable=False),
        sa.Column("resultado", sa.String(length=10), nullable=False),
        sa.Column("causa_rechazo", sa.Text(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["lote_id"], ["lotes.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["movimiento_id"], ["movimientos.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("lote_id", "movimiento_id", name="uq_lote_movimiento"),
        sa.UniqueConstraint("uuid"),
    )
    with op.batch_alter_table("lote_movimientos", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lote_movimientos_lote_id"), ["lote_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_lote_movimientos_movimiento_id"), ["movimiento_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("lote_movimientos", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lote_movimientos_movimiento_id"))
        batch_op.drop_index(batch_op.f("ix_lote_movimientos_lote_id"))

    op.drop_table("lote_movimientos")
    with op.batch_alter_table("movimientos", schema=None) as batch_op:
        batch_op.drop_index("ix_mov_tipo_fecha")
        batch_op.drop_index("ix_mov_registro_tipo_fecha")
        batch_op.drop_index("ix_mov_lote")
        batch_op.drop_index("ix_mov_fecha")
        batch_op.drop_index("ix_mov_estado_fecha")

    op.drop_table("movimientos")
    with op.batch_alter_table("lotes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lotes_registro_patronal"))

    op.drop_table("lotes")
