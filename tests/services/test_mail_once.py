"""Mail is sent exactly once when several senders share a data dir (the app's timer, the
``correo`` command, a second window), and a one-use code never rests anywhere on disk."""

from __future__ import annotations

import logging
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import update

from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.correo.mail import CLAIM_LEASE
from icsoe_desktop.store import cifrado
from icsoe_desktop.store.models import OutboxMail
from tests import preloaded
from tests.icsoe_helpers import CURP_ANA, enter_contratista, form
from tests.services.test_accounts import ANA, CODE_RE, NEW_PASSWORD
from tests.services.test_accounts import form as registro


def queue_mails(services, count: int) -> None:
    with services.store.session() as session:
        for number in range(count):
            services.mail.enqueue(
                session, f"persona{number}@empresa.com", f"Aviso {number}", f"Cuerpo {number}"
            )


@pytest.mark.slow
def test_two_sender_processes_deliver_each_mail_exactly_once(
    services, smtp_configured, data_dir: Path, tmp_path: Path
) -> None:
    queue_mails(services, 150)
    go = tmp_path / "go"
    senders = [  # two processes (tests/services/mail_sender.py)
        preloaded.start(
            [
                sys.executable,
                "-m",
                "tests.services.mail_sender",
                data_dir,
                go,
                tmp_path / f"listo{n}",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(2)
    ]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not all(
        (tmp_path / f"listo{n}").exists() for n in range(2)
    ):
        time.sleep(0.02)  # until both have opened the store and wait at the line
    go.touch()
    outputs = [sender.communicate(timeout=120) for sender in senders]
    for sender, (_out, err) in zip(senders, outputs, strict=True):
        assert sender.returncode == 0, err
    sent = [tuple(map(int, out.split())) for out, _err in outputs]
    assert sum(s for s, _f in sent) == 150 and all(f == 0 for _s, f in sent), sent

    deadline = time.monotonic() + 10
    while len(smtp_configured.messages) < 150 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)  # a duplicate would arrive now
    subjects = Counter(str(m["Subject"]) for m in smtp_configured.messages)
    assert len(smtp_configured.messages) == 150
    assert subjects == Counter(f"Aviso {n}" for n in range(150))
    assert services.mail.pending_count() == 0


def test_a_claim_held_by_another_sender_is_respected_until_its_lease_ends(
    services, smtp_configured, clock
) -> None:
    queue_mails(services, 2)
    with services.store.session() as session:  # a sender that died in the middle of mail 1
        session.execute(
            update(OutboxMail)
            .where(OutboxMail.subject == "Aviso 0")
            .values(claimed_by="otro-equipo:4242:dead", claimed_until=clock.now + CLAIM_LEASE)
        )
    report = services.mail.send_pending(force=True)
    assert (report.sent, report.failed, report.pending) == (1, 0, 1)
    assert [str(m["Subject"]) for m in smtp_configured.messages] == ["Aviso 1"]

    clock.advance(seconds=CLAIM_LEASE.total_seconds() + 1)
    report = services.mail.send_pending()
    assert (report.sent, report.pending) == (1, 0)
    assert [str(m["Subject"]) for m in smtp_configured.messages] == ["Aviso 1", "Aviso 0"]


# --- one-use codes at rest --------------------------------------------------------------------


def stored_bytes(data_dir: Path) -> dict[str, bytes]:
    """Every file of the data dir as anyone with a copy of it would read it: the SQLite file,
    its -wal and -shm, the settings and the log."""
    return {path.name: path.read_bytes() for path in data_dir.rglob("*") if path.is_file()}


def app_log(caplog) -> str:
    """What the app logged (the test SMTP server's own debug log of the DATA is not ours)."""
    return "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("mail.log"))


def assert_no_code_at_rest(data_dir: Path, app_log: str, code: str | None = None) -> None:
    files = stored_bytes(data_dir)
    assert any(name.endswith("-wal") for name in files), sorted(files)  # the WAL is searched
    for name, content in files.items():
        text = content.decode("latin-1")
        if code is not None:
            assert code.encode() not in content, name
            assert code.replace("-", "").encode() not in content, name
        assert not CODE_RE.search(text), (name, CODE_RE.search(text))
    assert not CODE_RE.search(app_log)


@pytest.mark.slow
def test_reset_code_is_nowhere_on_disk_before_or_after_sending(
    services, smtp_configured, data_dir: Path, tmp_path: Path, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    services.accounts.register(registro())
    services.accounts.request_password_reset(ANA)
    assert_no_code_at_rest(data_dir, app_log(caplog))  # queued: the outbox holds no code

    assert services.mail.send_pending().sent == 1
    [mail] = smtp_configured.to(ANA)
    code = CODE_RE.search(mail.get_content()).group()
    assert_no_code_at_rest(data_dir, app_log(caplog), code)
    respaldo = services.backup.backup(tmp_path / "respaldo.icsoe-respaldo", actor=CLI_ACTOR)
    assert code.encode() not in respaldo.read_bytes()
    assert not CODE_RE.search(respaldo.read_bytes().decode("latin-1"))

    # The mailed code is the one that works, once.
    assert services.accounts.reset_password(code, NEW_PASSWORD, NEW_PASSWORD) == ANA
    assert services.accounts.authenticate(ANA, NEW_PASSWORD).usuario == ANA


def test_activation_code_is_nowhere_on_disk_and_the_mail_says_where_to_type_it(
    services, smtp_configured, data_dir: Path, tmp_path: Path, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    rfc = enter_contratista(services, data_dir, tmp_path)
    services.capturistas.alta(rfc, form())
    assert_no_code_at_rest(data_dir, app_log(caplog))

    assert services.mail.send_pending(force=True).failed == 0
    [mail] = [m for m in smtp_configured.to("ana@capturas.mx") if "Creación" in str(m["Subject"])]
    text = mail.get_content()
    code = re.search(r"código de activación es: (\S+)", text).group(1)
    assert f"icsoe://activar?codigo={code}" in text  # one form: the link shows it as the text
    # For a machine where the link opens nothing: where to type the code, by name.
    assert "«Ingresar a ICSOE (contratistas y capturistas)»" in text
    assert "«Crear contraseña»" in text and "«Código»" in text
    assert_no_code_at_rest(data_dir, app_log(caplog), code)
    assert services.acceso_capturista.crear_contrasena(code, NEW_PASSWORD, NEW_PASSWORD) == CURP_ANA


def test_codes_mailed_by_an_earlier_version_are_voided_and_blanked(tmp_path: Path) -> None:
    """A store of the previous schema kept the code in the mail body: the upgrade blanks the
    delivered body and voids every unused code, so a copied old file resets nothing."""
    from datetime import datetime, timedelta

    from icsoe_desktop.domain import tokens
    from icsoe_desktop.store.db import Store
    from tests.services.test_backup import store_at_revision

    path = store_at_revision(tmp_path / "icsoe.sqlite3", "0006_lote_numero")
    now = datetime(2026, 11, 22, 9)
    with cifrado.conectar(path) as conn:
        conn.execute(
            "INSERT INTO one_time_tokens (purpose, subject_uuid, code_hash, created_at, "
            "expires_at, revoked) VALUES ('recuperar_contrasena_idse', 'u-1', ?, ?, ?, 0)",
            (tokens.hash_code("ABCDE-FGHJK"), now, now + timedelta(hours=24)),
        )
        conn.execute(
            "INSERT INTO outbox (uuid, to_addr, subject, body, created_at, attempts, "
            "next_attempt_at, last_error, sent_at) VALUES ('m-1', 'ana@empresa.com', 'Recuperación', "
            "'Tu código para restablecer la contraseña es: ABCDE-FGHJK', ?, 1, ?, '', ?)",
            (now, now, now),
        )
    conn.close()

    Store(path).close()  # opening upgrades
    with cifrado.conectar(path) as conn:
        assert conn.execute("SELECT revoked FROM one_time_tokens").fetchall() == [(1,)]
        [(body,)] = conn.execute("SELECT body FROM outbox").fetchall()
    conn.close()
    assert "ABCDE-FGHJK" not in body
