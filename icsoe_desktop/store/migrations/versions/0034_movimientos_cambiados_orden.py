"""``movimientos_cambiados`` records a movement whenever a column the grid sorts by changes,
not only the find box's: a sortable column's order kept in memory
(services/movimientos/espejo_columnas.py) then stays usable after a change, the movements
written since put in their places by their values now, instead of waiting for the order to be
read again. Derived data: not synced.

Revision ID: 0034_movimientos_cambiados_orden
Revises: 0033_movimientos_cambiados
Create Date: 2026-11-28
"""

from alembic import op

revision = "0034_movimientos_cambiados_orden"
down_revision = "0033_movimientos_cambiados"
branch_labels = None
depends_on = None

_NOMBRE = "movimientos_cambiados_update"
_NUEVO = "INSERT INTO movimientos_cambiados (movimiento_id) VALUES (new.id);"
# Written out as they are at this revision: 0033's (the find's terms and the search panel's),
# then the rest of the grid's sort columns (store/models/movimientos.py SORT_COLUMNS).
_ANTES = (
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
_COLUMNAS = (
    *_ANTES,
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


def _disparador(columnas: tuple[str, ...]) -> str:
    return (
        f"CREATE TRIGGER {_NOMBRE} AFTER UPDATE OF {', '.join(columnas)} ON movimientos WHEN "
        + " OR ".join(f"old.{c} IS NOT new.{c}" for c in columnas)
        + f" BEGIN {_NUEVO} END"
    )


def upgrade() -> None:
    op.execute(f"DROP TRIGGER IF EXISTS {_NOMBRE}")
    op.execute(_disparador(_COLUMNAS))


def downgrade() -> None:
    op.execute(f"DROP TRIGGER IF EXISTS {_NOMBRE}")
    op.execute(_disparador(_ANTES))
