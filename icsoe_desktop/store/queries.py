"""Lookups several services share, so each rule reads the same rows the same way."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from icsoe_desktop.store.models import CertificadoImss, RegistroPatronal


def active_registro(session: Session, registro: str) -> RegistroPatronal | None:
    """The registro patronal with this (normalized) number, unless it was removed."""
    return session.scalar(
        select(RegistroPatronal).where(
            RegistroPatronal.registro == registro, RegistroPatronal.deleted.is_(False)
        )
    )


def certificate_of(session: Session, registro_id: int) -> CertificadoImss | None:
    """The certificate assigned to a registro patronal (by row id), if any."""
    return session.scalar(
        select(CertificadoImss).where(
            CertificadoImss.registro_patronal_id == registro_id,
            CertificadoImss.deleted.is_(False),
        )
    )
