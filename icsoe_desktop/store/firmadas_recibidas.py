"""The signed informativas a pull brings, checked before they are written: a row signed
(Firmada or Presentada) whose sello, cadena, frozen copy and header copy do not agree
(``domain/informativa/firmada.problema_firmada``) is refused, so that a copy someone signed
beside a genuine cadena with their own software never reaches this desktop's store. A
Presentada row whose IMSS acuse is not the one its SHA-256 names (swapped in a store before it
was sent, or on the server) is refused the same way. Any other row costs one look at its
estado."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from icsoe_desktop.domain.informativa.firmada import problema_firmada
from icsoe_desktop.domain.informativa.modelo import FIRMADAS, PRESENTADA
from icsoe_desktop.store.models import Contratista, InformativaRow, SyncRowState
from icsoe_desktop.store.rechazo import Rechazo

# What a signed row is checked by, as its columns are named.
_FIRMA = ("cadena", "sello", "certificado_der", "congelada", "congelada_cabecera")


def alteradas(
    session: Session, values: dict[str, list[Any]], rows: list[int]
) -> dict[int, Rechazo]:
    """Of pulled ``icsoe_informativas`` rows (``values``: their decoded columns, a column no
    row gave left out; ``rows``: the positions to look at), the live signed ones that do not
    agree, each with why."""
    estados = values.get("estado")
    if estados is None:
        return {}
    borradas = values.get("deleted")
    firmadas = [i for i in rows if estados[i] in FIRMADAS and not (borradas and borradas[i])]
    if not firmadas:
        return {}
    columnas = [values.get(name) for name in _FIRMA]
    problemas = {
        i: problema
        for i in firmadas
        if (problema := problema_firmada(*(c[i] if c is not None else None for c in columnas)))
    }
    acuses, huellas = values.get("acuse_imss_pdf"), values.get("acuse_imss_sha256")
    if acuses is not None and huellas is not None:
        problemas.update(
            (i, "el acuse del IMSS no coincide con su huella SHA-256")
            for i in firmadas
            if i not in problemas
            and estados[i] == PRESENTADA
            and hashlib.sha256(acuses[i] or b"").hexdigest() != huellas[i]
        )
    if not problemas:
        return {}
    contratistas = values.get("contratista_id") or [None] * (max(problemas) + 1)
    periodos = values.get("periodo") or ["?"] * (max(problemas) + 1)
    ids = {contratistas[i] for i in problemas}
    rfcs: dict[Any, str] = {
        id_: rfc
        for id_, rfc in session.execute(
            select(Contratista.id, Contratista.rfc).where(Contratista.id.in_(ids))
        )
    }
    out = {}
    for i, problema in problemas.items():
        periodo, rfc = periodos[i], rfcs.get(contratistas[i], "?")
        out[i] = Rechazo(
            f"La informativa firmada del periodo {periodo} de {rfc} que llegó del servidor no "
            "coincide con lo que se firmó: no se aplicó.",
            f"{rfc} {periodo}",
            problema,
        )
    return out


def acuse_alterado_por_enviar(session: Session) -> tuple[str, str] | None:
    """(RFC, periodo) of a Presentada informativa waiting to be sent whose IMSS acuse is not the
    one its SHA-256 names: a push must not spread it to the other desktops."""
    estado = and_(
        SyncRowState.table_name == InformativaRow.__tablename__,
        SyncRowState.row_uuid == InformativaRow.uuid,
    )
    filas = session.execute(
        select(InformativaRow.acuse_imss_pdf, InformativaRow.acuse_imss_sha256, Contratista.rfc,
               InformativaRow.periodo)
        .join(Contratista, Contratista.id == InformativaRow.contratista_id)
        .outerjoin(SyncRowState, estado)
        .where(
            InformativaRow.estado == PRESENTADA,
            InformativaRow.deleted.is_(False),
            or_(SyncRowState.row_uuid.is_(None), SyncRowState.dirty.is_(True)),
        )
    )  # fmt: skip
    for pdf, huella, rfc, periodo in filas:
        if hashlib.sha256(pdf or b"").hexdigest() != huella:
            return rfc, periodo
    return None
