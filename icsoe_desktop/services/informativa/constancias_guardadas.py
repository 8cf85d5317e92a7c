"""The stored constancias de firma of Presentada informativas verified again by the current
checks: a row that arrived presentada (or was presented) before a check existed was never held
to it. At each sync, after the pull, every such row's constancia is judged as a pull judges
what arrives (constancia_refutada.py); a refused one is named in what the sync tells and in the
audit log, as a pulled one is. Which rows were verified, by which version of the checks
(``VERSION_COMPROBACIONES``) and which constancia (its SHA-256: another one is verified again),
is this desktop's own note (``sync_state``), never synced."""

from __future__ import annotations

import hashlib
import json
import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from icsoe_desktop.domain.informativa.modelo import PRESENTADA
from icsoe_desktop.services.informativa.constancia_comprobaciones import VERSION_COMPROBACIONES
from icsoe_desktop.services.informativa.constancia_refutada import Verificar, refutada
from icsoe_desktop.store.models import Contratista, InformativaRow, SyncState

log = logging.getLogger(__name__)

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
    session: Session, verificar: Verificar, hechas: dict[str, list[object]]
) -> tuple[list[tuple[str, str, str]], dict[str, list[object]]]:
    """The Presentada rows whose constancia the current checks refuse, each as (message, row as
    the bitácora names it, why), of those not verified by them yet (``hechas``: the note); and
    the note with every row verified now."""
    filas = session.execute(
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
    nuevas = dict(hechas)
    refutadas: list[tuple[str, str, str]] = []
    for uuid, periodo, cadena, pdf, rfc in filas:
        if not pdf:
            continue  # signed where no constancia was kept
        huella = hashlib.sha256(pdf).hexdigest()
        if nuevas.get(uuid) == [VERSION_COMPROBACIONES, huella]:
            continue
        motivos = refutada(verificar, pdf, uuid, cadena)[0]
        nuevas[uuid] = [VERSION_COMPROBACIONES, huella]
        if motivos:
            log.error("Constancia de firma guardada no válida: informativa %s", uuid)
            por_que = " ".join(motivos)
            mensaje = MSG_GUARDADA.format(periodo=periodo, rfc=rfc, motivos=por_que)
            refutadas.append((mensaje, f"{rfc} {periodo}", por_que))
    return refutadas, nuevas


__all__ = ["CLAVE", "MSG_GUARDADA", "anotar", "leidas", "revisar"]
