"""The SISUB of the INFONAVIT: ``sisub_reportes`` (a report per contratista, period and kind,
filed with its acuse), ``sisub_contratos`` (each ICSOE contract's SISUB number and work site)
and ``sisub_trabajadores`` (the workers per contract and bimestre, with their amounts). Synced:
the sync's bookkeeping (store/sumas.py, store/pendientes.py) is written again with them.

Revision ID: 0039_sisub
Revises: 0038_registro_repse
Create Date: 2026-11-28
"""

import importlib
from typing import Any

import sqlalchemy as sa
from alembic import op

from icsoe_desktop.store import pendientes, plain, sumas

revision = "0039_sisub"
down_revision = "0038_registro_repse"
branch_labels = None
depends_on = None

# The synced tables before this revision: 0037's (0038's are local).
_previa = importlib.import_module("icsoe_desktop.store.migrations.versions.0037_acuse_corregido")
_FIN = ("created_at", "deleted")
NUEVAS: tuple[sumas.SyncedTableSums, ...] = (
    (
        "sisub_reportes",
        False,
        None,
        (
            "contratista_id",
            "periodo",
            "tipo",
            "estado",
            "complementa",
            "motivo",
            "nota_icsoe",
            "preparado_por",
            "folio",
            "presentado_at",
            "acuse_pdf",
            "acuse_sha256",
            *_FIN,
        ),
    ),
    (
        "sisub_contratos",
        False,
        None,
        (
            "contrato_id",
            "numero",
            "calle",
            "numero_exterior",
            "numero_interior",
            "colonia",
            "codigo_postal",
            "municipio",
            "entidad",
            *_FIN,
        ),
    ),
    (
        "sisub_trabajadores",
        False,
        None,
        (
            "reporte_id",
            "contrato_id",
            "bimestre",
            "nss",
            "curp",
            "nombre",
            "registro_patronal",
            "fijas",
            "variables",
            "dias_incapacidad",
            "no_integradas",
            "no_excedente",
            "origen",
            "editado",
            *_FIN,
        ),
    ),
)


def _con_nuevas(tablas: tuple[sumas.SyncedTableSums, ...]) -> tuple[sumas.SyncedTableSums, ...]:
    """The synced tables at this revision: the new ones before the audit log, as registered."""
    nombres = [t[0] for t in tablas]
    antes = nombres.index("audit_log")
    return (*tablas[:antes], *NUEVAS, *tablas[antes:])


TABLES = _con_nuevas(_previa.TABLES)


def _replace(tables: tuple[sumas.SyncedTableSums, ...]) -> None:
    driver = plain.driver(op.get_bind())
    sumas.drop_bookkeeping(driver)
    pendientes.drop_bookkeeping(driver)
    for statement in sumas.bookkeeping(tables):
        op.execute(statement)
    for statement in pendientes.bookkeeping((t[0], t[2]) for t in tables):
        op.execute(statement)


def _synced() -> list[sa.Column[Any]]:
    return [
        sa.Column("uuid", sa.String(36), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
    ]


def _text(name: str, length: int) -> sa.Column[Any]:
    return sa.Column(name, sa.String(length), nullable=False)


def _int(name: str) -> sa.Column[Any]:
    return sa.Column(name, sa.Integer(), nullable=False)


def _fk(name: str, target: str) -> sa.Column[Any]:
    return sa.Column(name, sa.Integer(), sa.ForeignKey(target, ondelete="CASCADE"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "sisub_reportes",
        sa.Column("id", sa.Integer(), primary_key=True),
        _fk("contratista_id", "icsoe_contratistas.id"),
        _text("periodo", 7),
        _text("tipo", 16),
        _text("estado", 16),
        _text("complementa", 36),
        _text("motivo", 20),
        _text("nota_icsoe", 1000),
        _text("preparado_por", 18),
        _text("folio", 40),
        sa.Column("presentado_at", sa.DateTime(), nullable=True),
        sa.Column("acuse_pdf", sa.LargeBinary(), nullable=True),
        _text("acuse_sha256", 64),
        *_synced(),
    )
    op.create_index(
        "ix_sisub_reportes_contratista", "sisub_reportes", ["contratista_id", "periodo"]
    )
    op.create_table(
        "sisub_contratos",
        sa.Column("id", sa.Integer(), primary_key=True),
        _fk("contrato_id", "icsoe_contratos.id"),
        _text("numero", 40),
        _text("calle", 150),
        _text("numero_exterior", 30),
        _text("numero_interior", 30),
        _text("colonia", 150),
        _text("codigo_postal", 5),
        _text("municipio", 150),
        _text("entidad", 60),
        *_synced(),
    )
    op.create_index("ix_sisub_contratos_contrato", "sisub_contratos", ["contrato_id"])
    op.create_table(
        "sisub_trabajadores",
        sa.Column("id", sa.Integer(), primary_key=True),
        _fk("reporte_id", "sisub_reportes.id"),
        _fk("contrato_id", "icsoe_contratos.id"),
        _int("bimestre"),
        _text("nss", 11),
        _text("curp", 18),
        _text("nombre", 254),
        _text("registro_patronal", 11),
        _int("fijas"),
        _int("variables"),
        _int("dias_incapacidad"),
        _int("no_integradas"),
        _int("no_excedente"),
        _text("origen", 200),
        sa.Column("editado", sa.Boolean(), nullable=False, server_default=sa.false()),
        *_synced(),
    )
    op.create_index(
        "ix_sisub_trabajadores_reporte",
        "sisub_trabajadores",
        ["reporte_id", "contrato_id", "bimestre", "nss"],
    )
    _replace(TABLES)


def downgrade() -> None:
    _replace(_previa.TABLES)
    op.drop_table("sisub_trabajadores")
    op.drop_table("sisub_contratos")
    op.drop_table("sisub_reportes")
