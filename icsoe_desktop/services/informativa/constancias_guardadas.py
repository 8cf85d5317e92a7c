"""The stored constancias de firma of Presentada informativas verified again by the current
checks: a row that arrived presentada (or was presented) before a check existed was never held
to it. At each sync, after the pull, every such row's constancia is judged as a pull judges
what arrives (constancia_refutada.py), and again when the informativas are opened (a desktop
without sync); a refused one is named in what the sync (or the pantalla de inicio) tells and in
the audit log, as a pulled one is. Which rows were verified, by which version of the checks
(``VERSION_COMPROBACIONES``) and which constancia (its SHA-256: another one is verified again),
is this desktop's own note (``sync_state``), never synced. Each verification also notes whether
the constancia's signing date is proven (fecha_firma.py); given today's time-stamp authorities,
a row whose date was noted under others (or never) is verified again for that alone."""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from icsoe_desktop.domain.informativa.modelo import PRESENTADA
from icsoe_desktop.services.informativa.constancia_comprobaciones import VERSION_COMPROBACIONES
from icsoe_desktop.services.informativa.constancia_refutada import Verificar, refutada
from icsoe_desktop.store.models import AuditEntry, Contratista, InformativaRow, SyncState

if TYPE_CHECKING:
    from icsoe_desktop.store.db import Store

log = logging.getLogger(__name__)

# The sync's thread and the window's background one never verify (nor audit) the same row twice.
_UNA_A_LA_VEZ = threading.Lock()

# Its key in ``sync_state``: a JSON object, uuid → [version of the checks, SHA-256].
CLAVE = "constancias_comprobadas"

MSG_GUARDADA = (
    "La informativa presentada del periodo {periodo} de {rfc} guardada en este equipo tiene una "
    "constancia de firma que no es válida ({motivos}); revísala con Verificar constancia."
)


def leidas(nota: str) -> dict[str, list[object]]:
    """The note as written (anything else: none verified)."""
    try:
        hechas = json.loads(nota) if nota else {}
    except ValueError:
        return {}
    return hechas if isinstance(hechas, dict) else {}


def anotar(session: Session, verificadas: dict[str, bytes]) -> None:
    """The rows ``verificadas`` (uuid → its constancia), verified now by the current checks,
    added to the note in ``session``."""
    nota = session.get(SyncState, CLAVE)
    hechas = leidas(nota.value if nota is not None else "")
    for uuid, pdf in verificadas.items():
        hechas[uuid] = [VERSION_COMPROBACIONES, hashlib.sha256(pdf).hexdigest()]
    session.merge(SyncState(key=CLAVE, value=json.dumps(hechas, sort_keys=True)))


def revisar(
    session: Session,
    verificar: Verificar,
    hechas: dict[str, list[object]],
    rfc: str | None = None,
    autoridades: str = "",
) -> tuple[list[tuple[str, str, str]], dict[str, list[object]]]:
    """The Presentada rows (of the contratista ``rfc``, given) whose constancia the current
    checks refuse, each as (message, row as the bitácora names it, why), of those not verified
    by them yet (``hechas``: the note); and the note with every row verified now. Whether
    each verified one's signing date is proven is noted in ``session`` (fecha_firma.py);
    given ``autoridades`` (today's time-stamp authorities), a row whose date is not noted
    under them is verified again for that (a refusal already told is not told again)."""
    from icsoe_desktop.services.informativa import fecha_firma

    consulta = (
        select(
            InformativaRow.uuid,
            InformativaRow.periodo,
            InformativaRow.cadena,
            InformativaRow.acuse_pdf,
            Contratista.rfc,
        )
        .join(Contratista, Contratista.id == InformativaRow.contratista_id)
        .where(
            InformativaRow.estado == PRESENTADA,
            InformativaRow.deleted.is_(False),
            InformativaRow.acuse_pdf.is_not(None),
        )
        .order_by(InformativaRow.id)
    )
    if rfc is not None:
        consulta = consulta.where(Contratista.rfc == rfc)
    filas = session.execute(consulta)
    nuevas = dict(hechas)
    fechas = fecha_firma.al_dia(session, autoridades) if autoridades else None
    refutadas: list[tuple[str, str, str]] = []
    for uuid, periodo, cadena, pdf, suyo in filas:
        if not pdf:
            continue  # signed where no constancia was kept
        huella = hashlib.sha256(pdf).hexdigest()
        comprobada = nuevas.get(uuid) == [VERSION_COMPROBACIONES, huella]
        if comprobada and (fechas is None or fechas.get(uuid) == huella):
            continue
        motivos, resultado = refutada(verificar, pdf, uuid, cadena)
        nuevas[uuid] = [VERSION_COMPROBACIONES, huella]
        probada = None if motivos else resultado.fecha_probada  # a refused one proves nothing
        fecha_firma.anotar(session, resultado.autoridades_sello, {uuid: (pdf, probada)})
        if motivos and not comprobada:
            log.error("Constancia de firma guardada no válida: informativa %s", uuid)
            por_que = " ".join(motivos)
            mensaje = MSG_GUARDADA.format(periodo=periodo, rfc=suyo, motivos=por_que)
            refutadas.append((mensaje, f"{suyo} {periodo}", por_que))
    return refutadas, nuevas


def comprobar(
    store: Store, now: datetime, rfc: str | None = None, autoridades: str = ""
) -> tuple[str, ...]:
    """What to tell of the stored constancias of ``store``'s Presentada rows (of the
    contratista ``rfc``, given) that the current checks, which had not verified them yet,
    refuse; each audited once (``constancia_guardada_no_valida``), and every row verified
    noted, with whether its signing date is proven (``autoridades``: today's time-stamp
    authorities, ``revisar``). Nothing without the installation's verifier, nor in a
    read-only store (nothing could be noted). The sync after its pull and the pantalla de
    inicio call it."""
    from icsoe_desktop.services.audit import SYSTEM_ACTOR

    verificar = store.verificar_constancia
    if verificar is None or store.solo_lectura:
        return ()
    with _UNA_A_LA_VEZ, store.session() as session:
        nota = session.get(SyncState, CLAVE)
        hechas = leidas(nota.value if nota is not None else "")
        refutadas, nuevas = revisar(session, verificar, hechas, rfc, autoridades)
        for _mensaje, renglon, por_que in refutadas:
            session.add(
                AuditEntry(
                    at=now,
                    actor=SYSTEM_ACTOR,
                    action="constancia_guardada_no_valida",
                    target=renglon,
                    detail=por_que,
                )
            )
        if nuevas != hechas:
            session.merge(SyncState(key=CLAVE, value=json.dumps(nuevas, sort_keys=True)))
    return tuple(mensaje for mensaje, _renglon, _por_que in refutadas)


__all__ = ["CLAVE", "MSG_GUARDADA", "anotar", "comprobar", "leidas", "revisar"]
