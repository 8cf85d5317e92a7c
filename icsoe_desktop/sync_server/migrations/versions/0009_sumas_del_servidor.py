"""The server owns its sums: a row changed or deleted outside a push (an administrator's SQL)
keeps ``bucket_sums`` right, and becomes a version the desktops have not seen.

The triggers are PostgreSQL's (SQLite's server sums the rows on every read). A push marks its
transaction (``sumas.PUSH_SETTING``); any other ``INSERT`` into ``rows`` is counted in the sums, any other
``UPDATE`` that changes a row gets the next version and the time of the change (and its hash's
change is counted), and any other ``DELETE`` becomes a tombstone (deleted, next version), so
the row is deleted on the desktops too. Their drift check then finds those rows (their version
differs) and receives them again, told that the server changed: each such write is listed in
``outside_edits``, whose last id the summaries carry. The sums are recounted from the rows once
here.

Revision ID: 0009_sumas_del_servidor
Revises: 0008_instalador
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_sumas_del_servidor"
down_revision = "0008_instalador"
branch_labels = None
depends_on = None

# sync_wire.row_hash and sync_wire.bucket_of, in SQL (as migration 0005 sums them).
_FUNCTIONS = """
CREATE FUNCTION icsoe_row_hash(uuid text, version integer) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT ('x' || substr(md5(uuid || ':' || version::text), 1, 15))::bit(60)::bigint $$;

CREATE FUNCTION icsoe_bucket(uuid text) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT ('x' || right(uuid, 3))::bit(12)::int $$;

CREATE FUNCTION icsoe_rows_outside_push() RETURNS trigger LANGUAGE plpgsql AS $$
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
_OUTSIDE_PUSH = "current_setting('icsoe.escritura', true) IS DISTINCT FROM 'envio'"
_TRIGGERS = f"""
CREATE TRIGGER rows_update_outside_push BEFORE UPDATE ON rows FOR EACH ROW
WHEN ({_OUTSIDE_PUSH}) EXECUTE FUNCTION icsoe_rows_outside_push();

CREATE TRIGGER rows_delete_outside_push BEFORE DELETE ON rows FOR EACH ROW
WHEN ({_OUTSIDE_PUSH}) EXECUTE FUNCTION icsoe_rows_outside_push();

CREATE TRIGGER rows_insert_outside_push BEFORE INSERT ON rows FOR EACH ROW
WHEN ({_OUTSIDE_PUSH}) EXECUTE FUNCTION icsoe_rows_outside_push();
"""
_RECOUNT = """
DELETE FROM bucket_sums;
INSERT INTO bucket_sums (empresa_id, tabla, bucket, rows, total)
SELECT empresa_id, tabla, icsoe_bucket(uuid), count(*), sum(icsoe_row_hash(uuid, version))
FROM rows GROUP BY empresa_id, tabla, icsoe_bucket(uuid);
INSERT INTO bucket_sums (empresa_id, tabla, bucket, rows, total)
SELECT empresa_id, tabla, -1, sum(rows), sum(total) FROM bucket_sums GROUP BY empresa_id, tabla;
"""


def upgrade() -> None:
    op.create_table(
        "outside_edits",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
        sa.Column("empresa_id", sa.Integer, nullable=False),
        sa.Column("tabla", sa.String(64), nullable=False),
        sa.Column("uuid", sa.String(36), nullable=False),
        sa.Column("operacion", sa.String(6), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_outside_edits", "outside_edits", ["empresa_id", "id"])
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(_FUNCTIONS)
    op.execute(_TRIGGERS)
    op.execute(_RECOUNT)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _drop_functions()
    op.drop_index("ix_outside_edits", "outside_edits")
    op.drop_table("outside_edits")


def _drop_functions() -> None:
    op.execute("DROP TRIGGER rows_insert_outside_push ON rows")
    op.execute("DROP TRIGGER rows_delete_outside_push ON rows")
    op.execute("DROP TRIGGER rows_update_outside_push ON rows")
    op.execute("DROP FUNCTION icsoe_rows_outside_push()")
    op.execute("DROP FUNCTION icsoe_bucket(text)")
    op.execute("DROP FUNCTION icsoe_row_hash(text, integer)")
