"""Sort indexes that hold only the sort key: (deleted, tipo, estado, column), the row's id after.

Holding the filter's columns (estado, registro patronal, fecha) and the id once more, each sort
index took ~54 MiB per million movimientos and all of them four times the store; a first sort
built one for 5-27 s. An estado is now part of each index's prefix (a seek, as a tipo is), and
a registro patronal or a date range is tested on the movement's row.

The sort indexes built at run time (MovimientosService.prepare_sort) are dropped here, so the
next first sort by a column builds it narrow. The downgrade drops them too: the earlier version
builds its own on its next sort.

Revision ID: 0017_orden_estrecho
Revises: 0016_informativa
Create Date: 2026-11-23
"""

from alembic import op

revision = "0017_orden_estrecho"
down_revision = "0016_informativa"
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
