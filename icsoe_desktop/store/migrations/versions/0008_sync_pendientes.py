"""Renglones recibidos que esperan a su renglón padre: la sincronización aplica página por página,
y un renglón puede llegar antes que su padre (el padre cambió después y tiene una secuencia mayor).
Cada estado guarda la versión del servidor (para verificar sumas de control por tabla).
Los conflictos «cambio» se sincronizan (uuid, versión, fecha, baja): el equipo cuya versión perdió
también se entera, y resolverlo en un equipo lo resuelve en todos.

Revision ID: 0008_sync_pendientes
Revises: 0007_secrets_outbox_claim
Create Date: 2026-11-22
"""

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0008_sync_pendientes"
down_revision = "0007_secrets_outbox_claim"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_pending",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("table_name", sa.String(64), nullable=False),
        sa.Column("row", sa.Text(), nullable=False),
    )

    op.add_column("sync_row_state", sa.Column("version", sa.Integer(), nullable=True))
    with op.batch_alter_table("sync_conflicts") as batch_op:
        batch_op.add_column(sa.Column("uuid", sa.String(36), nullable=True))
        batch_op.add_column(
            sa.Column("updated_at", sa.DateTime(), nullable=False, server_default=sa.func.now())
        )
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
        batch_op.add_column(
            sa.Column("deleted", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    conn = op.get_bind()
    for (conflict_id,) in conn.execute(sa.text("SELECT id FROM sync_conflicts")).all():
        conn.execute(
            sa.text("UPDATE sync_conflicts SET uuid = :u WHERE id = :i"),
            {"u": str(uuid.uuid4()), "i": conflict_id},
        )
    with op.batch_alter_table("sync_conflicts") as batch_op:
        batch_op.alter_column("uuid", existing_type=sa.String(36), nullable=False)
        batch_op.create_unique_constraint("uq_sync_conflicts_uuid", ["uuid"])


def downgrade() -> None:
    with op.batch_alter_table("sync_conflicts") as batch_op:
        batch_op.drop_constraint("uq_sync_conflicts_uuid", type_="unique")
        for column in ("deleted", "version", "updated_at", "uuid"):
            batch_op.drop_column(column)
    with op.batch_alter_table("sync_row_state") as batch_op:
        batch_op.drop_column("version")
    op.drop_table("sync_pending")
