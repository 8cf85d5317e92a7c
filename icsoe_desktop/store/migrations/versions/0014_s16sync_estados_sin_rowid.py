"""Sync states in one b-tree: ``sync_row_state`` WITHOUT ROWID, its dirty index partial.

A state was three b-tree entries (the table's rowid, its (table_name, row_uuid) key, the dirty
flag's index); keyed by (table_name, row_uuid) alone it is one, plus an index entry only while
the row waits to be sent (``dirty IS 1``, as every query that reads it by that index says it).
Recording a 100,000-row push or pull wrote all three for each row; the file holds each state
once instead of twice.

Revision ID: 0014_s16sync_estados_sin_rowid
Revises: 0013_e20gaps_solo_consulta
Create Date: 2026-11-23
"""

from alembic import op

revision = "0014_s16sync_estados_sin_rowid"
down_revision = "0013_e20gaps_solo_consulta"
branch_labels = None
depends_on = None

_COLUMNS = "table_name, row_uuid, server_seq, dirty, version"


def _rebuild(rowid: bool, where: str) -> None:
    op.execute(
        "CREATE TABLE sync_row_state_nuevo (table_name VARCHAR(64) NOT NULL, "
        "row_uuid VARCHAR(36) NOT NULL, server_seq INTEGER NOT NULL, dirty BOOLEAN NOT NULL, "
        "version INTEGER, PRIMARY KEY (table_name, row_uuid))" + ("" if rowid else " WITHOUT ROWID")
    )
    op.execute(
        f"INSERT INTO sync_row_state_nuevo ({_COLUMNS}) SELECT {_COLUMNS} FROM sync_row_state"
    )
    op.execute("DROP TABLE sync_row_state")  # and its index
    op.execute("ALTER TABLE sync_row_state_nuevo RENAME TO sync_row_state")
    op.execute(f"CREATE INDEX ix_sync_row_state_dirty ON sync_row_state (dirty){where}")


def upgrade() -> None:
    _rebuild(rowid=False, where=" WHERE dirty IS 1")


def downgrade() -> None:
    _rebuild(rowid=True, where="")
