"""Movimientos afiliatorios and the lotes they are sent to IDSE in."""

from __future__ import annotations

from dataclasses import MISSING
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from icsoe_desktop.domain.movimientos import CAMPOS
from icsoe_desktop.store.models.base import Base, SyncedMixin

# The grid's sortable columns (from CAMPOS). Each sort index is (deleted, tipo, estado, column)
# (tipo's and estado's: the other one first) and, as every index of a rowid table, the row's id
# after them: "tipo = ? [AND estado = ?] ORDER BY column, id" (a tab, an estado) is one index
# seek, and "Todos" merges the tipo/estado pairs' streams. Only the sort key: the registro
# patronal and fecha of a filter are tested on the movement's row (an index holding them was
# 2-3 times the size, and all 23 columns' four times the store). Until fecha's is built, the
# default order reads ix_mov_tipo_fecha.
SORT_COLUMNS = tuple(c.sort_column for c in CAMPOS if c.sort_prefix is not None and not c.derive)
SORT_PREFIX: dict[str, tuple[str, ...]] = {
    **dict.fromkeys((c for c in SORT_COLUMNS if c not in ("estado", "tipo")), ("tipo", "estado")),
    "estado": ("tipo",),
    "tipo": ("estado",),
}


def sort_index(column: str) -> str:
    return f"ix_mov_orden_{column}"


def sort_index_columns(column: str) -> tuple[str, ...]:
    # Nothing after the column: the row's id follows it in the index, so (column, id), the
    # grid's order, is the index's own order.
    return ("deleted", *SORT_PREFIX[column], column)


# Columns that follow the movement's fecha (IDSE answers days after it; lotes are made in date
# order): for a date range, their sort index would be walked past every row before the range
# (seconds). Such a sort also gets an index led by the month of fecha: a range of a few months
# is then one stream per month, each starting at its first row (movimientos_paging).
BY_MONTH = frozenset(
    ("fecha_emision", "fecha_recibido", "fecha_aprobacion", "fecha_rechazo", "lote_id")
)
MONTH = "substr(fecha, 1, 7)"  # dates are ISO text: "2025-01"


def month_index(column: str) -> str:
    return f"ix_mov_mes_{column}"


def sort_index_ddl(column: str) -> list[str]:
    """The sort indexes of ``column``, built the first time the grid sorts by it (not by a
    migration: each one slows every insert and costs disk, README «Rendimiento»). IF NOT
    EXISTS: two windows or processes sorting at once both succeed."""
    columns = ", ".join(sort_index_columns(column))
    ddl = [f"CREATE INDEX IF NOT EXISTS {sort_index(column)} ON movimientos ({columns})"]
    if column in BY_MONTH:
        by_month = ", ".join(("deleted", *SORT_PREFIX[column], MONTH, column))
        ddl.append(f"CREATE INDEX IF NOT EXISTS {month_index(column)} ON movimientos ({by_month})")
    return ddl


def sort_indexes(column: str) -> list[str]:
    """The names of what sort_index_ddl builds."""
    return [sort_index(column), *([month_index(column)] if column in BY_MONTH else [])]


def _stored_columns() -> dict[str, Any]:
    types = {"int": lambda _c: Integer(), "date": lambda _c: Date()}
    columns = {}
    for c in CAMPOS:
        if not c.stored:
            continue
        sql = types[c.sql](c) if c.sql in types else String(c.size) if c.size else Text()
        default = {} if c.default is MISSING or c.nullable else {"default": c.default}
        columns[c.attr] = mapped_column(sql, nullable=c.nullable, **default)
    return columns


class MovimientoRow(SyncedMixin, Base):
    """One movement. Money in centavos. Indexes follow the grid: registro patronal, tab (tipo),
    fecha range and estado, sorted by fecha."""

    __tablename__ = "movimientos"
    __table_args__ = (
        UniqueConstraint("registro_patronal", "nss", "tipo", "fecha", name="uq_movimiento"),
        # "deleted" leads: every grid query filters on it, and counts then read the index alone.
        Index("ix_mov_registro_tipo_fecha", "deleted", "registro_patronal", "tipo", "fecha"),
        Index("ix_mov_tipo_fecha", "deleted", "tipo", "fecha"),
        Index("ix_mov_fecha", "deleted", "fecha"),
        Index("ix_mov_estado_fecha", "deleted", "estado", "fecha"),
        Index("ix_mov_lote", "lote_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # One column per stored field of CAMPOS (migrations write them out as they were).
    locals().update(_stored_columns())
    lote_id: Mapped[int | None] = mapped_column(
        ForeignKey("lotes.id", ondelete="SET NULL"), nullable=True
    )


class Lote(SyncedMixin, Base):
    """A batch file generated for one registro patronal."""

    __tablename__ = "lotes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Not unique: two desktops that generate lotes offline may both make lote N (see sync).
    numero: Mapped[int] = mapped_column(Integer, index=True)
    registro_patronal: Mapped[str] = mapped_column(String(11), index=True)
    generado_at: Mapped[datetime] = mapped_column(DateTime)
    archivo: Mapped[str] = mapped_column(String(260))
    generado_por: Mapped[str] = mapped_column(String(254))


class LoteMovimiento(SyncedMixin, Base):
    """A movement as it went in one lote, and IDSE's answer for it there: a corrected movement
    resent in a new lote keeps its earlier lote's rejection here."""

    __tablename__ = "lote_movimientos"
    __table_args__ = (UniqueConstraint("lote_id", "movimiento_id", name="uq_lote_movimiento"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lote_id: Mapped[int] = mapped_column(ForeignKey("lotes.id", ondelete="CASCADE"), index=True)
    movimiento_id: Mapped[int] = mapped_column(
        ForeignKey("movimientos.id", ondelete="CASCADE"), index=True
    )
    resultado: Mapped[str] = mapped_column(String(10), default="enviado")
    causa_rechazo: Mapped[str] = mapped_column(Text, default="")


class MovimientoConteo(Base):
    """Live movements per registro patronal, tipo, estado and day, kept by triggers on
    movimientos (migration 0010_perf_grid): the grid's "Movimientos encontrados" sums a few
    thousand of these rows instead of counting up to a million. Derived data: not synced."""

    __tablename__ = "movimientos_conteo"
    __table_args__ = ({"sqlite_with_rowid": False},)

    registro_patronal: Mapped[str] = mapped_column(String(11), primary_key=True)
    tipo: Mapped[str] = mapped_column(String(2), primary_key=True)
    estado: Mapped[str] = mapped_column(String(10), primary_key=True)
    fecha: Mapped[date] = mapped_column(Date, primary_key=True)
    n: Mapped[int] = mapped_column(Integer)


class MovimientoTotal(Base):
    """Live movements per registro patronal, tipo and estado, kept by the same triggers
    (migration 0012_p18grid_orden_cubre): a search without dates sums at most a few dozen rows.
    Derived data: not synced."""

    __tablename__ = "movimientos_total"
    __table_args__ = ({"sqlite_with_rowid": False},)

    registro_patronal: Mapped[str] = mapped_column(String(11), primary_key=True)
    tipo: Mapped[str] = mapped_column(String(2), primary_key=True)
    estado: Mapped[str] = mapped_column(String(10), primary_key=True)
    n: Mapped[int] = mapped_column(Integer)


__all__ = ["Lote", "LoteMovimiento", "MovimientoConteo", "MovimientoRow", "MovimientoTotal"]
