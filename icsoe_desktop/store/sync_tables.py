"""The registry of synced tables: which ORM models travel to the sync server, and which of their
columns must NEVER leave this desktop (secrets and desktop-local references).

Adding a shared table is one ``SyncedTable`` entry here (parents before children: pulled rows are
applied in this order so foreign keys resolve); ``tests/store/test_sync_tables.py`` then checks it
generically. A table that is not synced must be listed in ``LOCAL_ONLY``.

Wire format of a row's ``data``: every column except the local integer ``id``, the envelope
columns (uuid, version, updated_at, deleted) and ``never_sent``. A foreign key to another synced
table travels as the referenced row's UUID (local ids differ per desktop); datetimes as ISO text;
bytes as base64.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any

from sqlalchemy import Column, LargeBinary, UniqueConstraint
from sqlalchemy.types import Boolean, Date, DateTime, Integer

from icsoe_desktop.store.models import (
    AuditEntry,
    Base,
    CertificadoImss,
    IdseUser,
    RegistroPatronal,
)
from icsoe_desktop.store.models_icsoe import Capturista, CapturistaRelacion, Contratista
from icsoe_desktop.store.models_movimientos import Lote, LoteMovimiento, MovimientoRow
from icsoe_desktop.store.models_sync import SyncConflict

ENVELOPE = ("uuid", "version", "updated_at", "deleted")


@dataclass(frozen=True)
class SyncedTable:
    model: type[Base]
    # Columns that never leave the desktop. A row created from the server gets ``local_defaults``
    # for them (e.g. an unusable password hash): the value must say "not on this desktop".
    never_sent: frozenset[str] = frozenset()
    local_defaults: dict[str, Any] = field(default_factory=dict)
    # Append-only tables (audit log): rows are only ever inserted, on both sides.
    append_only: bool = False
    # Called when a pulled row changes a local one: (row, changed column names). Used to drop
    # local secrets that no longer match the row (another certificate was assigned elsewhere).
    on_remote_change: Callable[[Any, set[str]], None] | None = None
    # Which of the table's rows travel (model → SQL condition); None: all of them.
    sent_rows: Callable[[type], Any] | None = None

    @property
    def name(self) -> str:
        return self.model.__tablename__

    @cached_property
    def columns(self) -> dict[str, Column]:
        """Columns sent in ``data`` (name → Column)."""
        table = self.model.__table__
        return {
            c.name: c
            for c in table.columns
            if c.name != "id" and c.name not in ENVELOPE and c.name not in self.never_sent
        }

    @cached_property
    def decoders(self) -> list[tuple[str, Callable[[Any], Any], bool]]:
        """Per sent column: its name, its decoder, and whether a row may leave it out."""
        return [
            (name, decoder(column), column.nullable or column.default is not None)
            for name, column in self.columns.items()
        ]

    @cached_property
    def foreign_keys(self) -> dict[str, type[Base]]:
        """Sent columns that reference another synced table: column name → parent model."""
        found: dict[str, type[Base]] = {}
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
        keys = [(name,) for name, c in self.columns.items() if c.unique]
        for constraint in self.model.__table__.constraints:
            if isinstance(constraint, UniqueConstraint):
                names = tuple(c.name for c in constraint.columns)
                if len(names) > 1 and all(n in self.columns for n in names):
                    keys.append(names)
        return tuple(keys)

    @property
    def has_envelope(self) -> bool:
        return not self.append_only


def _drop_local_certificate_secret(row: CertificadoImss, changed: set[str]) -> None:
    """Another desktop replaced or removed the certificate: the sealed key here belongs to the
    old one and must not be used with the new certificate."""
    if changed & {"certificado_der", "deleted"}:
        row.secreto_sellado = b""
        row.keyring_ref = ""


SYNCED_TABLES: tuple[SyncedTable, ...] = (
    # Never the password hash: a user created on another desktop arrives without a usable
    # password here and uses «¿Olvidó su contraseña?» (or an admin) on this desktop.
    # Nor the administrator flag: who may reset passwords is decided on each desktop.
    SyncedTable(
        IdseUser,
        frozenset({"password_hash", "administrador"}),
        {"password_hash": "", "administrador": False},
    ),
    SyncedTable(RegistroPatronal),
    # Never the sealed key nor its keyring reference: on another desktop the certificate shows as
    # assigned but without its key, and asks for the .key/.pfx again there.
    SyncedTable(
        CertificadoImss,
        frozenset({"secreto_sellado", "keyring_ref"}),
        {"secreto_sellado": b"", "keyring_ref": ""},
        on_remote_change=_drop_local_certificate_secret,
    ),
    SyncedTable(Lote),
    SyncedTable(MovimientoRow),
    SyncedTable(LoteMovimiento),
    # The STPS acuse PDF stays in this desktop's data dir: its file name is not sent, so another
    # desktop shows no acuse rather than one it cannot open.
    SyncedTable(
        Contratista,
        frozenset({"acuse_archivo", "acuse_nombre"}),
        {"acuse_archivo": "", "acuse_nombre": ""},
    ),
    # Never the password hash (nor when it was set): on another desktop the capturista uses
    # «¿Olvidaste tu contraseña?».
    SyncedTable(
        Capturista,
        frozenset({"password_hash", "password_at"}),
        {"password_hash": None, "password_at": None},
    ),
    SyncedTable(CapturistaRelacion),
    SyncedTable(AuditEntry, append_only=True),
    # «cambio» conflicts: the desktop whose version lost hears of it, and a settled conflict
    # settles everywhere. «duplicado»/«invalido» ones each desktop finds on its own pull.
    SyncedTable(SyncConflict, sent_rows=lambda model: model.kind == "cambio"),
)

# Tables that stay on this desktop: mail to send from here, one-use codes (hashes), sign-in
# throttling, and the sync bookkeeping itself.
LOCAL_ONLY: frozenset[str] = frozenset(
    {
        "outbox",
        "one_time_tokens",
        "login_throttle",
        "sync_row_state",
        "sync_state",
        "sync_pending",
        "empresa",  # this desktop's Configuración inicial (skipped steps); RFC typed per desktop
        "movimientos_conteo",  # derived from movimientos by triggers on each desktop
        "movimientos_total",  # the same, without the day
    }
)

_BY_NAME = {t.name: t for t in SYNCED_TABLES}
_BY_MODEL = {t.model: t for t in SYNCED_TABLES}


def by_name(name: str) -> SyncedTable | None:
    return _BY_NAME.get(name)


def by_model(model: type) -> SyncedTable | None:
    return _BY_MODEL.get(model)


def table_names() -> tuple[str, ...]:
    return tuple(_BY_NAME)


def never_sent() -> dict[str, frozenset[str]]:
    return {t.name: t.never_sent for t in SYNCED_TABLES}


def row_hash(row_uuid: str, version: int) -> int:
    """One row's part of a table checksum (desktop and server sum these over a table): 60 bits
    of md5("uuid:version")."""
    return int(hashlib.md5(f"{row_uuid}:{version}".encode()).hexdigest()[:15], 16)


# --- value encoding ---------------------------------------------------------------------------


def is_plain_json(column: Column) -> bool:
    """The column's values are JSON as they are (no date or bytes to turn into text)."""
    return not isinstance(column.type, (Date, DateTime, LargeBinary))


def encode_value(column: Column, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, date):  # datetime too (a subclass)
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("se esperaba texto")
    return value


def _integer(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("se esperaba un entero")
    return value


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError("se esperaba verdadero/falso")
    return value


def decoder(column: Column) -> Callable[[Any], Any]:
    """The function that turns a (non-null) JSON value back into the column's Python type,
    raising ValueError/TypeError when it does not fit. Chosen once per column, not per value."""
    kind = column.type
    if isinstance(kind, DateTime):
        return lambda value: datetime.fromisoformat(str(value)).replace(tzinfo=None)
    if isinstance(kind, Date):
        return lambda value: date.fromisoformat(str(value))
    if isinstance(kind, LargeBinary):
        return lambda value: base64.b64decode(str(value), validate=True)
    if isinstance(kind, Boolean):
        return _boolean
    if isinstance(kind, Integer):
        return _integer
    return _text


__all__ = [
    "ENVELOPE",
    "LOCAL_ONLY",
    "SYNCED_TABLES",
    "SyncedTable",
    "by_model",
    "by_name",
    "decoder",
    "encode_value",
    "is_plain_json",
    "never_sent",
    "row_hash",
    "table_names",
]
