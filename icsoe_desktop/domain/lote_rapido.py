"""The common case of an IDSE lote line, checked fast: a well-formed line gives its movement's
values straight away; anything unusual gives ``None`` and the caller takes the full path
(idse_lote.parse_line + movimientos.validate), which also words the error.

Never more permissive than the full path: every rule of both is here (CURP structure, date,
sex, entity, forbidden words and check digit; NSS Luhn digit; catalogs; names; dates not in the
future), only without building dataclasses twice and cleaning each CURP six times. A property
test (tests/domain/test_lote_rapido.py) checks both paths agree on valid and damaged lines.
"""

from __future__ import annotations

import re
from datetime import date
from operator import mul

from icsoe_desktop.domain.idse_lote import FORMAT_ID, LAYOUT, RECORD_LENGTH
from icsoe_desktop.domain.movimientos import (
    BAJA,
    CAUSAS_BAJA,
    JORNADAS,
    MODIFICACION,
    NAME_LENGTH,
    PENDIENTE,
    REINGRESO,
    TIPOS_SALARIO,
    TIPOS_TRABAJADOR,
)

# A name already as normalize_name leaves it: capitals, Ñ, single inner spaces.
_NAME = re.compile(r"[A-ZÑ](?:[A-ZÑ.'-]| (?! ))*")
_DIGITS = re.compile(r"[0-9]+")
_CACHE_LIMIT = 50_000  # names, dates, guías repeat: each raw field checked once


def _curp_rules():
    from stdnum.mx import curp

    forbidden = getattr(curp, "_name_blacklist", None)
    states = getattr(curp, "_valid_states", None)
    if not isinstance(forbidden, set) or not isinstance(states, set):
        return None  # another python-stdnum: always take the full path
    pattern = r"[A-Z]{4}[0-9]{6}[HM](?:" + "|".join(sorted(states)) + r")[A-Z]{3}[0-9A-Z][0-9]"
    values = {c: i for i, c in enumerate("0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ")}
    return pattern, frozenset(forbidden), values


_CURP = _curp_rules()
_CURP_RE = re.compile(_CURP[0]) if _CURP else None
_CURP_WEIGHTS = tuple(range(18, 1, -1))
_BIRTH: dict[str, bool] = {}  # "YYMMDD" + century mark → is a date


def _birth_ok(value: str) -> bool:
    birth = value[4:10] + ("0" if value[16] <= "9" else "A")
    valid = _BIRTH.get(birth)
    if valid is None:
        year = int(value[4:6]) + (1900 if value[16] <= "9" else 2000)
        try:
            date(year, int(value[6:8]), int(value[8:10]))
            valid = True
        except ValueError:
            valid = False
        if len(_BIRTH) < _CACHE_LIMIT:
            _BIRTH[birth] = valid
    return valid


def _curp_tail_ok(value: str) -> bool:
    """The rules of a CURP its pattern does not say: forbidden words, birth date, check digit."""
    _pattern, forbidden, values = _CURP
    if value[:4] in forbidden or not _birth_ok(value):
        return False
    check = sum(map(mul, map(values.__getitem__, value[:17]), _CURP_WEIGHTS))
    return value[17] == str((10 - check % 10) % 10)


def curp_ok(value: str) -> bool:
    """stdnum.mx.curp.validate(value) succeeds and value is already compact."""
    return _CURP_RE is not None and bool(_CURP_RE.fullmatch(value)) and _curp_tail_ok(value)


_LUHN_ONE = {str(d): d for d in range(10)}
_LUHN_TWO = {str(d): (2 * d) // 10 + (2 * d) % 10 for d in range(10)}


def _luhn_ok(digits: str) -> bool:
    total = sum(map(_LUHN_ONE.__getitem__, digits[::-2]))
    total += sum(map(_LUHN_TWO.__getitem__, digits[-2::-2]))
    return total % 10 == 0


def nss_ok(value: str) -> bool:
    """11 ASCII digits whose last is the Luhn digit of the first ten."""
    return len(value) == 11 and bool(_DIGITS.fullmatch(value)) and _luhn_ok(value)


def _cached(cache: dict[str, str | None], raw: str, check) -> str | None:
    if raw in cache:
        return cache[raw]
    value = check(raw)
    if len(cache) < _CACHE_LIMIT:
        cache[raw] = value
    return value


def _name_required(raw: str) -> str | None:
    name = raw.strip()
    return name if name and len(name) <= NAME_LENGTH and _NAME.fullmatch(name) else None


def _name_optional(raw: str) -> str | None:
    return "" if not raw.strip() else _name_required(raw)


def _number(width: int):
    def check(raw: str) -> str | None:
        text = raw.strip()
        if not text:
            return ""
        return text.zfill(width) if _DIGITS.fullmatch(text) else None

    return check


_GUIA, _UMF = _number(5), _number(3)


def _date(raw: str) -> date | None:
    try:
        return date(int(raw[4:]), int(raw[2:4]), int(raw[:2]))
    except ValueError:
        return None


def _codes(catalog: dict[str, str], extra: str = "") -> str:
    return "[" + re.escape("".join(sorted(catalog)) + extra) + "]"


# One pattern per kind over the whole record (positions as in idse_lote.LAYOUT): fixed-width
# groups, so a field never borrows characters from its neighbour.
_HEAD = r"(.{11})([0-9]{11})(.{27})(.{27})(.{27})"
_TAIL = r"(.{5})([A-Z0-9 ]{10})"
_CURP_GROUP = f"({_CURP[0]})" if _CURP else "(?!)"
_LINES = {
    REINGRESO: re.compile(
        _HEAD + r"([0-9]{6}).{6}" + _codes(TIPOS_TRABAJADOR).join("()")
        + _codes(TIPOS_SALARIO).join("()") + _codes(JORNADAS, " ").join("()")
        + r"([0-9]{8})(.{3})..08" + _TAIL + "." + _CURP_GROUP + FORMAT_ID,
        re.S,
    ),
    MODIFICACION: re.compile(
        _HEAD + r"([0-9]{6}).{7}" + _codes(TIPOS_SALARIO).join("()")
        + _codes(JORNADAS, " ").join("()") + r"([0-9]{8}).{5}07" + _TAIL + "." + _CURP_GROUP
        + FORMAT_ID,
        re.S,
    ),
    BAJA: re.compile(
        _HEAD + r"0{15}([0-9]{8}).{5}02" + _TAIL + _codes(CAUSAS_BAJA).join("()") + r".{18}"
        + FORMAT_ID,
        re.S,
    ),
}  # fmt: skip

_COMMON = [("registro_patronal", 1, 11), ("nss", 12, 11), ("primer_apellido", 23, 27),
           ("segundo_apellido", 50, 27), ("nombre", 77, 27)]  # fmt: skip
_TAIL_FIELDS = [("tipo", 132, 2), ("guia", 134, 5), ("clave_trabajador", 139, 10)]
# The positions the patterns above were written for: if idse_lote.LAYOUT moves a field, the
# fast path turns itself off (every line takes the full checks) instead of reading it wrong.
_WRITTEN_FOR = {
    REINGRESO: [*_COMMON, ("sbc", 104, 6), ("tipo_trabajador", 116, 1), ("tipo_salario", 117, 1),
                ("jornada", 118, 1), ("fecha", 119, 8), ("umf", 127, 3), *_TAIL_FIELDS,
                ("curp", 150, 18), ("format_id", 168, 1)],
    MODIFICACION: [*_COMMON, ("sbc", 104, 6), ("tipo_salario", 117, 1), ("jornada", 118, 1),
                   ("fecha", 119, 8), *_TAIL_FIELDS, ("curp", 150, 18), ("format_id", 168, 1)],
    BAJA: [*_COMMON, ("0", 104, 15), ("fecha", 119, 8), *_TAIL_FIELDS, ("causa_baja", 149, 1),
           ("format_id", 168, 1)],
}  # fmt: skip
if {t: [f for f in fields if f[0]] for t, fields in LAYOUT.items()} != _WRITTEN_FOR:
    _LINES = {}


class LoteChecker:
    """One per import: its caches of fields already checked go with it."""

    def __init__(self, today: date, registros: set[str]) -> None:
        self._today = today
        self._registros = registros
        self._names: dict[str, str | None] = {}
        self._optional_names: dict[str, str | None] = {}
        self._guias: dict[str, str | None] = {}
        self._umfs: dict[str, str | None] = {}
        self._dates: dict[str, date | None] = {}

    def __call__(self, line: str) -> tuple | None:
        """The values of the validated Movimiento, in its field order, of a line whose every
        field is valid as written (the registro among the known); None for anything else."""
        tipo = line[131:133]
        pattern = _LINES.get(tipo)
        match = (
            pattern.fullmatch(line) if pattern is not None and len(line) == RECORD_LENGTH else None
        )
        if match is None:
            return None
        groups = match.groups()
        registro, nss, raw_primer, raw_segundo, raw_nombre = groups[:5]
        primer = _cached(self._names, raw_primer, _name_required)
        segundo = _cached(self._optional_names, raw_segundo, _name_optional)
        nombre = _cached(self._names, raw_nombre, _name_required)
        if registro not in self._registros or primer is None or segundo is None or nombre is None:
            return None
        if not _luhn_ok(nss):
            return None
        if tipo == BAJA:
            raw_fecha, raw_guia, raw_clave, causa = groups[5:]
            curp, sbc, trabajador, salario, jornada, umf = "", None, "", "", "", ""
        else:
            if tipo == REINGRESO:
                raw_sbc, trabajador, salario, jornada, raw_fecha, raw_umf = groups[5:11]
                umf = _cached(self._umfs, raw_umf, _UMF)
            else:
                raw_sbc, salario, jornada, raw_fecha = groups[5:9]
                trabajador, umf = "", ""
            raw_guia, raw_clave, curp = groups[-3:]
            sbc = int(raw_sbc)
            if sbc <= 0 or umf is None or not _curp_tail_ok(curp):
                return None
            jornada = "0" if jornada == " " else jornada
            causa = ""
        fecha = _cached(self._dates, raw_fecha, _date)
        guia = _cached(self._guias, raw_guia, _GUIA)
        clave = raw_clave.rstrip()
        if fecha is None or fecha > self._today or guia is None or " " in clave:
            return None
        return (registro, nss, primer, segundo, nombre, tipo, fecha, curp, sbc, None,
                trabajador, salario, jornada, umf, causa, clave, guia, PENDIENTE)  # fmt: skip
