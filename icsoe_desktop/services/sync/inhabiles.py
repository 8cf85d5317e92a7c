"""The INFONAVIT's non-business days the company's sync server serves (``GET /v1/inhabiles``,
loaded there by IT): asked at the end of every sync and kept for the SISUB's deadlines
(services/sisub/inhabiles.py). A server of an older version has none to give; a failure here,
or an answer that is not such a list, never fails the sync: it is logged, and the list kept
before stays."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from icsoe_desktop.domain.sisub.plazos import lista_de
from icsoe_desktop.services.sisub import inhabiles
from icsoe_desktop.services.sync.transporte import SyncError, Transporte

if TYPE_CHECKING:
    import requests

log = logging.getLogger(__name__)


class InhabilesCompartidos:
    def __init__(self, transporte: Transporte, ruta: Path) -> None:
        self._transporte = transporte
        self._ruta = ruta

    def sincronizar(self, http: requests.Session, base: str) -> bool:
        """Whether the list kept changed."""
        try:
            answer = self._transporte.call_known(http, "GET", f"{base}/v1/inhabiles")
            if answer is None:
                return False  # a server of an older version
            recibida = lista_de(answer.get("inhabiles"))
            return inhabiles.guardar(self._ruta, recibida)
        except (SyncError, ValueError, OSError) as exc:
            log.warning("Días inhábiles del INFONAVIT no recibidos del servidor: %s", exc)
            return False


__all__ = ["InhabilesCompartidos"]
