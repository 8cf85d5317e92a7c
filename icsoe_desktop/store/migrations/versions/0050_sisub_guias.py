"""``sisub_guias``: the layout the office's INFONAVIT guide gave each of the SISUB's three CSVs,
one row per CSV (its titles and fields in order, the guide's file name and SHA-256, who read it
and when), synced, so every desktop of the company exports with the guide one of them read. The
layouts an empresa kept in ``sisub_guias.json`` beside its settings are moved here when it opens
(services/sisub/guia.py ``trasladar``); the sync's bookkeeping is written again with the table.

Revision ID: 0050_sisub_guias
Revises: 0049_evidencia_documento_datos
Create Date: 2026-11-29
"""

import importlib

import sqlalchemy as sa
from alembic import op

from icsoe_desktop.store import pendientes, plain, sumas

revision = "0050_sisub_guias"
down_revision = "0049_evidencia_documento_datos"
branch_labels = None
depends_on = None

# The synced tables before this revision: 0046's (0047 to 0049 added columns only).
_previa = importlib.import_module(
    "icsoe_desktop.store.migrations.versions.0046_repse_evidencias_sincronizadas"
)
_COLUMNAS = ("archivo", "titulos", "campos", "nombre", "sha256", "leida_por", "leida_at")
NUEVA: sumas.SyncedTableSums = ("sisub_guias", False, None, (*_COLUMNAS, "created_at", "deleted"))
# The synced tables at this revision: the guides after the SISUB's PDFs, as registered.
TABLES: tuple[sumas.SyncedTableSums, ...] = tuple(
    t
    for previa in _previa.TABLES
    for t in ((previa, NUEVA) if previa[0] == "sisub_pdfs" else (previa,))
)


def _replace(tables: tuple[sumas.SyncedTableSums, ...]) -> None:
    driver = plain.driver(op.get_bind())
    sumas.drop_bookkeeping(driver)
    pendientes.drop_bookkeeping(driver)
    for statement in sumas.bookkeeping(tables):
        op.execute(statement)
    for statement in pendientes.bookkeeping((t[0], t[2]) for t in tables):
        op.execute(statement)


def upgrade() -> None:
    op.create_table(
        "sisub_guias",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("archivo", sa.String(length=16), nullable=False),
        sa.Column("titulos", sa.Text(), nullable=False),
        sa.Column("campos", sa.Text(), nullable=False),
        sa.Column("nombre", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("leida_por", sa.String(length=254), nullable=False),
        sa.Column("leida_at", sa.DateTime(), nullable=False),
        sa.Column("uuid", sa.String(36), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ux_sisub_guias", "sisub_guias", ["archivo"], unique=True)
    _replace(TABLES)


def downgrade() -> None:
    _replace(_previa.TABLES)
    # The table's sync states, sums and count of rows to send go with it: a later upgrade
    # starts them from its rows again.
    for bookkeeping in ("sync_row_state", "sync_sums", "sync_unsent"):
        op.execute(f"DELETE FROM {bookkeeping} WHERE table_name = 'sisub_guias'")
    op.drop_index("ux_sisub_guias", table_name="sisub_guias")
    op.drop_table("sisub_guias")
