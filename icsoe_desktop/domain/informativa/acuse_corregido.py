"""A folio or a date read from the IMSS acuse that the clerk registers otherwise (a misread
acuse, a date read in the wrong hour): what the acuse's text states is kept beside the registro,
so that the stored acuse is still held to it (services/informativa/acuse_guardado.py) and
whoever reads the registro sees «corregido por el usuario» and what the acuse says."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from icsoe_desktop.domain.clock import HORA_DEL_CENTRO
from icsoe_desktop.domain.informativa.presentacion import normalizar_folio

FORMATO = "%d/%m/%Y %H:%M:%S"


@dataclass(frozen=True)
class Corregido:
    """What the acuse states of what was registered otherwise (None: registered as read)."""

    folio: str | None = None
    presentada: datetime | None = None  # aware

    def __bool__(self) -> bool:
        return self.folio is not None or self.presentada is not None

    def guardado(self) -> str:
        """As the row keeps it: JSON, the date in UTC; "" when nothing was corrected."""
        if not self:
            return ""
        datos: dict[str, str] = {}
        if self.folio is not None:
            datos["folio"] = self.folio
        if self.presentada is not None:
            datos["presentada"] = self.presentada.astimezone(UTC).isoformat()
        return json.dumps(datos, sort_keys=True)

    def texto(self) -> str:
        """«fecha corregida por el usuario (el acuse dice 22/11/2026 10:15:30)»; "" if none."""
        partes = []
        if self.folio is not None:
            partes.append(("folio corregido", self.folio))
        if self.presentada is not None:
            fecha = f"{self.presentada.astimezone(HORA_DEL_CENTRO):{FORMATO}}"
            partes.append(("fecha corregida", fecha))
        if not partes:
            return ""
        que = partes[0][0] if len(partes) == 1 else "folio y fecha corregidos"
        dice = ", ".join(valor for _q, valor in partes)
        return f"{que} por el usuario (el acuse dice {dice})"


def leer(texto: str | None) -> Corregido:
    """The row's column read back; a value damaged outside the app corrects nothing (the stored
    acuse is then held to the registro as read, and refused if it differs)."""
    try:
        datos = json.loads(texto) if texto else {}
    except ValueError:
        return Corregido()
    if not isinstance(datos, dict):
        return Corregido()
    folio = datos.get("folio")
    try:
        presentada = datetime.fromisoformat(datos["presentada"]) if "presentada" in datos else None
    except (TypeError, ValueError):
        presentada = None
    if presentada is not None and presentada.tzinfo is None:
        presentada = None
    return Corregido(folio if isinstance(folio, str) and folio else None, presentada)


def corregido(
    folio_leido: str | None,
    fecha_leida: datetime | None,
    folio: str,
    presentada: datetime | None,
) -> Corregido:
    """What the acuse states (``folio_leido``, ``fecha_leida``) that differs from what is
    registered (``folio`` as typed, ``presentada`` aware; None: not given yet)."""
    escrito = normalizar_folio(folio)
    fecha_otra = (
        fecha_leida is not None
        and presentada is not None
        and presentada.replace(microsecond=0) != fecha_leida
    )
    return Corregido(
        folio_leido if folio_leido and escrito and escrito != folio_leido else None,
        fecha_leida if fecha_otra else None,
    )


__all__ = ["Corregido", "corregido", "leer"]
