"""La informativa cuatrimestral ICSOE: contratantes, informativas, contratos y trabajadores.

Revision ID: 0016_informativa
Revises: 0015_codes_correos_sin_codigo
Create Date: 2026-11-23
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0016_informativa"
down_revision = "0015_codes_correos_sin_codigo"
branch_labels = None
depends_on = None


def _synced_columns() -> list[sa.Column[Any]]:
    return [
        sa.Column("uuid", sa.String(36), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
    ]


def _text(name: str, length: int) -> sa.Column[Any]:
    return sa.Column(name, sa.String(length), nullable=False)


def _fk(name: str, target: str, ondelete: str) -> sa.Column[Any]:
    return sa.Column(name, sa.Integer(), sa.ForeignKey(target, ondelete=ondelete), nullable=False)


def upgrade() -> None:
    op.create_table(
        "icsoe_contratantes",
        sa.Column("id", sa.Integer(), primary_key=True),
        _fk("contratista_id", "icsoe_contratistas.id", "CASCADE"),
        _text("rfc", 13),
        _text("nombre", 254),
        _text("correo", 254),
        _text("telefono_fijo", 10),
        _text("telefono_movil", 10),
        _text("calle", 150),
        _text("numero_exterior", 30),
        _text("numero_interior", 30),
        _text("colonia", 150),
        _text("codigo_postal", 5),
        _text("municipio", 150),
        _text("entidad", 60),
        *_synced_columns(),
        sa.UniqueConstraint("contratista_id", "rfc", name="uq_contratante_rfc"),
    )
    op.create_table(
        "icsoe_informativas",
        sa.Column("id", sa.Integer(), primary_key=True),
        _fk("contratista_id", "icsoe_contratistas.id", "CASCADE"),
        _text("periodo", 7),
        _text("tipo", 16),
        _text("estado", 20),
        _text("complementa", 36),
        _text("capturada_por", 18),
        sa.Column("firmada_at", sa.DateTime(), nullable=True),
        _text("no_certificado", 40),
        sa.Column("cadena", sa.Text(), nullable=False),
        sa.Column("sello", sa.Text(), nullable=False),
        sa.Column("certificado_der", sa.LargeBinary(), nullable=False),
        sa.Column("acuse_pdf", sa.LargeBinary(), nullable=False),
        *_synced_columns(),
    )
    op.create_index(
        "ix_informativas_contratista_periodo", "icsoe_informativas", ["contratista_id", "periodo"]
    )
    op.create_table(
        "icsoe_contratos",
        sa.Column("id", sa.Integer(), primary_key=True),
        _fk("informativa_id", "icsoe_informativas.id", "CASCADE"),
        _fk("contratante_id", "icsoe_contratantes.id", "RESTRICT"),
        _text("objeto", 1000),
        _text("folio_repse", 40),
        _text("descripcion_servicio", 1000),
        sa.Column("fecha_inicial", sa.Date(), nullable=True),
        sa.Column("fecha_final", sa.Date(), nullable=True),
        sa.Column("trabajadores_declarados", sa.Integer(), nullable=True),
        *_synced_columns(),
    )
    op.create_index("ix_contratos_informativa", "icsoe_contratos", ["informativa_id", "id"])
    op.create_table(
        "icsoe_contrato_trabajadores",
        sa.Column("id", sa.Integer(), primary_key=True),
        _fk("contrato_id", "icsoe_contratos.id", "CASCADE"),
        _text("nss", 11),
        _text("curp", 18),
        sa.Column("sbc", sa.Integer(), nullable=False),
        _text("nombre", 100),
        *_synced_columns(),
    )
    op.create_index(
        "ix_contrato_trabajadores_contrato", "icsoe_contrato_trabajadores", ["contrato_id", "id"]
    )


def downgrade() -> None:
    op.drop_table("icsoe_contrato_trabajadores")
    op.drop_table("icsoe_contratos")
    op.drop_table("icsoe_informativas")
    op.drop_table("icsoe_contratantes")
