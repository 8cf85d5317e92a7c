"""``nomina_recibos.xml_sha256``: the SHA-256 (32 bytes) of the receipt's XML as this desktop
verified it, so that a client's pack checks each stored XML against it instead of verifying its
seals again (services/evidencias/servicio.py). Local to each desktop, as ``sello_sat``.

Receipts stored before get theirs at their first pack, not here: the XML sits in the evidence
archive, a file apart, and a SHA-256 taken from it now would vouch for bytes nobody verified;
that first pack verifies the seals as every pack did before and records what it verified. A
column added with no value rewrites no row of the store.

Revision ID: 0058_recibos_xml_sha256
Revises: 0057_clases_cambiadas
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0058_recibos_xml_sha256"
down_revision = "0057_clases_cambiadas"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("nomina_recibos", sa.Column("xml_sha256", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    op.drop_column("nomina_recibos", "xml_sha256")
