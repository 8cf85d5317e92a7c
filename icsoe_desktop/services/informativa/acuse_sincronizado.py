"""The IMSS acuses a sync carries, read again before they travel (acuse_guardado.py): a push
sends no Presentada informativa whose stored acuse is not its registered one, and a pull writes
none that arrives with another's (another contratista's, another folio's), whatever SHA-256
travels beside it, nor one whose constancia de firma its verification refuses (as filing
does: constancia_refutada.py). The store's own check (store/firmadas_recibidas.py) has compared
each acuse with its SHA-256 already; this one reads PDFs, a service's work, so it is the sync's
hook above the store's (``RECIBIDAS``, by table)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from icsoe_desktop.domain.informativa.acuse_corregido import leer as leer_corregido
from icsoe_desktop.domain.informativa.modelo import PRESENTADA
from icsoe_desktop.services.informativa.acuse_guardado import Registrada, acuse_ajeno, contratantes
from icsoe_desktop.services.informativa.constancia_refutada import refutada
from icsoe_desktop.store.db import VERIFICAR
from icsoe_desktop.store.models import Contratista, InformativaRow, SyncRowState
from icsoe_desktop.store.rechazo import Rechazo

log = logging.getLogger(__name__)

MSG_NO_SE_ENVIA = (
    "El acuse del IMSS guardado de la informativa {periodo} del contratista {rfc} no es el que "
    "se registró ({problema}): se alteró fuera de la aplicación. No se envió nada al servidor; "
    "restaura un respaldo en el que esté íntegro."
)
MSG_CONSTANCIA_RECIBIDA = (
    "La informativa presentada del periodo {periodo} de {rfc} que llegó del servidor trae una "
    "constancia de firma que no es válida: no se aplicó."
)
MSG_RECIBIDO = (
    "La informativa presentada del periodo {periodo} de {rfc} que llegó del servidor trae un "
    "acuse del IMSS que no es el que se registró: no se aplicó."
)


def ajeno_por_enviar(session: Session) -> str | None:
    """What to tell of the first Presentada informativa waiting to be sent whose acuse is not
    its registered one, or None."""
    estado = and_(
        SyncRowState.table_name == InformativaRow.__tablename__,
        SyncRowState.row_uuid == InformativaRow.uuid,
    )
    filas = session.execute(
        select(InformativaRow, Contratista.rfc, Contratista.nombre)
        .join(Contratista, Contratista.id == InformativaRow.contratista_id)
        .outerjoin(SyncRowState, estado)
        .where(
            InformativaRow.estado == PRESENTADA,
            InformativaRow.deleted.is_(False),
            or_(SyncRowState.row_uuid.is_(None), SyncRowState.dirty.is_(True)),
        )
    )
    for row, rfc, nombre in filas:
        cabecera = row.congelada_cabecera
        registrada = Registrada(
            rfc,
            row.periodo,
            row.tipo,
            # The whole copy (deferred: MBs) only without a header copy.
            contratantes(cabecera, None if cabecera else row.congelada),
            row.folio_imss,
            row.presentada_at,
            bool(row.acuse_imss_declarado),
            nombre,
            leer_corregido(row.acuse_imss_corregido),
            row.acuse_imss_regla or 0,
        )
        if problema := acuse_ajeno(row.acuse_imss_pdf, row.acuse_imss_sha256, registrada):
            return MSG_NO_SE_ENVIA.format(periodo=row.periodo, rfc=rfc, problema=problema)
    return None


def ajenos_recibidos(
    session: Session, values: dict[str, list[Any]], rows: list[int]
) -> dict[int, Rechazo]:
    """Of pulled informativa rows (``values``: their decoded columns; ``rows``: the positions
    still to write), the live Presentada ones whose acuse is not their registered
    one, each with why."""
    estados, acuses = values.get("estado"), values.get("acuse_imss_pdf")
    if estados is None or acuses is None:
        return {}
    borradas = values.get("deleted")
    presentadas = [i for i in rows if estados[i] == PRESENTADA and not (borradas and borradas[i])]
    if not presentadas:
        return {}

    def columna(nombre: str) -> list[Any]:
        return values.get(nombre) or [None] * len(estados)

    huellas, periodos, tipos = columna("acuse_imss_sha256"), columna("periodo"), columna("tipo")
    folios, fechas = columna("folio_imss"), columna("presentada_at")
    declarados, ids = columna("acuse_imss_declarado"), columna("contratista_id")
    corregidos, reglas = columna("acuse_imss_corregido"), columna("acuse_imss_regla")
    cabeceras, congeladas = columna("congelada_cabecera"), columna("congelada")
    nombres: dict[Any, tuple[str, str]] = {
        id_: (rfc, nombre)
        for id_, rfc, nombre in session.execute(
            select(Contratista.id, Contratista.rfc, Contratista.nombre).where(
                Contratista.id.in_({ids[i] for i in presentadas})
            )
        )
    }
    out: dict[int, Rechazo] = {}
    for i in presentadas:
        rfc, nombre = nombres.get(ids[i], ("?", ""))
        registrada = Registrada(
            rfc,
            str(periodos[i]),
            str(tipos[i]),
            contratantes(cabeceras[i], congeladas[i]),
            folios[i] or "",
            fechas[i],
            bool(declarados[i]),
            nombre,
            leer_corregido(corregidos[i]),
            int(reglas[i] or 0),
        )
        if problema := acuse_ajeno(acuses[i], huellas[i] or "", registrada):
            periodo = periodos[i]
            out[i] = Rechazo(
                MSG_RECIBIDO.format(periodo=periodo, rfc=rfc), f"{rfc} {periodo}", problema
            )
    por_verificar = [i for i in presentadas if i not in out]
    for i, motivos in _constancias_refutadas(session, values, por_verificar).items():
        rfc, periodo = nombres.get(ids[i], ("?", ""))[0], periodos[i]
        out[i] = Rechazo(
            MSG_CONSTANCIA_RECIBIDA.format(periodo=periodo, rfc=rfc),
            f"{rfc} {periodo}",
            " ".join(motivos),
        )
    return out


def _constancias_refutadas(
    session: Session, values: dict[str, list[Any]], rows: list[int]
) -> dict[int, tuple[str, ...]]:
    """Of the pulled Presentada rows ``rows``, those whose constancia de firma its verification
    refuses, each with why. Only a constancia or an estado that changes here is verified
    (seconds on a big one): a row this store already holds presentada with the same constancia
    is not verified again."""
    verificar = session.info.get(VERIFICAR)
    constancias = values.get("acuse_pdf")
    if verificar is None or constancias is None:
        return {}
    uuids, cadenas = values.get("uuid"), values.get("cadena") or [None] * len(constancias)
    out: dict[int, tuple[str, ...]] = {}
    verificadas: dict[str, bytes] = {}
    for i in rows:
        pdf = constancias[i]
        if not pdf:
            continue  # signed where no constancia was kept
        uuid = str(uuids[i]) if uuids else ""
        tenida = session.scalar(
            select(InformativaRow.id).where(
                InformativaRow.uuid == uuid,
                InformativaRow.estado == PRESENTADA,
                InformativaRow.deleted.is_(False),
                InformativaRow.acuse_pdf == pdf,
            )
        )
        if tenida is not None:
            continue
        if motivos := refutada(verificar, pdf, uuid, cadenas[i])[0]:
            log.warning("Constancia de firma recibida no válida: informativa %s", uuid)
            out[i] = motivos
        else:
            verificadas[uuid] = pdf
    if verificadas:  # verified by these checks: not again after the pull
        from icsoe_desktop.services.informativa.constancias_guardadas import anotar

        anotar(session, verificadas)
    return out


# The services' checks of pulled rows, by table, after the store's own (``SyncedTable.refuse``).
RECIBIDAS: dict[str, Callable[[Session, dict[str, list[Any]], list[int]], dict[int, Rechazo]]] = {
    InformativaRow.__tablename__: ajenos_recibidos
}

__all__ = ["RECIBIDAS", "ajeno_por_enviar", "ajenos_recibidos"]
