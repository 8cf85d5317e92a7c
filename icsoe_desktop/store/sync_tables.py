"""The synced tables bound to their ORM models: the plain registry (``domain/sync_registry.py``:
names, order, never-sent columns) with, per table, its model, the columns it sends and their
codecs (``domain/sync_wire.py``), its foreign and natural keys, and the desktop-only hooks.

Imports the models, never the other way round: the models know nothing of sync, and the change
tracking (``store/tracking.py``) reads this module. A foreign key to another synced table
travels as the referenced row's UUID (local ids differ per desktop).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, ClassVar, Protocol, cast

from sqlalchemy import Column, Connection, LargeBinary, Table, UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.types import Boolean, Date, DateTime, Integer

from icsoe_desktop.domain import sync_wire
from icsoe_desktop.domain.sync_registry import ENVELOPE, SYNCED, TableSpec
from icsoe_desktop.store import bulk_indexes, conteo, firmadas_recibidas, sumas
from icsoe_desktop.store.models import Base, CertificadoImss
from icsoe_desktop.store.rechazo import Rechazo


def _table(model: type[Any]) -> Table:
    """A model's Table (SQLAlchemy types ``__table__`` as any FromClause)."""
    return cast(Table, model.__table__)


class SyncedModel(Protocol):
    """What the generic sync reads of every synced model: its local id and the columns of
    ``SyncedMixin`` it matches and versions rows by. Declared as the class's descriptors
    (``ClassVar``): on the class a SQL column, on a row its value."""

    __table__: ClassVar[Table]
    id: ClassVar[Mapped[int]]
    uuid: ClassVar[Mapped[str]]
    version: ClassVar[Mapped[int]]

    def __init__(self, **values: Any) -> None: ...  # the declarative constructor


@dataclass(frozen=True)
class BulkHooks:
    """A table's own work around the rows a pull inserts, so that the generic sync names no
    table. ``insert`` runs ``write`` (the page's INSERTs, in the open transaction; returns how
    many rows it wrote) inside the table's bookkeeping; ``tally`` then gives the ``counted``
    columns of the live rows written, as stored (None: not known, to be read back);
    ``states`` writes those rows' sync states, inside the same bookkeeping.
    ``suspend_indexes`` drops, with the first page of a pull that brings at least as many rows
    as the table holds (a desktop joining a company), the indexes faster built at its end, by
    ``restore_indexes`` (both return the indexes' names)."""

    insert: Callable[[Connection, Callable[[], int], Callable[[], Any], Callable[[], None]], int]
    counted: tuple[str, ...] = ()
    suspend_indexes: Callable[[Connection], list[str]] | None = None
    restore_indexes: Callable[[Connection], list[str]] | None = None


@dataclass(frozen=True)
class SyncedTable:
    spec: TableSpec
    model: type[SyncedModel]
    # Called when a pulled row changes a local one: (row, changed column names). Used to drop
    # local secrets that no longer match the row (another certificate was assigned elsewhere).
    on_remote_change: Callable[[Any, set[str]], None] | None = None
    # Which of the table's rows travel (model → SQL condition); None: all of them.
    sent_rows: Callable[[type], Any] | None = None
    bulk: BulkHooks | None = None
    # Which pulled rows must not be written, and why: (session, the rows' decoded columns by
    # name, the positions to look at) → position → Rechazo. The table's own check of what
    # another desktop sent (a signed informativa that no longer says what was signed).
    refuse: Callable[[Any, dict[str, list[Any]], list[int]], dict[int, Rechazo]] | None = None

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def never_sent(self) -> frozenset[str]:
        return self.spec.never_sent

    @property
    def local_defaults(self) -> dict[str, Any]:
        return self.spec.local_defaults

    @property
    def append_only(self) -> bool:
        return self.spec.append_only

    @cached_property
    def columns(self) -> dict[str, Column[Any]]:
        """Columns sent in ``data`` (name → Column)."""
        table = _table(self.model)
        return {
            c.name: c
            for c in table.columns
            if c.name != "id" and c.name not in ENVELOPE and c.name not in self.never_sent
        }

    @cached_property
    def codecs(self) -> dict[str, sync_wire.Codec]:
        """Per sent column, how its values travel."""
        return {name: codec_of(column) for name, column in self.columns.items()}

    @cached_property
    def decoders(self) -> list[tuple[str, Callable[[Any], Any], bool, type | None]]:
        """Per sent column: its name, its decoder, whether a row may leave it out, and the
        exact JSON type that passes as it is (text, integer, boolean; None for a foreign key,
        which travels as the parent's UUID): a pulled page checks most values by their class
        instead of a call per value."""
        exact = {sync_wire.TEXT: str, sync_wire.INTEGER: int, sync_wire.BOOLEAN: bool}
        return [
            (
                name,
                self.codecs[name].decode,
                column.nullable or column.default is not None,
                None if name in self.foreign_keys else exact.get(self.codecs[name]),
            )
            for name, column in self.columns.items()
        ]

    @cached_property
    def foreign_keys(self) -> dict[str, type[SyncedModel]]:
        """Sent columns that reference another synced table: column name → parent model."""
        found: dict[str, type[SyncedModel]] = {}
        for name, column in self.columns.items():
            for fk in column.foreign_keys:
                parent = by_name(fk.column.table.name)
                if parent is None:
                    raise RuntimeError(f"{self.name}.{name} apunta a una tabla no sincronizada")
                found[name] = parent.model
        return found

    @cached_property
    def natural_keys(self) -> tuple[tuple[str, ...], ...]:
        """Unique sent columns and unique sets of them (besides uuid): two desktops may create
        the same value offline (a registro patronal, or the same movimiento imported twice)."""
        keys: list[tuple[str, ...]] = [(name,) for name, c in self.columns.items() if c.unique]
        for constraint in _table(self.model).constraints:
            if isinstance(constraint, UniqueConstraint):
                names = tuple(c.name for c in constraint.columns)
                if len(names) > 1 and all(n in self.columns for n in names):
                    keys.append(names)
        return tuple(keys)

    @cached_property
    def adoption_keys(self) -> tuple[tuple[str, ...], ...]:
        """The keys a row made before a desktop's first sync is matched by to the server's
        (``services/sync/adopt.py``): its unique ones and those the registry declares."""
        declared = tuple(key for key in self.spec.claves if key not in self.natural_keys)
        return self.natural_keys + declared

    @cached_property
    def when(self) -> frozenset[str]:
        """The sent columns that only say when something was done: never content."""
        return frozenset({"created_at", *self.spec.cuando}) & frozenset(self.columns)


def codec_of(column: Column[Any]) -> sync_wire.Codec:
    """The codec of a column's type, chosen once per column, not per value."""
    kind = column.type
    if isinstance(kind, DateTime):
        return sync_wire.DATETIME
    if isinstance(kind, Date):
        return sync_wire.DATE
    if isinstance(kind, LargeBinary):
        return sync_wire.BYTES
    if isinstance(kind, Boolean):
        return sync_wire.BOOLEAN
    if isinstance(kind, Integer):
        return sync_wire.INTEGER
    return sync_wire.TEXT


def _drop_local_certificate_secret(row: CertificadoImss, changed: set[str]) -> None:
    """Another desktop replaced or removed the certificate: the sealed key here belongs to the
    old one and must not be used with the new certificate."""
    if changed & {"certificado_der", "deleted"}:
        row.secreto_sellado = b""
        row.keyring_ref = ""


# The desktop-only hooks, per table name.
_HOOKS: dict[str, dict[str, Any]] = {
    "certificados_imss": {"on_remote_change": _drop_local_certificate_secret},
    # Counted per page (store/conteo.py: its triggers would count row by row), and the
    # indexes store/bulk_indexes.py names built once at the end of a joining desktop's pull.
    "movimientos": {
        "bulk": BulkHooks(
            conteo.insert_counted,
            ("registro_patronal", "tipo", "estado", "fecha"),
            bulk_indexes.suspend,
            bulk_indexes.restore,
        )
    },
    # A signed informativa pulled is written only when its copies are what was signed.
    "icsoe_informativas": {"refuse": firmadas_recibidas.alteradas},
    # «cambio» conflicts travel; «duplicado»/«invalido» ones each desktop finds on its own pull.
    "sync_conflicts": {"sent_rows": lambda model: model.kind == "cambio"},
}
_MODELS = {_table(mapper.class_).name: mapper.class_ for mapper in Base.registry.mappers}

SYNCED_TABLES: tuple[SyncedTable, ...] = tuple(
    SyncedTable(spec, _MODELS[spec.name], **_HOOKS.get(spec.name, {})) for spec in SYNCED
)

_BY_NAME = {t.name: t for t in SYNCED_TABLES}
_BY_MODEL = {t.model: t for t in SYNCED_TABLES}


def sums_tables() -> tuple[sumas.SyncedTableSums, ...]:
    """What the drift check's triggers keep of each synced table (``sumas.bookkeeping``), read
    from the models: its name, whether it is append-only, which rows travel (SQL over
    ``{row}``), and the columns of its content (every sent one and ``deleted``)."""
    tables = []
    for table in SYNCED_TABLES:
        sent = None
        if table.sent_rows is not None:
            condition = table.sent_rows(table.model).compile(compile_kwargs={"literal_binds": True})
            sent = str(condition).replace(f"{table.name}.", "{row}.")
        content = () if table.append_only else (*table.columns, "deleted")
        tables.append((table.name, table.append_only, sent, content))
    return tuple(tables)


def by_name(name: str) -> SyncedTable | None:
    return _BY_NAME.get(name)


def by_model(model: type) -> SyncedTable | None:
    return _BY_MODEL.get(model)


__all__ = [
    "SYNCED_TABLES",
    "BulkHooks",
    "SyncedTable",
    "by_model",
    "by_name",
    "codec_of",
    "sums_tables",
]
