"""The SISUB's item c) and the sujeto's and contracts' data the public layouts ask:
``sisub_trabajadores.aportacion`` and ``amortizacion`` (centavos: the aportación patronal for
the client's share and the deducciones 010 of the worker's INFONAVIT loan); on
``icsoe_contratistas``, what the sujeto obligado's file asks beyond the datos generales (the
cross streets, representante legal, administrador único, escritura, notario, folio
mercantil), captured once; on ``sisub_contratos``, the contract's kind, amount and the
beneficiary's registro patronal. Synced with their rows; empty (0) for the rows before this
revision until they are prepared or captured again.

Revision ID: 0055_sisub_montos_y_sujeto
Revises: 0054_evidencia_varios_archivos
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0055_sisub_montos_y_sujeto"
down_revision = "0054_evidencia_varios_archivos"
branch_labels = None
depends_on = None

_TEXTOS = {
    "icsoe_contratistas": (
        ("entre_calle", 150),
        ("y_calle", 150),
        ("representante_legal", 254),
        ("administrador_unico", 254),
        ("escritura_numero", 40),
        ("notario_nombre", 254),
        ("notario_numero", 20),
        ("folio_mercantil", 40),
    ),
    "sisub_contratos": (("tipo", 60), ("registro_beneficiario", 11)),
}
_ENTEROS = {"sisub_trabajadores": ("aportacion", "amortizacion"), "sisub_contratos": ("monto",)}


def upgrade() -> None:
    for tabla, columnas in _TEXTOS.items():
        for nombre, largo in columnas:
            op.add_column(
                tabla,
                sa.Column(nombre, sa.String(length=largo), nullable=False, server_default=""),
            )
    for tabla, enteros in _ENTEROS.items():
        for nombre in enteros:
            op.add_column(
                tabla, sa.Column(nombre, sa.Integer(), nullable=False, server_default="0")
            )
    op.add_column("icsoe_contratistas", sa.Column("escritura_fecha", sa.Date(), nullable=True))


def downgrade() -> None:
    op.drop_column("icsoe_contratistas", "escritura_fecha")
    for tabla, enteros in _ENTEROS.items():
        for nombre in enteros:
            op.drop_column(tabla, nombre)
    for tabla, columnas in _TEXTOS.items():
        for nombre, _largo in columnas:
            op.drop_column(tabla, nombre)
