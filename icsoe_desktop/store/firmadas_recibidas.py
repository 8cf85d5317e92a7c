"""The signed informativas a pull brings, checked before they are written: a row signed
(Firmada or Presentada) whose sello, cadena, frozen copy and header copy do not agree
(``domain/informativa/firmada.problema_firmada``) is refused, so that a copy someone signed
beside a genuine cadena with their own software never reaches this desktop's store. A
Presentada row whose IMSS acuse is not the one its SHA-256 names (swapped in a store before it
was sent, or on the server), or whose IMSS folio another informativa of this desktop already
has (two desktops registered one acuse for two informativas), is refused the same way. Any other row costs one look at its
estado."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from icsoe_desktop.domain.informativa.firmada import problema_firmada
from icsoe_desktop.domain.informativa.modelo import FIRMADAS, PRESENTADA
from icsoe_desktop.domain.informativa.presentacion import acuse_alterado
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
    problemas: dict[int, tuple[str, str]] = {
        i: (_NO_COINCIDE, problema)
        for i in firmadas
        if (problema := problema_firmada(*(c[i] if c is not None else None for c in columnas)))
    }
    presentadas = [i for i in firmadas if i not in problemas and estados[i] == PRESENTADA]
    acuses, huellas = values.get("acuse_imss_pdf"), values.get("acuse_imss_sha256")
    if acuses is not None and huellas is not None:
        problemas.update(
            (i, (_ACUSE_ALTERADO, "el acuse del IMSS no coincide con su huella SHA-256"))
            for i in presentadas
            if acuse_alterado(acuses[i], huellas[i])
        )
    problemas.update(_folios_repetidos(session, values, presentadas))
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
    for i, (mensaje, problema) in problemas.items():
        periodo, rfc = periodos[i], rfcs.get(contratistas[i], "?")
        out[i] = Rechazo(mensaje.format(periodo=periodo, rfc=rfc), f"{rfc} {periodo}", problema)
    return out


_NO_COINCIDE = (
    "La informativa firmada del periodo {periodo} de {rfc} que llegó del servidor no coincide "
    "con lo que se firmó: no se aplicó."
)
_ACUSE_ALTERADO = (
    "La informativa presentada del periodo {periodo} de {rfc} que llegó del servidor trae un "
    "acuse del IMSS que no es el que se registró: no se aplicó."
)
_FOLIO_REPETIDO = (
    "La informativa presentada del periodo {periodo} de {rfc} que llegó del servidor tiene un "
    "folio IMSS que en este equipo ya es de otra informativa: no se aplicó. Cada presentación "
    "tiene su propio folio: revisa cuál de las dos se registró con el acuse equivocado."
)


def _folios_repetidos(
    session: Session, values: dict[str, list[Any]], filas: list[int]
) -> dict[int, tuple[str, str]]:
    """Of pulled Presentada rows, those whose IMSS folio another informativa already has
    (here, or earlier in the same pull): one folio, one filing."""
    folios, uuids = values.get("folio_imss"), values.get("uuid")
    if folios is None or uuids is None or not filas:
        return {}
    pedidos = {folios[i] for i in filas if folios[i]}
    locales = {
        folio: uuid
        for folio, uuid in session.execute(
            select(InformativaRow.folio_imss, InformativaRow.uuid).where(
                InformativaRow.folio_imss.in_(pedidos), InformativaRow.deleted.is_(False)
            )
        )
    }
    out: dict[int, tuple[str, str]] = {}
    for i in filas:
        folio = folios[i]
        if not folio:
            continue
        otra = locales.setdefault(folio, uuids[i])
        if otra != uuids[i]:
            out[i] = (_FOLIO_REPETIDO, f"el folio IMSS {folio} ya es de otra informativa")
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
        if acuse_alterado(pdf, huella):
            return rfc, periodo
    return None
