"""Sort indexes that also hold the filter's columns, so a filtered page is read from the index;
live movements per registro patronal, tipo and estado, for a count without dates.

A page of "rechazados sorted by CURP" walked ix_mov_orden_curp (deleted, tipo, curp) and read
each movement's row to test its estado: 2,500 row reads per page at 8 % rechazados, 0.1-3 s at a
million movements. With the filter's columns (estado, registro patronal, fecha) at the end of
each sort index the test is made on the index entry and only the page's 200 rows are read.
The id goes right after the sort column, so that (column, id), the grid's order, stays the
index's own order.

The sort indexes built at run time (MovimientosService.prepare_sort) are dropped here, so the
next first sort by a column builds it with the new columns. The default order (fecha) gets one
too, ix_mov_orden_fecha, built on its first sort or first search by estado or registro patronal
(until then it reads ix_mov_tipo_fecha, as before): in the schema it would slow every insert.

``movimientos_total`` (at most registros × 3 tipos × 5 estados rows) answers a search without
dates: «Todos» summed 49,180 rows of movimientos_conteo at a million movements (8 ms), now 45.
The same triggers keep both tables (bulk inserts add their batch to both: store/conteo.py).

Revision ID: 0012_p18grid_orden_cubre
Revises: 0011_e20_empresas
Create Date: 2026-11-22
"""

from importlib import import_module

import sqlalchemy as sa
from alembic import op

revision = "0012_p18grid_orden_cubre"
down_revision = "0011_e20_empresas"
branch_labels = None
depends_on = None

# The same sort columns (and fecha's, new here) and the same triggers as 0010, plus the totals.
_0010 = import_module("icsoe_desktop.store.migrations.versions.0010_perf_grid")
_SORT_COLUMNS = (*_0010._SORT_COLUMNS, "fecha")
_MINUS = (
    f"{_0010._MINUS} UPDATE movimientos_total SET n = n - 1 WHERE "
    "registro_patronal = OLD.registro_patronal AND tipo = OLD.tipo AND estado = OLD.estado "
    "AND OLD.deleted = 0;"
)
_PLUS = (
    f"{_0010._PLUS} INSERT INTO movimientos_total (registro_patronal, tipo, estado, n) "
    "SELECT NEW.registro_patronal, NEW.tipo, NEW.estado, 1 WHERE NEW.deleted = 0 "
    "ON CONFLICT DO UPDATE SET n = n + 1;"
)
TRIGGERS = {
    name: body.replace(_0010._MINUS, _MINUS).replace(_0010._PLUS, _PLUS)
    for name, body in _0010.TRIGGERS.items()
}


def _drop_sort_indexes() -> None:
    for column in _SORT_COLUMNS:
        op.execute(f"DROP INDEX IF EXISTS ix_mov_orden_{column}")


def upgrade() -> None:
    op.create_table(
        "movimientos_total",
        sa.Column("registro_patronal", sa.String(length=11), nullable=False),
        sa.Column("tipo", sa.String(length=2), nullable=False),
        sa.Column("estado", sa.String(length=10), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("registro_patronal", "tipo", "estado"),
        sqlite_with_rowid=False,
    )
    op.execute(
        "INSERT INTO movimientos_total (registro_patronal, tipo, estado, n) "
        "SELECT registro_patronal, tipo, estado, sum(n) FROM movimientos_conteo "
        "GROUP BY registro_patronal, tipo, estado"
    )
    for name, body in TRIGGERS.items():
        op.execute(f"DROP TRIGGER {name}")
        op.execute(f"CREATE TRIGGER {name} {body}")
    _drop_sort_indexes()


def downgrade() -> None:
    for name, body in _0010.TRIGGERS.items():
        op.execute(f"DROP TRIGGER {name}")
        op.execute(f"CREATE TRIGGER {name} {body}")
    op.drop_table("movimientos_total")
    _drop_sort_indexes()
