"""The count of wrong one-use codes, kept in one place for the whole installation (the
catalog), per entry point and per source (docs/diseno/secretos.md).

- The entry point is the form where the code is typed: IDSE recovery (Restablecer contraseña),
  the capturista's activation (the icsoe:// link, Crear contraseña) and the capturista's
  recovery (Crear contraseña after ¿Olvidaste tu contraseña?).
- The source is the code's first ``SOURCE_SYMBOLS`` symbols. The forms take the code alone and
  a desktop has no address to tell people apart; a person retyping the code of their mail keeps
  its first symbols, and another person's code almost never shares them (1 in 31³). So one
  person's slips lock that person's code only: 5 wrong codes of a source lock it for 5 minutes.
- A guesser chooses the first symbols too, so each entry point also counts every wrong code:
  ``MAX_WRONG_PER_ENTRY`` of them lock that entry point for everyone for 5 minutes. One person
  never reaches it (their own lock stops them at 5); guessing stays below
  ``MAX_WRONG_PER_ENTRY`` codes per 5 minutes, hopeless against 10-symbol codes.

The count is taken under the catalog's write lock before any store is searched, and the lock is
checked first: a locked source or entry point is refused without looking the code up, a real
code too. Wrong codes and each lock are audited in the catalog; a refusal while locked is not
(as for sign-in: the lock itself was)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from icsoe_desktop.domain import tokens
from icsoe_desktop.domain.clock import Clock, utcnow
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.services.acceso import login_throttle
from icsoe_desktop.services.audit import AuditService
from icsoe_desktop.store.db import Store
from icsoe_desktop.store.models import LoginThrottle

IDSE_RECUPERACION = "idse_recuperacion"
CAPTURISTA_ACTIVACION = "capturista_activacion"
CAPTURISTA_RECUPERACION = "capturista_recuperacion"
ENTRADAS = (IDSE_RECUPERACION, CAPTURISTA_ACTIVACION, CAPTURISTA_RECUPERACION)

SOURCE_SYMBOLS = 3
MAX_WRONG_PER_ENTRY = 25
MSG_CODIGO_INVALIDO = "El código no es válido. Verifica el código que recibiste por correo."
_TODAS = "*"  # the source part of an entry point's own count


def source_of(code: str) -> str:
    """Who is typing, as far as a desktop form can tell: the code's first symbols."""
    return tokens.normalize_code(code)[:SOURCE_SYMBOLS]


def _key(entrada: str, source: str) -> str:
    return f"codigo:{entrada}:{source}"


def _lock(until: datetime, now: datetime, *, entry: bool = False) -> ValidationError:
    """A source's lock (its 5 wrong codes) or, ``entry``, the entry point's (every source's)."""
    why = (
        "Se capturaron demasiados códigos incorrectos en este equipo"
        if entry
        else f"Se capturaron {login_throttle.MAX_FAILED_ATTEMPTS} códigos incorrectos"
    )
    return ValidationError(
        "codigos_bloqueados",
        f"{why}: por seguridad, la captura de códigos se bloqueó por 5 minutos. Podrás "
        f"intentarlo de nuevo en {login_throttle.minutes_left(until, now)} minuto(s).",
        "codigo",
    )


class CodeGuesses:
    """The count of wrong codes on ``store`` (the catalog; a lone store is its own)."""

    def __init__(self, store: Store, audit: AuditService, clock: Clock = utcnow) -> None:
        self._store = store
        self._audit = audit
        self._clock = clock

    def guess(self, entrada: str, code: str, issued: Callable[[], bool]) -> None:
        """Refuse while the code's source or ``entrada`` is locked, without calling ``issued``;
        else ask ``issued`` whether the code exists (in any store) and count it, audited, when
        it does not. A real code (used, replaced or expired included) is not a guess: nothing
        is counted and the caller goes on."""
        if entrada not in ENTRADAS:
            raise ValueError(f"entrada desconocida: {entrada}")
        now = self._clock()
        source = source_of(code)
        error: ValidationError | None = None
        # The write lock first: parallel guessers are counted one after the other.
        with self._store.session(immediate=True) as session:
            own = session.get(LoginThrottle, _key(entrada, source))
            every = session.get(LoginThrottle, _key(entrada, _TODAS))
            if own is not None and own.locked_until and own.locked_until > now:
                error = _lock(own.locked_until, now)
            elif every is not None and every.locked_until and every.locked_until > now:
                error = _lock(every.locked_until, now, entry=True)
            elif issued():
                return
            else:
                error = self._count(session, entrada, source, own, every, now)
        raise error

    def _count(
        self,
        session: Session,
        entrada: str,
        source: str,
        own: LoginThrottle | None,
        every: LoginThrottle | None,
        now: datetime,
    ) -> ValidationError:
        _row, source_locked = login_throttle.count_failure(session, _key(entrada, source), own, now)
        _row, entry_locked = login_throttle.count_failure(
            session, _key(entrada, _TODAS), every, now, limit=MAX_WRONG_PER_ENTRY
        )
        # Three symbols of a wrong code: what tells two people apart, never a usable code.
        detail = f"fuente {source}"
        self._audit.record(session, None, "codigo_incorrecto", entrada, detail)
        if source_locked:
            self._audit.record(
                session,
                None,
                "codigos_bloqueados",
                entrada,
                f"{detail}: {login_throttle.MAX_FAILED_ATTEMPTS} códigos incorrectos",
            )
        if entry_locked:
            self._audit.record(
                session,
                None,
                "codigos_bloqueados",
                entrada,
                f"todas las fuentes: {MAX_WRONG_PER_ENTRY} códigos incorrectos",
            )
        until = now + login_throttle.LOCK_DURATION
        if source_locked:
            return _lock(until, now)
        if entry_locked:
            return _lock(until, now, entry=True)
        return ValidationError("codigo_invalido", MSG_CODIGO_INVALIDO, "codigo")

    def clear(self, entrada: str, code: str) -> None:
        """A code was redeemed: its source's slips are forgiven (the entry point's count is not:
        one real code must not reset what guessers added)."""
        with self._store.session() as session:
            login_throttle.clear(session, _key(entrada, source_of(code)))
