"""The append-only audit log of admin actions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from icsoe_desktop.domain.clock import Clock, utcnow
from icsoe_desktop.store.db import Store
from icsoe_desktop.store.models import AuditEntry

SYSTEM_ACTOR = "sin sesión"


@dataclass(frozen=True)
class AuditRecord:
    at: datetime
    actor: str
    action: str
    target: str
    detail: str


class AuditService:
    def __init__(self, store: Store, clock: Clock = utcnow) -> None:
        self._store = store
        self._clock = clock

    def record(
        self, session: Session, actor: str | None, action: str, target: str = "", detail: str = ""
    ) -> None:
        """Add an entry inside the caller's unit of work: the action and its trace commit together.

        ``detail`` must never carry a secret (password, code, key).
        """
        session.add(
            AuditEntry(
                at=self._clock(),
                actor=actor or SYSTEM_ACTOR,
                action=action,
                target=target,
                detail=detail,
            )
        )

    def recent(self, limit: int = 200) -> list[AuditRecord]:
        with self._store.session() as session:
            rows = session.scalars(
                select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
            ).all()
            return [AuditRecord(r.at, r.actor, r.action, r.target, r.detail) for r in rows]
