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

from icsoe_desktop.domain.idse_lote import FORMAT_ID, RECORD_LENGTH
from icsoe_desktop.domain.movimientos import (
    BAJA,
    CAUSAS_BAJA,
    JORNADAS,
    NAME_LENGTH,
    PENDIENTE,
    REINGRESO,
    TIPOS_SALARIO,
    TIPOS_TRABAJADOR,
)

# A name already as normalize_name leaves it: capitals, Ñ, single inner spaces.
_NAME = re.compile(r"[A-ZÑ](?:[A-ZÑ.'-]| (?! ))*")
_CLAVE = re.compile(r"[A-Z0-9]{0,10}")
_DIGITS = re.compile(r"[0-9]+")


def _curp_rules():
    from stdnum.mx import curp

    forbidden = getattr(curp, "_name_blacklist", None)
    states = getattr(curp, "_valid_states", None)
    if not isinstance(forbidden, set) or not isinstance(states, set):
        return None  # another python-stdnum: always take the full path
    pattern = re.compile(
        r"[A-Z]{4}[0-9]{6}[HM](?:" + "|".join(sorted(states)) + r")[A-Z]{3}[0-9A-Z][0-9]"
    )
    values = {c: i for i, c in enumerate("0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ")}
    return pattern, frozenset(forbidden), values


_CURP = _curp_rules()
_BIRTH: dict[str, bool] = {}  # "YYMMDD" + century mark → is a date (a few thousand at most)


def curp_ok(value: str) -> bool:
    """stdnum.mx.curp.validate(value) succeeds and value is already compact."""
    if _CURP is None:
        return False
    pattern, forbidden, values = _CURP
    if not pattern.fullmatch(value) or value[:4] in forbidden:
        return False
    birth = value[4:10] + ("0" if value[16] <= "9" else "A")
    valid = _BIRTH.get(birth)
    if valid is None:
        year = int(value[4:6]) + (1900 if value[16] <= "9" else 2000)
        try:
            date(year, int(value[6:8]), int(value[8:10]))
            valid = True
        except ValueError:
            valid = False
        if len(_BIRTH) < 100_000:
            _BIRTH[birth] = valid
    if not valid:
        return False
    check = sum(values[c] * (18 - i) for i, c in enumerate(value[:17]))
    return value[17] == str((10 - check % 10) % 10)


_LUHN_DOUBLE = [(2 * d) // 10 + (2 * d) % 10 for d in range(10)]


def nss_ok(value: str) -> bool:
    """11 ASCII digits whose last is the Luhn digit of the first ten."""
    if len(value) != 11 or not _DIGITS.fullmatch(value):
        return False
    total = 0
    for i, c in enumerate(reversed(value)):
        d = ord(c) - 48
        total += _LUHN_DOUBLE[d] if i % 2 else d
    return total % 10 == 0


def _name(raw: str, required: bool) -> str | None:
    name = raw.strip()
    if not name:
        return None if required else ""
    return name if len(name) <= NAME_LENGTH and _NAME.fullmatch(name) else None


def _short_number(raw: str, width: int) -> str | None:
    text = raw.strip()
    if not text:
        return ""
    return text.zfill(width) if _DIGITS.fullmatch(text) else None


def fast_line(line: str, today: date, registros: set[str]) -> tuple | None:
    """The values of the validated Movimiento, in its field order, of a line whose every field is
    valid as written (the registro among ``registros``); None for anything else."""
    if len(line) != RECORD_LENGTH or line[-1] != FORMAT_ID:
        return None
    registro = line[0:11]
    nss = line[11:22]
    if registro not in registros or not nss_ok(nss):
        return None
    primer = _name(line[22:49], True)
    segundo = _name(line[49:76], False)
    nombre = _name(line[76:103], True)
    if primer is None or segundo is None or nombre is None:
        return None
    raw_fecha = line[118:126]
    if not _DIGITS.fullmatch(raw_fecha):
        return None
    try:
        fecha = date(int(raw_fecha[4:]), int(raw_fecha[2:4]), int(raw_fecha[:2]))
    except ValueError:
        return None
    if fecha > today:
        return None
    tipo = line[131:133]
    guia = _short_number(line[133:138], 5)
    clave = line[138:148].strip()
    if guia is None or not _CLAVE.fullmatch(clave):
        return None
    if tipo == BAJA:
        causa = line[148]
        if line[103:118] != "0" * 15 or causa not in CAUSAS_BAJA:
            return None
        return (registro, nss, primer, segundo, nombre, tipo, fecha, "", None, None,
                "", "", "", "", causa, clave, guia, PENDIENTE)  # fmt: skip
    if tipo != REINGRESO and tipo != "07":
        return None
    raw_sbc = line[103:109]
    curp = line[149:167]
    if not _DIGITS.fullmatch(raw_sbc) or not curp_ok(curp):
        return None
    sbc = int(raw_sbc)
    salario, jornada = line[116], line[117]
    if sbc <= 0 or salario not in TIPOS_SALARIO or (jornada != " " and jornada not in JORNADAS):
        return None
    jornada = "0" if jornada == " " else jornada
    if tipo == REINGRESO:
        trabajador = line[115]
        umf = _short_number(line[126:129], 3)
        if trabajador not in TIPOS_TRABAJADOR or umf is None:
            return None
    else:
        trabajador, umf = "", ""
    return (registro, nss, primer, segundo, nombre, tipo, fecha, curp, sbc, None,
            trabajador, salario, jornada, umf, "", clave, guia, PENDIENTE)  # fmt: skip
