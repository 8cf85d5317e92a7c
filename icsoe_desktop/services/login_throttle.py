"""The sign-in lock shared by IDSE users and ICSOE capturistas: 5 failed attempts lock the
usuario for 5 minutes. Failures decay: a failure more than 15 minutes after the previous one
starts a new count, so a slip last week does not add to today's. One ``LoginThrottle`` row per typed usuario (known or not), so a guesser
learns nothing from the lock. Callers audit in their own words."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from icsoe_desktop.domain.errors import AuthenticationError
from icsoe_desktop.domain.texts import plural, verb
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


def current_lock(
    session: Session, key: str, now: datetime, usuario: str = ""
) -> tuple[LoginThrottle | None, AuthenticationError | None]:
    """The usuario's throttle row, and the error to give while it is locked."""
    throttle = session.get(LoginThrottle, key)
    if throttle and throttle.locked_until and throttle.locked_until > now:
        return throttle, AuthenticationError(
            "usuario_bloqueado", lock_message(throttle.locked_until, now, usuario)
        )
    return throttle, None


def register_failure(
    session: Session,
    key: str,
    throttle: LoginThrottle | None,
    now: datetime,
    credenciales: str,
    usuario: str = "",
) -> tuple[AuthenticationError, bool]:
    """Count a failed attempt; return the error to show (``credenciales`` first) and whether it
    just locked the usuario."""
    throttle, just_locked = count_failure(session, key, throttle, now)
    if just_locked:
        message = credenciales + "\n\n" + lock_message(now + LOCK_DURATION, now, usuario)
        return AuthenticationError("usuario_bloqueado", message), True
    left = MAX_FAILED_ATTEMPTS - throttle.failures
    return (
        AuthenticationError(
            "credenciales_incorrectas",
            credenciales
            + f"\n\nTe {verb(left, 'queda', 'quedan')} {plural(left, 'intento')} antes de que el "
            "usuario se bloquee por 5 minutos.",
        ),
        False,
    )


def count_failure(
    session: Session, key: str, throttle: LoginThrottle | None, now: datetime
) -> tuple[LoginThrottle, bool]:
    """One more failure in the current window, and whether it just locked (the fifth sets
    ``locked_until`` and restarts the count)."""
    if throttle is None:
        throttle = LoginThrottle(usuario=key, failures=0)
        session.add(throttle)
    last = throttle.last_failure_at
    if last is None or now - last > FAILURE_WINDOW:
        throttle.failures = 0  # the earlier failures are too old to count
    throttle.failures = (throttle.failures or 0) + 1
    throttle.last_failure_at = now
    if throttle.failures >= MAX_FAILED_ATTEMPTS:
        throttle.failures = 0
        throttle.locked_until = now + LOCK_DURATION
        return throttle, True
    return throttle, False


def clear(session: Session, key: str) -> None:
    """A successful sign-in or a new password ends the count."""
    throttle = session.get(LoginThrottle, key)
    if throttle is not None:
        session.delete(throttle)
