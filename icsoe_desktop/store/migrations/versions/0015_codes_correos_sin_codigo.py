"""No one-use code left in clear in unsent mails of earlier versions.

Before 0007 a mail carrying a code held it in its body. 0007 voided those codes and blanked the
delivered mails, but the ones still waiting kept the (void) code at rest, and would deliver a
code that no longer works. Each code, and the code in its icsoe:// link, is replaced by a
notice; the mail is still sent (mail is never dropped) and says to ask for a new code.

Revision ID: 0015_codes_correos_sin_codigo
Revises: 0014_s16sync_estados_sin_rowid
Create Date: 2026-11-23
"""

import re

import sqlalchemy as sa
from alembic import op

revision = "0015_codes_correos_sin_codigo"
down_revision = "0014_s16sync_estados_sin_rowid"
branch_labels = None
depends_on = None

# The codes those versions wrote (domain/tokens.py: 5 + 5 symbols) and the link's code.
_CODE = re.compile(r"\b[A-Z2-9]{5}-[A-Z2-9]{5}\b")
_LINK = re.compile(r"(icsoe://activar/?\?codigo=)[A-Za-z0-9-]+", re.IGNORECASE)
ANULADO = "(código anulado)"
AVISO = (
    "\n\nPor seguridad, el código de este correo ya no es válido: solicita uno nuevo "
    "(«¿Olvidó su contraseña?», «¿Olvidaste tu contraseña?» o, para activar tu cuenta de "
    "capturista, pide al contratista que te reenvíe la liga)."
)


def scrub(body: str) -> str | None:
    """The body without its codes, or None when it carries none."""
    scrubbed = _LINK.sub(lambda m: m.group(1) + ANULADO, _CODE.sub(ANULADO, body))
    return None if scrubbed == body else scrubbed + AVISO


def upgrade() -> None:
    conn = op.get_bind()
    # Mails queued since 0007 name a token and hold only a mark where the code goes.
    rows = conn.execute(
        sa.text("SELECT id, body FROM outbox WHERE sent_at IS NULL AND token_id IS NULL")
    ).all()
    for mail_id, body in rows:
        scrubbed = scrub(body or "")
        if scrubbed is not None:
            conn.execute(
                sa.text("UPDATE outbox SET body = :body WHERE id = :id"),
                {"body": scrubbed, "id": mail_id},
            )


def downgrade() -> None:
    pass  # the codes are gone (and void): nothing to put back
