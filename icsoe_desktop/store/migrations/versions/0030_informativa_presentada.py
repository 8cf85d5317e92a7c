"""An informativa filed on the IMSS portal: ``estado`` «presentada» and, from the portal's acuse de
presentación, ``folio_imss`` (N…, SI…), ``presentada_at`` (naive UTC), ``folios_imss`` (each
contract's IMSS folio, JSON) and the acuse PDF with its SHA-256. Plain ADD COLUMNs, all sent:
the content triggers are written again with the new columns (store/sumas.py).

Revision ID: 0030_informativa_presentada
Revises: 0029_rechazo_portal
Create Date: 2026-11-25
"""

import importlib

import sqlalchemy as sa
from alembic import op

from icsoe_desktop.store import plain, sumas

revision = "0030_informativa_presentada"
down_revision = "0029_rechazo_portal"
branch_labels = None
depends_on = None

_previa = importlib.import_module("icsoe_desktop.store.migrations.versions.0029_rechazo_portal")
NUEVAS = ("folio_imss", "presentada_at", "folios_imss", "acuse_imss_pdf", "acuse_imss_sha256")
# The synced tables at this revision: 0029's, icsoe_informativas with its new columns.
TABLES: tuple[sumas.SyncedTableSums, ...] = tuple(
    (name, append_only, sent, (*columns[:-2], *NUEVAS, *columns[-2:]))
    if name == "icsoe_informativas"
    else (name, append_only, sent, columns)
    for name, append_only, sent, columns in _previa.TABLES
)


def _replace(tables: tuple[sumas.SyncedTableSums, ...]) -> None:
    sumas.drop_bookkeeping(plain.driver(op.get_bind()))
    for statement in sumas.bookkeeping(tables):
        op.execute(statement)


def upgrade() -> None:
    for column in (
        sa.Column("folio_imss", sa.String(20), nullable=False, server_default=""),
        sa.Column("presentada_at", sa.DateTime(), nullable=True),
        sa.Column("folios_imss", sa.Text(), nullable=False, server_default=""),
        sa.Column("acuse_imss_pdf", sa.LargeBinary(), nullable=True),
        sa.Column("acuse_imss_sha256", sa.String(64), nullable=False, server_default=""),
    ):
        op.add_column("icsoe_informativas", column)
    _replace(TABLES)


def downgrade() -> None:
    _replace(_previa.TABLES)
    for column in reversed(NUEVAS):
        op.execute(f"ALTER TABLE icsoe_informativas DROP COLUMN {column}")
