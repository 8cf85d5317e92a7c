"""Mexican identifiers used by IDSE: registro patronal and RFC (python-stdnum does the RFC)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from icsoe_desktop.domain.errors import ValidationError

# No public check-digit algorithm is known for the registro patronal (idse-lotes.md): validate the
# form only. 11 characters: most are a letter and 10 digits (Y5412345106); the CONTPAQi guide shows
# two letters and 9 digits (NO191919191). Always at least the last 8 are digits.
_REGISTRO_RE = re.compile(r"^[A-Z0-9]{3}[0-9]{8}$")


def is_ascii_digits(text: str) -> bool:
    """str.isdigit() also says yes to «²», «１» (full width) and «١» (Arabic-Indic): IDSE and
    int() disagree on those, so only 0-9 count as digits."""
    return text.isascii() and text.isdigit()


def normalize_registro(value: str) -> str:
    return "".join(value.split()).replace("-", "").upper()


def check_registro_patronal(value: str, field: str = "registro") -> str:
    registro = normalize_registro(value)
    if not registro:
        raise ValidationError("campo_obligatorio", "Captura el registro patronal.", field)
    if len(registro) != 11:
        raise ValidationError(
            "registro_longitud",
            f"El registro patronal debe tener 11 caracteres; capturaste {len(registro)}.",
            field,
        )
    if not _REGISTRO_RE.match(registro):
        raise ValidationError(
            "registro_formato",
            "El registro patronal sólo admite letras y números, y sus últimos 8 caracteres deben "
            "ser números (por ejemplo, Y5412345106).",
            field,
        )
    return registro


def check_rfc(value: str, field: str = "rfc") -> str:
    """A valid RFC of persona moral (12) or física (13). The check digit is not enforced: about
    1.5 % of the RFCs in use fail it."""
    from stdnum.exceptions import ValidationError as StdnumError
    from stdnum.mx import rfc

    compact = rfc.compact(value) if value else ""
    if not compact:
        raise ValidationError("campo_obligatorio", "Captura el RFC del patrón.", field)
    if len(compact) not in (12, 13):
        raise ValidationError(
            "rfc_longitud",
            "El RFC debe tener 12 caracteres (persona moral) o 13 (persona física).",
            field,
        )
    try:
        return rfc.validate(compact, validate_check_digits=False)
    except StdnumError as exc:
        raise ValidationError(
            "rfc_invalido",
            "El RFC no es válido: revisa las letras iniciales, la fecha (AAMMDD) y la homoclave.",
            field,
        ) from exc


def rfc_digito_no_corresponde(value: str) -> bool:
    """True when an RFC of valid structure has a check digit that does not match: the SAT has
    issued some such RFCs, so it is a warning for the clerk to confirm, never a refusal. An RFC
    whose structure fails is not judged here (check_rfc refuses it)."""
    from stdnum.exceptions import InvalidChecksum
    from stdnum.exceptions import ValidationError as StdnumError
    from stdnum.mx import rfc

    try:
        rfc.validate(value, validate_check_digits=True)
    except InvalidChecksum:
        return True
    except StdnumError:
        return False
    return False


_DIGITS = re.compile(r"[0-9]+")
_LUHN_ONE = {str(d): d for d in range(10)}
_LUHN_TWO = {str(d): (2 * d) // 10 + (2 * d) % 10 for d in range(10)}


def _luhn_total(digits: str) -> int:
    """Luhn's sum of ``digits``, the last at weight one (every second one from it doubled)."""
    return sum(map(_LUHN_ONE.__getitem__, digits[::-2])) + sum(
        map(_LUHN_TWO.__getitem__, digits[-2::-2])
    )


def nss_check_digit(first_ten: str) -> str:
    """IMSS NSS check digit: Luhn over the first 10 digits (idse-lotes.md): the digit that
    makes the eleven's sum a multiple of ten."""
    return str(-_luhn_total(first_ten + "0") % 10)


def luhn_ok(digits: str) -> bool:
    return _luhn_total(digits) % 10 == 0


def nss_ok(value: str) -> bool:
    """11 ASCII digits whose last is the Luhn digit of the first ten."""
    return len(value) == 11 and bool(_DIGITS.fullmatch(value)) and luhn_ok(value)


# Luhn's value of each ASCII digit at weight one and at weight two, and whether a row's sum
# (a byte) is not a multiple of ten: ``todos_nss_ok``'s tables for ``bytes.translate``.
_POR_UNO = bytes.maketrans(b"0123456789", bytes(_LUHN_ONE[str(d)] for d in range(10)))
_POR_DOS = bytes.maketrans(b"0123456789", bytes(_LUHN_TWO[str(d)] for d in range(10)))
_NO_MULTIPLO_10 = bytes(n % 10 != 0 for n in range(256))


def todos_nss_ok(values: Sequence[str]) -> bool:
    """Whether ``nss_ok`` holds for every one of ``values``, told for all at once (a contract
    lists tens of thousands): the digits of each position taken as one column, and Luhn's sums
    of all the rows added as the bytes of one number (a row's is at most 99: no carry)."""
    if not values:
        return True
    junto = "".join(values)
    if not (junto.isascii() and junto.isdigit()) or set(map(len, values)) != {11}:
        return False
    digitos = junto.encode("ascii")
    total = sum(
        int.from_bytes(digitos[p::11].translate(_POR_DOS if p % 2 else _POR_UNO), "big")
        for p in range(11)
    )
    return not any(total.to_bytes(len(values), "big").translate(_NO_MULTIPLO_10))


def check_nss(value: str, field: str = "nss") -> str:
    nss = "".join(value.split()).replace("-", "")
    if not nss:
        raise ValidationError("campo_obligatorio", "Captura el NSS del trabajador.", field)
    if len(nss) != 11 or not is_ascii_digits(nss):
        raise ValidationError(
            "nss_formato", "El NSS debe tener 11 dígitos (sin letras ni espacios).", field
        )
    if not luhn_ok(nss):
        raise ValidationError(
            "nss_digito",
            f"El NSS {nss} no es válido: su dígito verificador no corresponde.",
            field,
        )
    return nss
