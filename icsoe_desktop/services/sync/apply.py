"""Apply: a pulled page, one group at a time (``sync_wire.PulledGroup``: one table's rows with
one set of columns, each field a list), parents' tables first. Per group: what this desktop has
of its rows is looked up in one statement per table, ``sync_decide.decide`` says what each row
does (skipped for a group of rows none of which is here: each is an INSERT), the rows to write
are decoded column by column (``sync_decode``), new rows go to the INSERT as columns
(``sync_insert``), changed ones through the ORM one by one (those holding a unique value
another of them takes moved aside first: ``claves``), and rows that do not fit are kept
as conflicts (or wait for their parent). Also: recording a push's answer. Generic over the
synced tables: a table's own work is its ``BulkHooks``."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from itertools import repeat
from operator import itemgetter
from typing import Any, Literal, cast

import orjson
from sqlalchemy import Select, and_, func, literal, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from icsoe_desktop.domain import sync_wire
from icsoe_desktop.services.audit import SYSTEM_ACTOR
from icsoe_desktop.services.sync import rechazados
from icsoe_desktop.services.sync.adopt import claimed
from icsoe_desktop.services.sync.claves import in_the_way, move_aside
from icsoe_desktop.services.sync.decide import Action, Incoming, State, decide
from icsoe_desktop.services.sync.decode import (
    Decoded,
    NoParent,
    Refused,
    decode,
    parents_of,
    refuse,
)
from icsoe_desktop.services.sync.encode import waiting_tables
from icsoe_desktop.services.sync.insert import (
    Columns,
    StateRow,
    defaults_left_out,
    insert_columns,
    upsert_states,
)
from icsoe_desktop.services.sync.sql import Rows, json_values, lookup
from icsoe_desktop.store.models import AuditEntry, SyncConflict, SyncPending, SyncRowState
from icsoe_desktop.store.rechazo import Rechazo
from icsoe_desktop.store.sync_tables import SYNCED_TABLES, SyncedModel, SyncedTable, by_name
from icsoe_desktop.store.tracking import APPLYING_REMOTE

log = logging.getLogger(__name__)


@dataclass
class ApplyReport:
    received: int = 0
    applied: int = 0
    conflicts: int = 0
    waiting: int = 0  # kept in sync_pending until their parent row arrives
    # Rows a table's own check refused (left as they were here), in the order they came.
    refused: list[Rechazo] = field(default_factory=list)

    def add(self, other: ApplyReport) -> None:
        self.received += other.received
        self.applied += other.applied
        self.conflicts += other.conflicts
        self.waiting += other.waiting
        self.refused += other.refused


def apply_remote(
    session: Session,
    groups: Iterable[sync_wire.PulledGroup],
    now: datetime,
    final: bool = False,
    repair: bool = False,
) -> ApplyReport:
    """Apply one page of pulled rows (one transaction, the caller commits), parents' tables
    before children's. Everything is looked up for this page's rows only: memory and time per
    page do not grow with the store.

    A row changed here and not yet sent is left alone: the next push wins by server order and
    gets the overwritten version back as a conflict. A row that collides with a different local
    row on a unique value (the same registro patronal created offline on two desktops) is kept
    as a conflict instead of being inserted (a deleted one only as its state). A row whose
    parent has not arrived (the parent changed later, so it comes in a later page) waits in
    ``sync_pending``; with ``final`` (the pull has every page) a row still without its parent
    is kept as an «invalido» conflict. A row its table's own check refuses is not written
    (a local copy stays as it was) and kept as a «rechazado» conflict, each one in the
    bitácora as this desktop's entry (sent like any other). With ``repair`` (the drift check
    found the table differs from the server), a row already seen is applied again when the
    local copy's version is not the server's (``sync_decide``)."""
    groups = list(groups)
    report = ApplyReport(received=sum(len(group["uuid"]) for group in groups))
    # The tables holding rows this desktop never sent: only their new rows may be its own
    # again (adopt.py), looked up before they are inserted.
    unsent = {table.name for table in waiting_tables(session)}
    session.info[APPLYING_REMOTE] = True
    try:
        for table, group in _in_order(groups):
            _apply_group(session, table, group, now, report, final, repair, unsent)
    finally:
        session.info.pop(APPLYING_REMOTE, None)
    for rechazo in report.refused:  # (tracked: written by this desktop, not pulled)
        session.add(
            AuditEntry(
                at=now,
                actor=SYSTEM_ACTOR,
                action="sincronizacion_rechazada",
                target=rechazo.renglon,
                detail=rechazo.problema,
            )
        )
    return report


def _in_order(
    groups: list[sync_wire.PulledGroup],
) -> Iterable[tuple[SyncedTable, sync_wire.PulledGroup]]:
    """Each known table's groups in the registry's order. A server's page has one group per
    table and set of columns, in sequence order, each row once: kept as it is. Otherwise (rows
    waiting for their parent, maybe pulled again since) the table's rows are regrouped, one
    version per row, the newest, in sequence order."""
    per_table: dict[str, list[sync_wire.PulledGroup]] = {}
    for group in groups:
        per_table.setdefault(group["table"], []).append(group)
    for table in SYNCED_TABLES:
        found = per_table.get(table.name)
        if not found:
            continue
        if len(found) == 1 and _ordered_once(found[0]["uuid"], found[0]["seq"]):
            yield table, found[0]
            continue
        latest: dict[str, sync_wire.PulledRow] = {}
        # Each row's fingerprint as its group gave it (a row keeps its columns, so its new
        # group is trusted or not as its first was: ``_trusted``).
        huellas: dict[tuple[str, int], Any] = {}
        for group in found:
            sent = group.get("huella")
            if isinstance(sent, list) and len(sent) == len(group["uuid"]):
                keys = zip(group["uuid"], group["seq"], strict=True)
                huellas.update(zip(keys, sent, strict=True))
            for row in sync_wire.group_rows(group):
                if row["uuid"] not in latest or row["seq"] > latest[row["uuid"]]["seq"]:
                    latest[row["uuid"]] = row
        rows = sorted(latest.values(), key=itemgetter("seq"))
        for group in sync_wire.groups_of_rows(rows):
            if huellas:
                keys = zip(group["uuid"], group["seq"], strict=True)
                group["huella"] = [huellas.get(key) for key in keys]
            yield table, group


def _ordered_once(uuids: list[str], seqs: list[int]) -> bool:
    return seqs == sorted(seqs) and len(set(uuids)) == len(uuids)


# A group's fields of the rows' envelopes, one list each.
_Envelope = Literal["uuid", "seq", "version", "updated_at", "deleted"]


@dataclass(frozen=True)
class _Rows:
    """Some rows of a group (``at``: their indexes in it; None: all), without their data,
    field by field, and ``row(j)``: the j-th whole (a conflict keeps it)."""

    group: sync_wire.PulledGroup
    at: list[int] | None = None

    def _field(self, name: _Envelope) -> list[Any]:
        values: list[Any] = self.group[name]
        return values if self.at is None else list(map(values.__getitem__, self.at))

    @property
    def uuid(self) -> list[str]:
        return self._field("uuid")

    @property
    def seq(self) -> list[int]:
        return self._field("seq")

    @property
    def version(self) -> list[int]:
        return self._field("version")

    @property
    def updated_at(self) -> list[str]:
        return self._field("updated_at")

    @property
    def deleted(self) -> list[bool]:
        return self._field("deleted")

    @property
    def huella(self) -> list[int | None]:
        """Each row's content fingerprint as the server sent it, where this desktop takes it
        (``_trusted``), else None."""
        values = self.group.get("huella")
        if values is None:
            return [None] * (len(self.group["uuid"]) if self.at is None else len(self.at))
        return values if self.at is None else list(map(values.__getitem__, self.at))

    def row(self, j: int) -> sync_wire.PulledRow:
        return sync_wire.group_row(self.group, j if self.at is None else self.at[j])


def _trusted(table: SyncedTable, group: sync_wire.PulledGroup) -> sync_wire.PulledGroup:
    """``group`` with the fingerprints its server sent (``PulledGroup.huella``) where they are
    this desktop's rows' once written: the group gives exactly the columns this desktop keeps
    of the table (another set: a server at another schema, whose fingerprint covers other
    content, or a row whose columns not sent would keep their values here), one fingerprint
    per row, each a number in range (anything else: None, computed by the content check).
    Without them (a server that sends none): the group as it came."""
    sent = group.get("huella")
    if sent is None:
        return group
    taken: list[int | None] | None = None
    if (
        isinstance(sent, list)
        and len(sent) == len(group["uuid"])
        and len(group["columns"]) == len(table.codecs)
        and set(group["columns"]) == set(table.codecs)
    ):
        taken = sent if _all_huellas(sent) else list(map(_huella_de, sent))
    trusted = cast(sync_wire.PulledGroup, {k: v for k, v in group.items() if k != "huella"})
    if taken is not None:
        trusted["huella"] = taken
    return trusted


def _actions(
    table: SyncedTable, group: sync_wire.PulledGroup, known: Known, repair: bool
) -> list[Action] | None:
    """Per row of the group, ``decide``'s action; None: every row an INSERT (none of them is
    here and each has data, which ``decide`` always answers so: no call per row)."""
    states, local = known
    if not states and not local and group["columns"]:
        return None
    has_data = bool(group["columns"])
    return [
        decide(
            states.get(row_uuid),
            local[row_uuid][1] if row_uuid in local else None,
            Incoming(seq, version, deleted, has_data),
            repair,
            table.append_only,
        )
        for row_uuid, seq, version, deleted in zip(
            group["uuid"], group["seq"], group["version"], group["deleted"], strict=True
        )
    ]


def _apply_group(
    session: Session,
    table: SyncedTable,
    group: sync_wire.PulledGroup,
    now: datetime,
    report: ApplyReport,
    final: bool,
    repair: bool,
    unsent: set[str],
) -> None:
    group = _trusted(table, group)
    known = _known(session, table, group["uuid"])
    actions = _actions(table, group, known, repair)
    states, local = known
    new_states: list[StateRow] = []
    if actions is None:
        writing = _Rows(group)
    else:
        for i, action in enumerate(actions):
            if action is Action.STATE:
                state = states.get(group["uuid"][i])
                seq = max(group["seq"][i], state.seq if state else 0)
                new_states.append((table.name, group["uuid"][i], seq, 0, group["version"][i], None))
        at = [i for i, action in enumerate(actions) if action in (Action.INSERT, Action.UPDATE)]
        writing = _Rows(group, at)
    count = len(group["uuid"]) if writing.at is None else len(writing.at)
    if count:
        given = dict(zip(group["columns"], group["values"], strict=True))
        if writing.at is not None:
            given = {
                name: list(map(values.__getitem__, writing.at)) for name, values in given.items()
            }
        decoded = decode(table, given, count, parents_of(session, table, given))
        refuse(session, table, decoded, count, writing.deleted, writing.uuid)
        conflict = _conflicts(session, table, now, report)
        page_of = decoded.names, decoded.columns
        fit = _set_aside(session, table, writing, decoded, final, report, conflict, new_states)
        uuids = writing.uuid
        updates = [j for j in fit if uuids[j] in local]
        if updates:
            _update(session, table, writing, decoded, updates, local, new_states)
            report.applied += len(updates)
        inserts = fit if not updates else [j for j in fit if uuids[j] not in local]
        if inserts and table.name in unsent:
            inserts, kept = claimed(session, table, _envelopes(writing), page_of, inserts, now)
            report.conflicts += kept
        if inserts:
            rows = writing if len(inserts) == count else _Rows(group, _positions(writing, inserts))
            page = decoded.names, _taken_rows(decoded.columns, inserts, count)
            report.applied += _insert_new(session, table, rows, page, conflict)
    upsert_states(session, new_states)


def _envelopes(rows: _Rows) -> tuple[list[str], list[int], list[int], list[str], list[bool]]:
    return rows.uuid, rows.seq, rows.version, rows.updated_at, rows.deleted


def _positions(rows: _Rows, chosen: list[int]) -> list[int]:
    """The group's indexes of ``rows``' ``chosen`` ones."""
    return chosen if rows.at is None else list(map(rows.at.__getitem__, chosen))


def _taken_rows(columns: list[list[Any]], chosen: list[int], count: int) -> list[list[Any]]:
    if len(chosen) == count:
        return columns
    return [list(map(column.__getitem__, chosen)) for column in columns]


def _set_aside(
    session: Session,
    table: SyncedTable,
    rows: _Rows,
    decoded: Decoded,
    final: bool,
    report: ApplyReport,
    conflict: Callable[[sync_wire.PulledRow, str], None],
    new_states: list[StateRow],
) -> list[int]:
    """The rows that do not fit kept aside: waiting for their parent (until the pull's end),
    or as an «invalido» conflict, or one its table refuses as a «rechazado» one. Returns the
    others' positions."""
    if not decoded.unfit:
        return list(range(len(rows.at) if rows.at is not None else len(rows.group["uuid"])))
    fit: list[int] = []
    uuids, seqs, versions = rows.uuid, rows.seq, rows.version
    held = _held_back(session) if final else frozenset()
    for j in range(len(uuids)):
        why = decoded.unfit.get(j)
        if why is None:
            fit.append(j)
        elif isinstance(why, NoParent) and (not final or why.parent in held):
            row = rows.row(j)
            session.merge(SyncPending(seq=seqs[j], table_name=table.name, row=json.dumps(row)))
            report.waiting += 1
            if final:  # its parent refused: known at its version (the drift check counts it
                # so), at sequence 0 (applied when it comes out of waiting, its parent here)
                new_states.append((table.name, uuids[j], 0, 0, versions[j], None))
        elif isinstance(why, Refused):
            rechazo = why.rechazo
            log.error("%s %s/%s: %s", rechazo.mensaje, table.name, uuids[j], rechazo.problema)
            report.refused.append(rechazo)
            conflict(rows.row(j), "rechazado")
            new_states.append((table.name, uuids[j], seqs[j], 0, versions[j], None))
        else:
            log.warning("Renglón recibido inservible %s/%s: %s", table.name, uuids[j], why)
            conflict(rows.row(j), "invalido")
            new_states.append((table.name, uuids[j], seqs[j], 0, versions[j], None))
    return fit


def _held_back(session: Session) -> frozenset[str]:
    """The rows whose children wait on after a pull: refused ones (an open «rechazado»
    conflict: the contracts and workers of a signed informativa not applied wait for a genuine
    version of it, not as one «invalido» conflict each) and those waiting themselves."""
    refused = select(SyncConflict.row_uuid).where(
        SyncConflict.kind == "rechazado", SyncConflict.resolved_at.is_(None)
    )
    waiting = select(func.json_extract(SyncPending.row, "$.uuid"))
    return frozenset(session.scalars(refused.union(waiting)))


def _update(
    session: Session,
    table: SyncedTable,
    rows: _Rows,
    decoded: Decoded,
    chosen: list[int],
    local: dict[str, tuple[int, int]],
    new_states: list[StateRow],
) -> None:
    """Rows this desktop holds, changed elsewhere: through the ORM (a page brings few of
    them), with the table's ``on_remote_change``; read in one statement and written in one
    flush (one SELECT and one UPDATE per row were most of a busy company's pull)."""
    uuids, seqs, versions = rows.uuid, rows.seq, rows.version
    stamps, deleted, huellas = rows.updated_at, rows.deleted, rows.huella
    # Two desktops that edited a row from the same version both reached the next number: the
    # server's arrives here under the number this desktop already has. Its state is dirty
    # while it is written (clean again with the page's states), or the store would take the
    # new content under the same version for a change made outside the app (store/sumas.py).
    same = [uuids[j] for j in chosen if local[uuids[j]][1] == versions[j]]
    model = table.model
    ids = [local[uuids[j]][0] for j in chosen]
    held: dict[int, Any] = {}
    for first in range(0, len(ids), _IDS_PER_SELECT):
        wanted = model.id.in_(ids[first : first + _IDS_PER_SELECT])
        held.update((obj.id, obj) for obj in session.scalars(select(model).where(wanted)))
    given = {j: decoded.row(j) for j in chosen}
    # Unique values the page moves among its rows (numbers swapped…): a row holding a value
    # another takes is moved aside first (claves.py; its state dirty too), so the one flush
    # may write them in any order.
    aside = in_the_way(table, ((held[local[uuids[j]][0]], given[j]) for j in chosen))
    same += [obj.uuid for obj in aside]
    if same and not table.append_only:
        session.connection().exec_driver_sql(_MARK_DIRTY, (table.name, orjson.dumps(same).decode()))
    move_aside(session, table, aside)
    for j in chosen:
        values = given[j]
        if not table.append_only:
            values.update(
                version=versions[j],
                updated_at=datetime.fromisoformat(stamps[j]),
                deleted=deleted[j],
            )
        obj = held[local[uuids[j]][0]]
        changed = {k for k, v in values.items() if getattr(obj, k) != v}
        for key, value in values.items():
            setattr(obj, key, value)
        if table.on_remote_change is not None and changed:
            table.on_remote_change(obj, changed)
        for name in aside.get(obj, ()):
            flag_modified(obj, name)  # written again even where its value did not change
        new_states.append((table.name, uuids[j], seqs[j], 0, versions[j], huellas[j]))
    session.flush()  # before the page's INSERT, as the ORM's autoflush did


_IDS_PER_SELECT = 900  # (under SQLite's oldest limit of bound values, 999)


def _natural_lookup(
    model: type[SyncedModel], key: tuple[str, ...], wanted: list[tuple[Any, ...]]
) -> Select[Any]:
    """``SELECT key`` of the local rows holding one of ``wanted`` (lists of values in the key's
    order): one statement per page, json_each joined to the key's unique index (a row-value IN
    would scan the table: 0.2 s a lookup at 200,000 rows)."""
    columns = [getattr(model, name) for name in key]
    keys = json_values(wanted)
    match = and_(*(c == func.json_extract(keys.c.value, f"$[{j}]") for j, c in enumerate(columns)))
    return select(*columns).select_from(keys).join(model, match)


def _taken(
    session: Session, table: SyncedTable, wanted: dict[tuple[str, ...], set[tuple[Any, ...]]]
) -> dict[tuple[str, ...], set[tuple[Any, ...]]]:
    """Per natural key: which of the ``wanted`` values (per key, tuples in its order) some
    local row already holds."""
    model = table.model
    taken: dict[tuple[str, ...], set[tuple[Any, ...]]] = {}
    for key in table.natural_keys:
        columns = tuple(getattr(model, name) for name in key)
        values = list(wanted.get(key, ()))
        found: Rows
        if not values:
            found = []
        elif len(key) == 1:
            found = lookup(session, columns, columns[0], [w[0] for w in values])
        else:  # (dates go as SQLite keeps them, ISO text: _json_values)
            found = session.connection().execute(_natural_lookup(model, key, values)).all()
        taken[key] = {tuple(r) for r in found}
    return taken


def _unclashed(
    session: Session, table: SyncedTable, count: int, values: dict[str, list[Any]]
) -> list[int] | None:
    """Which of a page's ``count`` new rows (``values``: their decoded columns) to insert: the
    others hold a natural-key value (registro, movimiento…) of a local row or of an earlier
    row of the page (the table's unique index would refuse them). None: every row."""
    keyed = {
        key: list(zip(*(values.get(name, repeat(None, count)) for name in key), strict=True))
        for key in table.natural_keys
    }
    if not keyed:
        return None
    wanted = {key: set(found) for key, found in keyed.items()}
    taken = _taken(session, table, wanted)
    if not any(taken.values()) and all(len(v) == count for v in wanted.values()):
        return None  # no value held already, none twice in the page
    keep = []
    for i in range(count):
        if any(v[i] in taken[key] for key, v in keyed.items()):
            continue
        for key, v in keyed.items():
            taken[key].add(v[i])
        keep.append(i)
    return keep


def _insert_new(
    session: Session,
    table: SyncedTable,
    rows: _Rows,
    page: Columns,
    conflict: Callable[[sync_wire.PulledRow, str], None],
) -> int:
    """A page's new rows that all decoded, kept as columns from the wire to the INSERT (no
    dict per row: a desktop joining a company pulls every row this way), with their states. A
    row holding a natural-key value (registro, movimiento…) of a local row or of an earlier
    row of the page is left out by the INSERT itself: only when some row was are the page's
    rows looked up; each one left out is kept as a «duplicado» conflict (a deleted one only
    as its state). Returns how many were inserted."""
    names, columns = list(page[0]), list(page[1])
    if not table.append_only:
        names += ["version", "updated_at", "deleted"]
        columns += [rows.version, list(map(datetime.fromisoformat, rows.updated_at)), rows.deleted]
    uuids = rows.uuid
    # A new row's local-only columns (its never-sent ones: never among the decoded ones).
    defaults = table.local_defaults
    keys = [*names, "uuid", *defaults]
    every = [*columns, uuids, *([value] * len(uuids) for value in defaults.values())]
    model = table.model
    # Each one's state (built in C loops), written with the rows.
    states = list(zip(repeat(table.name), uuids, rows.seq, repeat(0), rows.version, rows.huella))
    left_out: list[int] = []
    if defaults_left_out(model.__table__, keys):
        # SQLAlchemy fills in some default: its INSERT cannot skip, so clashes are found first.
        keep = _unclashed(session, table, len(uuids), dict(zip(names, columns, strict=True)))
        if keep is not None:
            every = [list(map(column.__getitem__, keep)) for column in every]
            kept = set(keep)
            left_out = [i for i in range(len(uuids)) if i not in kept]
        session.flush()  # the page's ORM writes before the statement's
        written = insert_columns(session, table, [(keys, every)], states=states)
    else:
        written = insert_columns(session, table, [(keys, every)], True, states)
        if written < len(uuids):
            # Every uuid of the page was new (the caller's lookup): those found now went in.
            inserted = {
                found
                for (found,) in lookup(
                    session, (model.uuid,), model.uuid, uuids, key=("uuids", table.name)
                )
            }
            left_out = [i for i, row_uuid in enumerate(uuids) if row_uuid not in inserted]
    # A row left out that is not deleted is kept as a «duplicado» conflict (one this desktop
    # made and never sent was adopted before: adopt.py). A deleted one only as its state
    # (there is nothing of it to show).
    for i in left_out:
        if not rows.deleted[i]:
            conflict(rows.row(i), "duplicado")
    return written


Known = tuple[dict[str, State], dict[str, tuple[int, int]]]


def _known(session: Session, table: SyncedTable, uuids: list[str]) -> Known:
    """What this desktop has of these rows of ``table``: per uuid its sync state (server
    sequence, dirty, whether its row was lost: no version), and its local row (id, version)."""
    states = {
        row_uuid: State(server_seq, bool(dirty), version is None)
        for row_uuid, server_seq, dirty, version in lookup(
            session,
            (
                SyncRowState.row_uuid,
                SyncRowState.server_seq,
                SyncRowState.dirty,
                SyncRowState.version,
            ),
            SyncRowState.row_uuid,
            uuids,
            SyncRowState.table_name == table.name,
            key=("states", table.name),
        )
    }
    model = table.model
    version = literal(1) if table.append_only else model.version
    local = {
        u: (i, v)
        for u, i, v in lookup(
            session, (model.uuid, model.id, version), model.uuid, uuids, key=("rows", table.name)
        )
    }
    return states, local


def _conflicts(
    session: Session, table: SyncedTable, now: datetime, report: ApplyReport
) -> Callable[[sync_wire.PulledRow, str], None]:
    """What keeps a pulled row of ``table`` as a conflict of a kind («duplicado»…). A row
    refused again (received again by a repair, or changed again) renews its open «rechazado»
    conflict instead of adding one."""

    def conflict(item: sync_wire.PulledRow, kind: str) -> None:
        loser = sync_wire.loser(item)
        if kind == "rechazado":
            abierto = session.scalar(
                select(SyncConflict).where(
                    SyncConflict.table_name == table.name,
                    SyncConflict.row_uuid == item["uuid"],
                    SyncConflict.kind == kind,
                    SyncConflict.resolved_at.is_(None),
                )
            )
            if abierto is not None:
                abierto.loser = json.dumps(loser, ensure_ascii=False)
                abierto.detected_at = now
                return
        report.conflicts += 1
        session.add(
            SyncConflict(
                table_name=table.name,
                row_uuid=item["uuid"],
                kind=kind,
                detected_at=now,
                loser=json.dumps(loser, ensure_ascii=False),
            )
        )

    return conflict


_MARK_DIRTY = (
    "UPDATE sync_row_state SET dirty = 1 WHERE table_name = ? "
    "AND row_uuid IN (SELECT value FROM json_each(?))"
)


# Each row's fingerprint as the server hashed what was sent (``PushResult.huella``): its
# content at the version recorded (a row changed again meanwhile stays dirty, and is not
# compared by its fingerprint until its own push is answered).
_RECORD_RESULTS = (
    "INSERT INTO sync_row_state (table_name, row_uuid, server_seq, dirty, version, huella) "
    "SELECT :table_name, r.u, r.s, coalesce({version} != r.v, 0), r.v, r.h FROM "
    "(SELECT value ->> 0 AS u, value ->> 1 AS s, value ->> 2 AS v, value ->> 3 AS h "
    "FROM json_each(:results)) AS r LEFT JOIN {table} AS m ON m.uuid = r.u WHERE true "
    "ON CONFLICT (table_name, row_uuid) DO UPDATE SET server_seq = excluded.server_seq, "
    "dirty = excluded.dirty, version = excluded.version, huella = excluded.huella"
)


_RESULT_FIELDS = itemgetter("table", "uuid", "seq", "version")


def _huella_de(value: Any) -> int | None:
    """``value`` where it is a content fingerprint the server could have sent (a number in
    range, not a bool); anything else None, computed by the content check."""
    return value if type(value) is int and 0 <= value < sync_wire.SUM_MODULUS else None


def _all_huellas(values: list[Any]) -> bool:
    """Whether every one of ``values`` is a fingerprint ``_huella_de`` keeps, in C loops (a
    page's 5,000, one Python call each, otherwise)."""
    return (
        bool(values)
        and set(map(type, values)) == {int}
        and min(values) >= 0
        and max(values) < sync_wire.SUM_MODULUS
    )


def record_push_results(
    session: Session, results: list[sync_wire.PushResult], now: datetime, equipo: int | None = None
) -> int:
    """After the server answered a batch: remember each row's server sequence, clear what was
    sent unless it changed again meanwhile, and keep every overwritten version as a conflict
    of the desktop that wrote it and of this one (``equipo``: its sync token's number, which
    the server's answer says; ``SyncConflict.equipos``). Returns the number of conflicts. Set-based: the answer goes to SQLite as its JSON, one
    statement per table (no Python step per row)."""
    conn = session.connection()
    quote = conn.dialect.identifier_preparer.quote
    per_table: dict[str, list[tuple[str, int, int, int | None]]] = {}
    refused = [result for result in results if result.get("rechazo")]
    if refused:
        results = [result for result in results if not result.get("rechazo")]
    for result in results:
        name, row_uuid, seq, version = _RESULT_FIELDS(result)
        huella = _huella_de(result.get("huella"))  # None from a server that sends none
        per_table.setdefault(name, []).append((row_uuid, seq, version, huella))
    for name, answered in per_table.items():
        table = by_name(name)
        if table is None:
            continue
        version = "1" if table.append_only else "m.version"
        conn.exec_driver_sql(
            _RECORD_RESULTS.format(version=version, table=quote(name)),
            {"table_name": name, "results": orjson.dumps(answered).decode()},
        )
    conflicts = 0
    for result in results:
        # Two desktops settled one conflict at once: the last word stands, not a new one.
        overwritten = result.get("overwritten")
        table = by_name(result["table"]) if overwritten else None
        if table is not None and table.name != SyncConflict.__tablename__:
            conflicts += 1
            autor = overwritten.get("autor") if overwritten else None
            equipos = f"{autor},{equipo}" if type(autor) is int and equipo is not None else ""
            session.add(
                SyncConflict(
                    table_name=result["table"],
                    row_uuid=result["uuid"],
                    kind="cambio",
                    detected_at=now,
                    loser=json.dumps(overwritten, ensure_ascii=False),
                    equipos=equipos,
                )
            )
    # A row that only waits for its parent (another desktop's informativa of the period came
    # first) is sent again once this desktop adopts that one: no conflict of its own.
    refused = [result for result in refused if not result.get("espera")]
    return conflicts + rechazados.record(session, refused, now)
