"""The store side of sync: reading the local changes to send (as wire rows) and applying the
rows pulled from the server. No HTTP here (services.sync does that); one registry drives both
(store/sync_tables.py)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, insert, or_, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from icsoe_desktop.domain.clock import utcnow
from icsoe_desktop.store.models_sync import APPLYING_REMOTE, SyncConflict, SyncRowState
from icsoe_desktop.store.sync_tables import (
    SYNCED_TABLES,
    SyncedTable,
    by_name,
    encode_value,
    is_plain_json,
)

log = logging.getLogger(__name__)


def _updated_at(table: SyncedTable, row: Any) -> datetime:
    """Append-only rows have no updated_at: their first date column stands for it."""
    for name in ("updated_at", "created_at", "at"):
        value = getattr(row, name, None)
        if isinstance(value, datetime):
            return value
    return utcnow()


def _id_to_uuid(session: Session, model: type) -> dict[int, str]:
    return dict(session.execute(select(model.id, model.uuid)).all())


def _uuid_to_id(session: Session, model: type) -> dict[str, int]:
    return dict(session.execute(select(model.uuid, model.id)).all())


def parent_ids(session: Session, table: SyncedTable) -> dict[str, dict[str, int]]:
    """Per foreign-key column: the parent row's UUID → its local id (what decode_row needs)."""
    return {col: _uuid_to_id(session, parent) for col, parent in table.foreign_keys.items()}


def _pending_filter(table: SyncedTable):
    """Rows of ``table`` to send: dirty, or never seen by sync (no state row at all: rows that
    existed before sync was added count as changes)."""
    model = table.model
    state = SyncRowState
    join = and_(state.table_name == table.name, state.row_uuid == model.uuid)
    return join, or_(state.row_uuid.is_(None), state.dirty.is_(True))


def pending_count(session: Session) -> int:
    total = 0
    for table in SYNCED_TABLES:
        join, pending = _pending_filter(table)
        total += session.scalar(
            select(func.count())
            .select_from(table.model)
            .outerjoin(SyncRowState, join)
            .where(pending)
        )
    # Tombstones of hard-deleted rows: a dirty state with no row behind it.
    for table in SYNCED_TABLES:
        total += session.scalar(
            select(func.count())
            .select_from(SyncRowState)
            .outerjoin(table.model, table.model.uuid == SyncRowState.row_uuid)
            .where(
                SyncRowState.table_name == table.name,
                SyncRowState.dirty.is_(True),
                table.model.id.is_(None),
            )
        )
    return total


def local_changes(session: Session) -> Iterator[dict[str, Any]]:
    """Every pending local change as a wire row, parents before children."""
    for table in SYNCED_TABLES:
        model = table.model
        join, pending = _pending_filter(table)
        parents = {col: _id_to_uuid(session, parent) for col, parent in table.foreign_keys.items()}
        # Core rows read by position, not ORM objects: reading 100,000 changes takes half the
        # time without the identity map and attribute lookups, and nothing here is written back.
        base_seq = func.coalesce(SyncRowState.server_seq, 0).label("sync_base_seq")
        position = {c.name: i for i, c in enumerate(model.__table__.columns)}
        plan = [
            (name, position[name], None if is_plain_json(column) else column, parents.get(name))
            for name, column in table.columns.items()
        ]
        rows = session.connection().execute(
            select(model.__table__, base_seq)
            .outerjoin(SyncRowState, join)
            .where(pending)
            .order_by(model.id)
            .execution_options(yield_per=1000)
        )
        for row in rows:
            data = {}
            for name, i, encoded, parent in plan:
                value = row[i]
                if value is not None:
                    if parent is not None:
                        value = parent.get(value)
                    elif encoded is not None:
                        value = encode_value(encoded, value)
                data[name] = value
            yield {
                "table": table.name,
                "uuid": row.uuid,
                "version": 1 if table.append_only else row.version,
                "updated_at": _updated_at(table, row).isoformat(),
                "deleted": False if table.append_only else bool(row.deleted),
                "base_seq": row.sync_base_seq,
                "data": data,
            }
        # Hard-deleted rows: a tombstone with no data (other desktops soft-delete their copy).
        orphans = session.execute(
            select(SyncRowState.row_uuid, SyncRowState.server_seq)
            .outerjoin(model, model.uuid == SyncRowState.row_uuid)
            .where(
                SyncRowState.table_name == table.name,
                SyncRowState.dirty.is_(True),
                model.id.is_(None),
            )
        ).all()
        for row_uuid, base_seq in orphans:
            yield {
                "table": table.name,
                "uuid": row_uuid,
                "version": 2**31 - 1,  # beats any live version of the row
                "updated_at": utcnow().isoformat(),
                "deleted": True,
                "base_seq": base_seq,
                "data": {},
            }


def _insert_rows(session: Session, model: type, rows: list[dict[str, Any]]) -> None:
    """Core executemany (less than half the time of the ORM bulk insert on 100,000 pulled
    movimientos), one statement per set of keys: a pulled row may leave out nullable columns."""
    by_keys: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        by_keys.setdefault(tuple(row), []).append(row)
    for group in by_keys.values():
        session.connection().execute(insert(model.__table__), group)


def _upsert_states(session: Session, states: list[dict[str, Any]]) -> None:
    if not states:
        return
    stmt = sqlite_insert(SyncRowState.__table__)
    stmt = stmt.on_conflict_do_update(
        index_elements=["table_name", "row_uuid"],
        set_={"server_seq": stmt.excluded.server_seq, "dirty": stmt.excluded.dirty},
    )
    session.connection().execute(stmt, states)


def record_push_results(session: Session, results: list[dict[str, Any]], now: datetime) -> int:
    """After the server answered a batch: remember each row's server sequence, clear what was
    sent unless it changed again meanwhile, and keep every overwritten version as a conflict.
    Returns the number of conflicts."""
    by_table: dict[str, list[dict[str, Any]]] = {}
    for result in results:
        by_table.setdefault(result["table"], []).append(result)
    states: list[dict[str, Any]] = []
    conflicts = 0
    for name, items in by_table.items():
        table = by_name(name)
        if table is None:
            continue
        model = table.model
        versions: dict[str, int] = {}
        uuids = [r["uuid"] for r in items]
        for start in range(0, len(uuids), 500):
            chunk = uuids[start : start + 500]
            if table.append_only:
                versions.update(
                    {u: 1 for u in session.scalars(select(model.uuid).where(model.uuid.in_(chunk)))}
                )
            else:
                versions.update(
                    session.execute(
                        select(model.uuid, model.version).where(model.uuid.in_(chunk))
                    ).all()
                )
        for result in items:
            local_version = versions.get(result["uuid"])
            # Changed again while the batch was in flight: still dirty, with the new base.
            still_dirty = local_version is not None and local_version != result["version"]
            states.append(
                {
                    "table_name": name,
                    "row_uuid": result["uuid"],
                    "server_seq": result["seq"],
                    "dirty": still_dirty,
                }
            )
            if result.get("overwritten"):
                conflicts += 1
                session.add(
                    SyncConflict(
                        table_name=name,
                        row_uuid=result["uuid"],
                        kind="cambio",
                        detected_at=now,
                        loser=json.dumps(result["overwritten"], ensure_ascii=False),
                    )
                )
    _upsert_states(session, states)
    return conflicts


@dataclass
class ApplyReport:
    received: int = 0
    applied: int = 0
    conflicts: int = 0


class _Unfit(ValueError):
    pass


def natural_value(key: tuple[str, ...], values: dict[str, Any]) -> tuple:
    return tuple(values.get(name) for name in key)


def decode_row(
    table: SyncedTable, data: dict[str, Any], parents: dict[str, dict[str, int]]
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    foreign_keys = table.foreign_keys
    for name, decode, optional in table.decoders:
        if name not in data:
            if optional:
                continue
            raise _Unfit(f"falta {name}")
        raw = data[name]
        if raw is None:
            values[name] = None
        elif name in foreign_keys:
            parent_id = parents[name].get(str(raw))
            if parent_id is None:
                raise _Unfit(f"no existe el renglón padre de {name}")
            values[name] = parent_id
        else:
            try:
                values[name] = decode(raw)
            except (TypeError, ValueError) as exc:
                raise _Unfit(f"{name}: {exc}") from exc
    return values


def apply_remote(session: Session, rows: list[dict[str, Any]], now: datetime) -> ApplyReport:
    """Apply pulled rows (one transaction, the caller commits), parents before children.

    A row changed here and not yet sent is left alone: the next push wins by server order and
    gets the overwritten version back as a conflict. A row that collides with a different local
    row on a unique value (the same registro patronal created offline on two desktops) is kept
    as a conflict instead of being inserted.
    """
    report = ApplyReport(received=len(rows))
    session.info[APPLYING_REMOTE] = True
    try:
        order = {t.name: i for i, t in enumerate(SYNCED_TABLES)}
        grouped: dict[str, list[dict[str, Any]]] = {}
        for row in sorted(rows, key=lambda r: (order.get(r["table"], 99), r["seq"])):
            grouped.setdefault(row["table"], []).append(row)
        for name, items in grouped.items():
            table = by_name(name)
            if table is not None:
                _apply_table(session, table, items, now, report)
    finally:
        session.info.pop(APPLYING_REMOTE, None)
    return report


def _apply_table(
    session: Session,
    table: SyncedTable,
    items: list[dict[str, Any]],
    now: datetime,
    report: ApplyReport,
) -> None:
    model = table.model
    states = {
        s.row_uuid: s
        for s in session.scalars(select(SyncRowState).where(SyncRowState.table_name == table.name))
    }
    local_ids = _uuid_to_id(session, model)
    parents = parent_ids(session, table)
    taken = {
        key: {tuple(r) for r in session.execute(select(*(getattr(model, k) for k in key)))}
        for key in table.natural_keys
    }
    inserts: list[dict[str, Any]] = []
    new_states: list[dict[str, Any]] = []

    def conflict(item: dict[str, Any], kind: str) -> None:
        report.conflicts += 1
        loser = {k: item[k] for k in ("seq", "version", "updated_at", "deleted", "data")}
        session.add(
            SyncConflict(
                table_name=table.name,
                row_uuid=item["uuid"],
                kind=kind,
                detected_at=now,
                loser=json.dumps(loser, ensure_ascii=False),
            )
        )

    for item in items:
        row_uuid, seq = item["uuid"], item["seq"]
        state = states.get(row_uuid)
        if state is not None and state.server_seq >= seq:
            continue  # our own push coming back, or already applied
        local_id = local_ids.get(row_uuid)
        if local_id is not None and (state is None or state.dirty):
            continue  # changed here, not sent yet: the next push settles it (server order)
        new_states.append(
            {"table_name": table.name, "row_uuid": row_uuid, "server_seq": seq, "dirty": False}
        )
        if local_id is not None and table.append_only:
            continue
        if local_id is None and item["deleted"] and not item["data"]:
            continue  # tombstone of a row this desktop never had
        try:
            values = decode_row(table, item["data"], parents)
        except _Unfit as exc:
            log.warning("Renglón recibido inservible %s/%s: %s", table.name, row_uuid, exc)
            conflict(item, "invalido")
            continue
        if not table.append_only:
            values.update(
                version=item["version"],
                updated_at=datetime.fromisoformat(item["updated_at"]),
                deleted=item["deleted"],
            )
        if local_id is None:
            clash = [k for k in table.natural_keys if natural_value(k, values) in taken[k]]
            if clash and not item["deleted"]:
                conflict(item, "duplicado")
                continue
            for key in table.natural_keys:
                taken[key].add(natural_value(key, values))
            inserts.append({"uuid": row_uuid, **table.local_defaults, **values})
        else:
            obj = session.get(model, local_id)
            changed = {k for k, v in values.items() if getattr(obj, k) != v}
            for key, value in values.items():
                setattr(obj, key, value)
            if table.on_remote_change is not None and changed:
                table.on_remote_change(obj, changed)
        report.applied += 1
    session.flush()  # the updates above first, as the ORM insert's autoflush did
    _insert_rows(session, model, inserts)
    _upsert_states(session, new_states)
