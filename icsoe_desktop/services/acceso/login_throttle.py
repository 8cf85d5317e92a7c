"""The sign-in lock shared by IDSE users and ICSOE capturistas: 5 failed attempts lock the
usuario for 5 minutes. Failures decay: a failure more than 15 minutes after the previous one
starts a new count, so a slip last week does not add to today's. One ``LoginThrottle`` row per typed usuario (known or not), so a guesser
learns nothing from the lock. Callers audit in their own words."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from icsoe_desktop.domain.errors import AuthenticationError
from icsoe_desktop.domain.texts import plural, verb

# Importable without SQLAlchemy: the IDSE sign-in (idse_sign_in.py) uses the rules and texts
# below before the ORM is loaded; the ORM functions import the model when called.
if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from icsoe_desktop.store.models import LoginThrottle

MAX_FAILED_ATTEMPTS = 5
LOCK_DURATION = timedelta(minutes=5)
FAILURE_WINDOW = timedelta(minutes=15)


def minutes_left(until: datetime, now: datetime) -> int:
    return max(1, math.ceil((until - now).total_seconds() / 60))


def lock_message(until: datetime, now: datetime, usuario: str = "") -> str:
    minutes = minutes_left(until, now)
    who = f"El usuario {usuario}" if usuario else "El usuario"
    return (
        f"{who} se bloqueó por 5 minutos después de {MAX_FAILED_ATTEMPTS} intentos fallidos. "
        f"Podrás intentarlo de nuevo en {plural(minutes, 'minuto')}."
    )


def lock_error(
    locked_until: datetime | None, now: datetime, usuario: str = ""
) -> AuthenticationError | None:
    """The error to give while a lock set until ``locked_until`` lasts."""
    if locked_until and locked_until > now:
        return AuthenticationError("usuario_bloqueado", lock_message(locked_until, now, usuario))
    return None


def failure_error(
    failures: int, just_locked: bool, now: datetime, credenciales: str, usuario: str = ""
) -> AuthenticationError:
    """The error after a failed attempt counted to ``failures`` (or that just locked)."""
    if just_locked:
        message = credenciales + "\n\n" + lock_message(now + LOCK_DURATION, now, usuario)
        return AuthenticationError("usuario_bloqueado", message)
    left = MAX_FAILED_ATTEMPTS - failures
    return AuthenticationError(
        "credenciales_incorrectas",
        credenciales
        + f"\n\nTe {verb(left, 'queda', 'quedan')} {plural(left, 'intento')} antes de que el "
        "usuario se bloquee por 5 minutos.",
    )


def count_failure(
    session: Session,
    key: str,
    throttle: LoginThrottle | None,
    now: datetime,
    limit: int = MAX_FAILED_ATTEMPTS,
) -> tuple[LoginThrottle, bool]:
    """One more failure in the current window, and whether it just locked (the ``limit``-th
    sets ``locked_until`` and restarts the count)."""
    if throttle is None:
        from icsoe_desktop.store.models import LoginThrottle

        throttle = LoginThrottle(usuario=key, failures=0)
        session.add(throttle)
    throttle.failures, locked_until = next_failure(
        throttle.failures, throttle.last_failure_at, now, limit
    )
    throttle.last_failure_at = now
    if locked_until is not None:
        throttle.locked_until = locked_until
    return throttle, locked_until is not None


def next_failure(
    failures: int | None,
    last_failure_at: datetime | None,
    now: datetime,
    limit: int = MAX_FAILED_ATTEMPTS,
) -> tuple[int, datetime | None]:
    """The count after one more failure at ``now``, and the lock it sets (the ``limit``-th
    locks and restarts the count)."""
    if last_failure_at is None or now - last_failure_at > FAILURE_WINDOW:
        failures = 0  # the earlier failures are too old to count
    failures = (failures or 0) + 1
    if failures >= limit:
        return 0, now + LOCK_DURATION
    return failures, None


def clear(session: Session, key: str) -> None:
    """A successful sign-in or a new password ends the count."""
    from icsoe_desktop.store.models import LoginThrottle

    throttle = session.get(LoginThrottle, key)
    if throttle is not None:
        session.delete(throttle)
