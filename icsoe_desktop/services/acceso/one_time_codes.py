"""One-use codes (password recovery, capturista activation). No code exists at rest: the mail is
queued with a mark where the code goes, and the sender draws the code at send time, keeps only
its hash and puts the code into the text it hands to SMTP. A new code for the same purpose and
subject voids the earlier unused ones. Wrong codes are counted installation-wide, per entry
point and per source, before any store is searched (``code_guesses.py``)."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session

from icsoe_desktop.domain import tokens
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.services.acceso.code_guesses import MSG_CODIGO_INVALIDO, CodeGuesses
from icsoe_desktop.store.db import Store
from icsoe_desktop.store.models import OneTimeToken

# Where the sender writes the code (as typed, and as it goes in the icsoe:// link).
CODE_MARK = "[[CODIGO]]"
LINK_MARK = "[[CODIGO_LIGA]]"

MSG_CAPTURA_CODIGO = "Captura el código que recibiste por correo."


@dataclass(frozen=True)
class CodeTexts:
    """How a guide words a real code that can no longer be used (each flow says what to do)."""

    usado: str
    reemplazado: str
    expirado: str


def revoke_codes(session: Session, purpose: str, subject_uuids: Iterable[str]) -> None:
    """Unused codes of ``purpose`` for these subjects stop working."""
    session.execute(
        update(OneTimeToken)
        .where(
            OneTimeToken.subject_uuid.in_(list(subject_uuids)),
            OneTimeToken.purpose == purpose,
            OneTimeToken.used_at.is_(None),
        )
        .values(revoked=True)
    )


def issue_code(
    session: Session, purpose: str, subject_uuid: str, now: datetime, *, revoke: bool = True
) -> OneTimeToken:
    """A new code valid ``tokens.TOKEN_VALIDITY`` that supersedes earlier unused ones (unless
    ``revoke`` is false: one code per mailbox of the same request). Queue its mail with
    ``token=`` and the marks; until it is sent its hash is random, so no code works yet."""
    if revoke:
        revoke_codes(session, purpose, [subject_uuid])
    token = OneTimeToken(
        purpose=purpose,
        subject_uuid=subject_uuid,
        code_hash=secrets.token_hex(32),
        created_at=now,
        expires_at=now + tokens.TOKEN_VALIDITY,
        revoked=False,
    )
    session.add(token)
    session.flush()  # the mail names the token by id
    return token


def draw_code(session: Session, token_id: int) -> str | None:
    """At send time: a fresh code for the token. Its hash replaces the one of any earlier
    attempt, so only the code last handed to SMTP works. None when the token is gone."""
    token = session.get(OneTimeToken, token_id)
    if token is None:
        return None
    code = tokens.new_code()
    token.code_hash = tokens.hash_code(code)
    return code


def render(body: str, code: str) -> str:
    # One form everywhere: the link carries the code as the mail's text shows it (a dash is
    # safe in a URL); links with the bare code, mailed before, still work (normalize_code).
    shown = tokens.format_code(code)
    return body.replace(LINK_MARK, shown).replace(CODE_MARK, shown)


def require_code(code: str) -> None:
    if not tokens.normalize_code(code):
        raise ValidationError("campo_obligatorio", MSG_CAPTURA_CODIGO, "codigo")


@contextmanager
def redeem(
    store: Store,
    guesses: CodeGuesses,
    entrada: str,
    code: str,
    purposes: Iterable[str],
    now: datetime,
    texts: CodeTexts,
) -> Iterator[tuple[Session, OneTimeToken]]:
    """Use a one-use code, once: a code that matches none is a guess, counted installation-wide
    at ``entrada`` (``CodeGuesses.guess``, which refuses first while locked); a used, replaced
    or expired one is refused in the caller's words. In the block the caller acts on the
    token's subject in the same unit of work, where the code is already spent; an error in the
    block rolls all back, so the code still works. Once committed, the source's count ends."""
    purposes = list(purposes)
    code_hash = tokens.hash_code(code)

    def issued() -> bool:
        with store.session() as session:
            return (
                session.scalar(_token_query(code_hash, purposes).with_only_columns(OneTimeToken.id))
                is not None
            )

    guesses.guess(entrada, code, issued)
    with store.session() as session:
        token = session.scalar(_token_query(code_hash, purposes))
        if token is None:  # gone since the count: refused, not counted twice
            raise ValidationError("codigo_invalido", MSG_CODIGO_INVALIDO, "codigo")
        if token.used_at is not None:
            raise ValidationError("codigo_usado", texts.usado, "codigo")
        if token.revoked:
            raise ValidationError("codigo_reemplazado", texts.reemplazado, "codigo")
        if token.expires_at <= now:
            raise ValidationError("codigo_expirado", texts.expirado, "codigo")
        token.used_at = now
        yield session, token
    guesses.clear(entrada, code)


def _token_query(code_hash: str, purposes: list[str]) -> Select[OneTimeToken]:
    return select(OneTimeToken).where(
        OneTimeToken.code_hash == code_hash, OneTimeToken.purpose.in_(purposes)
    )
