"""The find box of the worker lists (Movimientos, Lotes, the informativa's workers): one text
that finds a worker by NSS, CURP or name, by its beginning, without accents or case.

Names are compared as IDSE writes them (capitals without accents) with Ñ read as N, so that
«nunez» finds NÚÑEZ; a name is the full name in IDSE's order (apellido paterno, materno,
nombre) or the nombre first: «perez garcia», «juan» and «juan perez» find JUAN PÉREZ GARCÍA.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

NSS, CURP, NOMBRE = "nss", "curp", "nombre"


def normalizar(texto: str) -> str:
    """Capitals without accents (Ñ as N), single spaces: how a search and a name compare."""
    plano = unicodedata.normalize("NFKD", " ".join(texto.split()).upper())
    return "".join(c for c in plano if not unicodedata.combining(c))


@dataclass(frozen=True)
class Termino:
    """What the clerk typed, normalised, and which of NSS, CURP and name it can begin."""

    texto: str
    campos: tuple[str, ...]


def termino(texto: str) -> Termino | None:
    """The search for ``texto``; None when it is empty (no search)."""
    limpio = normalizar(texto)
    if not limpio:
        return None
    if limpio.isdigit():
        return Termino(limpio, (NSS,))  # only an NSS is digits
    if any(c.isdigit() for c in limpio):
        return Termino(limpio, (CURP,))  # letters and digits: only a CURP
    # Letters alone: a name. A CURP's four first letters alone would also find every worker
    # whose apellido begins as it does (a tenth of a store): a CURP is found from its date on.
    return Termino(limpio, (NOMBRE,))


def siguiente(prefijo: str) -> str:
    """The first text after every text that begins with ``prefijo`` (a prefix as a range)."""
    return prefijo[:-1] + chr(ord(prefijo[-1]) + 1)
