"""The audit log chained: each entry's link (a hash of the entry and of the previous link,
domain/bitacora.py) in ``audit_cadena``, written by a trigger as the entry is inserted, so an
entry edited, removed or added by hand in a copy of the store breaks the chain from there on.
The entries already there are chained now, in their order. The catalog's ``empresas`` keeps
each empresa's last link seen, so a store older than it (or cut) is recognised.

The trigger calls ``bitacora_eslabon``, registered on every connection of the app
(store/plain.py), as the sync sums' triggers call ``sync_hash``.

Revision ID: 0025_bitacora_encadenada
Revises: 0024_informativa_congelada
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

from icsoe_desktop.domain.bitacora import ESLABON, eslabon

revision = "0025_bitacora_encadenada"
down_revision = "0024_informativa_congelada"
branch_labels = None
depends_on = None

_COLUMNAS = "uuid, at, actor, action, target, detail"


def upgrade() -> None:
    op.create_table(
        "audit_cadena",
        sa.Column("audit_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("audit_id"),
    )
    conn = op.get_bind()
    previo = None
    links = []
    for row in conn.exec_driver_sql(f"SELECT id, {_COLUMNAS} FROM audit_log ORDER BY id"):
        previo = eslabon(previo, *row[1:])
        links.append({"audit_id": row[0], "hash": previo})
    if links:
        op.bulk_insert(sa.table("audit_cadena", sa.column("audit_id"), sa.column("hash")), links)
    op.execute(
        "CREATE TRIGGER audit_cadena_eslabon AFTER INSERT ON audit_log BEGIN "
        "INSERT INTO audit_cadena (audit_id, hash) VALUES (new.id, "
        f"{ESLABON}((SELECT hash FROM audit_cadena ORDER BY audit_id DESC LIMIT 1), "
        "new.uuid, new.at, new.actor, new.action, new.target, new.detail)); END"
    )
    for verb in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER audit_cadena_no_{verb.lower()} BEFORE {verb} ON audit_cadena "
            "BEGIN SELECT RAISE(ABORT, 'audit_cadena es de sólo inserción'); END"
        )
    op.add_column("empresas", sa.Column("bitacora_id", sa.Integer(), nullable=True))
    op.add_column("empresas", sa.Column("bitacora_hash", sa.String(length=64), nullable=True))


def downgrade() -> None:
    for name in ("audit_cadena_eslabon", "audit_cadena_no_update", "audit_cadena_no_delete"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("audit_cadena")
    with op.batch_alter_table("empresas") as batch:
        batch.drop_column("bitacora_hash")
        batch.drop_column("bitacora_id")
