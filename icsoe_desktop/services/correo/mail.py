"""Outgoing mail: queued in the outbox table inside the caller's transaction, then delivered by
SMTP. A message that cannot be delivered stays queued and is retried with back-off; none is lost.

Several senders may share one data dir (the app's timer, ``python -m icsoe_desktop correo``,
another window): each mail is claimed in the database (an atomic UPDATE with a lease) before it
is sent, so exactly one sender sends it. A sender that dies holding a claim loses it when the
lease ends. A mail carrying a one-use code gets its code only here, at send time.
"""

from __future__ import annotations

import contextlib
import logging
import os
import smtplib
import socket
import ssl
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any, Protocol, cast

from sqlalchemy import ColumnElement, CursorResult, and_, func, or_, select, update
from sqlalchemy.orm import Session

from icsoe_desktop.config import SmtpSettings
from icsoe_desktop.domain.clock import Clock, utcnow
from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.services.acceso import one_time_codes
from icsoe_desktop.services.secrets import SecretsService
from icsoe_desktop.store.db import Store
from icsoe_desktop.store.models import OneTimeToken, OutboxMail

log = logging.getLogger(__name__)

SMTP_SECRET_SCOPE = "smtp"
MAX_BACKOFF = timedelta(hours=1)
# A claim outlives any single SMTP exchange (timeouts are seconds); then another sender may retry.
CLAIM_LEASE = timedelta(minutes=10)


def smtp_secret_key(settings: SmtpSettings) -> str:
    return f"{settings.usuario}@{settings.host}:{settings.port}"


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 … minutes after each failure, at most an hour."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


@dataclass(frozen=True)
class SendReport:
    sent: int
    failed: int
    pending: int
    last_error: str = ""


def _describe(exc: Exception) -> str:
    """A Spanish cause for the user; the technical detail goes to the log."""
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return "El servidor de correo rechazó el usuario o la contraseña SMTP."
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "El servidor de correo rechazó la dirección del destinatario."
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return "El servidor de correo rechazó la dirección del remitente."
    if isinstance(exc, ssl.SSLError):
        return "No se pudo establecer una conexión segura (TLS) con el servidor de correo."
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        if "AUTH" in str(exc):  # login() on a server without AUTH, not starttls()
            return (
                "El servidor de correo no admite autenticación (usuario y contraseña) en esta "
                "conexión; revisa el tipo de seguridad o deja vacío el usuario."
            )
        return "El servidor de correo no admite STARTTLS; revisa el tipo de seguridad."
    if isinstance(exc, (ConnectionError, TimeoutError, OSError, smtplib.SMTPConnectError)):
        return (
            "No se pudo conectar con el servidor de correo. Revisa el servidor, el puerto y la red."
        )
    return "El servidor de correo no aceptó el mensaje."


class Outbox(Protocol):
    """Where a service leaves its mail: an empresa's queue (MailService) or all of them
    (correo/colas.py's MailQueues, which puts it in the open empresa's)."""

    def enqueue(
        self,
        session: Session,
        to_addr: str,
        subject: str,
        body: str,
        token: OneTimeToken | None = None,
    ) -> OutboxMail: ...


class MailService:
    def __init__(
        self,
        store: Store,
        smtp_settings: Callable[[], SmtpSettings],
        secrets: SecretsService,
        clock: Clock = utcnow,
    ) -> None:
        self._store = store
        self._smtp_settings = smtp_settings
        self._secrets = secrets
        self._clock = clock
        self._sending = threading.Lock()  # one delivery run at a time in this process
        # Who holds a claim: host, process and this service, for the log and for stale claims.
        self._sender = f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

    # --- queue ---------------------------------------------------------------------------------

    def enqueue(
        self,
        session: Session,
        to_addr: str,
        subject: str,
        body: str,
        token: OneTimeToken | None = None,
    ) -> OutboxMail:
        """``token``: the body has ``one_time_codes.CODE_MARK`` (and ``LINK_MARK``) where the
        code goes; the code is drawn when the mail is sent, so the outbox never holds it."""
        mail = OutboxMail(
            to_addr=to_addr,
            subject=subject,
            body=body,
            next_attempt_at=self._clock(),
            last_error="",
            token_id=None if token is None else token.id,
        )
        session.add(mail)
        return mail

    def pending_count(self) -> int:
        with self._store.session() as session:
            return (
                session.scalar(
                    select(func.count()).select_from(OutboxMail).where(OutboxMail.sent_at.is_(None))
                )
                or 0
            )

    # --- delivery ------------------------------------------------------------------------------

    def _connect(self, settings: SmtpSettings, password: str | None) -> smtplib.SMTP:
        if settings.seguridad == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.host,
                settings.port,
                timeout=settings.timeout_s,
                context=ssl.create_default_context(),
            )
        else:
            smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout_s)
        try:
            if settings.seguridad == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if settings.usuario:
                smtp.login(settings.usuario, password or "")
        except BaseException:
            smtp.close()  # a refused STARTTLS or login must not leave the socket open
            raise
        return smtp

    def _message(self, settings: SmtpSettings, mail: OutboxMail, body: str) -> EmailMessage:
        message = EmailMessage()
        message["From"] = settings.remitente
        message["To"] = mail.to_addr
        message["Subject"] = mail.subject
        message["Date"] = formatdate(localtime=True)
        message["Message-ID"] = make_msgid(idstring=mail.uuid)
        message.set_content(body)
        return message

    def test_connection(self, settings: SmtpSettings, password: str | None) -> None:
        """Connect, authenticate and quit; raise a DomainError with the cause in Spanish."""
        if not settings.configured:
            raise DomainError(
                "smtp_sin_configurar", "Captura el servidor y el remitente del correo."
            )
        try:
            smtp = self._connect(settings, password)
            smtp.quit()
        except (smtplib.SMTPException, OSError) as exc:
            log.warning("Prueba de conexión SMTP fallida: %r", exc)
            raise DomainError("smtp_error", _describe(exc)) from exc

    def server_problem(self) -> str:
        """Why the configured server does not answer now ("" when it does): for an answer that
        must not depend on whether a message was waiting to be sent."""
        settings = self._smtp_settings()
        try:
            self.test_connection(
                settings, self._secrets.get(SMTP_SECRET_SCOPE, smtp_secret_key(settings))
            )
        except DomainError as exc:
            return exc.message
        return ""

    def send_pending(self, force: bool = False) -> SendReport:
        """Deliver every due message (all unsent ones when ``force``). Never raises for SMTP."""
        if not self._sending.acquire(blocking=False):
            return SendReport(0, 0, self.pending_count(), "Ya hay un envío de correo en curso.")
        try:
            return self._send_due(force)
        finally:
            self._sending.release()

    def _send_due(self, force: bool) -> SendReport:
        settings = self._smtp_settings()
        now = self._clock()
        with self._store.session() as session:
            query = select(OutboxMail).where(OutboxMail.sent_at.is_(None), self._claimable(now))
            if not force:
                query = query.where(OutboxMail.next_attempt_at <= now)
            due = session.scalars(query.order_by(OutboxMail.id)).all()
        if not due:
            return SendReport(0, 0, self.pending_count())
        if not settings.configured:
            error = (
                "El correo saliente (SMTP) no está configurado; los mensajes esperan en la cola."
            )
            self._mark_failed([m.id for m in due], error)
            return SendReport(0, len(due), self.pending_count(), error)

        password = self._secrets.get(SMTP_SECRET_SCOPE, smtp_secret_key(settings))
        sent = failed = 0
        error = ""
        try:
            smtp = self._connect(settings, password)
        except (smtplib.SMTPException, OSError) as exc:
            log.warning(
                "No se pudo conectar al servidor SMTP %s:%s: %r", settings.host, settings.port, exc
            )
            error = _describe(exc)
            self._mark_failed([m.id for m in due], error)
            return SendReport(0, len(due), self.pending_count(), error)
        try:
            for position, mail in enumerate(due):
                body = self._claim(mail.id)
                if body is None:
                    continue  # another sender has it, or already sent it
                try:
                    smtp.send_message(self._message(settings, mail, body))
                except (smtplib.SMTPException, OSError) as exc:
                    log.warning("No se pudo enviar el correo %s: %r", mail.uuid, exc)
                    error = _describe(exc)
                    self._mark_failed([mail.id], error)
                    failed += 1
                    if isinstance(exc, (smtplib.SMTPServerDisconnected, OSError)):
                        rest = [m.id for m in due[position + 1 :]]
                        failed += self._mark_failed(rest, error)
                        break
                else:
                    self._mark_sent(mail.id)
                    sent += 1
        finally:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                smtp.quit()
        return SendReport(sent, failed, self.pending_count(), error)

    def _claim(self, mail_id: int) -> str | None:
        """Take the mail for this sender (one UPDATE: among concurrent senders exactly one
        matches) and return the text to send, with a freshly drawn code if it carries one; None
        when another sender holds it or it went already. The UPDATE comes first, so the write
        lock is held from the start (no stale read to upgrade under SQLite's WAL)."""
        now = self._clock()
        with self._store.session() as session:
            # An UPDATE's result is a CursorResult (its rowcount), which execute() does not say.
            claimed = session.execute(
                update(OutboxMail)
                .where(OutboxMail.id == mail_id, OutboxMail.sent_at.is_(None), self._claimable(now))
                .values(claimed_by=self._sender, claimed_until=now + CLAIM_LEASE)
            )
            taken = cast("CursorResult[Any]", claimed).rowcount
            if taken != 1:
                return None
            mail = session.get(OutboxMail, mail_id)
            assert mail is not None
            if mail.token_id is None:
                return mail.body
            code = one_time_codes.draw_code(session, mail.token_id)
            if code is None:
                return mail.body
            return one_time_codes.render(mail.body, code)

    def _claimable(self, now: datetime) -> ColumnElement[bool]:
        """Rows no other live sender holds."""
        return or_(
            OutboxMail.claimed_by.is_(None),
            OutboxMail.claimed_by == self._sender,
            OutboxMail.claimed_until <= now,
        )

    def _mark_sent(self, mail_id: int) -> None:
        with self._store.session() as session:
            session.execute(
                update(OutboxMail)
                .where(OutboxMail.id == mail_id, OutboxMail.claimed_by == self._sender)
                .values(
                    sent_at=self._clock(),
                    attempts=OutboxMail.attempts + 1,
                    last_error="",
                    claimed_by=None,
                    claimed_until=None,
                )
            )

    def _mark_failed(self, ids: list[int], error: str) -> int:
        """Count a failed attempt on these mails, except those another sender holds or sent;
        return how many were counted. Each row's next attempt backs off by its own count."""
        if not ids:
            return 0
        now = self._clock()
        with self._store.session() as session:
            counted = session.execute(
                update(OutboxMail)
                .where(
                    and_(OutboxMail.id.in_(ids), OutboxMail.sent_at.is_(None)),
                    self._claimable(now),
                )
                .values(
                    attempts=OutboxMail.attempts + 1,
                    last_error=error,
                    claimed_by=None,
                    claimed_until=None,
                )
                .returning(OutboxMail.id, OutboxMail.attempts)
            ).all()
            for mail_id, attempts in counted:
                session.execute(
                    update(OutboxMail)
                    .where(OutboxMail.id == mail_id)
                    .values(next_attempt_at=now + backoff(attempts))
                )
        return len(counted)
