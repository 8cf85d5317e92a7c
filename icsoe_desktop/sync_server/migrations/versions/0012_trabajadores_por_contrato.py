"""An index of the contracts' workers by contract and NSS (``sync_server/exclusivas.py``: a
push looks for the worker of the same NSS in the same contract before storing a new one; without
it, each push of workers read every worker of its company). PostgreSQL only: a single office's
SQLite server holds few.

Revision ID: 0012_trabajadores_por_contrato
Revises: 0011_epoca_de_los_renglones
Create Date: 2026-11-28
"""

from alembic import op

revision = "0012_trabajadores_por_contrato"
down_revision = "0011_epoca_de_los_renglones"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE INDEX IF NOT EXISTS ix_rows_trabajador_por_contrato ON rows "
        "(empresa_id, (data ->> 'contrato_id'), (data ->> 'nss')) "
        "WHERE tabla = 'icsoe_contrato_trabajadores'"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_rows_trabajador_por_contrato")
