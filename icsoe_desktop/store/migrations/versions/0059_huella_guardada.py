"""``sync_row_state.huella``: the content fingerprint (``domain/contenido.py``) of the row as
this desktop and the server last agreed on it: a pulled row as applied, a pushed row as the
server accepted it. The hourly content check takes it for a clean row still at that version
instead of reading and hashing the row again (``services/sync/contenido.py``).

States made before have none (NULL): the content check computes those as before. A column
added with no value rewrites no row of the store.

Revision ID: 0059_huella_guardada
Revises: 0058_recibos_xml_sha256
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0059_huella_guardada"
down_revision = "0058_recibos_xml_sha256"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("sync_row_state", sa.Column("huella", sa.Integer(), nullable=True))


def downgrade() -> None:
    # (SQLite's own DROP COLUMN: the table keeps its WITHOUT ROWID b-tree, index and triggers)
    op.execute("ALTER TABLE sync_row_state DROP COLUMN huella")
