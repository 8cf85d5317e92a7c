"""Amounts as people write them in Mexico («$1,234.56», «1,234.56», «1234.5», «350 MXN»), read
one way for every field that takes pesos: a file's cell, the informativa's SBC typed by hand,
a movement's salary corrected in the grid."""

from __future__ import annotations

import re
from decimal import Decimal

from icsoe_desktop.domain.errors import ValidationError

_MILES = re.compile(r"-?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?")
_PUNTO = re.compile(r"-?[0-9]+(?:\.[0-9]+)?|-?\.[0-9]+")
_COMA_DECIMAL = re.compile(r"-?[0-9]{1,3}(?:\.[0-9]{3})*,[0-9]{1,2}|-?[0-9]+,[0-9]{1,2}")
_PUNTO_DE_MILES = re.compile(r"-?[0-9]{1,3}(?:\.[0-9]{3}){2,}|-?[0-9]{1,3}\.[0-9]{3}")
_MONEDA = re.compile(r"^\$|^MXN|MXN$|M\.?N\.?$", re.IGNORECASE)


def _simple(text: str) -> bool:
    """Digits with at most one point and no separator that could be of thousands («1.234»):
    most amounts of a file, read without the patterns below."""
    pesos, punto, centavos = text.partition(".")
    if not (pesos.isdigit() and pesos.isascii()):
        return False
    if not punto:
        return True
    return centavos.isdigit() and centavos.isascii() and (len(pesos) > 3 or len(centavos) != 3)


def dinero(value: object, etiqueta: str = "El importe", campo: str | None = None) -> str:
    """An amount as written in Mexico, as plain text («$1,234.56» → «1234.56») for the parser
    of its field; a text that is no amount comes back as it is (that parser's message names it).
    An amount whose separators read two ways («1.234,56», «1.234») is refused."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | Decimal):
        return format(Decimal(repr(value)) if isinstance(value, float) else value, "f")
    text = str(value).strip()
    if _simple(text):
        return text
    bare = text
    while (shorter := _MONEDA.sub("", bare).strip()) != bare:
        bare = shorter
    bare = bare.replace("\u00a0", "").replace(" ", "")
    if _COMA_DECIMAL.fullmatch(bare) or _PUNTO_DE_MILES.fullmatch(bare):
        raise ValidationError(
            "importe_ambiguo",
            f"{etiqueta} «{text}» se puede leer de dos maneras: escríbelo con punto decimal y, "
            "si quieres, coma de miles, como se usa en México (1,234.56 o 1234.56).",
            campo,
        )
    if _PUNTO.fullmatch(bare):
        return bare
    if _MILES.fullmatch(bare):
        return bare.replace(",", "")
    return text
