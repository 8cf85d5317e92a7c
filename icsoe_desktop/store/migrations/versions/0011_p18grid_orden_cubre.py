"""Sort indexes that also hold the filter's columns, so a filtered page is read from the index.

A page of "rechazados sorted by CURP" walked ix_mov_orden_curp (deleted, tipo, curp) and read
each movement's row to test its estado: 2,500 row reads per page at 8 % rechazados, 0.1-3 s at a
million movements. With the filter's columns (estado, registro patronal, fecha) at the end of
each sort index the test is made on the index entry and only the page's 200 rows are read.

The sort indexes built at run time (MovimientosService.prepare_sort) are dropped here, so the
next first sort by a column builds it with the new columns. ix_mov_tipo_fecha, the index of the
default order (fecha), gets them too.

Revision ID: 0011_p18grid_orden_cubre
Revises: 0010_perf_grid
Create Date: 2026-11-22
"""

from alembic import op

revision = "0011_p18grid_orden_cubre"
down_revision = "0010_perf_grid"
branch_labels = None
depends_on = None

_SORT_COLUMNS = (
    "registro_patronal",
    "nombre",
    "primer_apellido",
    "segundo_apellido",
    "nss",
    "sbc",
    "curp",
    "tipo_trabajador",
    "salario",
    "estado",
    "tipo_salario",
    "jornada",
    "umf",
    "causa_baja",
    "clave_trabajador",
    "guia",
    "fecha_emision",
    "fecha_recibido",
    "fecha_aprobacion",
    "fecha_rechazo",
    "causa_rechazo",
    "lote_id",
    "tipo",
)


def _drop_sort_indexes() -> None:
    for column in _SORT_COLUMNS:
        op.execute(f"DROP INDEX IF EXISTS ix_mov_orden_{column}")


def upgrade() -> None:
    _drop_sort_indexes()
    op.drop_index("ix_mov_tipo_fecha", table_name="movimientos")
    op.create_index(
        "ix_mov_tipo_fecha",
        "movimientos",
        ["deleted", "tipo", "fecha", "estado", "registro_patronal"],
    )


def downgrade() -> None:
    _drop_sort_indexes()
    op.drop_index("ix_mov_tipo_fecha", table_name="movimientos")
    op.create_index("ix_mov_tipo_fecha", "movimientos", ["deleted", "tipo", "fecha"])
