"""Whether a stored constancia de firma is refused: its verification (the installation's
``FirmaInformativaService.verificar``) refuses it, or it is valid but another informativa's.
Filing and the client archive (presentacion.py), a sync pull (acuse_sincronizado.py) and a
restore (services/respaldo/documentos.py) judge it the same way."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from icsoe_desktop.services.informativa.constancia import Verificacion

CONSTANCIA_AJENA = "La constancia de firma guardada es la de otra informativa."

Verificar = Callable[[bytes], "Verificacion"]


def refutada(
    verificar: Verificar, pdf: bytes, uuid: str, cadena: str | None
) -> tuple[tuple[str, ...], Verificacion]:
    """Why the constancia ``pdf`` of the informativa ``uuid`` (signed over ``cadena``) is
    refused (empty: it is not), and its verification. One that cannot be checked (its e.firma
    expired since) is not refused: nothing says it is false."""
    resultado = verificar(pdf)
    motivos = resultado.motivo if not resultado.ok and resultado.comprobable else ()
    leida = resultado.constancia
    if (
        not motivos
        and leida is not None
        and (leida.informativa.uuid, leida.cadena) != (uuid, cadena)
    ):
        # Valid in itself, but another informativa's (whose uuid this store may not hold).
        motivos = (CONSTANCIA_AJENA,)
    return motivos, resultado


__all__ = ["CONSTANCIA_AJENA", "Verificar", "refutada"]
