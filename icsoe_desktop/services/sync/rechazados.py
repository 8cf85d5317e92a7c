"""Rows the server refused when they were pushed (a domain rule they break:
``sync_server/reglas.py``), kept on this desktop as conflicts of their own kind that say why.
The row stays as it is, changed (sent again at each sync until it is corrected or removed):
nothing of it is lost, and it reaches no other desktop."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from icsoe_desktop.domain import sync_wire
from icsoe_desktop.store.models import SyncConflict

REFUSED_BY_SERVER = "rechazado_servidor"


def record(session: Session, refused: list[sync_wire.PushResult], now: datetime) -> int:
    """Rows the server refused (a domain rule they break, ``sync_server/reglas.py``): each
    stays changed here (sent again at each sync, until corrected or removed) and is kept as a
    conflict saying why; one refused again renews its open conflict. How many are new."""
    new = 0
    for result in refused:
        loser = json.dumps(
            {"version": result["version"], "motivo": result.get("rechazo", ""), "data": {}},
            ensure_ascii=False,
        )
        abierto = session.scalar(
            select(SyncConflict).where(
                SyncConflict.table_name == result["table"],
                SyncConflict.row_uuid == result["uuid"],
                SyncConflict.kind == REFUSED_BY_SERVER,
                SyncConflict.resolved_at.is_(None),
            )
        )
        if abierto is not None:
            abierto.loser, abierto.detected_at = loser, now
            continue
        new += 1
        session.add(
            SyncConflict(
                table_name=result["table"],
                row_uuid=result["uuid"],
                kind=REFUSED_BY_SERVER,
                detected_at=now,
                loser=loser,
            )
        )
    return new


__all__ = ["REFUSED_BY_SERVER", "record"]
