"""The CFDI de nómina imported (services/nomina): ``nomina_recibos``, one per timbre UUID, with
the period paid, the worker (NSS, CURP, RFC, name), the registro patronal, SBC, SDI and totals;
its perceptions by SAT type (gravado, exento), its incapacidades and its subcontrataciones (the
client's RFC and the share of time). Amounts in centavos, days and percentages in thousandths;
the children without a rowid. Local to each desktop: not synced.

Revision ID: 0035_recibos_nomina
Revises: 0034_movimientos_cambiados_orden
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0035_recibos_nomina"
down_revision = "0034_movimientos_cambiados_orden"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "nomina_recibos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("timbre", sa.String(length=36), nullable=False),
        sa.Column("version", sa.String(length=3), nullable=False),
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
        sa.Column("importado_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("timbre"),
    )
    op.create_index("ix_nomina_recibos_nss", "nomina_recibos", ["nss", "fecha_final"])
    op.create_index("ix_nomina_recibos_curp", "nomina_recibos", ["curp"])
    op.create_index("ix_nomina_recibos_fecha_final", "nomina_recibos", ["fecha_final"])
    _hija(
        "nomina_percepciones",
        sa.Column("tipo", sa.String(length=3), nullable=False),
        sa.Column("gravado", sa.Integer(), nullable=False),
        sa.Column("exento", sa.Integer(), nullable=False),
        llave="tipo",
    )
    _hija(
        "nomina_incapacidades",
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("dias", sa.Integer(), nullable=False),
        sa.Column("tipo", sa.String(length=2), nullable=False),
        sa.Column("importe", sa.Integer(), nullable=False),
        llave="n",
    )
    _hija(
        "nomina_subcontrataciones",
        sa.Column("rfc", sa.String(length=13), nullable=False),
        sa.Column("porcentaje", sa.Integer(), nullable=False),
        llave="rfc",
    )
    op.create_index(
        "ix_nomina_subcontrataciones_rfc", "nomina_subcontrataciones", ["rfc", "recibo_id"]
    )


def _hija(nombre: str, *columnas: "sa.Column[object]", llave: str) -> None:
    op.create_table(
        nombre,
        sa.Column("recibo_id", sa.Integer(), nullable=False),
        *columnas,
        sa.ForeignKeyConstraint(["recibo_id"], ["nomina_recibos.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("recibo_id", llave),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_index("ix_nomina_subcontrataciones_rfc", table_name="nomina_subcontrataciones")
    for tabla in ("nomina_subcontrataciones", "nomina_incapacidades", "nomina_percepciones"):
        op.drop_table(tabla)
    for indice in ("fecha_final", "curp", "nss"):
        op.drop_index(f"ix_nomina_recibos_{indice}", table_name="nomina_recibos")
    op.drop_table("nomina_recibos")
