"""Each row's text fingerprint (``domain/contenido.py``'s ``SQL_TEXTO``: md5 of the text as
stored, no parsing) twice: ``texto_visto``, kept at each write the server saw (a push, the
triggers, ``reparar``), and ``texto_actual``, a generated column that PostgreSQL computes at
every write, with the triggers off too (``session_replication_role = replica``). Where they
are equal the row's text is the one its content fingerprint (``rows.huella``) was computed
from, so the content check (``/v1/contenido``) sums the kept fingerprints instead of parsing
every row's JSON again; only a row whose text changed where no trigger ran is parsed, and so
still found. The rows there are get ``texto_visto`` where their content is still the one of
their fingerprint (an edit made without the triggers before stays found).

Revision ID: 0018_huella_del_texto
Revises: 0017_certificados_sat
Create Date: 2026-11-29
"""

import importlib

import sqlalchemy as sa
from alembic import op

from icsoe_desktop.domain.contenido import SQL_TEXTO_FUNCTION

revision = "0018_huella_del_texto"
down_revision = "0017_certificados_sat"
branch_labels = None
depends_on = None

_GENERADA = (
    "ALTER TABLE rows ADD COLUMN texto_actual bigint "
    "GENERATED ALWAYS AS (icsoe_texto(deleted, data::text)) STORED"
)
_HUELLA = "    NEW.huella := icsoe_huella(NEW.deleted, NEW.data::text);\n"
_TEXTO = "    NEW.texto_visto := icsoe_texto(NEW.deleted, NEW.data::text);\n"
# As a push writes (its transaction marked): the triggers leave these writes alone.
_FILL = """
SELECT set_config('icsoe.escritura', 'envio', true);
UPDATE rows SET texto_visto = texto_actual WHERE huella = icsoe_huella(deleted, data::text);
SELECT set_config('icsoe.escritura', '', true);
"""


def _outside_push() -> str:
    """Migration 0010's trigger function (the one the triggers of 0009 run)."""
    anterior = importlib.import_module(
        "icsoe_desktop.sync_server.migrations.versions.0010_huella_de_contenido"
    )
    body: str = anterior._OUTSIDE_PUSH
    assert _HUELLA in body
    return body


def upgrade() -> None:
    op.add_column("rows", sa.Column("texto_visto", sa.BigInteger, nullable=True))
    if op.get_bind().dialect.name != "postgresql":
        # (a server on SQLite sums the rows on every read: the model's column, never written)
        op.add_column("rows", sa.Column("texto_actual", sa.BigInteger, nullable=True))
        return
    op.execute(SQL_TEXTO_FUNCTION)
    op.execute(_GENERADA)
    op.execute(_outside_push().replace(_HUELLA, _HUELLA + _TEXTO))
    op.execute(_FILL)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_outside_push())
        op.execute("ALTER TABLE rows DROP COLUMN texto_actual")
        op.execute("DROP FUNCTION icsoe_texto(boolean, text)")
    else:
        op.drop_column("rows", "texto_actual")
    op.drop_column("rows", "texto_visto")
