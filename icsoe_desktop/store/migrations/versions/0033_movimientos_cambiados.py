"""Which movements were written since: ``movimientos_cambiados``, kept by triggers on
movimientos, so that the find box's copy in memory (services/movimientos/espejo.py) is brought
up to date by reading the few rows a change wrote instead of every movement again. Only the
latest ``GUARDADOS`` are kept (a copy further behind is read again). A bulk insert records its
rows itself (store/conteo.py). ``azar``, a random number of each change, tells one store's
history from another's (a copy kept for a store is never taken for another's, nor for the same
file restored from a backup). Derived data: not synced.

Revision ID: 0033_movimientos_cambiados
Revises: 0032_acuse_declarado
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0033_movimientos_cambiados"
down_revision = "0032_acuse_declarado"
branch_labels = None
depends_on = None

GUARDADOS = 100_000
# Written out as they are at this revision (store/movimientos_espejo.py names them).
_NUEVO = "INSERT INTO movimientos_cambiados (movimiento_id) VALUES ({}.id);"
# The columns the copy holds: the find's terms (NSS, names) and the search panel's.
_COLUMNAS = (
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
TRIGGERS = {
    "movimientos_cambiados_insert": f"AFTER INSERT ON movimientos BEGIN {_NUEVO.format('new')} END",
    "movimientos_cambiados_delete": f"AFTER DELETE ON movimientos BEGIN {_NUEVO.format('old')} END",
    "movimientos_cambiados_update": (
        f"AFTER UPDATE OF {', '.join(_COLUMNAS)} ON movimientos WHEN "
        + " OR ".join(f"old.{c} IS NOT new.{c}" for c in _COLUMNAS)
        + f" BEGIN {_NUEVO.format('new')} END"
    ),
    # Every thousandth, the oldest past GUARDADOS let go of.
    "movimientos_cambiados_recorte": (
        "AFTER INSERT ON movimientos_cambiados WHEN new.n % 1000 = 0 BEGIN "
        f"DELETE FROM movimientos_cambiados WHERE n <= new.n - {GUARDADOS}; END"
    ),
}


def upgrade() -> None:
    op.create_table(
        "movimientos_cambiados",
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("movimiento_id", sa.Integer(), nullable=False),
        sa.Column("azar", sa.Integer(), server_default=sa.text("(random())"), nullable=False),
        sa.PrimaryKeyConstraint("n"),
        sqlite_autoincrement=True,
    )
    for name, body in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")


def downgrade() -> None:
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("movimientos_cambiados")
