"""A signed informativa keeps everything it says, frozen at *Firmar*: ``congelada``, the
informativa whole (contratista, contratantes, contracts, workers) and its signing time as
zlib-compressed JSON (domain/informativa/firmada.py). Its exports, its acuse and its
verification read it instead of the live rows, which may change afterwards.

Nullable: a row signed before this revision, or pushed by a desktop of an older version, has
none; the app then reads the informativa back from its cadena original. A plain ADD COLUMN:
the table and its sync triggers stay as they are.

Revision ID: 0024_informativa_congelada
Revises: 0023_estado_tipo
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0024_informativa_congelada"
down_revision = "0023_estado_tipo"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("icsoe_informativas", sa.Column("congelada", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    op.execute("ALTER TABLE icsoe_informativas DROP COLUMN congelada")
