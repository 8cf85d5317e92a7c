"""Password policy (guía "Ingreso del capturista", paso 3) and salted scrypt hashing.

Shared by the IDSE module users and the ICSOE capturistas: one policy, one hash format.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import os
import secrets
from dataclasses import dataclass
from typing import TypeGuard

from icsoe_desktop.domain.errors import ValidationError

SPECIAL_CHARACTERS = "-*?!@#$/()[]=.¡;:"
MIN_LENGTH = 8
MAX_LENGTH = 128
# Keyboard rows and digit runs; a password may not contain 4 consecutive keys of one of them,
# forwards or backwards ("qwer", "4321", "lkjh").
_KEYBOARD_ROWS = ("1234567890", "qwertyuiop", "asdfghjklñ", "zxcvbnm", "0123456789")
_PATTERN_LENGTH = 4
_MAX_REPEAT = 2  # "aa" is allowed, "aaa" is a repetition

RULE_MESSAGES = {
    "contrasena_vacia": "Captura la contraseña.",
    "contrasena_corta": f"La contraseña debe tener una longitud mayor o igual a {MIN_LENGTH} caracteres.",
    "contrasena_larga": f"La contraseña no debe exceder {MAX_LENGTH} caracteres.",
    "contrasena_espacios": "La contraseña no debe contener espacios en blanco.",
    "contrasena_composicion": "La contraseña debe utilizar mayúsculas, minúsculas y números.",
    "contrasena_especial": (
        "La contraseña debe incluir al menos un carácter especial: " + SPECIAL_CHARACTERS
    ),
    "contrasena_patron": (
        "La contraseña no debe utilizar patrones de teclado (qwerty) ni números en secuencia (1234)."
    ),
    "contrasena_repetida": "La contraseña no debe repetir caracteres (1111111).",
}

POLICY_TEXT = (
    "1. Utilizar mayúsculas, minúsculas y números\n"
    f"2. Incluir al menos un carácter especial: {SPECIAL_CHARACTERS}\n"
    f"3. Tener una longitud mayor o igual a {MIN_LENGTH} caracteres, sin espacios en blanco "
    "(sin utilizar patrones de teclado (qwerty) ni números en secuencia (1234))\n"
    "4. Sin repetir caracteres (1111111)"
)


def _has_keyboard_pattern(password: str) -> bool:
    lowered = password.lower()
    for row in _KEYBOARD_ROWS:
        for source in (row, row[::-1]):
            for start in range(len(source) - _PATTERN_LENGTH + 1):
                if source[start : start + _PATTERN_LENGTH] in lowered:
                    return True
    return False


def _has_repetition(password: str) -> bool:
    run = 1
    for previous, current in itertools.pairwise(password):
        run = run + 1 if current == previous else 1
        if run > _MAX_REPEAT:
            return True
    return False


def policy_violations(password: str) -> list[str]:
    """Codes of every rule the password breaks, in the order the guide lists them."""
    if not password:
        return ["contrasena_vacia"]
    broken = []
    has_composition = (
        any(c.isupper() for c in password)
        and any(c.islower() for c in password)
        and any(c.isdigit() for c in password)
    )
    if not has_composition:
        broken.append("contrasena_composicion")
    if not any(c in SPECIAL_CHARACTERS for c in password):
        broken.append("contrasena_especial")
    if len(password) < MIN_LENGTH:
        broken.append("contrasena_corta")
    if len(password) > MAX_LENGTH:
        broken.append("contrasena_larga")
    if any(c.isspace() for c in password):
        broken.append("contrasena_espacios")
    if _has_keyboard_pattern(password):
        broken.append("contrasena_patron")
    if _has_repetition(password):
        broken.append("contrasena_repetida")
    return broken


def check_password_policy(password: str, field: str = "contrasena") -> None:
    """Raise one ValidationError whose message names every broken rule."""
    broken = policy_violations(password)
    if broken:
        text = "\n".join(RULE_MESSAGES[code] for code in broken)
        raise ValidationError(broken[0], text, field)


@dataclass(frozen=True)
class NewPasswordTexts:
    """How a guide words the two fields of a new password (the IDSE one and the capturista's
    differ)."""

    distintas: str  # the confirmation differs
    confirmacion_obligatoria: str | None = None  # None: an empty confirmation just differs
    obligatoria: str = "El campo «Contraseña nueva» es obligatorio."


def require_new_password(contrasena: str, confirmacion: str, texts: NewPasswordTexts) -> None:
    """Both fields typed (a form that checks every required field before any format, as
    Regístrate aquí does, calls this first and ``check_new_password`` after the formats)."""
    if not contrasena:
        raise ValidationError("campo_obligatorio", texts.obligatoria, "contrasena")
    if texts.confirmacion_obligatoria is not None and not confirmacion:
        raise ValidationError("campo_obligatorio", texts.confirmacion_obligatoria, "confirmacion")


def check_new_password(contrasena: str, confirmacion: str, texts: NewPasswordTexts) -> None:
    """A new password typed twice, for every flow that sets one. The policy is checked apart
    (``check_password_policy``), at the point each flow has always checked it."""
    require_new_password(contrasena, confirmacion, texts)
    if contrasena != confirmacion:
        raise ValidationError("contrasenas_distintas", texts.distintas, "confirmacion")


# --- hashing ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScryptParams:
    n: int = 2**15
    r: int = 8
    p: int = 1
    salt_bytes: int = 16
    key_bytes: int = 32


DEFAULT_PARAMS = ScryptParams()
_PREFIX = "scrypt"
# The test suite's knob: scrypt's cost for new hashes and new seals of the recovery code
# (services/recuperacion_almacen.py), a power of two from 2**10. Thousands of users and data
# folders are made by the tests, and each hash or seal at the default cost is ~0.14 s of CPU;
# the app never sets it, and a stored hash or seal carries its own cost, so opening is
# unaffected.
COST_ENV = "ICSOE_SCRYPT_N"


def cost_allowed(n: object, most: int) -> TypeGuard[int]:
    """Whether ``n`` is a scrypt cost the app writes: a power of two from 2**10 up to ``most``
    (the same test for the knob below and for a cost a file asks to be opened with)."""
    return type(n) is int and 2**10 <= n <= most and n & (n - 1) == 0


def current_params() -> ScryptParams:
    """``DEFAULT_PARAMS``, or its cost lowered by ``ICSOE_SCRYPT_N`` (ignored unless
    ``cost_allowed`` up to the default)."""
    raw = os.environ.get(COST_ENV)
    if raw and raw.isdigit() and cost_allowed(n := int(raw), DEFAULT_PARAMS.n):
        return ScryptParams(n=n)
    return DEFAULT_PARAMS


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _derive(password: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    # maxmem must cover 128*r*n bytes plus overhead, or OpenSSL refuses the parameters.
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=256 * r * n + 2**20, dklen=length
    )


def hash_password(password: str, params: ScryptParams | None = None) -> str:
    """``scrypt$n$r$p$salt$hash`` with a random salt: the only form a password is kept in."""
    params = params or current_params()
    salt = secrets.token_bytes(params.salt_bytes)
    digest = _derive(password, salt, params.n, params.r, params.p, params.key_bytes)
    return f"{_PREFIX}${params.n}${params.r}${params.p}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, encoded: str) -> bool:
    """Constant-time check; a malformed stored hash simply does not match."""
    try:
        prefix, n, r, p, salt_b64, digest_b64 = encoded.split("$")
        if prefix != _PREFIX:
            return False
        salt = base64.b64decode(salt_b64, validate=True)
        expected = base64.b64decode(digest_b64, validate=True)
        actual = _derive(password, salt, int(n), int(r), int(p), len(expected))
    except (ValueError, TypeError, OverflowError):  # OverflowError: absurd n/r/p
        return False
    return hmac.compare_digest(actual, expected)


# A stored-hash stand-in for a usuario that does not exist (salt and digest are arbitrary).
_DUMMY_SALT_AND_DIGEST = "c2luLXVzdWFyaW8tLS0tLQ==$bm8tZXhpc3RlOyBzb2xvIGdhc3RhIGVsIHRpZW1wbyE="


def verify_password_or_dummy(password: str, encoded: str | None) -> bool:
    """``verify_password``; with no stored hash (unknown usuario, no password yet) it still
    spends one scrypt at the cost new hashes get and fails, so the time of a failed sign-in does
    not tell whether the usuario exists."""
    if encoded is None:
        params = current_params()
        dummy = f"{_PREFIX}${params.n}${params.r}${params.p}${_DUMMY_SALT_AND_DIGEST}"
        verify_password(password, dummy)
        return False
    return verify_password(password, encoded)
