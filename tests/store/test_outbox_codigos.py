"""Mails queued by a version before one-use codes were drawn at send time (schema 0006) held
their code in clear; 0007 voided the codes and blanked the delivered mails, but the unsent ones
kept the (void) code in the outbox. Upgrading scrubs them, and still sends them."""

from __future__ import annotations

import re
from pathlib import Path

from alembic import command
from alembic.config import Config

from icsoe_desktop.store import cifrado
from icsoe_desktop.store.db import Store, make_engine
from icsoe_desktop.store.migrations import MIGRATIONS_DIR

CODES = ["K7QXM-4TNP2", "ABCDE-23456", "ZZZZZ-99999", "HJKMN-PQRST"]
# As that version wrote them (IDSE recovery, activation with its link, capturista recovery).
BODIES = [
    f"Hola Ana:\n\nTu código para restablecer la contraseña es: {CODES[0]}\n\nEn la ventana …",
    f"Hola Beto:\n\nTu código de activación es: {CODES[1]}\n"
    f"Liga: icsoe://activar?codigo={CODES[1].replace('-', '')}\n\nAbre la liga …",
    f"Hola Carla:\n\nTu código es: {CODES[2]}\n\nCaptúralo en «Crear contraseña» …",
    f"Tu código de activación es: {CODES[3]}\n"
    f"Liga: icsoe://activar?codigo={CODES[3].lower().replace('-', '')}\n",
]
NOTICE = "Hola Ana:\n\nTu contraseña se actualizó el 01/01/2026."


def _store_at_0006(path: Path) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    engine = make_engine(path)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0006_lote_numero")
    engine.dispose()
    conn = cifrado.conectar(path)
    for i, body in enumerate([*BODIES, NOTICE]):
        conn.execute(
            "INSERT INTO outbox (uuid, to_addr, subject, body, created_at, attempts, "
            "next_attempt_at, last_error, sent_at) VALUES (?, ?, 'Asunto', ?, "
            "'2026-01-01 00:00:00', 0, '2026-01-01 00:00:00', '', NULL)",
            (f"m-{i}", f"p{i}@empresa.mx", body),
        )
    conn.commit()
    conn.close()


def test_unsent_mails_of_an_old_store_keep_no_code_after_the_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "icsoe.sqlite3"
    _store_at_0006(path)
    Store(path).close()  # opening upgrades to head
    conn = cifrado.conectar(path)
    rows = conn.execute("SELECT body, sent_at FROM outbox ORDER BY id").fetchall()
    conn.close()
    bodies = [body for body, _ in rows]
    assert len(rows) == 5 and all(sent is None for _, sent in rows)  # still sent, never dropped
    for code in CODES:
        plain = code.replace("-", "")
        assert not any(code in b or plain in b.upper() for b in bodies), code
    assert not any(re.search(r"[A-Z2-9]{5}-[A-Z2-9]{5}", b) for b in bodies)
    for body in bodies[:4]:
        assert "ya no es válido" in body and body.startswith(("Hola", "Tu código"))
    assert bodies[4] == NOTICE  # a mail without a code is left as it was
