"""Decoding pulled rows: a page's values, column by column as they come (``PulledGroup``),
into the values the table's columns store, and which rows do not fit (a value of another type,
a required column left out, a parent row not here). One decoder: a conflict's single row goes
through it as a group of one. Generic over the synced tables."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from operator import attrgetter
from typing import Any, cast

from sqlalchemy.orm import Session

from icsoe_desktop.domain import sync_wire
from icsoe_desktop.services.sync.sql import lookup
from icsoe_desktop.store.rechazo import Rechazo
from icsoe_desktop.store.sync_tables import SyncedTable


class Unfit(ValueError):
    """A row whose values do not fit the table."""


class NoParent(Unfit):
    """A row whose parent row (a foreign key) is not on this desktop (yet): ``parent``, its
    uuid."""

    def __init__(self, message: str, parent: str) -> None:
        super().__init__(message)
        self.parent = parent


class Refused(Unfit):
    """A row the table's own check refuses to write (``SyncedTable.refuse``)."""

    def __init__(self, rechazo: Rechazo) -> None:
        super().__init__(rechazo.mensaje)
        self.rechazo = rechazo


@dataclass
class Decoded:
    """A page's decoded columns (``names``, and per name every row's value), and per row that
    does not fit, why (its values in ``columns`` are then meaningless)."""

    names: list[str]
    columns: list[list[Any]]
    unfit: dict[int, Unfit] = field(default_factory=dict)

    def row(self, i: int) -> dict[str, Any]:
        return {name: column[i] for name, column in zip(self.names, self.columns, strict=True)}


def parents_of(
    session: Session, table: SyncedTable, given: dict[str, list[Any]]
) -> dict[str, dict[str, int]]:
    """Per foreign-key column: the parent row's UUID → its local id, for the parents these rows
    name only (``given``: column → the rows' values), not every row of the parent table."""
    parents: dict[str, dict[str, int]] = {}
    for col, parent in table.foreign_keys.items():
        wanted = list({str(value) for value in given.get(col, ()) if value is not None})
        found = lookup(session, (parent.uuid, parent.id), parent.uuid, wanted)
        parents[col] = {row_uuid: row_id for row_uuid, row_id in found}
    return parents


def decode(
    table: SyncedTable, given: dict[str, list[Any]], count: int, parents: dict[str, dict[str, int]]
) -> Decoded:
    """``count`` rows given column by column (``given``: name → every row's value; a column
    left out: no row gives it; columns this desktop does not know are ignored). Each column
    in C loops when its values are all of the expected type (``map``, the set of a column's
    types: a Python step per value was a quarter of a pulled page's time), value by value
    otherwise, to find which rows do not fit."""
    out = Decoded([], [])
    for name, decoder, optional, exact in table.decoders:
        raws = given.get(name)
        if raws is None:
            if not optional:  # no row gives it
                why = Unfit(f"falta {name}")
                for i in range(count):
                    out.unfit.setdefault(i, why)
            continue  # the column's default, for every row
        raws = list(raws)
        kinds = set(map(type, raws))
        kinds.discard(type(None))
        values: list[Any] | None = None
        if name in table.foreign_keys:
            values = _parents_of_column(name, raws, parents[name], out.unfit)
        elif exact is not None and kinds <= {exact}:
            values = raws
        elif kinds <= {str}:
            values = _texts(table.codecs[name], decoder, raws)
        if values is None:  # some value needs its own answer
            values = _one_by_one(name, decoder, exact, raws, out.unfit)
        if table.codecs[name] is sync_wire.DATETIME and any_zoned(values):
            values = [v.replace(tzinfo=None) if _aware(v) else v for v in values]
        out.names.append(name)
        out.columns.append(values)
    return out


def refuse(
    session: Session,
    table: SyncedTable,
    decoded: Decoded,
    count: int,
    deleted: list[bool],
    uuids: list[Any] | None = None,
) -> None:
    """The decoded rows (``count`` of them, ``deleted`` each, ``uuids`` when known) that the
    table's own checks refuse (the store's ``SyncedTable.refuse``, then the services'
    ``RECIBIDAS``) marked as not fitting (``Refused``); the others as they were."""
    from icsoe_desktop.services.informativa.acuse_sincronizado import RECIBIDAS

    # The store's own check, then the services' (one that reads PDFs, say).
    checks = [c for c in (table.refuse, RECIBIDAS.get(table.name)) if c is not None]
    if not checks:
        return
    values = dict(zip(decoded.names, decoded.columns, strict=True))
    values["deleted"] = deleted
    if uuids is not None:
        values["uuid"] = uuids
    for check in checks:
        rows = [i for i in range(count) if i not in decoded.unfit]
        for i, rechazo in check(session, values, rows).items():
            decoded.unfit[i] = Refused(rechazo)


def _parents_of_column(
    name: str, raws: list[Any], parents: dict[str, int], unfit: dict[int, Unfit]
) -> list[Any]:
    # A missing value (None) is no uuid: ``get`` answers None for it, as for an unknown one.
    parent_of = cast(Callable[[str | None], int | None], parents.get)
    values = list(map(parent_of, map(_text_or_none, raws)))
    if values.count(None) != raws.count(None):
        for i, (raw, value) in enumerate(zip(raws, values, strict=True)):
            if raw is not None and value is None:
                why = NoParent(f"no existe el renglón padre de {name}", str(raw))
                unfit.setdefault(i, why)
    return values


def _text_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


def _texts(codec: sync_wire.Codec, decoder: Any, raws: list[Any]) -> list[Any] | None:
    """A column of texts (or None): each distinct text decoded once (a page's dates repeat: a
    thousand distinct among 5,000 rows). None when one does not decode."""
    if codec is sync_wire.DATE:
        decoder = date.fromisoformat  # what _date does to a text, without a call in between
    elif codec is sync_wire.DATETIME:
        decoder = datetime.fromisoformat
    try:
        seen = {raw: decoder(raw) for raw in set(raws) if raw is not None}
    except (TypeError, ValueError):
        return None
    seen[None] = None
    return list(map(seen.__getitem__, raws))


def _one_by_one(
    name: str, decoder: Any, exact: type | None, raws: list[Any], unfit: dict[int, Unfit]
) -> list[Any]:
    values: list[Any] = []
    for i, raw in enumerate(raws):
        if raw is None or raw.__class__ is exact:
            values.append(raw)
            continue
        try:
            values.append(decoder(raw))
        except (TypeError, ValueError) as exc:
            unfit.setdefault(i, Unfit(f"{name}: {exc}"))
            values.append(None)
    return values


def _aware(value: Any) -> bool:
    return isinstance(value, datetime) and value.tzinfo is not None


def any_zoned(values: list[Any]) -> bool:
    """Whether a column holds a datetime with a time zone: in C loops where it holds only
    datetimes and None (a Python call per value was a tenth of a pulled page's decoding)."""
    if not _DATETIME_OR_NONE.issuperset(map(type, values)):
        return any(map(_aware, values))
    return any(map(_TZINFO, filter(None, values)))


_DATETIME_OR_NONE = frozenset((datetime, type(None)))
_TZINFO = attrgetter("tzinfo")


def decode_data(
    session: Session,
    table: SyncedTable,
    data: dict[str, Any],
    deleted: bool | None = None,
    uuid: str | None = None,
) -> dict[str, Any]:
    """One row's ``data`` (a conflict's other version) as column values; raises ``Unfit`` (a
    ValueError) when it no longer fits. With ``deleted`` (the row is to be written so), also
    when the table's own check refuses it (``Refused``)."""
    given = {name: [value] for name, value in data.items()}
    decoded = decode(table, given, 1, parents_of(session, table, given))
    if deleted is not None:
        refuse(session, table, decoded, 1, [deleted], [uuid or data.get("uuid")])
    if decoded.unfit:
        raise decoded.unfit[0]
    return decoded.row(0)


__all__ = [
    "Decoded",
    "NoParent",
    "Refused",
    "Unfit",
    "decode",
    "decode_data",
    "parents_of",
    "refuse",
]
