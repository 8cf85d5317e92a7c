"""The CFDI de nómina synced like the other tables: ``nomina_recibos`` and ``nomina_sustituidos``
take the synced columns, each row's ``uuid`` being the timbre's UUID (in lower case, as sync
writes every UUID; one XML imported on two
desktops is one row; ``created_at`` the CFDI's date, the same on both). A receipt carries its
perceptions, incapacidades and clients in ``detalle`` (JSON); the three child tables, local,
are written from it by a trigger as a row is inserted, whether imported here or pulled. The
CFDI's version is ``cfdi`` (``version`` is the row's); when it was imported is not kept; whether
the SAT's seal was verified is not sent. Rows are rebuilt, none lost; the sync's bookkeeping is
written again with the two tables.

Revision ID: 0040_nomina_sincronizada
Revises: 0039_sisub
Create Date: 2026-11-28
"""

import importlib

import sqlalchemy as sa
from alembic import op

from icsoe_desktop.store import pendientes, plain, sumas

revision = "0040_nomina_sincronizada"
down_revision = "0039_sisub"
branch_labels = None
depends_on = None

_previa = importlib.import_module("icsoe_desktop.store.migrations.versions.0039_sisub")
_creada = importlib.import_module("icsoe_desktop.store.migrations.versions.0035_recibos_nomina")
_RECIBO = (
    *("cfdi", "fecha", "fecha_pago", "fecha_inicial", "fecha_final", "dias_pagados"),
    *("tipo_nomina", "periodicidad", "nss", "curp", "rfc", "nombre", "registro_patronal"),
    *("sbc", "sdi", "total", "total_percepciones", "total_deducciones", "total_otros_pagos"),
    *("no_certificado", "detalle", "created_at", "deleted"),
)
_NUEVAS: tuple[sumas.SyncedTableSums, ...] = (
    ("nomina_recibos", False, None, _RECIBO),
    ("nomina_sustituidos", False, None, ("por", "created_at", "deleted")),
)
# The synced tables at this revision: 0039's, the two of the receipts before the audit log
# (domain/sync_registry.py's order).
TABLES: tuple[sumas.SyncedTableSums, ...] = tuple(
    t
    for previa in _previa.TABLES
    for t in ((*_NUEVAS, previa) if previa[0] == "audit_log" else (previa,))
)

# A receipt's children from its ``detalle``, as it is inserted (OR IGNORE, and only arrays: a
# pulled row whose detalle is not what the import writes adds what it can, never stops the pull).
DETALLE_TRIGGER = """
CREATE TRIGGER nomina_recibos_detalle AFTER INSERT ON nomina_recibos
WHEN json_valid(NEW.detalle) BEGIN
  INSERT OR IGNORE INTO nomina_percepciones (recibo_id, tipo, gravado, exento)
    SELECT NEW.id, json_extract(value, '$[0]'), json_extract(value, '$[1]'),
           json_extract(value, '$[2]')
    FROM json_each(NEW.detalle, '$.p') WHERE type = 'array';
  INSERT OR IGNORE INTO nomina_incapacidades (recibo_id, n, dias, tipo, importe)
    SELECT NEW.id, key + 1, json_extract(value, '$[0]'), json_extract(value, '$[1]'),
           json_extract(value, '$[2]')
    FROM json_each(NEW.detalle, '$.i') WHERE type = 'array';
  INSERT OR IGNORE INTO nomina_subcontrataciones (recibo_id, rfc, porcentaje)
    SELECT NEW.id, json_extract(value, '$[0]'), json_extract(value, '$[1]')
    FROM json_each(NEW.detalle, '$.s') WHERE type = 'array';
END
"""

# The stored children as a detalle (the upgrade's copy).
_DETALLE_DE = """
json_object(
  'p', json((SELECT json_group_array(json_array(tipo, gravado, exento))
             FROM nomina_percepciones h WHERE h.recibo_id = r.id)),
  'i', json((SELECT json_group_array(json_array(dias, tipo, importe))
             FROM (SELECT * FROM nomina_incapacidades h WHERE h.recibo_id = r.id ORDER BY n))),
  's', json((SELECT json_group_array(json_array(rfc, porcentaje))
             FROM nomina_subcontrataciones h WHERE h.recibo_id = r.id))
)
"""
_COMUNES = (
    *("fecha", "fecha_pago", "fecha_inicial", "fecha_final", "dias_pagados", "tipo_nomina"),
    *("periodicidad", "nss", "curp", "rfc", "nombre", "registro_patronal", "sbc", "sdi"),
    *("total", "total_percepciones", "total_deducciones", "total_otros_pagos"),
    *("no_certificado", "sello_sat"),
)
_INDICES = (("nss", ("nss", "fecha_final")), ("curp", ("curp",)), ("fecha_final", ("fecha_final",)))


def _sincronizadas() -> list["sa.Column[object]"]:
    return [
        sa.Column("uuid", sa.String(36), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
    ]


def _recibos(version: str, *columnas: "sa.Column[object]") -> None:
    op.create_table(
        "nomina_recibos_nueva",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(version, sa.String(length=3), nullable=False),
        sa.Column("fecha", sa.DateTime(), nullable=False),
        sa.Column("fecha_pago", sa.Date(), nullable=False),
        sa.Column("fecha_inicial", sa.Date(), nullable=False),
        sa.Column("fecha_final", sa.Date(), nullable=False),
        sa.Column("dias_pagados", sa.Integer(), nullable=False),
        sa.Column("tipo_nomina", sa.String(length=1), nullable=False),
        sa.Column("periodicidad", sa.String(length=2), nullable=False),
        sa.Column("nss", sa.String(length=11), nullable=False),
        sa.Column("curp", sa.String(length=18), nullable=False),
        sa.Column("rfc", sa.String(length=13), nullable=False),
        sa.Column("nombre", sa.String(length=254), nullable=False),
        sa.Column("registro_patronal", sa.String(length=11), nullable=False),
        sa.Column("sbc", sa.Integer(), nullable=False),
        sa.Column("sdi", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("total_percepciones", sa.Integer(), nullable=False),
        sa.Column("total_deducciones", sa.Integer(), nullable=False),
        sa.Column("total_otros_pagos", sa.Integer(), nullable=False),
        sa.Column("no_certificado", sa.String(length=20), nullable=False),
        sa.Column("sello_sat", sa.Integer(), nullable=False),
        *columnas,
        sa.PrimaryKeyConstraint("id"),
    )


def _hijas() -> None:
    """The three child tables as 0035 made them (empty)."""
    _creada._hija(
        "nomina_percepciones",
        sa.Column("tipo", sa.String(length=3), nullable=False),
        sa.Column("gravado", sa.Integer(), nullable=False),
        sa.Column("exento", sa.Integer(), nullable=False),
        llave="tipo",
    )
    _creada._hija(
        "nomina_incapacidades",
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("dias", sa.Integer(), nullable=False),
        sa.Column("tipo", sa.String(length=2), nullable=False),
        sa.Column("importe", sa.Integer(), nullable=False),
        llave="n",
    )
    _creada._hija(
        "nomina_subcontrataciones",
        sa.Column("rfc", sa.String(length=13), nullable=False),
        sa.Column("porcentaje", sa.Integer(), nullable=False),
        llave="rfc",
    )
    op.create_index(
        "ix_nomina_subcontrataciones_rfc", "nomina_subcontrataciones", ["rfc", "recibo_id"]
    )


def _en_su_lugar(hijas_de: list[str]) -> None:
    """``nomina_recibos_nueva`` becomes ``nomina_recibos``, its children written again by
    ``hijas_de`` (statements run once the new child tables exist). The old children are kept aside
    first: dropping the receipts would take them (ON DELETE CASCADE)."""
    for tabla in ("nomina_percepciones", "nomina_incapacidades", "nomina_subcontrataciones"):
        op.execute(f"DROP TABLE {tabla}")
    op.execute("DROP TABLE nomina_recibos")
    op.execute("ALTER TABLE nomina_recibos_nueva RENAME TO nomina_recibos")
    for nombre, columnas in _INDICES:
        op.create_index(f"ix_nomina_recibos_{nombre}", "nomina_recibos", list(columnas))
    _hijas()
    for sentencia in hijas_de:
        op.execute(sentencia)


def _replace(tables: tuple[sumas.SyncedTableSums, ...]) -> None:
    driver = plain.driver(op.get_bind())
    sumas.drop_bookkeeping(driver)
    pendientes.drop_bookkeeping(driver)
    for statement in sumas.bookkeeping(tables):
        op.execute(statement)
    for statement in pendientes.bookkeeping((name, sent) for name, _a, sent, _c in tables):
        op.execute(statement)


_ALTA = "strftime('%Y-%m-%d %H:%M:%f000', 'now')"  # a naive UTC stamp, as SQLAlchemy writes


def upgrade() -> None:
    _recibos(
        "cfdi",
        sa.Column("detalle", sa.String(), nullable=False),
        *_sincronizadas(),
    )
    comunes = ", ".join(_COMUNES)
    op.execute(
        f"INSERT INTO nomina_recibos_nueva (id, cfdi, {comunes}, detalle, uuid, created_at, "
        f"updated_at, version, deleted) SELECT r.id, r.version, {comunes}, {_DETALLE_DE}, "
        f"lower(r.timbre), r.fecha, {_ALTA}, 1, 0 FROM nomina_recibos r"
    )
    _en_su_lugar(_hijas_desde_detalle())
    op.execute(DETALLE_TRIGGER)
    op.create_table(
        "nomina_sustituidos_nueva",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("por", sa.String(length=36), nullable=False),
        *_sincronizadas(),
        sa.PrimaryKeyConstraint("id"),
    )
    op.execute(
        "INSERT INTO nomina_sustituidos_nueva (por, uuid, created_at, updated_at, version, "
        f"deleted) SELECT lower(s.por), lower(s.timbre), coalesce((SELECT fecha FROM "
        f"nomina_recibos r WHERE r.uuid = lower(s.por)), {_ALTA}), {_ALTA}, 1, 0 "
        "FROM nomina_sustituidos s"
    )
    op.execute("DROP TABLE nomina_sustituidos")
    op.execute("ALTER TABLE nomina_sustituidos_nueva RENAME TO nomina_sustituidos")
    _replace(TABLES)


def _hijas_desde_detalle(origen: str = "nomina_recibos r") -> list[str]:
    """The trigger's statements for every receipt of ``origen`` (the body of
    ``DETALLE_TRIGGER`` over a table, not a row; a detalle that is no JSON read as empty)."""
    cuerpo = DETALLE_TRIGGER.split("BEGIN", 1)[1].rsplit("END", 1)[0]
    cuerpo = cuerpo.replace("NEW.id", "r.id").replace(
        "NEW.detalle", "CASE WHEN json_valid(r.detalle) THEN r.detalle ELSE '{}' END"
    )
    return [
        s.strip().replace("FROM json_each(", f"FROM {origen}, json_each(")
        for s in cuerpo.split(";")
        if s.strip()
    ]


def downgrade() -> None:
    _replace(_previa.TABLES)
    op.execute("DROP TRIGGER IF EXISTS nomina_recibos_detalle")
    op.create_table(
        "nomina_sustituidos_vieja",
        sa.Column("timbre", sa.String(length=36), nullable=False),
        sa.Column("por", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("timbre"),
        sqlite_with_rowid=False,
    )
    op.execute(
        "INSERT INTO nomina_sustituidos_vieja (timbre, por) SELECT upper(uuid), upper(por) "
        "FROM nomina_sustituidos"
    )
    op.execute("DROP TABLE nomina_sustituidos")
    op.execute("ALTER TABLE nomina_sustituidos_vieja RENAME TO nomina_sustituidos")
    # The receipts without the synced columns; their children from the detalle kept aside.
    op.execute("CREATE TEMPORARY TABLE nomina_detalles (id INTEGER PRIMARY KEY, detalle TEXT)")
    op.execute(
        "INSERT INTO nomina_detalles SELECT id, detalle FROM nomina_recibos WHERE NOT deleted"
    )
    _recibos(
        "version",
        sa.Column("timbre", sa.String(length=36), nullable=False, unique=True),
        sa.Column("importado_at", sa.DateTime(), nullable=False),
    )
    comunes = ", ".join(_COMUNES)
    op.execute(
        f"INSERT INTO nomina_recibos_nueva (id, version, {comunes}, timbre, importado_at) "
        f"SELECT id, cfdi, {comunes}, upper(uuid), created_at FROM nomina_recibos "
        "WHERE NOT deleted"
    )
    _en_su_lugar(_hijas_desde_detalle("temp.nomina_detalles r"))
    op.execute("DROP TABLE temp.nomina_detalles")
