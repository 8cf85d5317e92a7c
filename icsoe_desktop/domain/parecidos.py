"""Letters of other alphabets that look like Latin ones (Cyrillic «А», Greek «Ο», Armenian «Օ»,
Cherokee «Ꭺ»…), as a document read from outside may carry them: an RFC, a folio or a label
written with them reads like the real one on screen and is another string to a program.

``plegar`` reads a text after Unicode compatibility folding (fullwidth and mathematical letters
become plain ones) and the look-alike folding of the letters RFCs, folios and labels use (the
Latin look-alikes of Unicode's confusables.txt for A–Z, a–z and the digits; the table is small and
kept here: no library for it is kept up in the Python world). ``parecidos`` names the words that
mix such a letter with Latin letters or digits: a Spanish document never does, a forged RFC or
folio always does."""

from __future__ import annotations

import re
import unicodedata

# Other alphabets' letters that Unicode's confusables.txt lists as Latin look-alikes.
_PARECIDAS: dict[str, str] = {
    # Cyrillic
    "А": "A", "В": "B", "С": "C", "Е": "E", "Н": "H", "І": "I", "Ј": "J", "К": "K", "М": "M",
    "О": "O", "Р": "P", "Ѕ": "S", "Т": "T", "Х": "X", "У": "Y", "Ү": "Y", "Ԛ": "Q", "Ԝ": "W",
    "Ӏ": "I", "З": "3", "Ь": "b",
    "а": "a", "с": "c", "ԁ": "d", "е": "e", "һ": "h", "і": "i", "ј": "j", "ӏ": "l", "о": "o",
    "р": "p", "ԛ": "q", "ѕ": "s", "у": "y", "х": "x", "ԝ": "w", "ү": "y",
    # Greek
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N",
    "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "Ϲ": "C", "Ϳ": "J",
    "α": "a", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "υ": "u", "ϲ": "c",
    # Armenian
    "Օ": "O", "Ս": "U", "Տ": "S", "օ": "o", "ս": "u", "հ": "h", "ո": "n", "զ": "q", "ց": "g",
    # Cherokee
    "Ꭺ": "A", "Ᏼ": "B", "Ꮯ": "C", "Ꭼ": "E", "Ꮐ": "G", "Ꮋ": "H", "Ꭻ": "J", "Ꮶ": "K",
    "Ꮮ": "L", "Ꮇ": "M", "Ꮲ": "P", "Ꮪ": "S", "Ꭲ": "T", "Ꮩ": "V", "Ꮃ": "W", "Ꮓ": "Z",
    # Latin letters no capital folding reaches
    "ı": "i", "ȷ": "j",
}  # fmt: skip
_TABLA = str.maketrans(_PARECIDAS)
_PALABRA = re.compile(r"\S+")


def plegar(texto: str) -> str:
    """``texto`` with compatibility forms and look-alike letters as the Latin ones they
    imitate (accents and «Ñ» kept)."""
    return unicodedata.normalize("NFKC", texto).translate(_TABLA)


def _latina(c: str) -> bool:
    return c.isascii() or unicodedata.name(c, "").startswith("LATIN")


def parecidos(texto: str) -> tuple[str, ...]:
    """The words of ``texto`` that mix a letter of another alphabet with Latin letters or
    digits (``ХАХХ010101000``, ``Fоlio``), as written."""
    encontradas: list[str] = []
    for m in _PALABRA.finditer(unicodedata.normalize("NFKC", texto)):
        palabra = m.group(0)
        ajenas = [c for c in palabra if c.isalpha() and not _latina(c)]
        if ajenas and any(c.isdigit() or (c.isalpha() and _latina(c)) for c in palabra):
            encontradas.append(palabra)
    return tuple(dict.fromkeys(encontradas))


__all__ = ["parecidos", "plegar"]
