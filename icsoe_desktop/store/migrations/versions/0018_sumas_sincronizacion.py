"""The drift check's sums kept as rows are written (``store/sumas.py``): ``sync_sums`` per
synced table and bucket of uuids, its triggers on each synced table and on ``sync_row_state``,
and the sums of the rows already here.

Revision ID: 0018_sumas_sincronizacion
Revises: 0017_orden_estrecho
Create Date: 2026-11-24
"""

from alembic import op

from icsoe_desktop.store import plain, sumas

# (the module's full name: the bundle ships what the migrations import by it)
from icsoe_desktop.store.migrations.disparadores_0018_0021 import sums as earlier_sums

revision = "0018_sumas_sincronizacion"
down_revision = "0017_orden_estrecho"
branch_labels = None
depends_on = None

# The synced tables at this revision (domain/sync_registry.py): name, append-only, which rows
# travel. A table synced later creates its triggers in its own migration.
TABLES = (
    ("idse_users", False, None),
    ("registros_patronales", False, None),
    ("certificados_imss", False, None),
    ("lotes", False, None),
    ("movimientos", False, None),
    ("lote_movimientos", False, None),
    ("icsoe_contratistas", False, None),
    ("icsoe_capturistas", False, None),
    ("icsoe_capturista_relaciones", False, None),
    ("icsoe_contratantes", False, None),
    ("icsoe_informativas", False, None),
    ("icsoe_contratos", False, None),
    ("icsoe_contrato_trabajadores", False, None),
    ("audit_log", True, None),
    ("sync_conflicts", False, "{row}.kind = 'cambio'"),
)


def upgrade() -> None:
    op.execute(
        "CREATE TABLE sync_sums (table_name VARCHAR(64) NOT NULL, bucket VARCHAR(3) NOT NULL, "
        "rows INTEGER NOT NULL, total INTEGER NOT NULL, PRIMARY KEY (table_name, bucket)) "
        "WITHOUT ROWID"
    )
    bind = op.get_bind()
    driver = plain.driver(bind)
    for table, append_only, sent in TABLES:
        version = "1" if append_only else "m.version"
        where = f"WHERE {sent.format(row='m')}" if sent else ""
        rows = driver.execute(f"SELECT m.uuid, {version} FROM {table} AS m {where}")
        rowless = driver.execute(
            f"SELECT s.row_uuid, s.version FROM sync_row_state AS s LEFT JOIN {table} AS m "
            f"ON m.uuid = s.row_uuid WHERE s.table_name = '{table}' AND s.dirty IS 0 "
            "AND s.version IS NOT NULL AND m.id IS NULL"
        )
        sums = sumas.bucket_sums([*rows, *rowless])
        sumas.add(driver, table, sums)
    for statement in earlier_sums(TABLES):
        op.execute(statement)


def downgrade() -> None:
    sumas.drop_bookkeeping(plain.driver(op.get_bind()))
    op.execute("DROP TABLE sync_sums")
