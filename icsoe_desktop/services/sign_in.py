"""Sign-in with a password, one for IDSE users and ICSOE capturistas: the lock after failed
attempts (``login_throttle``), the same scrypt cost whether or not the usuario exists, and each
failure counted and audited in a unit of work that commits although the sign-in fails. What each
guide says, and what each actor needs past the password (an enabled user, an active relation),
stay with its service."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, TypeVar

from sqlalchemy.orm import Session

from icsoe_desktop.domain import passwords
from icsoe_desktop.domain.errors import AuthenticationError
from icsoe_desktop.services import login_throttle
from icsoe_desktop.services.audit import AuditService
from icsoe_desktop.store.db import Store

T = TypeVar("T")


@dataclass(frozen=True)
class SignInTexts:
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
    if not usuario or not contrasena:
        raise AuthenticationError("credenciales_vacias", texts.vacias)
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
    """The error to give (locked, or a wrong password counted towards the lock), or None when
    the password is right. The caller ends the count (``login_throttle.clear`` with
    ``texts.key``) once it admits the usuario."""
    shown = usuario if texts.nombre_en_bloqueo else ""
    key = texts.key(usuario)
    throttle, locked = login_throttle.current_lock(session, key, now, shown)
    if locked is not None:
        return locked
    stored = None if account is None else account.password_hash
    if passwords.verify_password_or_dummy(contrasena, stored):
        return None
    error, just_locked = login_throttle.register_failure(
        session, key, throttle, now, texts.credenciales, shown
    )
    audit.record(session, usuario, texts.fallido, usuario)
    if just_locked and texts.bloqueado is not None:
        audit.record(
            session,
            usuario,
            texts.bloqueado,
            usuario,
            f"{login_throttle.MAX_FAILED_ATTEMPTS} intentos fallidos",
        )
    return error
