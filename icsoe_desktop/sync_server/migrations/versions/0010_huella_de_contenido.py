"""Each row's content fingerprint (``rows.huella``): what its content was at its last write that
the server saw (a push, or an administrator's SQL with the triggers on), so that ``verificar``
finds content changed where no trigger ran (``session_replication_role = replica``, triggers
disabled) although its version, and so the sums, stayed the same; ``reparar`` then gives those
rows a new version (as the triggers would have), and every desktop receives them again.

The fingerprint is 60 bits of md5 over «t» or «f» (deleted) and the ``json`` text as stored
(``sumas.huella``, ``icsoe_huella`` in SQL): a push computes it from the very text it writes.
Filled here for the rows there are.

Revision ID: 0010_huella_de_contenido
Revises: 0009_sumas_del_servidor
Create Date: 2026-11-28
"""

import importlib

import sqlalchemy as sa
from alembic import op

revision = "0010_huella_de_contenido"
down_revision = "0009_sumas_del_servidor"
branch_labels = None
depends_on = None

_HUELLA = """
CREATE FUNCTION icsoe_huella(deleted boolean, data text) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT ('x' || substr(md5(CASE WHEN deleted THEN 't' ELSE 'f' END || data), 1, 15))
    ::bit(60)::bigint $$;
"""
# Migration 0009's function, the fingerprint kept too by what it lets through (an
# administrator's INSERT or UPDATE with the triggers on; a DELETE's tombstone comes back here
# as an UPDATE).
_OUTSIDE_PUSH = """
CREATE OR REPLACE FUNCTION icsoe_rows_outside_push() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO outside_edits (empresa_id, tabla, uuid, operacion, at)
        VALUES (OLD.empresa_id, OLD.tabla, OLD.uuid, TG_OP, now() AT TIME ZONE 'UTC');
        -- A tombstone instead (this UPDATE comes back here): deleted on every desktop too.
        UPDATE rows SET deleted = true WHERE id = OLD.id;
        RETURN NULL;
    END IF;
    IF pg_trigger_depth() = 1 THEN
        INSERT INTO outside_edits (empresa_id, tabla, uuid, operacion, at)
        VALUES (NEW.empresa_id, NEW.tabla, NEW.uuid, TG_OP, now() AT TIME ZONE 'UTC');
    END IF;
    NEW.huella := icsoe_huella(NEW.deleted, NEW.data::text);
    IF TG_OP = 'INSERT' THEN
        INSERT INTO bucket_sums (empresa_id, tabla, bucket, rows, total) VALUES
            (NEW.empresa_id, NEW.tabla, icsoe_bucket(NEW.uuid), 1,
             icsoe_row_hash(NEW.uuid, NEW.version)),
            (NEW.empresa_id, NEW.tabla, -1, 1, icsoe_row_hash(NEW.uuid, NEW.version));
        RETURN NEW;
    END IF;
    IF (NEW.empresa_id, NEW.tabla, NEW.uuid, NEW.version, NEW.deleted, NEW.data::text)
        IS NOT DISTINCT FROM
        (OLD.empresa_id, OLD.tabla, OLD.uuid, OLD.version, OLD.deleted, OLD.data::text) THEN
        RETURN NEW;
    END IF;
    NEW.version := greatest(NEW.version, OLD.version + 1);
    NEW.updated_at := now() AT TIME ZONE 'UTC';
    INSERT INTO bucket_sums (empresa_id, tabla, bucket, rows, total) VALUES
        (OLD.empresa_id, OLD.tabla, icsoe_bucket(OLD.uuid), -1,
         -icsoe_row_hash(OLD.uuid, OLD.version)),
        (OLD.empresa_id, OLD.tabla, -1, -1, -icsoe_row_hash(OLD.uuid, OLD.version)),
        (NEW.empresa_id, NEW.tabla, icsoe_bucket(NEW.uuid), 1,
         icsoe_row_hash(NEW.uuid, NEW.version)),
        (NEW.empresa_id, NEW.tabla, -1, 1, icsoe_row_hash(NEW.uuid, NEW.version));
    RETURN NEW;
END
$$;
"""
# As a push writes (its transaction marked): the triggers leave these writes alone.
_FILL = """
SELECT set_config('icsoe.escritura', 'envio', true);
UPDATE rows SET huella = icsoe_huella(deleted, data::text);
SELECT set_config('icsoe.escritura', '', true);
"""


def upgrade() -> None:
    op.add_column("rows", sa.Column("huella", sa.BigInteger, nullable=True))
    if op.get_bind().dialect.name != "postgresql":
        return  # (a server on SQLite sums the rows on every read: nothing to check them by)
    op.execute(_HUELLA)
    op.execute(_OUTSIDE_PUSH)
    op.execute(_FILL)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        anterior = importlib.import_module(
            "icsoe_desktop.sync_server.migrations.versions.0009_sumas_del_servidor"
        )
        cuerpo = anterior._FUNCTIONS.split("CREATE FUNCTION icsoe_rows_outside_push", 1)[1]
        op.execute("CREATE OR REPLACE FUNCTION icsoe_rows_outside_push" + cuerpo)
        op.execute("DROP FUNCTION icsoe_huella(boolean, text)")
    op.drop_column("rows", "huella")
