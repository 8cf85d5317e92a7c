"""Each row's content fingerprint over its content, not over the JSON text as stored
(``domain/contenido.py``, ``icsoe_huella`` in SQL, which the triggers and ``verificar`` call):
the same on the server and on every desktop, which computes it from its own rows for the content
check (``/v1/contenido``), so a row whose content changed where no trigger ran is noticed by
every desktop too. The rows' fingerprints are filled again.

Revision ID: 0013_huella_canonica
Revises: 0012_trabajadores_por_contrato
Create Date: 2026-11-28
"""

from alembic import op

from icsoe_desktop.domain.contenido import SQL_FUNCTION

revision = "0013_huella_canonica"
down_revision = "0012_trabajadores_por_contrato"
branch_labels = None
depends_on = None

# Migration 0010's, over the text as stored.
_HUELLA_DEL_TEXTO = """
CREATE OR REPLACE FUNCTION icsoe_huella(deleted boolean, data text) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT ('x' || substr(md5(CASE WHEN deleted THEN 't' ELSE 'f' END || data), 1, 15))
    ::bit(60)::bigint $$;
"""
# As a push writes (its transaction marked): the triggers leave these writes alone.
_FILL = """
SELECT set_config('icsoe.escritura', 'envio', true);
UPDATE rows SET huella = icsoe_huella(deleted, data::text);
SELECT set_config('icsoe.escritura', '', true);
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return  # (a server on SQLite sums the rows on every read)
    op.execute(SQL_FUNCTION)
    op.execute(_FILL)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(_HUELLA_DEL_TEXTO)
    op.execute(_FILL)
