"""Outgoing mail: the outbox keeps every message until a real SMTP server accepts it."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import select

from icsoe_desktop.config import SmtpSettings
from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.container import open_services
from icsoe_desktop.services.correo.mail import backoff
from icsoe_desktop.store.models import OutboxMail

# The AUTH server below is plain text on purpose (test-only, 127.0.0.1); aiosmtpd warns.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")

REMITENTE = "nominas@empresa.com"
DESTINO = "ana.lopez@empresa.com"
SMTP_USER = "nominas@empresa.com"
SMTP_PASSWORD = "Clave#Smtp26"
MSG_SIN_CONEXION = (
    "No se pudo conectar con el servidor de correo. Revisa el servidor, el puerto y la red."
)


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens (the server is "down")."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Collect:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@contextmanager
def smtp_server_on(port: int, **kwargs: object) -> Iterator[list[EmailMessage]]:
    """A real aiosmtpd server on a chosen port (to bring a "down" server up)."""
    from aiosmtpd.controller import Controller

    handler = _Collect()
    # Its thread's start waited for as the suite's other servers' (tests/conftest.py).
    controller = Controller(handler, hostname="127.0.0.1", port=port, ready_timeout=60, **kwargs)
    controller.start()
    try:
        yield handler.messages
    finally:
        controller.stop()


def smtp_to(port: int, **changes: object) -> SmtpSettings:
    # The client waits as long as the server's thread may take on a busy machine, as
    # SmtpSink.settings (tests/conftest.py); a closed port is refused at once anyway.
    values = {"host": "127.0.0.1", "port": port, "seguridad": "ninguna", "remitente": REMITENTE}
    values.update(changes)
    return SmtpSettings(timeout_s=120, **values)


def queue(services, subject: str = "Aviso", body: str = "Hola", to: str = DESTINO) -> None:
    with services.store.session() as session:
        services.mail.enqueue(session, to, subject, body)


def outbox(services) -> list[OutboxMail]:
    with services.store.session() as session:
        return list(session.scalars(select(OutboxMail).order_by(OutboxMail.id)))


def test_backoff_doubles_up_to_an_hour() -> None:
    assert [backoff(n) for n in (1, 2, 3, 4)] == [
        timedelta(minutes=1),
        timedelta(minutes=2),
        timedelta(minutes=4),
        timedelta(minutes=8),
    ]
    assert backoff(7) == timedelta(minutes=60)
    assert backoff(30) == timedelta(hours=1)


def test_mail_waits_in_the_queue_while_smtp_is_not_configured(services, smtp_server, clock) -> None:
    queue(services)
    assert services.mail.pending_count() == 1
    report = services.mail.send_pending()
    assert (report.sent, report.pending) == (0, 1)
    assert "no está configurado" in report.last_error
    assert services.mail.pending_count() == 1

    services.settings.save_smtp(smtp_server.settings(), None, actor=CLI_ACTOR)
    report = services.mail.send_pending(force=True)
    assert (report.sent, report.pending) == (1, 0)
    assert len(smtp_server.to(DESTINO)) == 1


def test_server_down_keeps_mail_queued_and_retries_with_backoff(services, clock) -> None:
    port = closed_port()
    services.settings.save_smtp(smtp_to(port), None, actor=CLI_ACTOR)
    queue(services, subject="Primero")
    queue(services, subject="Segundo")
    start = clock.now

    report = services.mail.send_pending()
    assert (report.sent, report.failed, report.pending) == (0, 2, 2)
    assert report.last_error == MSG_SIN_CONEXION
    [first, second] = outbox(services)
    assert (first.attempts, first.sent_at, first.last_error) == (1, None, MSG_SIN_CONEXION)
    assert first.next_attempt_at == start + timedelta(minutes=1)
    assert second.attempts == 1

    # Not retried before the back-off ends…
    clock.advance(seconds=59)
    report = services.mail.send_pending()
    assert (report.sent, report.failed, report.pending) == (0, 0, 2)
    assert [m.attempts for m in outbox(services)] == [1, 1]

    # …unless the user asks for it.
    report = services.mail.send_pending(force=True)
    assert report.failed == 2
    assert [m.attempts for m in outbox(services)] == [2, 2]
    assert outbox(services)[0].next_attempt_at == clock.now + timedelta(minutes=2)

    # The server comes up at the configured address: delivered once, in order.
    with smtp_server_on(port) as received:
        clock.advance(minutes=1)
        assert services.mail.send_pending().sent == 0  # still inside the 2-minute back-off
        clock.advance(minutes=1)
        report = services.mail.send_pending()
        assert (report.sent, report.failed, report.pending, report.last_error) == (2, 0, 0, "")
        assert services.mail.send_pending(force=True).sent == 0
        clock.advance(hours=2)
        assert services.mail.send_pending().sent == 0
    assert [m["Subject"] for m in received] == ["Primero", "Segundo"]
    assert all(m.sent_at == start + timedelta(seconds=59, minutes=2) for m in outbox(services))


def test_queued_mail_survives_a_restart(data_dir: Path, clock, services, smtp_server) -> None:
    services.settings.save_smtp(smtp_to(closed_port()), None, actor=CLI_ACTOR)
    queue(services, subject="Pendiente")
    services.mail.send_pending()
    services.close()

    reopened = open_services(data_dir, clock)
    try:
        assert reopened.mail.pending_count() == 1
        reopened.settings.save_smtp(smtp_server.settings(), None, actor=CLI_ACTOR)
        assert reopened.mail.send_pending(force=True).sent == 1
    finally:
        reopened.close()
    assert [m["Subject"] for m in smtp_server.messages] == ["Pendiente"]


def test_delivered_message_has_sender_recipient_subject_and_utf8_body(
    services, smtp_configured
) -> None:
    subject = "Aviso de nómina — año 2026"
    body = "Señora Núñez:\n\nSu contraseña se actualizó. ¡Gracias!\nÁÉÍÓÚ ü ñ «»"
    queue(services, subject=subject, body=body)
    services.mail.send_pending()

    [message] = smtp_configured.to(DESTINO)
    assert message["From"] == REMITENTE
    assert message["To"] == DESTINO
    assert message["Subject"] == subject
    assert message.get_content_charset() == "utf-8"
    # SMTP carries CRLF line ends; a mail client shows the same lines.
    assert message.get_content().replace("\r\n", "\n").rstrip("\n") == body
    assert message["Message-ID"]


@pytest.mark.skipif(
    not hasattr(__import__("time"), "tzset"), reason="sin time.tzset en este sistema"
)
def test_the_date_header_is_central_mexico_time_whatever_the_machine_zone(
    services, smtp_configured, clock, monkeypatch
) -> None:
    monkeypatch.setenv("TZ", "UTC")  # a machine left on UTC, as servers often are
    time.tzset()
    try:
        queue(services)
        services.mail.send_pending()
    finally:
        monkeypatch.undo()
        time.tzset()
    [message] = smtp_configured.to(DESTINO)
    fecha = message["Date"].datetime
    assert fecha.utcoffset() == timedelta(hours=-6)
    assert fecha.replace(tzinfo=None) == clock.now - timedelta(hours=6)


def test_test_connection_reports_a_closed_port_in_spanish(services) -> None:
    with pytest.raises(DomainError) as info:
        services.mail.test_connection(smtp_to(closed_port()), None)
    assert info.value.code == "smtp_error"
    assert info.value.message == MSG_SIN_CONEXION


def test_test_connection_succeeds_against_a_running_server(services, smtp_server) -> None:
    services.mail.test_connection(smtp_server.settings(), None)  # no error


def test_test_connection_explains_a_server_without_starttls(services, smtp_server) -> None:
    settings = smtp_to(smtp_server.port, seguridad="starttls")
    with pytest.raises(DomainError) as info:
        services.mail.test_connection(settings, None)
    assert info.value.message == (
        "El servidor de correo no admite STARTTLS; revisa el tipo de seguridad."
    )


def test_test_connection_needs_server_and_sender(services) -> None:
    with pytest.raises(DomainError) as info:
        services.mail.test_connection(SmtpSettings(), None)
    assert info.value.code == "smtp_sin_configurar"
    assert info.value.message == "Captura el servidor y el remitente del correo."


# --- SMTP AUTH: the password comes from the keyring --------------------------------------------


class _Authenticator:
    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    def __call__(self, server, session, envelope, mechanism, auth_data):
        from aiosmtpd.smtp import AuthResult

        login, password = auth_data.login.decode(), auth_data.password.decode()
        self.seen.append((login, password))
        return AuthResult(success=(login, password) == (SMTP_USER, SMTP_PASSWORD), handled=False)


@pytest.fixture
def auth_server() -> Iterator[tuple[int, list[EmailMessage], _Authenticator]]:
    """A real SMTP server that demands AUTH (plain text here: test-only, no TLS)."""
    port = closed_port()
    authenticator = _Authenticator()
    with smtp_server_on(
        port, authenticator=authenticator, auth_required=True, auth_require_tls=False
    ) as received:
        yield port, received, authenticator


def test_smtp_password_is_read_from_the_keyring(data_dir: Path, clock, services, auth_server):
    port, received, authenticator = auth_server
    settings = smtp_to(port, usuario=SMTP_USER)
    services.settings.save_smtp(settings, SMTP_PASSWORD, actor=CLI_ACTOR)
    queue(services, subject="Con AUTH")
    assert services.mail.send_pending().sent == 1
    assert authenticator.seen[-1] == (SMTP_USER, SMTP_PASSWORD)
    services.close()

    # After a restart the password still comes from the keyring (it is in no file).
    reopened = open_services(data_dir, clock)
    try:
        assert reopened.settings.smtp_password_stored()
        queue(reopened, subject="Después de reiniciar")
        assert reopened.mail.send_pending().sent == 1
        reopened.mail.test_connection(reopened.settings.current.smtp, SMTP_PASSWORD)
    finally:
        reopened.close()
    assert [m["Subject"] for m in received] == ["Con AUTH", "Después de reiniciar"]


def test_rejected_smtp_password_keeps_mail_queued(services, auth_server) -> None:
    port, received, _ = auth_server
    settings = smtp_to(port, usuario=SMTP_USER)
    services.settings.save_smtp(settings, "Equivocada#99", actor=CLI_ACTOR)
    queue(services)
    report = services.mail.send_pending()
    assert (report.sent, report.pending) == (0, 1)
    assert report.last_error == "El servidor de correo rechazó el usuario o la contraseña SMTP."
    assert received == []
    with pytest.raises(DomainError) as info:
        services.mail.test_connection(settings, "Equivocada#99")
    assert info.value.message == "El servidor de correo rechazó el usuario o la contraseña SMTP."

    services.settings.save_smtp(settings, SMTP_PASSWORD, actor=CLI_ACTOR)
    assert services.mail.send_pending(force=True).sent == 1
    assert len(received) == 1
