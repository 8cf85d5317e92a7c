"""Whether anything waits to be sent, kept as rows are written (``store/pendientes.py``):
``sync_unsent`` per synced table, its triggers on each synced table and on ``sync_row_state``,
and the count of the rows already here without a state.

Revision ID: 0021_pendientes
Revises: 0020_registro_estado
Create Date: 2026-11-23
"""

from alembic import op

from icsoe_desktop.store import pendientes, plain

# (the module's full name: the bundle ships what the migrations import by it)
from icsoe_desktop.store.migrations.disparadores_0018_0021 import unsent as earlier_unsent

revision = "0021_pendientes"
down_revision = "0020_registro_estado"
branch_labels = None
depends_on = None

# The synced tables at this revision (domain/sync_registry.py): name, which rows travel. A
# table synced later creates its triggers in its own migration.
TABLES = (
    ("idse_users", None),
    ("registros_patronales", None),
    ("certificados_imss", None),
    ("lotes", None),
    ("movimientos", None),
    ("lote_movimientos", None),
    ("icsoe_contratistas", None),
    ("icsoe_capturistas", None),
    ("icsoe_capturista_relaciones", None),
    ("icsoe_contratantes", None),
    ("icsoe_informativas", None),
    ("icsoe_contratos", None),
    ("icsoe_contrato_trabajadores", None),
    ("audit_log", None),
    ("sync_conflicts", "{row}.kind = 'cambio'"),
)


def upgrade() -> None:
    op.execute(
        "CREATE TABLE sync_unsent (table_name VARCHAR(64) NOT NULL PRIMARY KEY, "
        "rows INTEGER NOT NULL) WITHOUT ROWID"
    )
    driver = plain.driver(op.get_bind())
    for table, sent in TABLES:
        pendientes.add(driver, table, pendientes.count_table(driver, table, sent))
    for statement in earlier_unsent(TABLES):
        op.execute(statement)


def downgrade() -> None:
    pendientes.drop_bookkeeping(plain.driver(op.get_bind()))
    op.execute("DROP TABLE sync_unsent")
