"""Pushes of one company in parallel, and checksums kept as rows are written.

``seq_leases``: the sequence numbers handed to pushes whose transaction may still be open (a
pull stops below them). ``bucket_sums``: the changes of each table's checksum per bucket of
uuids, written by each push (PostgreSQL; on SQLite the checksums are summed from the rows);
filled here from the rows already stored.

Revision ID: 0005_pushes_en_paralelo
Revises: 0004_uuid_bytes
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_pushes_en_paralelo"
down_revision = "0004_uuid_bytes"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "seq_leases",
        sa.Column("empresa_id", sa.Integer, primary_key=True),
        sa.Column("first_seq", sa.BigInteger, primary_key=True),
        sa.Column("last_seq", sa.BigInteger, nullable=False),
        sa.Column("owner", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "bucket_sums",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("empresa_id", sa.Integer, nullable=False),
        sa.Column("tabla", sa.String(64), nullable=False),
        sa.Column("bucket", sa.Integer, nullable=False),
        sa.Column("rows", sa.BigInteger, nullable=False),
        sa.Column("total", sa.Numeric(40, 0), nullable=False),
    )
    op.create_index("ix_bucket_sums", "bucket_sums", ["empresa_id", "tabla", "bucket"])
    if op.get_bind().dialect.name == "postgresql":
        # The rows already stored, summed once.
        bucket = "('x' || right(uuid, 3))::bit(12)::int"
        part = "('x' || substr(md5(uuid || ':' || version::text), 1, 15))::bit(60)::bigint"
        op.execute(
            "INSERT INTO bucket_sums (empresa_id, tabla, bucket, rows, total) "
            f"SELECT empresa_id, tabla, {bucket}, count(*), sum({part}) FROM rows "
            f"GROUP BY empresa_id, tabla, {bucket}"
        )
        op.execute(
            "INSERT INTO bucket_sums (empresa_id, tabla, bucket, rows, total) "
            "SELECT empresa_id, tabla, -1, sum(rows), sum(total) FROM bucket_sums "
            "GROUP BY empresa_id, tabla"
        )


def downgrade() -> None:
    op.drop_index("ix_bucket_sums", "bucket_sums")
    op.drop_table("bucket_sums")
    op.drop_table("seq_leases")
