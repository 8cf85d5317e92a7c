"""Small Spanish text functions: «1 fila» / «2 filas», never «fila(s)»; the order of Spanish
dictionaries («Álamos» with «alamos», «ñ» after «n»); and the invisible characters no text the
app keeps may hold."""

from __future__ import annotations

import re
import unicodedata

from icsoe_desktop.domain.errors import ValidationError


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """The count with the noun phrase that agrees with it («1 intento», «3 intentos»), the
    thousands separated as the app writes every number («1,600 trabajadores»)."""
    return f"{count:,} {singular if count == 1 else (plural_form or singular + 's')}"


def verb(count: int, singular: str, plural_form: str) -> str:
    """«queda» / «quedan», «tiene» / «tienen»: the verb that agrees with the count."""
    return singular if count == 1 else plural_form


_CONTRACCIONES = re.compile(r"\b([Dd]e|[Aa]) el\b")
_CONTRAIDAS = {"de": "del", "De": "Del", "a": "al", "A": "Al"}


def contraer(texto: str) -> str:
    """«de el» → «del», «a el» → «al»: a message built as «de {documento}» with «el contrato»
    reads «del contrato», as Spanish writes it."""
    return _CONTRACCIONES.sub(lambda m: _CONTRAIDAS[m.group(1)], texto)


def enumerar(partes: list[str], conjuncion: str = "y") -> str:
    """«a», «a y b», «a, b y c» (or with «ni»)."""
    if len(partes) == 1:
        return partes[0]
    return f"{', '.join(partes[:-1])} {conjuncion} {partes[-1]}"


# Invisible characters no text the app keeps may hold: the C0 controls and DEL (NUL, BEL,
# ESC…: they show as nothing, and break the files IMSS systems read) and the bidi embeddings,
# overrides and isolates (U+202A–U+202E, U+2066–U+2069: «\u202eANA» shows as «ANA» reversed,
# hiding what is stored). Free text (a contract's object, a reason) may hold the whitespace
# controls its service joins into spaces: tab and line ends.
_BIDI = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))
_INVISIBLES = frozenset(chr(c) for c in range(0x20)) | {"\x7f"} | _BIDI
_INVISIBLES_LIBRE = _INVISIBLES - {"\t", "\n", "\r"}


def check_caracteres(value: str, label: str, field: str | None = None, libre: bool = False) -> str:
    """``value`` as it is; a Spanish ValidationError naming the first invisible character
    (above) and its position, the first character being 1."""
    invisibles = _INVISIBLES_LIBRE if libre else _INVISIBLES
    if invisibles.isdisjoint(value):
        return value
    posicion, caracter = next((i, c) for i, c in enumerate(value, 1) if c in invisibles)
    que = "una marca de dirección del texto" if caracter in _BIDI else "un carácter de control"
    raise ValidationError(
        "caracter_invisible",
        f"El campo «{label}» tiene {que} invisible (U+{ord(caracter):04X}) en la posición "
        f"{posicion}: bórralo y escribe el texto de nuevo.",
        field,
    )


# Latin letters with a diacritic → their base letter; «ñ» → «n~», after every «n…» and before
# «o». One str.translate (C speed: 150,000 names per load) instead of decomposing each name.
_SIN_ACENTOS = {
    codigo: unicodedata.normalize("NFD", chr(codigo))[0]
    for codigo in range(0xC0, 0x250)
    if len(unicodedata.normalize("NFD", chr(codigo))) > 1
}
_SIN_ACENTOS[ord("ñ")] = "n~"


def orden_espanol(texto: str) -> str:
    """Sort key of Spanish dictionaries, blind to case and accents: «Álamos» with «alamos»,
    «ñ» after «n» (and before «o»)."""
    return unicodedata.normalize("NFC", texto).casefold().translate(_SIN_ACENTOS)
