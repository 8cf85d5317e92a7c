"""ICSOE capture rules: CURP (python-stdnum, plus what it encodes), Mexican phone numbers and the
parts of a domicilio. Pure Python; the Spanish messages are the ones the windows show."""

from __future__ import annotations

import functools
import re
import sys
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from operator import itemgetter, mul

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.identifiers import is_ascii_digits
from icsoe_desktop.domain.texts import check_caracteres

# RENAPO's entity codes (positions 12-13 of the CURP), as stdnum.mx.curp accepts them.
ENTIDADES = {
    "AS": "Aguascalientes",
    "BC": "Baja California",
    "BS": "Baja California Sur",
    "CC": "Campeche",
    "CL": "Coahuila",
    "CM": "Colima",
    "CS": "Chiapas",
    "CH": "Chihuahua",
    "DF": "Ciudad de México",
    "DG": "Durango",
    "GT": "Guanajuato",
    "GR": "Guerrero",
    "HG": "Hidalgo",
    "JC": "Jalisco",
    "MC": "Estado de México",
    "MN": "Michoacán",
    "MS": "Morelos",
    "NT": "Nayarit",
    "NL": "Nuevo León",
    "OC": "Oaxaca",
    "PL": "Puebla",
    "QT": "Querétaro",
    "QR": "Quintana Roo",
    "SP": "San Luis Potosí",
    "SL": "Sinaloa",
    "SR": "Sonora",
    "TC": "Tabasco",
    "TS": "Tamaulipas",
    "TL": "Tlaxcala",
    "VZ": "Veracruz",
    "YN": "Yucatán",
    "ZS": "Zacatecas",
    "NE": "Nacido en el extranjero",
}
# The 32 entidades federativas of a domicilio (no "extranjero").
ENTIDADES_FEDERATIVAS = tuple(sorted(v for k, v in ENTIDADES.items() if k != "NE"))


# The rules of stdnum.mx.curp.validate, checked once on an already compact CURP: validate()
# cleans the text six times (35 % of a million-line import). Same rules, tested against it.
# Built on first use: importing stdnum at start-up would slow the first window.
@functools.cache
def _curp_rules() -> tuple[re.Pattern[str], frozenset[str]] | None:
    from stdnum.mx import curp

    forbidden = getattr(curp, "_name_blacklist", None)
    states = getattr(curp, "_valid_states", None)
    if not isinstance(forbidden, set) or not isinstance(states, set):
        return None  # another python-stdnum: always take the full path
    pattern = r"[A-Z]{4}[0-9]{6}[HM](?:" + "|".join(sorted(states)) + r")[A-Z]{3}[0-9A-Z][0-9]"
    return re.compile(pattern), frozenset(forbidden)


def curp_pattern() -> str | None:
    """The regular expression of a valid compact CURP's form (None: use check_curp)."""
    rules = _curp_rules()
    return rules[0].pattern if rules else None


_CURP_WEIGHTS = tuple(range(18, 1, -1))
_CURP_VALUES = {c: i for i, c in enumerate("0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ")}


def curp_check_digit(first_17: str) -> str:
    """RENAPO's check digit of a CURP's first 17 characters (as stdnum.mx.curp computes it)."""
    check = sum(map(mul, map(_CURP_VALUES.__getitem__, first_17[:17]), _CURP_WEIGHTS))
    return str(-check % 10)


_BIRTH: dict[str, bool] = {}  # "YYMMDD" + century mark → is a date


def _birth_ok(value: str) -> bool:
    return _fecha_ok(value[4:10], value[16])


def _fecha_ok(yymmdd: str, marca: str) -> bool:
    """Whether a CURP's birth date is a date: its YYMMDD, and its 17th character (``marca``: a
    digit for those born before 2000, a letter after)."""
    birth = yymmdd + ("0" if marca <= "9" else "A")
    valid = _BIRTH.get(birth)
    if valid is None:
        year = int(yymmdd[:2]) + (1900 if marca <= "9" else 2000)
        try:
            date(year, int(yymmdd[2:4]), int(yymmdd[4:6]))
            valid = True
        except ValueError:
            valid = False
        if len(_BIRTH) < 100_000:  # at most ~73,000 dates
            _BIRTH[birth] = valid
    return valid


def curp_tail_ok(value: str) -> bool:
    """The rules of a CURP its pattern does not say: forbidden words, birth date, check digit."""
    _pattern, forbidden = _curp_rules()  # type: ignore[misc]  # after curp_pattern()
    if value[:4] in forbidden or not _birth_ok(value):
        return False
    return value[17] == curp_check_digit(value)


# Each character's value in the check digit, for ``bytes.translate``.
_VALORES = bytes.maketrans("".join(_CURP_VALUES).encode("ascii"), bytes(_CURP_VALUES.values()))


@functools.cache
def _varias(pattern: str) -> re.Pattern[str]:
    """CURPs of ``pattern`` one a line."""
    return re.compile(rf"(?:{pattern})(?:\n(?:{pattern}))*")


def todas_curp_ok(values: Sequence[str]) -> bool:
    """Whether ``curp_ok`` holds for every one of ``values``, told for all at once (a contract
    lists tens of thousands): the pattern over all of them one a line, each first four letters
    and birth date once, and the check digits with each position taken as one column, the
    rows' weighted sums and digits added as the 16-bit lanes of one number (a row's is at
    most 11,025: no carry)."""
    rules = _curp_rules()
    if rules is None or not values:
        return all(map(curp_ok, values))
    pattern, forbidden = rules
    una_por_linea = "\n".join(values)
    # As many lines as values: a value of two lines (two CURPs) matches the pattern too.
    if len(una_por_linea) != 19 * len(values) - 1:
        return False
    if not _varias(pattern.pattern).fullmatch(una_por_linea):
        return False  # so each is 18 characters of the pattern
    if not forbidden.isdisjoint(map(itemgetter(slice(0, 4)), values)):
        return False
    fechas = set(map(itemgetter(slice(4, 10)), values))
    if "000229" in fechas:  # a date in 2000, not in 1900: told by each one's 17th character
        return all(map(curp_ok, values))
    if not all(_fecha_ok(yymmdd, "0") for yymmdd in fechas):  # the same in either century
        return False
    texto = "".join(values).encode("ascii")
    carril = bytearray(2 * len(values))
    total = 0
    for posicion, peso in enumerate((*_CURP_WEIGHTS, 1)):  # the check digit itself last
        carril[1::2] = texto[posicion::18].translate(_VALORES)
        total += int.from_bytes(carril, "big") * peso
    sumas = array("H", total.to_bytes(2 * len(values), "big"))
    if sys.byteorder == "little":
        sumas.byteswap()
    return _MULTIPLOS_DE_10.issuperset(sumas)  # weighted sum plus digit: a multiple of ten


_MULTIPLOS_DE_10 = frozenset(range(0, 1 << 16, 10))


def curp_ok(value: str) -> bool:
    """stdnum.mx.curp.validate(value) succeeds and value is already compact."""
    rules = _curp_rules()
    return rules is not None and bool(rules[0].fullmatch(value)) and curp_tail_ok(value)


@dataclass(frozen=True)
class CurpInfo:
    curp: str
    fecha_nacimiento: date
    sexo: str  # "Hombre" | "Mujer"
    entidad: str

    @property
    def descripcion(self) -> str:
        return (
            f"Fecha de nacimiento: {self.fecha_nacimiento:%d/%m/%Y} · Sexo: {self.sexo} · "
            f"Entidad de nacimiento: {self.entidad}"
        )


def check_curp(value: str, field: str = "curp") -> CurpInfo:
    """A CURP valid in structure and check digit, and what it says about its holder.

    RENAPO (the names behind a CURP) cannot be asked offline: the names are captured by hand.
    """
    from stdnum.exceptions import InvalidChecksum, InvalidLength
    from stdnum.exceptions import ValidationError as StdnumError
    from stdnum.mx import curp

    compact = curp.compact(value or "")
    if not compact:
        raise ValidationError("campo_obligatorio", "Captura la CURP.", field)
    try:
        if not curp_ok(compact):
            curp.validate(compact)  # says what is wrong (or accepts what curp_ok can't judge)
    except InvalidLength as exc:
        raise ValidationError(
            "curp_longitud", f"La CURP debe tener 18 caracteres; capturaste {len(compact)}.", field
        ) from exc
    except InvalidChecksum as exc:
        raise ValidationError(
            "curp_digito",
            "La CURP no es válida: el dígito verificador (último carácter) no corresponde.",
            field,
        ) from exc
    except StdnumError as exc:
        raise ValidationError(
            "curp_invalida",
            "La CURP no es válida: revisa las letras del nombre, la fecha de nacimiento (AAMMDD), "
            "el sexo (H o M) y la entidad de nacimiento.",
            field,
        ) from exc
    return CurpInfo(
        curp=compact,
        fecha_nacimiento=curp.get_birth_date(compact),
        sexo="Hombre" if curp.get_gender(compact) == "M" else "Mujer",
        entidad=ENTIDADES.get(compact[11:13], compact[11:13]),
    )


_PHONE_SEPARATORS = re.compile(r"[\s\-().]")


def check_telefono(value: str, label: str, field: str, required: bool = True) -> str:
    """A Mexican number: 10 digits (a leading +52 or 52 country code is dropped). Empty is
    allowed when not ``required``."""
    digits = _PHONE_SEPARATORS.sub("", value or "")
    if not digits:
        if required:
            raise ValidationError("campo_obligatorio", f"Captura el {label}.", field)
        return ""
    if digits.startswith("+"):
        digits = digits[1:]
        if not digits.startswith("52"):
            raise ValidationError(
                "telefono_extranjero", f"El {label} debe ser un número de México.", field
            )
    if len(digits) == 12 and digits.startswith("52"):
        digits = digits[2:]
    if not is_ascii_digits(digits) or len(digits) != 10:
        raise ValidationError(
            "telefono_invalido",
            f"El {label} debe tener 10 dígitos (lada y número), por ejemplo 5512345678.",
            field,
        )
    return digits


def check_codigo_postal(value: str, field: str = "codigoPostal") -> str:
    cp = (value or "").strip()
    if not cp:
        raise ValidationError("campo_obligatorio", "Captura el código postal.", field)
    if not (len(cp) == 5 and is_ascii_digits(cp)) or cp.startswith("00"):
        raise ValidationError(
            "codigo_postal_invalido",
            "El código postal debe tener 5 dígitos (por ejemplo, 06600).",
            field,
        )
    return cp


def required_text(value: str, label: str, field: str, max_length: int = 150) -> str:
    text = " ".join(check_caracteres(value or "", label, field).split())
    if not text:
        raise ValidationError("campo_obligatorio", f"El campo «{label}» es obligatorio.", field)
    if len(text) > max_length:
        raise ValidationError(
            "campo_largo", f"El campo «{label}» admite hasta {max_length} caracteres.", field
        )
    return text
