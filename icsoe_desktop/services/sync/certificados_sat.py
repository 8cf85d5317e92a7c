"""The SAT's certificates that seal timbres the company's sync server serves (``GET
/v1/certificados-sat``, loaded there by IT): asked at the end of every sync and handed to
``recibir`` (the container's: each checked against the emisores confiables and kept as
``nomina certificados-sat agregar`` keeps one, then the receipts kept unverified checked
again). A server of an older version has none to give; a failure here, or an answer that is
not such a list, never fails the sync: it is logged, and the certificates kept stay."""

from __future__ import annotations

import base64
import binascii
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.services.sync.transporte import SyncError, Transporte

if TYPE_CHECKING:
    import requests

log = logging.getLogger(__name__)


def _ders(answer: dict[str, object]) -> list[bytes]:
    lista = answer.get("certificados")
    if not isinstance(lista, list):
        raise ValueError("la respuesta no es una lista de certificados")
    ders = []
    for certificado in lista:
        der = certificado.get("der") if isinstance(certificado, dict) else None
        if not isinstance(der, str):
            raise ValueError("un certificado sin su contenido")
        ders.append(base64.b64decode(der, validate=True))
    return ders


class CertificadosCompartidos:
    def __init__(self, transporte: Transporte, recibir: Callable[[list[bytes]], int]) -> None:
        self._transporte = transporte
        self._recibir = recibir

    def sincronizar(self, http: requests.Session, base: str) -> int:
        """What ``recibir`` answered (0 when nothing came)."""
        try:
            answer = self._transporte.call_known(http, "GET", f"{base}/v1/certificados-sat")
            if answer is None:
                return 0  # a server of an older version
            return self._recibir(_ders(answer))
        except (SyncError, ValueError, binascii.Error, OSError, DomainError) as exc:
            log.warning("Certificados del SAT no recibidos del servidor: %s", exc)
            return 0


__all__ = ["CertificadosCompartidos"]
