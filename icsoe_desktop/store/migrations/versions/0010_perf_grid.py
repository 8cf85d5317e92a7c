"""La rejilla de movimientos a un millón de filas: una tabla de conteos que mantienen triggers.

The per-column sort indexes are NOT created here: each costs disk and slows every insert
(import, sync pull), so the service builds one the first time the clerk sorts by its column
(MovimientosService.prepare_sort; README «Rendimiento»). Filters and the default order (fecha)
use the indexes the store has since 0001.

``movimientos_conteo`` holds the live movements per (registro patronal, tipo, estado, fecha):
the grid's total is a sum over those few thousand rows instead of a count over a million.
Triggers keep it exact on every insert, delete and update, whoever writes (import, sync, lotes).

Revision ID: 0010_perf_grid
Revises: 0009_clerk_primer_uso
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_perf_grid"
down_revision = "0009_clerk_primer_uso"
branch_labels = None
depends_on = None

# Built at run time (models_movimientos.sort_index_ddl), dropped by the downgrade if they were.
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
_KEY = "registro_patronal = {r}.registro_patronal AND tipo = {r}.tipo AND estado = {r}.estado"
_MINUS = (
    "UPDATE movimientos_conteo SET n = n - 1 WHERE "
    + _KEY.format(r="OLD")
    + " AND fecha = OLD.fecha AND OLD.deleted = 0;"
)
_PLUS = (
    "INSERT INTO movimientos_conteo (registro_patronal, tipo, estado, fecha, n) "
    "SELECT NEW.registro_patronal, NEW.tipo, NEW.estado, NEW.fecha, 1 WHERE NEW.deleted = 0 "
    "ON CONFLICT DO UPDATE SET n = n + 1;"
)
TRIGGERS = {
    "movimientos_conteo_insert": f"AFTER INSERT ON movimientos BEGIN {_PLUS} END",
    "movimientos_conteo_delete": f"AFTER DELETE ON movimientos BEGIN {_MINUS} END",
    "movimientos_conteo_update": (
        "AFTER UPDATE OF registro_patronal, tipo, estado, fecha, deleted ON movimientos "
        f"BEGIN {_MINUS} {_PLUS} END"
    ),
}


def upgrade() -> None:
    op.create_table(
        "movimientos_conteo",
        sa.Column("registro_patronal", sa.String(length=11), nullable=False),
        sa.Column("tipo", sa.String(length=2), nullable=False),
        sa.Column("estado", sa.String(length=10), nullable=False),
        sa.Column("fecha", sa.Date(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("registro_patronal", "tipo", "estado", "fecha"),
        sqlite_with_rowid=False,
    )
    op.execute(
        "INSERT INTO movimientos_conteo (registro_patronal, tipo, estado, fecha, n) "
        "SELECT registro_patronal, tipo, estado, fecha, count(*) FROM movimientos "
        "WHERE deleted = 0 GROUP BY registro_patronal, tipo, estado, fecha"
    )
    for name, body in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")


def downgrade() -> None:
    for column in _SORT_COLUMNS:
        op.execute(f"DROP INDEX IF EXISTS ix_mov_orden_{column}")
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("movimientos_conteo")
