"""The mail queues of an installation with several empresas, sent as one.

IDSE account mails (recovery codes, password notices) queue in the catalog store, where the
users are; capturista and contratista mails in the open empresa's store. «Enviar ahora», the
retry timer and ``correo`` send both; a queue's mail never moves to the other."""

from __future__ import annotations

from icsoe_desktop.config import SmtpSettings
from icsoe_desktop.services.mail import MailService, SendReport


class MailQueues:
    def __init__(self, *queues: MailService) -> None:
        self.queues = queues
        # ``services.store``'s sessions are the open empresa's: its queue takes what they add.
        self.enqueue = queues[-1].enqueue

    def send_pending(self, force: bool = False) -> SendReport:
        reports = [queue.send_pending(force) for queue in self.queues]
        return SendReport(
            sent=sum(r.sent for r in reports),
            failed=sum(r.failed for r in reports),
            pending=sum(r.pending for r in reports),
            last_error=next((r.last_error for r in reversed(reports) if r.last_error), ""),
        )

    def pending_count(self) -> int:
        return sum(queue.pending_count() for queue in self.queues)

    def test_connection(self, settings: SmtpSettings, password: str | None) -> None:
        self.queues[0].test_connection(settings, password)
