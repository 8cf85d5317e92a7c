"""Values as written: the leading zeros Excel drops (``ceros``), a catalogue's codes by any
spelling (``catalogo``), and two cells that say the same (``_igual``)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.importes import dinero
from icsoe_desktop.services.archivos.tabular import cell_text, header_key


class ceros:  # called as the function it was: ``normalizar=ceros(11)``
    """The digits Excel kept as a number, with the leading zeros it dropped (and without the
    dashes, dots and spaces people type in an NSS); anything else as it is."""

    def __init__(self, largo: int) -> None:
        self.largo = largo
        # A column's values joined by new lines, each as it should be (most of a file): the
        # intake leaves such a column as it is without reading each value.
        self.normales = re.compile(f"(?:[0-9]{{{largo}}}\n)*[0-9]{{{largo}}}")

    def __call__(self, value: object) -> object:
        largo = self.largo
        if value is None:
            return None
        text = value if isinstance(value, str) else cell_text(value)
        if len(text) == largo and text.isdigit() and text.isascii():
            return text  # as it should be: most of a file
        text = text.strip()
        bare = "".join(c for c in text if c not in "-. \u00a0")
        # Excel drops at most the two zeros a code may start with («00…», «0…»).
        if bare.isascii() and bare.isdigit() and largo - 2 <= len(bare) <= largo:
            return bare.zfill(largo)
        return text


def catalogo(valores: Mapping[str, str]) -> Callable[[object], object]:
    """A catalogue's value as written: the code («08», «8»), its name («Reingreso») or both
    («08 Reingreso», «08 - Reingreso») become the code; anything else stays as written (the
    domain refuses it naming the catalogue)."""
    by_name = {header_key(v): k for k, v in valores.items()}
    # The first word alone («Modificación») when no other value starts with it.
    firsts: dict[str, list[str]] = {}
    for k, v in valores.items():
        if v.split():
            firsts.setdefault(header_key(v.split()[0]), []).append(k)
    for word, codes in firsts.items():
        if len(codes) == 1:
            by_name.setdefault(word, codes[0])
    width = max((len(k) for k in valores), default=0)

    def code(text: str) -> str | None:
        if text in valores:
            return text
        if text.isascii() and text.isdigit() and len(text) < width:
            padded = text.zfill(width)
            if padded in valores:
                return padded
        return None

    def normalizar(value: object) -> object:
        if value is None:
            return None
        text = cell_text(value)
        found = code(text.upper()) or by_name.get(header_key(text))
        if found:
            return found
        head, _, rest = text.partition(" ")
        head = head.rstrip("-.:")
        rest = rest.strip().lstrip("-.:").strip()
        found = code(head.upper())
        if found and (not rest or header_key(rest) in (header_key(valores[found]),)):
            return found
        if found and by_name.get(header_key(rest)) == found:
            return found
        return text

    return normalizar


def _vacia(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


_TOTAL = re.compile(r"(total(es)?|subtotal(es)?|sumas?|gran ?total)\b", re.IGNORECASE)


def _sin_acentos(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c))


def _es_numero(value: object) -> bool:
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return True
    if isinstance(value, str) and value.strip():
        try:
            float(dinero(value))
        except (ValueError, ValidationError):
            return False
        return True
    return False


def _igual(a: object, b: object, normalizar: Callable[[object], object] | None) -> bool:
    """Two cells saying the same: as the field reads them (an NSS with its leading zeros
    back), or as the same amount («$1,234.50» and 1234.5)."""
    if normalizar is not None:
        a, b = normalizar(a), normalizar(b)
    if cell_text(a) == cell_text(b):
        return True
    try:
        return Decimal(dinero(a)) == Decimal(dinero(b))
    except (ValueError, ValidationError, ArithmeticError, TypeError):
        return False


def _difiere(
    filas: Iterable[tuple[int, Sequence[object]]],
    una: int,
    otra: int,
    normalizar: Callable[[object], object] | None,
) -> int | None:
    """The first row (its number) where the two columns say different things, or None."""
    for numero, values in filas:
        n = len(values)
        a, b = (values[una] if una < n else None), (values[otra] if otra < n else None)
        if not _igual(a, b, normalizar):
            return numero
    return None
