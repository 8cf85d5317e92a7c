"""The CFDI de nómina (CFDI 3.3 or 4.0 with the Nómina 1.2 complement) as a source of workers.

- ``recibo``: an XML read with a hardened parser into a ``Recibo`` (what the store keeps);
- ``sello``: the emisor's sello verified over the cadena original (the SAT's XSLT, shipped in
  ``resources/cfdi``) with the CSD the XML carries, chained to the emisores confiables, valid at
  the CFDI's date and of this empresa's RFC; the timbre read, its SAT seal verified when the
  SAT's certificate is at hand.

A receipt that fails any of it raises ``ReciboRechazado`` with a code and a Spanish reason: the
import lists it and keeps it out.
"""

from __future__ import annotations

from icsoe_desktop.domain.nomina.recibo import (
    ASIMILADOS,
    MAX_XML,
    Incapacidad,
    Percepcion,
    Recibo,
    ReciboRechazado,
    Subcontratacion,
    Timbre,
    leer_recibo,
)
from icsoe_desktop.domain.nomina.sello import (
    SAT_NO_DISPONIBLE,
    SAT_VERIFICADO,
    Verificado,
    Verificador,
)

__all__ = [
    "ASIMILADOS",
    "MAX_XML",
    "SAT_NO_DISPONIBLE",
    "SAT_VERIFICADO",
    "Incapacidad",
    "Percepcion",
    "Recibo",
    "ReciboRechazado",
    "Subcontratacion",
    "Timbre",
    "Verificado",
    "Verificador",
    "leer_recibo",
]
