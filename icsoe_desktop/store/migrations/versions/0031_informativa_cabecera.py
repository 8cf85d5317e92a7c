"""Two things a staffing firm's informativa (50 contracts × 12,000 workers) needs to open and
page at once.

A signed informativa also keeps its frozen copy without the workers: ``congelada_cabecera``
(the contratista and each contract with its contratante, as signed), which its window, its
contract list and the presentación read without decompressing hundreds of thousands of workers.
A plain ADD COLUMN, sent: the content triggers are written again with it (store/sumas.py). The
rows signed before it have none: they are read from the whole frozen copy.

The worker list of a contract sorts by each column it shows: an index per column,
(contrato_id, deleted, the column), a name without case or accents, then as stored
(store/trabajadores_orden.py). Indexes only: nothing stored, nothing synced.

Revision ID: 0031_informativa_cabecera
Revises: 0030_informativa_presentada
Create Date: 2026-11-25
"""

import importlib

import sqlalchemy as sa
from alembic import op

from icsoe_desktop.store import plain, sumas

revision = "0031_informativa_cabecera"
down_revision = "0030_informativa_presentada"
branch_labels = None
depends_on = None

_previa = importlib.import_module(
    "icsoe_desktop.store.migrations.versions.0030_informativa_presentada"
)
NUEVA = "congelada_cabecera"
# The synced tables at this revision: 0030's, icsoe_informativas with its new column.
TABLES: tuple[sumas.SyncedTableSums, ...] = tuple(
    (name, append_only, sent, (*columns[:-2], NUEVA, *columns[-2:]))
    if name == "icsoe_informativas"
    else (name, append_only, sent, columns)
    for name, append_only, sent, columns in _previa.TABLES
)


# Written out as they are at this revision (not read from the code, which may change).
_NOMBRE = "nombre"
for _letra, _llana in zip("áéíóúüñÁÉÍÓÚÜÑ", "aeiouunAEIOUUN", strict=True):
    _NOMBRE = f"replace({_NOMBRE}, '{_letra}', '{_llana}')"
INDEXES = (
    ("ix_contrato_trabajadores_nss", "nss"),
    ("ix_contrato_trabajadores_curp", "curp"),
    ("ix_contrato_trabajadores_sbc", "sbc"),
    ("ix_contrato_trabajadores_nombre", f"upper({_NOMBRE}), nombre"),
    ("ix_contrato_trabajadores_rechazo", "rechazo_portal"),
)


def _replace(tables: tuple[sumas.SyncedTableSums, ...]) -> None:
    sumas.drop_bookkeeping(plain.driver(op.get_bind()))
    for statement in sumas.bookkeeping(tables):
        op.execute(statement)


def upgrade() -> None:
    op.add_column("icsoe_informativas", sa.Column(NUEVA, sa.LargeBinary(), nullable=True))
    _replace(TABLES)
    for name, term in INDEXES:
        op.execute(
            f"CREATE INDEX IF NOT EXISTS {name} "
            f"ON icsoe_contrato_trabajadores (contrato_id, deleted, {term})"
        )


def downgrade() -> None:
    for name, _term in INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
    _replace(_previa.TABLES)
    op.execute(f"ALTER TABLE icsoe_informativas DROP COLUMN {NUEVA}")
