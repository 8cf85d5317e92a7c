"""An index of the SISUB's PDFs by contratista and contract (``sync_server/exclusivas.py``: a
push of one looks for the PDF of the same key before storing it; without it, that look-up read
and parsed every PDF of the contratista, megabytes each). PostgreSQL only: a single office's
SQLite server holds few.

Revision ID: 0014_pdfs_del_sisub
Revises: 0013_huella_canonica
Create Date: 2026-11-28
"""

from alembic import op

revision = "0014_pdfs_del_sisub"
down_revision = "0013_huella_canonica"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE INDEX IF NOT EXISTS ix_rows_pdf_del_sisub ON rows "
        "(empresa_id, (data ->> 'contratista_id'), (data ->> 'contrato')) "
        "WHERE tabla = 'sisub_pdfs'"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_rows_pdf_del_sisub")
