"""Sort indexes with compact keys: (group, key) over the live movements, the row's id after.

The group is one small integer for the (tipo, estado) pair instead of their text, a date's key
its day number instead of its ISO text, an estado's or a tipo's its rank (models/movimientos.py
sort_key). The 24 sort indexes of a million movements took 782 MiB, the store 2.65 times its
size without them; a sort index is now 10-28 MiB.

The sort indexes built at run time (MovimientosService.prepare_sort) are dropped here, so the
next first sort by a column builds it compact. The downgrade drops them too: the earlier version
builds its own on its next sort.

Revision ID: 0019_orden_compacto
Revises: 0018_sumas_sincronizacion
Create Date: 2026-11-23
"""

from alembic import op

revision = "0019_orden_compacto"
down_revision = "0018_sumas_sincronizacion"
branch_labels = None
depends_on = None


def _drop_sort_indexes() -> None:
    bind = op.get_bind()
    names = bind.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'movimientos' "
        "AND (name LIKE 'ix\\_mov\\_orden\\_%' ESCAPE '\\' OR name LIKE 'ix\\_mov\\_mes\\_%' "
        "ESCAPE '\\')"
    ).scalars()
    for name in list(names):
        op.execute(f"DROP INDEX IF EXISTS {name}")


def upgrade() -> None:
    _drop_sort_indexes()


def downgrade() -> None:
    _drop_sort_indexes()
