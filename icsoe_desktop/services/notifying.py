"""What the services that write the store, audit and mail (IDSE accounts, capturistas' alta and
their access) are built with."""

from __future__ import annotations

from icsoe_desktop.domain.clock import Clock, utcnow
from icsoe_desktop.services.audit import AuditService
from icsoe_desktop.services.correo.mail import Outbox
from icsoe_desktop.store.db import Store


class NotifyingService:
    def __init__(
        self, store: Store, audit: AuditService, mail: Outbox, clock: Clock = utcnow
    ) -> None:
        self._store = store
        self._audit = audit
        self._mail = mail
        self._clock = clock
