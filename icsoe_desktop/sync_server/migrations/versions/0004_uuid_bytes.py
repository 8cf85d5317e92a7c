"""``rows.uuid`` compared byte by byte (``COLLATE "C"``, PostgreSQL).

A canonical UUID is ASCII (lowercase hex and dashes, ``protocol.py`` refuses anything else),
so the database's language rules (en_US…) only made each comparison slower; with bytes the
unique index orders uuids as Python does, and a push of new rows can ask for the range between
its lowest and highest uuid at once (``push._existing``). The index is built again. (SQLite
compares bytes already: nothing to change.)

Revision ID: 0004_uuid_bytes
Revises: 0003_renglones_json
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_uuid_bytes"
down_revision = "0003_renglones_json"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.alter_column("rows", "uuid", type_=sa.String(36, collation="C"), existing_type=sa.String(36))


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.alter_column("rows", "uuid", type_=sa.String(36), existing_type=sa.String(36, collation="C"))
