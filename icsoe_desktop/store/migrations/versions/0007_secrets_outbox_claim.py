"""Correo saliente sin duplicados y sin códigos en claro.

Each outbox row is claimed in the database before it is sent (``claimed_by`` and a lease until
``claimed_until``), so two processes on one data dir never send it twice; a crashed sender's
claim is retaken when the lease ends. A mail that carries a one-use code keeps only the code's
token (``token_id``); the code is drawn and put into the text at send time and never stored.
Bodies of already delivered mails that carried a code in clear are blanked.

Revision ID: 0007_secrets_outbox_claim
Revises: 0006_lote_numero
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_secrets_outbox_claim"
down_revision = "0006_lote_numero"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("outbox", sa.Column("claimed_by", sa.String(80), nullable=True))
    op.add_column("outbox", sa.Column("claimed_until", sa.DateTime(), nullable=True))
    op.add_column("outbox", sa.Column("token_id", sa.Integer(), nullable=True))
    # Codes mailed by earlier versions stayed in clear: void them, blank the delivered ones.
    op.execute(
        "UPDATE outbox SET body = '(Mensaje enviado; el código ya no se conserva.)' "
        "WHERE sent_at IS NOT NULL AND body LIKE '%código%'"
    )
    op.execute("UPDATE one_time_tokens SET revoked = 1 WHERE used_at IS NULL")


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.drop_column("token_id")
        batch_op.drop_column("claimed_until")
        batch_op.drop_column("claimed_by")
