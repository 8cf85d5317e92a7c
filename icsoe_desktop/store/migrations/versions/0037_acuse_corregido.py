"""A folio or a date read from the IMSS acuse that the clerk corrects (a misread acuse):
``acuse_imss_corregido`` keeps what the acuse's text states of what was registered otherwise
(JSON; "" when registered as read), so the stored acuse is still held to the registro. A plain
ADD COLUMN, sent: the content triggers are written again with it (store/sumas.py).

Revision ID: 0037_acuse_corregido
Revises: 0036_nomina_sustituidos
Create Date: 2026-11-28
"""

import importlib

import sqlalchemy as sa
from alembic import op

from icsoe_desktop.store import plain, sumas

revision = "0037_acuse_corregido"
down_revision = "0036_nomina_sustituidos"
branch_labels = None
depends_on = None

_previa = importlib.import_module("icsoe_desktop.store.migrations.versions.0032_acuse_declarado")
NUEVA = "acuse_imss_corregido"
# The synced tables at this revision: 0032's (none changed since), icsoe_informativas with its
# new column.
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
        sa.Column(NUEVA, sa.Text(), nullable=False, server_default=""),
    )
    _replace(TABLES)


def downgrade() -> None:
    _replace(_previa.TABLES)
    op.execute(f"ALTER TABLE icsoe_informativas DROP COLUMN {NUEVA}")
