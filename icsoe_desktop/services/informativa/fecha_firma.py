"""Whether a signed informativa's signing date is proven on this desktop: the verdict its
constancia's verification gave (``Verificacion.fecha_probada``: a time-stamp token over its
signature whose TSA chains to one of this installation's time-stamp authorities; without one
the date is the signer's clock, constancia.py), kept so that the lists say it without verifying
every constancia again.

It is this desktop's own note (``sync_state``, never synced: another desktop trusts its own
authorities), written wherever a constancia is verified — Registrar presentación, Exportar para
el cliente, the stored constancias' check after a sync and on opening the informativas
(constancias_guardadas.py) — and read by the tablero (``informativa listar``, the pantalla de
inicio, the informativa's window). A verdict given under other time-stamp authorities than
today's (one added or removed since) is not used: until its constancia is verified again the
row's signing date reads as not proven, never as proven."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.orm import Session

from icsoe_desktop.domain.trust import TrustStore
from icsoe_desktop.store.models import SyncState

# Its key in ``sync_state``: {"autoridades": huella_autoridades(...), "filas": {uuid:
# [SHA-256 of the constancia, the proven signing time in ISO 8601 or ""]}}.
CLAVE = "fechas_de_firma"


def huella_autoridades(autoridades: TrustStore) -> str:
    """What the time-stamp authorities trusted here are, in one SHA-256: a verdict holds only
    under the same ones."""
    return hashlib.sha256(
        "".join(sorted(e.sha256 for e in autoridades.emisores)).encode()
    ).hexdigest()


def _leida(session: Session) -> dict[str, object]:
    nota = session.get(SyncState, CLAVE)
    try:
        leida = json.loads(nota.value) if nota is not None and nota.value else {}
    except ValueError:  # damaged outside the app: as if nothing were noted
        return {}
    return leida if isinstance(leida, dict) else {}


def _filas(leida: dict[str, object], huella: str) -> dict[str, list[str]]:
    """The rows noted under the authorities ``huella`` (other ones: none)."""
    filas = leida.get("filas")
    if leida.get("autoridades") != huella or not isinstance(filas, dict):
        return {}
    return {
        str(uuid): valor
        for uuid, valor in filas.items()
        if isinstance(valor, list) and len(valor) == 2 and all(isinstance(v, str) for v in valor)
    }


def probadas(session: Session, huella: str, uuids: Iterable[str]) -> set[str]:
    """Of ``uuids``, those whose signing date a trusted time-stamp proves (their constancia
    verified under the authorities ``huella``, today's)."""
    filas = _filas(_leida(session), huella) if huella else {}
    return {u for u in uuids if (fila := filas.get(u)) is not None and fila[1]}


def al_dia(session: Session, huella: str) -> dict[str, str]:
    """uuid → SHA-256 of the constancia whose verdict is noted under ``huella``."""
    return {uuid: fila[0] for uuid, fila in _filas(_leida(session), huella).items()}


def anotar(
    session: Session, huella: str, verificadas: dict[str, tuple[bytes, datetime | None]]
) -> None:
    """The verdicts of the constancias ``verificadas`` (uuid → (its PDF, the signing time
    proven or None)), judged under the authorities ``huella``, noted in ``session``; the
    verdicts of other authorities dropped."""
    if not huella or not verificadas:
        return
    filas = _filas(_leida(session), huella)
    for uuid, (pdf, probada) in verificadas.items():
        filas[uuid] = [hashlib.sha256(pdf).hexdigest(), probada.isoformat() if probada else ""]
    valor = {"autoridades": huella, "filas": filas}
    session.merge(SyncState(key=CLAVE, value=json.dumps(valor, sort_keys=True)))


__all__ = ["CLAVE", "al_dia", "anotar", "huella_autoridades", "probadas"]
