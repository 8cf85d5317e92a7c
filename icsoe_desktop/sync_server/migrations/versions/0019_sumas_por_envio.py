"""A push's per-bucket checksum changes in one row per table (``bucket_deltas``: three arrays,
bucket, rows and sum), not one ``bucket_sums`` row per bucket. A batch of 5,000 rows touches
some 2,900 of the 4,096 buckets: a row each would cost PostgreSQL a third of what the
batch's own rows cost it. The table's whole change (bucket -1, which every pull's summary
reads) stays a ``bucket_sums`` row. Readers add both; ``deriva.compact_sums`` folds both
into ``bucket_sums``. Also: the push replies kept for a retry (``batches.response``, some
350 KB a batch) compressed with lz4 where PostgreSQL has it (pglz takes ~2.5 times the CPU).
PostgreSQL only: a server on SQLite keeps no sums (it counts its rows on every read).

Revision ID: 0019_sumas_por_envio
Revises: 0018_huella_del_texto
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0019_sumas_por_envio"
down_revision = "0018_huella_del_texto"
branch_labels = None
depends_on = None

_LZ4 = "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    op.create_table(
        "bucket_deltas",
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column("empresa_id", sa.Integer, nullable=False),
        sa.Column("tabla", sa.String(64), nullable=False),
        sa.Column("buckets", postgresql.ARRAY(sa.Integer), nullable=False),
        sa.Column("rows", postgresql.ARRAY(sa.BigInteger), nullable=False),
        sa.Column("totals", postgresql.ARRAY(sa.Numeric(40, 0)), nullable=False),
    )
    op.create_index("ix_bucket_deltas", "bucket_deltas", ["empresa_id", "tabla"])
    if bind.execute(sa.text(_LZ4)).scalar():
        op.execute("ALTER TABLE batches ALTER COLUMN response SET COMPRESSION lz4")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "INSERT INTO bucket_sums (empresa_id, tabla, bucket, rows, total) "
        "SELECT d.empresa_id, d.tabla, u.bucket, u.rows, u.total FROM bucket_deltas d "
        "CROSS JOIN LATERAL unnest(d.buckets, d.rows, d.totals) AS u(bucket, rows, total)"
    )
    op.drop_index("ix_bucket_deltas", "bucket_deltas")
    op.drop_table("bucket_deltas")
    op.execute("ALTER TABLE batches ALTER COLUMN response SET COMPRESSION default")
