"""The drift check counts what the store keeps: a synced row removed without the app (its
sync state clean) stops counting, and a row whose content changes under the same version is
set to version 0, which no server row has (``store/sumas.py``): the next sync finds either and
receives the server's row again.

Revision ID: 0027_deriva_contenido
Revises: 0026_contratante_extranjero
Create Date: 2026-11-25
"""

from alembic import op

from icsoe_desktop.store import plain, sumas
from icsoe_desktop.store.migrations.contenido_0027 import TABLES
from icsoe_desktop.store.migrations.disparadores_0022 import sums as earlier_sums

revision = "0027_deriva_contenido"
down_revision = "0026_contratante_extranjero"
branch_labels = None
depends_on = None

# The synced tables at this revision: store/migrations/contenido_0027.py.


def _replace(statements: list[str]) -> None:
    sumas.drop_bookkeeping(plain.driver(op.get_bind()))
    for statement in statements:
        op.execute(statement)


def upgrade() -> None:
    _replace(sumas.bookkeeping(TABLES))


def downgrade() -> None:
    _replace(earlier_sums((name, append_only, sent) for name, append_only, sent, _c in TABLES))
