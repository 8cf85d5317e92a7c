"""El número de lote deja de ser único: dos equipos que generan lotes sin conexión pueden dar el
mismo número a lotes distintos, y con la sincronización ambos deben poder convivir.

SQLite cannot drop a constraint in place: the table is rebuilt (batch mode). The constraint was
created without a name, so the naming convention gives it one to drop it by. ``store.db.upgrade``
runs migrations with foreign keys off: dropping the old table must not cascade to its children.

Revision ID: 0006_lote_numero
Revises: 0005_sync
Create Date: 2026-11-22
"""

from alembic import op

revision = "0006_lote_numero"
down_revision = "0005_sync"
branch_labels = None
depends_on = None

NAMING = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def upgrade() -> None:
    with op.batch_alter_table("lotes", naming_convention=NAMING) as batch_op:
        batch_op.drop_constraint("uq_lotes_numero", type_="unique")
        batch_op.create_index("ix_lotes_numero", ["numero"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("lotes", naming_convention=NAMING) as batch_op:
        batch_op.drop_index("ix_lotes_numero")
        batch_op.create_unique_constraint("uq_lotes_numero", ["numero"])
