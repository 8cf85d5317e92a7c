"""Sign-in with a password, one for IDSE users and ICSOE capturistas: the lock after failed
attempts (``login_throttle``), the same scrypt cost whether or not the usuario exists, and each
failure counted and audited in a unit of work that commits although the sign-in fails. What each
guide says, and what each actor needs past the password (an enabled user, an active relation),
stay with its service.

``decide`` is the one place where that is decided, on plain values: the lock in force, the
password, the count after a failure, the message and the audit actions. Only where the count
and the audit are kept differs: the ORM session here (``check_password``, capturistas), plain
sqlite3 for the IDSE sign-in that answers before SQLAlchemy is loaded (``idse_sign_in.py``).
This module imports neither SQLAlchemy nor the models until an ORM function runs.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple, Protocol, TypeVar

from icsoe_desktop.domain.errors import AuthenticationError
from icsoe_desktop.services.acceso import login_throttle

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from icsoe_desktop.services.audit import AuditService
    from icsoe_desktop.store.db import Store

T = TypeVar("T")


class SignInTexts(NamedTuple):
    """What differs between the two sign-ins: the guide's messages, the audit actions, and the
    key of the lock."""

    vacias: str  # usuario or contraseña left empty
    credenciales: str  # wrong usuario or contraseña
    fallido: str  # audit action of a failed attempt
    bloqueado: str | None = None  # audit action when a failure locks; None: not audited
    nombre_en_bloqueo: bool = False  # the lock message names the usuario
    prefijo: str = ""  # of the lock's key, so a CURP never shares a count with an e-mail

    def key(self, usuario: str) -> str:
        return self.prefijo + usuario

    def check_filled(self, usuario: str, contrasena: str) -> None:
        if not usuario or not contrasena:
            raise AuthenticationError("credenciales_vacias", self.vacias)


class Throttle(NamedTuple):
    """A ``login_throttle`` row as plain values (no row: ``Throttle()``)."""

    failures: int = 0  # the column is NOT NULL
    locked_until: datetime | None = None
    last_failure_at: datetime | None = None


class Refusal(NamedTuple):
    """A refused password: the error to give, the count to store (None when the usuario was
    locked: nothing is counted) and the audit entries ``(action, detail)`` to add."""

    error: AuthenticationError
    counted: Throttle | None
    audit: tuple[tuple[str, str], ...]


def decide(
    texts: SignInTexts,
    usuario: str,
    contrasena: str,
    stored_hash: str | None,
    throttle: Throttle,
    now: datetime,
) -> Refusal | None:
    """The refusal (locked, or a wrong password counted towards the lock), or None when the
    password is right. A usuario that does not exist (``stored_hash`` None) costs the same
    scrypt and is counted the same. The caller ends the count (deletes the row keyed
    ``texts.key``) once it admits the usuario."""
    shown = usuario if texts.nombre_en_bloqueo else ""
    locked = login_throttle.lock_error(throttle.locked_until, now, shown)
    if locked is not None:
        return Refusal(locked, None, ())
    # Imported here: the login answers before hashlib's OpenSSL and the policy load (~8 ms,
    # bench/startup.py); the services, built meanwhile, have imported it by the first click.
    from icsoe_desktop.domain import passwords

    if passwords.verify_password_or_dummy(contrasena, stored_hash):
        return None
    failures, lock = login_throttle.next_failure(throttle.failures, throttle.last_failure_at, now)
    audit = [(texts.fallido, "")]
    if lock is not None and texts.bloqueado is not None:
        audit.append((texts.bloqueado, f"{login_throttle.MAX_FAILED_ATTEMPTS} intentos fallidos"))
    return Refusal(
        login_throttle.failure_error(failures, lock is not None, now, texts.credenciales, shown),
        Throttle(failures, lock or throttle.locked_until, now),
        tuple(audit),
    )


# --- the ORM's storage (capturistas) -----------------------------------------------------------


class HasPassword(Protocol):
    password_hash: str | None


def run(
    store: Store,
    texts: SignInTexts,
    usuario: str,
    contrasena: str,
    attempt: Callable[[Session], T | AuthenticationError],
) -> T:
    """Refuse empty credentials, then run ``attempt`` in a unit of work that ends normally
    (failures must be committed) and raise the error it returned after it."""
    texts.check_filled(usuario, contrasena)
    with store.session() as session:
        outcome = attempt(session)
    if isinstance(outcome, AuthenticationError):
        raise outcome
    return outcome


def check_password(
    session: Session,
    audit: AuditService,
    texts: SignInTexts,
    usuario: str,
    contrasena: str,
    account: HasPassword | None,
    now: datetime,
) -> AuthenticationError | None:
    """``decide`` with the count and the audit kept through ``session``. The caller ends the
    count (``login_throttle.clear`` with ``texts.key``) once it admits the usuario."""
    from icsoe_desktop.store.models import LoginThrottle

    key = texts.key(usuario)
    row = session.get(LoginThrottle, key)
    stored = Throttle(row.failures, row.locked_until, row.last_failure_at) if row else Throttle()
    refusal = decide(
        texts, usuario, contrasena, None if account is None else account.password_hash, stored, now
    )
    if refusal is None:
        return None
    if refusal.counted is not None:
        if row is None:
            row = LoginThrottle(usuario=key)
            session.add(row)
        counted = refusal.counted
        row.failures, row.locked_until = counted.failures, counted.locked_until
        row.last_failure_at = counted.last_failure_at
    for action, detail in refusal.audit:
        audit.record(session, usuario, action, usuario, detail)
    return refusal.error
