"""Movimientos afiliatorios and the lotes they are sent to IDSE in."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import MISSING
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeEngine

from icsoe_desktop.domain.movimientos import CAMPOS, ESTADOS, TIPOS_MOVIMIENTO, Campo
from icsoe_desktop.store.models.base import Base, SyncedMixin
from icsoe_desktop.store.movimientos_buscar import INDEXES as BUSCAR_INDEXES

# The grid's sortable columns (from CAMPOS). Each sort index is (group, key) over the live
# movements (WHERE deleted = 0) and, as every index of a rowid table, the row's id after them:
# "tipo = ? [AND estado = ?] ORDER BY column, id" (a tab, an estado) is one index seek, and
# "Todos" merges the tipo/estado pairs' streams. Both parts are compact, since 24 such indexes
# are most of a sorted store: the group is one small integer for the (tipo, estado) pair
# (sort_prefix), not their text (12 bytes of each entry); a date's key is its day number, not
# its ISO text, and an estado's or tipo's its rank (sort_key). Only the sort key: the registro
# patronal and fecha of a filter are tested on the movement's row. Until fecha's is built, the
# default order reads ix_mov_tipo_fecha.
SORT_COLUMNS = tuple(c.sort_column for c in CAMPOS if c.sort_prefix is not None and not c.derive)
# The filter columns each sort index's group stands for: an estado's sort is grouped by tipo
# and a tipo's by estado (the column itself is the key).
SORT_PREFIX: dict[str, tuple[str, ...]] = {
    **dict.fromkeys((c for c in SORT_COLUMNS if c not in ("estado", "tipo")), ("tipo", "estado")),
    "estado": ("tipo",),
    "tipo": ("estado",),
}
# Codes in the order of the stored text, so that ordering by a code orders by the text: a sort by
# estado or tipo reads their codes from the index.
CODES: dict[str, dict[str, int]] = {
    "tipo": {v: i for i, v in enumerate(sorted(TIPOS_MOVIMIENTO))},
    "estado": {v: i for i, v in enumerate(sorted(ESTADOS))},
}
DATES = frozenset(c.attr for c in CAMPOS if c.sql == "date")  # stored as ISO text


def _coded(term: str, column: str) -> str:
    whens = " ".join(f"WHEN '{v}' THEN {i}" for v, i in CODES[column].items())
    return f"(CASE {term} {whens} END)"


def sort_prefix(column: str, alias: str = "") -> str:
    """The group term that leads ``column``'s sort index (SORT_PREFIX's columns as one small
    integer); ``alias``: the table's, as a query names it ("m")."""
    terms = [_coded(f"{alias}.{p}" if alias else p, p) for p in SORT_PREFIX[column]]
    if len(terms) == 1:
        return terms[0]
    return f"({terms[0]} * {len(CODES['estado'])} + {terms[1]})"


def prefix_code(column: str, values: dict[str, str]) -> int:
    """sort_prefix's value for these tipo/estado ``values``."""
    codes = [CODES[p][values[p]] for p in SORT_PREFIX[column]]
    return codes[0] if len(codes) == 1 else codes[0] * len(CODES["estado"]) + codes[1]


def sort_key(column: str, term: str) -> str:
    """What ``column``'s sort index holds of ``term`` (the column, or a value to compare with
    it), ordered as the stored value: a date's day number (3 bytes instead of 11), an estado's
    or a tipo's code. A query seeks and orders by this very term: SQLite matches an index on an
    expression only by the same expression."""
    if column in DATES:
        return f"(CAST(strftime('%s', {term}) AS INTEGER) / 86400)"
    if column in CODES:
        return _coded(term, column)
    return term


def sort_rank(column: str, value: Any) -> tuple[int, Any]:
    """Where ``value`` (``column`` as stored) falls in ``column``'s sort index, as a key Python
    compares the way SQLite orders sort_key's term: NULL first, then numbers, then text (by
    code point, as its UTF-8 bytes compare), then anything else."""
    if column in DATES and value is not None:
        try:
            value = date.fromisoformat(value).toordinal()
        except (TypeError, ValueError):  # strftime's NULL
            value = None
    elif column in CODES:
        value = CODES[column].get(value)
    if value is None:
        return (0, 0)
    if isinstance(value, int | float):
        return (1, value)
    return (2, value) if isinstance(value, str) else (3, value)


def key_value(column: str, key: str) -> str:
    """The stored value back from sort_key's ``key`` (read from the index, not the row)."""
    if column in DATES:
        return f"date({key} * 86400, 'unixepoch')"
    if column in CODES:
        whens = " ".join(f"WHEN {i} THEN '{v}'" for v, i in CODES[column].items())
        return f"(CASE {key} {whens} END)"
    return key


def has_key(column: str, key: str) -> str:
    """``key`` is not NULL, as a seek: SQLite seeks past the NULLs of a column for "IS NOT
    NULL", not of an expression (it walked them: 850,000 empty rejection dates)."""
    if column in DATES:
        return f"{key} >= -1000000"  # every day number (the year 1 is -719,162)
    return f"{key} IS NOT NULL"


def keyed(column: str, condition: str) -> str:
    """``condition`` with each term on ``column`` (``m.column``) compared as sort_key: the
    index's key against the value's key."""
    c = re.escape(column)
    parts = condition.split(" AND ")
    if f"m.{column} IS NOT NULL" in parts and any(
        re.match(rf"m\.{c} (<=|>=|=|<|>) ", part) for part in parts
    ):
        # A comparison excludes NULL already: one bound per side (a second one, looser, may
        # be the one SQLite seeks by).
        condition = " AND ".join(p for p in parts if p != f"m.{column} IS NOT NULL")
    pattern = rf"(?<![\w.+])m\.{c}\b(?:( IS NOT NULL)|(\s*(?:<=|>=|=|<|>)\s*)(:\w+))?"

    def term(match: re.Match[str]) -> str:
        key = sort_key(column, f"m.{column}")
        if match.group(1):
            return has_key(column, key)
        if match.group(3) is None:
            return key
        return f"{key}{match.group(2)}{sort_key(column, match.group(3))}"

    return re.sub(pattern, term, condition)


def sort_index(column: str) -> str:
    return f"ix_mov_orden_{column}"


def sort_index_columns(column: str) -> tuple[str, ...]:
    # Nothing after the key: the row's id follows it in the index, so (column, id), the grid's
    # order, is the index's own order.
    return (sort_prefix(column), sort_key(column, column))


# Columns that follow the movement's fecha (IDSE answers days after it; lotes are made in date
# order): for a date range, their sort index would be walked past every row before the range
# (seconds). Such a sort also gets an index led by the month of fecha: a range of a few months
# is then one stream per month, each starting at its first row (movimientos_paging).
BY_MONTH = frozenset(
    ("fecha_emision", "fecha_recibido", "fecha_aprobacion", "fecha_rechazo", "lote_id")
)
# The month of fecha (ISO text) as a number, year * 12 + month: 2 bytes of each entry, not 8.
MONTH = "(CAST(substr(fecha, 1, 4) AS INTEGER) * 12 + CAST(substr(fecha, 6, 2) AS INTEGER))"


def month_number(month: str) -> int:
    """MONTH's value for a month written "2025-01"."""
    return int(month[:4]) * 12 + int(month[5:7])


def month_index(column: str) -> str:
    return f"ix_mov_mes_{column}"


def sort_index_ddl(column: str) -> list[str]:
    """The sort indexes of ``column``, built the first time the grid sorts by it (not by a
    migration: each one slows every insert and costs disk, README «Rendimiento»). IF NOT
    EXISTS: two windows or processes sorting at once both succeed. Partial (live movements):
    a query's "deleted = 0" is then answered by the index alone."""
    group, key = sort_index_columns(column)
    live = "WHERE deleted = 0"
    name = sort_index(column)
    ddl = [f"CREATE INDEX IF NOT EXISTS {name} ON movimientos ({group}, {key}) {live}"]
    if column in BY_MONTH:
        by_month = f"{group}, {MONTH}, {key}"
        ddl.append(
            f"CREATE INDEX IF NOT EXISTS {month_index(column)} ON movimientos ({by_month}) {live}"
        )
    return ddl


def sort_indexes(column: str) -> list[str]:
    """The names of what sort_index_ddl builds."""
    return [sort_index(column), *([month_index(column)] if column in BY_MONTH else [])]


def _stored_columns() -> dict[str, Any]:
    types: dict[str, Callable[[Campo], TypeEngine[Any]]] = {
        "int": lambda _c: Integer(),
        "date": lambda _c: Date(),
    }
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
        # An estado per tipo: an estado alone is one stream per tipo, a tab and an estado one.
        Index("ix_mov_estado_fecha", "deleted", "estado", "tipo", "fecha"),
        # A registro patronal's estado (its «Pendientes») in fecha's order, per tipo.
        Index(
            "ix_mov_registro_estado_fecha",
            "deleted",
            "registro_patronal",
            "estado",
            "tipo",
            "fecha",
        ),
        Index("ix_mov_lote", "lote_id"),
        # The find box: a range of NSS, CURP or name (store/movimientos_buscar.py).
        *(
            Index(
                name, term if term.isidentifier() else text(term), sqlite_where=text("deleted = 0")
            )
            for name, term in BUSCAR_INDEXES
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # One column per stored field of CAMPOS (migrations write them out as they were).
    locals().update(_stored_columns())
    if TYPE_CHECKING:
        # What the type checker knows of them: the columns the code names. A new column needs a
        # line here only when code names it.
        registro_patronal: Mapped[str]
        nombre: Mapped[str]
        primer_apellido: Mapped[str]
        segundo_apellido: Mapped[str]
        nss: Mapped[str]
        sbc: Mapped[int | None]
        fecha: Mapped[date]
        curp: Mapped[str]
        estado: Mapped[str]
        tipo: Mapped[str]
        fecha_emision: Mapped[date | None]
        fecha_recibido: Mapped[date | None]
        fecha_aprobacion: Mapped[date | None]
        fecha_rechazo: Mapped[date | None]
        causa_rechazo: Mapped[str]
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


class MovimientoCambiado(Base):
    """Each movement written since, by triggers on movimientos (migration
    0033_movimientos_cambiados; 0034: any other column the grid sorts by, ``copia`` 0): the
    find box's copy in memory (services/movimientos/espejo.py) is brought up to date from these
    instead of being read again, and a column's order (espejo_columnas.py) used until it is
    read again.
    ``movimiento_id`` 0: many at once (a bulk insert past what is worth recording).
    Only the latest are kept. Derived data: not synced."""

    __tablename__ = "movimientos_cambiados"
    __table_args__ = ({"sqlite_autoincrement": True},)

    n: Mapped[int] = mapped_column(Integer, primary_key=True)
    movimiento_id: Mapped[int] = mapped_column(Integer)
    # Tells one store's history of changes from another's (a copy saved for it).
    azar: Mapped[int] = mapped_column(Integer, server_default=text("(random())"))
    # 0: only columns the find box's copy does not hold changed (it skips the change).
    copia: Mapped[int] = mapped_column(Integer, server_default=text("1"))


__all__ = [
    "Lote",
    "LoteMovimiento",
    "MovimientoCambiado",
    "MovimientoConteo",
    "MovimientoRow",
    "MovimientoTotal",
]
