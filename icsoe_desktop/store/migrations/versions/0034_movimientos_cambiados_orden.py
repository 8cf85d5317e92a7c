"""``movimientos_cambiados`` records a movement also when only a column the grid sorts by
changes, marked ``copia = 0`` (none of the find box's copy's columns changed: the copy skips
it): a sortable column's order kept in memory (services/movimientos/espejo_columnas.py) then
stays usable after a change, the movements written since put in their places by their values
now, instead of waiting for the order to be read again. Derived data: not synced.

Revision ID: 0034_movimientos_cambiados_orden
Revises: 0033_movimientos_cambiados
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0034_movimientos_cambiados_orden"
down_revision = "0033_movimientos_cambiados"
branch_labels = None
depends_on = None

# Written out as they are at this revision: 0033's (the copy's: the find's terms and the
# search panel's), then the rest of the grid's sort columns (store/models/movimientos.py
# SORT_COLUMNS).
_COPIA = (
    "nss",
    "primer_apellido",
    "segundo_apellido",
    "nombre",
    "registro_patronal",
    "tipo",
    "estado",
    "fecha",
    "deleted",
)
_ORDEN = (
    "sbc",
    "curp",
    "tipo_trabajador",
    "salario",
    "fecha_emision",
    "fecha_recibido",
    "fecha_aprobacion",
    "fecha_rechazo",
    "causa_rechazo",
    "tipo_salario",
    "jornada",
    "umf",
    "causa_baja",
    "clave_trabajador",
    "guia",
    "lote_id",
)
TRIGGER = "movimientos_cambiados_orden"


def _cambio(columnas: tuple[str, ...]) -> str:
    return "(" + " OR ".join(f"old.{c} IS NOT new.{c}" for c in columnas) + ")"


def upgrade() -> None:
    # In place (ALTER TABLE): a batch copy of the table would drop its trimming trigger.
    op.add_column(
        "movimientos_cambiados",
        sa.Column("copia", sa.Integer(), server_default=sa.text("1"), nullable=False),
    )
    # 0033's trigger records a change of the copy's columns (copia 1, the default).
    op.execute(
        f"CREATE TRIGGER {TRIGGER} AFTER UPDATE OF {', '.join(_ORDEN)} ON movimientos "
        f"WHEN {_cambio(_ORDEN)} AND NOT {_cambio(_COPIA)} BEGIN "
        "INSERT INTO movimientos_cambiados (movimiento_id, copia) VALUES (new.id, 0); END"
    )


def downgrade() -> None:
    op.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}")
    op.execute("ALTER TABLE movimientos_cambiados DROP COLUMN copia")
