"""One-use codes (password recovery, capturista activation) in the store: only their hash is
kept; a new code for the same purpose and subject voids the earlier unused ones."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from icsoe_desktop.domain import tokens
from icsoe_desktop.store.models import OneTimeToken


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


def issue_code(session: Session, purpose: str, subject_uuid: str, now: datetime) -> str:
    """A new code valid ``tokens.TOKEN_VALIDITY``; it supersedes any earlier unused one. The
    code itself is returned once, to be mailed, and never stored."""
    revoke_codes(session, purpose, [subject_uuid])
    code = tokens.new_code()
    session.add(
        OneTimeToken(
            purpose=purpose,
            subject_uuid=subject_uuid,
            code_hash=tokens.hash_code(code),
            created_at=now,
            expires_at=now + tokens.TOKEN_VALIDITY,
            revoked=False,
        )
    )
    return code
