"""Lookups several services share, so each rule reads the same rows the same way."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from icsoe_desktop.store import plain
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


# Rows fetched at a time by the long reads of a window's background work: sqlite3 builds a
# fetch's rows without letting go of the interpreter, so the window's thread waits each fetch
# out; a few hundred rows keep that wait to a few milliseconds.
TANDA = 250
_CONTRATOS_POR_CONSULTA = 500  # far below SQLite's limit of bound parameters


def trabajadores_de_contratos(
    session: Session, contratos: Sequence[int]
) -> Iterator[tuple[int, str, str, int, str]]:
    """(contrato_id, nss, curp, sbc, nombre) of the live workers of the contracts ``contratos``
    (row ids), by contract, then as captured. Read in batches through the driver, in the
    session's transaction: a staffing firm's informativa holds 600,000, whose SQLAlchemy rows
    cost three times the read itself, and their list at once some 100 MB."""
    session.flush()  # what the session holds unwritten, as its own queries would see it
    cursor = plain.driver(session.connection()).cursor()
    ordenados = sorted(contratos)
    for inicio in range(0, len(ordenados), _CONTRATOS_POR_CONSULTA):
        parte = ordenados[inicio : inicio + _CONTRATOS_POR_CONSULTA]
        cursor.execute(
            "SELECT contrato_id, nss, curp, sbc, nombre FROM icsoe_contrato_trabajadores "
            f"WHERE contrato_id IN ({', '.join('?' * len(parte))}) AND deleted = 0 "
            "ORDER BY contrato_id, id",
            parte,
        )
        while filas := cursor.fetchmany(TANDA):
            yield from filas
