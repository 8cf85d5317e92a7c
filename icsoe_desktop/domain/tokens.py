"""One-use codes for password recovery and activation: the user gets the code, we keep a hash."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

TOKEN_VALIDITY = timedelta(hours=24)
# No 0/O, 1/I/L: the code is typed from a mail. 10 symbols of 32 = 50 bits.
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_LENGTH = 10


def new_code() -> str:
    return format_code("".join(secrets.choice(_ALPHABET) for _ in range(_LENGTH)))


def normalize_code(code: str) -> str:
    return "".join(c for c in code.upper() if c.isalnum())


def format_code(code: str) -> str:
    """The one form a code is shown in, wherever (the mail, its link, the code fields):
    «ABCDE-FGHIJ». Anything that is not a whole code is left as it was typed."""
    plain = normalize_code(code)
    if len(plain) != _LENGTH:
        return code.strip()
    return f"{plain[:5]}-{plain[5:]}"


def hash_code(code: str) -> str:
    return hashlib.sha256(normalize_code(code).encode("ascii", "ignore")).hexdigest()


def new_bearer_token() -> str:
    """A long-lived API token (sync server): 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def hash_bearer_token(token: str) -> str:
    """Servers keep only this. A plain SHA-256 suffices: the token is random, not a password."""
    return hashlib.sha256(token.strip().encode("utf-8", "replace")).hexdigest()
