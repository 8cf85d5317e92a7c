"""A worker of a contract may carry the IMSS portal's rejection: ``rechazo_portal`` is the
portal's reason (empty: not rejected) and ``rechazo_corregido`` says the clerk has corrected
the worker since. Two plain ADD COLUMNs on the workers' table; both travel with the row, so the
drift check's content triggers are written again with them.

Revision ID: 0029_rechazo_portal
Revises: 0028_buscar_trabajador
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

from icsoe_desktop.store import plain, sumas
from icsoe_desktop.store.migrations.contenido_0027 import TABLES as TABLES_0027

revision = "0029_rechazo_portal"
down_revision = "0028_buscar_trabajador"
branch_labels = None
depends_on = None

TRABAJADORES = "icsoe_contrato_trabajadores"
NUEVAS = ("rechazo_portal", "rechazo_corregido")
TABLES: tuple[sumas.SyncedTableSums, ...] = tuple(
    (name, append_only, sent, (*columns, *NUEVAS) if name == TRABAJADORES else columns)
    for name, append_only, sent, columns in TABLES_0027
)


def _replace(tables: tuple[sumas.SyncedTableSums, ...]) -> None:
    sumas.drop_bookkeeping(plain.driver(op.get_bind()))
    for statement in sumas.bookkeeping(tables):
        op.execute(statement)


def upgrade() -> None:
    op.add_column(
        TRABAJADORES,
        sa.Column("rechazo_portal", sa.String(500), nullable=False, server_default=""),
    )
    op.add_column(
        TRABAJADORES,
        sa.Column("rechazo_corregido", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    _replace(TABLES)


def downgrade() -> None:
    _replace(TABLES_0027)
    for column in reversed(NUEVAS):
        op.execute(f"ALTER TABLE {TRABAJADORES} DROP COLUMN {column}")
