"""The receipts by the date they were paid, with what the board of Evidencias del cliente reads
of each (``deleted``, ``uuid``): its grouped count of clients × months reads this index and not
the receipts' rows (~600 bytes each).

Revision ID: 0044_recibos_por_fecha_pago
Revises: 0043_sisub_pdfs
Create Date: 2026-11-28
"""

from alembic import op

revision = "0044_recibos_por_fecha_pago"
down_revision = "0043_sisub_pdfs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_nomina_recibos_fecha_pago", "nomina_recibos", ["fecha_pago", "deleted", "uuid"]
    )


def downgrade() -> None:
    op.drop_index("ix_nomina_recibos_fecha_pago", table_name="nomina_recibos")
