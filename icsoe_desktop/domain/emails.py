"""E-mail addresses as the IDSE module uses them: the usuario of a user is its e-mail."""

from __future__ import annotations

import re

from icsoe_desktop.domain.errors import ValidationError

# Pragmatic form check (RFC 5321 lengths, one @, a dotted domain with a 2+ letter TLD); whether
# the mailbox exists is proven by the mail we send, not by a regex.
_EMAIL_RE = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)


# The required-field message of the ICSOE forms' «Correo electrónico».
CORREO_OBLIGATORIO = "El campo «Correo electrónico» es obligatorio."


def normalize_email(value: str) -> str:
    return value.strip().lower()


def is_valid_email(value: str) -> bool:
    value = value.strip()
    if len(value) > 254 or not _EMAIL_RE.match(value):
        return False
    local = value.split("@", 1)[0]
    return (
        len(local) <= 64
        and not local.startswith(".")
        and not local.endswith(".")
        and ".." not in local
    )


def check_email(value: str, field: str, message: str, empty: str | None = None) -> str:
    """Return the normalized address or raise with the caller's message; ``empty`` is the
    message for a blank field when the form says it is required in its own words."""
    if empty is not None and not value.strip():
        raise ValidationError("campo_obligatorio", empty, field)
    if not is_valid_email(value):
        raise ValidationError("correo_invalido", message, field)
    return normalize_email(value)
