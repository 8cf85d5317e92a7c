"""An IMSS acuse whose text does not state whose it is (a scanned PDF) is registered only when
the clerk states it: ``acuse_imss_declarado`` records that the registro was stated, not read.
A plain ADD COLUMN, sent: the content triggers are written again with it (store/sumas.py).

Revision ID: 0032_acuse_declarado
Revises: 0031_informativa_cabecera
Create Date: 2026-11-27
"""

import importlib

import sqlalchemy as sa
from alembic import op

from icsoe_desktop.store import plain, sumas

revision = "0032_acuse_declarado"
down_revision = "0031_informativa_cabecera"
branch_labels = None
depends_on = None

_previa = importlib.import_module(
    "icsoe_desktop.store.migrations.versions.0031_informativa_cabecera"
)
NUEVA = "acuse_imss_declarado"
# The synced tables at this revision: 0031's, icsoe_informativas with its new column.
TABLES: tuple[sumas.SyncedTableSums, ...] = tuple(
    (name, append_only, sent, (*columns[:-2], NUEVA, *columns[-2:]))
    if name == "icsoe_informativas"
    else (name, append_only, sent, columns)
    for name, append_only, sent, columns in _previa.TABLES
)


def _replace(tables: tuple[sumas.SyncedTableSums, ...]) -> None:
    sumas.drop_bookkeeping(plain.driver(op.get_bind()))
    for statement in sumas.bookkeeping(tables):
        op.execute(statement)


def upgrade() -> None:
    op.add_column(
        "icsoe_informativas",
        sa.Column(NUEVA, sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    _replace(TABLES)


def downgrade() -> None:
    _replace(_previa.TABLES)
    op.execute(f"ALTER TABLE icsoe_informativas DROP COLUMN {NUEVA}")
