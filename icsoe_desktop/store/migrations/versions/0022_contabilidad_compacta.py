"""The sync's bookkeeping triggers (``store/sumas.py``, ``store/pendientes.py``) in their compact
form: each synced table's triggers name the change into a view whose INSTEAD OF trigger holds the
statements once, and the states' triggers look rows up through one view per concern. They keep
the same sums and counts; every connection parses 27 KB of their SQL when it opens, not 72 KB.

Revision ID: 0022_contabilidad_compacta
Revises: 0021_pendientes
Create Date: 2026-11-25
"""

from alembic import op

from icsoe_desktop.store import pendientes, plain, sumas

# (the module's full name: the bundle ships what the migrations import by it)
from icsoe_desktop.store.migrations.disparadores_0018_0021 import sums as earlier_sums
from icsoe_desktop.store.migrations.disparadores_0018_0021 import unsent as earlier_unsent

revision = "0022_contabilidad_compacta"
down_revision = "0021_pendientes"
branch_labels = None
depends_on = None

# The synced tables at this revision (domain/sync_registry.py): name, append-only, which rows
# travel. A table synced later creates the bookkeeping again in its own migration.
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
_UNSENT = [(table, sent) for table, _append_only, sent in TABLES]


def _replace(sums: list[str], unsent: list[str]) -> None:
    driver = plain.driver(op.get_bind())
    sumas.drop_bookkeeping(driver)
    pendientes.drop_bookkeeping(driver)
    for statement in sums + unsent:
        op.execute(statement)


def upgrade() -> None:
    _replace(sumas.bookkeeping(TABLES), pendientes.bookkeeping(_UNSENT))


def downgrade() -> None:
    _replace(earlier_sums(TABLES), earlier_unsent(_UNSENT))
