"""The find box of the movimientos grid: a worker's movements by the beginning of their NSS,
CURP or name (IDSE's order, or the nombre first; Ñ read as N), each a partial index over the
live movements (store/movimientos_buscar.py). Indexes only: nothing stored, nothing synced.

Revision ID: 0028_buscar_trabajador
Revises: 0027_deriva_contenido
Create Date: 2026-11-25
"""

from alembic import op

revision = "0028_buscar_trabajador"
down_revision = "0027_deriva_contenido"
branch_labels = None
depends_on = None

# Written out as they are at this revision (not read from the code, which may change).
_APELLIDOS = "trim(primer_apellido || ' ' || segundo_apellido)"
INDEXES = (
    ("ix_mov_buscar_nss", "nss"),
    ("ix_mov_buscar_curp", "curp"),
    ("ix_mov_buscar_nombre", f"replace({_APELLIDOS} || ' ' || nombre, 'Ñ', 'N')"),
    ("ix_mov_buscar_nombre_pila", f"replace(nombre || ' ' || {_APELLIDOS}, 'Ñ', 'N')"),
)


def upgrade() -> None:
    for name, term in INDEXES:
        op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON movimientos ({term}) WHERE deleted = 0")


def downgrade() -> None:
    for name, _term in INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
