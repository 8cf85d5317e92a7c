"""The mail queues of an installation with several empresas, sent as one.

IDSE account mails (recovery codes, password notices) queue in the catalog store, where the
users are; capturista and contratista mails in their empresa's store. «Enviar ahora», the retry
timer and ``correo`` send them all: the catalog's, the open empresa's, and every other
empresa's, each by its empresa's own server or the shared one (settings_empresa.py). A queue's
mail never moves to another.

Another empresa's store is opened only when a plain sqlite3 look finds a mail due in it, by the
caller's thread (the app's background sender), and closed after. Each mail is claimed in its
store before it is sent (mail.py), so two windows or processes never send one twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from icsoe_desktop.config import SmtpSettings
from icsoe_desktop.domain.clock import Clock, utcnow
from icsoe_desktop.services.correo.mail import MailService, SendReport
from icsoe_desktop.services.secrets import SecretsService
from icsoe_desktop.store import cifrado, plain
from icsoe_desktop.store.db import Store, StoreError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ColaEmpresa:
    """An empresa that is not open: its store file and how to read its server settings."""

    etiqueta: str
    store_path: Path
    smtp: Callable[[], SmtpSettings]


class MailQueues:
    def __init__(
        self,
        *queues: MailService,
        otras: Callable[[], list[ColaEmpresa]] = list,
        secrets: SecretsService | None = None,
        clock: Clock = utcnow,
    ) -> None:
        self.queues = queues
        self._otras, self._secrets, self._clock = otras, secrets, clock
        # ``services.store``'s sessions are the open empresa's: its queue takes what they add.
        self.enqueue = queues[-1].enqueue

    def send_pending(self, force: bool = False) -> SendReport:
        reports = [queue.send_pending(force) for queue in self.queues]
        reports += [self._send_other(cola, force) for cola in self._otras()]
        return SendReport(
            sent=sum(r.sent for r in reports),
            failed=sum(r.failed for r in reports),
            pending=sum(r.pending for r in reports),
            last_error=next((r.last_error for r in reversed(reports) if r.last_error), ""),
        )

    def pending_count(self) -> int:
        return sum(queue.pending_count() for queue in self.queues) + sum(
            _unsent(cola.store_path, None) for cola in self._otras()
        )

    def test_connection(self, settings: SmtpSettings, password: str | None) -> None:
        self.queues[0].test_connection(settings, password)

    def server_problem(self) -> str:
        """The installation's server (IDSE account mails): see MailService.server_problem."""
        return self.queues[0].server_problem()

    def _send_other(self, cola: ColaEmpresa, force: bool) -> SendReport:
        """A closed empresa's due mails: its store opened for the delivery, then closed."""
        if self._secrets is None or not _unsent(cola.store_path, None if force else self._clock()):
            return SendReport(0, 0, 0)
        try:
            store = Store(cola.store_path)
        except StoreError as exc:  # a damaged store: named by --self-check, its mail waits
            log.warning("Correo de %s sin enviar: %s", cola.etiqueta, exc.message)
            return SendReport(0, 0, 0)
        try:
            report = MailService(store, cola.smtp, self._secrets, self._clock).send_pending(force)
        finally:
            store.close()
        log.info("Cola de correo de %s: %s", cola.etiqueta, report)
        return report


def _unsent(path: Path, due_by: datetime | None) -> int:
    """Mails not sent yet in the store at ``path`` (only those due by ``due_by``, when given);
    0 for a missing or unreadable file."""
    if not path.is_file():
        return 0
    query = "SELECT count(*) FROM outbox WHERE sent_at IS NULL"
    params: tuple[str | None, ...] = ()
    if due_by is not None:
        query += " AND next_attempt_at <= ?"
        params = (plain.to_text(due_by),)
    try:
        conn = plain.connect(path)
        try:
            return int(conn.execute(query, params).fetchone()[0])
        finally:
            conn.close()
    except cifrado.Error:
        log.warning("No se pudo leer la cola de correo de %s", path, exc_info=True)
        return 0
