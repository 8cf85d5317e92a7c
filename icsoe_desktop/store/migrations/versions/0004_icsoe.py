"""ICSOE: contratistas, capturistas y su relación.

Revision ID: 0004_icsoe
Revises: 0003_movimientos
Create Date: 2026-11-22
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0004_icsoe"
down_revision = "0003_movimientos"
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


def upgrade() -> None:
    op.create_table(
        "icsoe_contratistas",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("rfc", sa.String(13), nullable=False, unique=True),
        _text("nombre", 254),
        _text("persona", 6),
        _text("no_certificado", 40),
        sa.Column("terminos_aceptados_at", sa.DateTime(), nullable=True),
        _text("correo", 254),
        _text("celular", 10),
        _text("telefono_fijo", 10),
        sa.Column("domicilio_igual_fiscal", sa.Boolean(), nullable=True),
        _text("codigo_postal", 5),
        _text("colonia", 150),
        _text("calle", 150),
        _text("numero_exterior", 30),
        _text("numero_interior", 30),
        _text("municipio", 150),
        _text("entidad", 60),
        _text("acuse_archivo", 60),
        _text("acuse_nombre", 255),
        sa.Column("datos_generales_at", sa.DateTime(), nullable=True),
        *_synced_columns(),
    )
    op.create_table(
        "icsoe_capturistas",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("curp", sa.String(18), nullable=False, unique=True),
        _text("nombre", 100),
        _text("primer_apellido", 100),
        _text("segundo_apellido", 100),
        sa.Column("password_hash", sa.String(200), nullable=True),
        sa.Column("password_at", sa.DateTime(), nullable=True),
        *_synced_columns(),
    )
    op.create_table(
        "icsoe_capturista_relaciones",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "contratista_id",
            sa.Integer(),
            sa.ForeignKey("icsoe_contratistas.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "capturista_id",
            sa.Integer(),
            sa.ForeignKey("icsoe_capturistas.id", ondelete="CASCADE"),
            nullable=False,
        ),
        _text("rol", 30),
        _text("telefono", 10),
        _text("correo", 254),
        _text("estatus", 12),
        _text("usuario_alta", 13),
        sa.Column("fecha_alta", sa.DateTime(), nullable=False),
        sa.Column("fecha_baja", sa.DateTime(), nullable=True),
        sa.Column("fecha_actualizacion", sa.DateTime(), nullable=True),
        *_synced_columns(),
        sa.UniqueConstraint("contratista_id", "capturista_id", name="uq_relacion_contratista_curp"),
    )
    op.create_index(
        "ix_relaciones_contratista_id",
        "icsoe_capturista_relaciones",
        ["contratista_id", "id"],
    )
    op.create_index("ix_relaciones_capturista", "icsoe_capturista_relaciones", ["capturista_id"])


def downgrade() -> None:
    op.drop_table("icsoe_capturista_relaciones")
    op.drop_table("icsoe_capturistas")
    op.drop_table("icsoe_contratistas")
