"""The common case of an IDSE lote line, checked fast: a well-formed line gives its movement's
values straight away; anything unusual gives ``None`` and the caller takes the full path
(idse_lote.parse_line + movimientos.validate), which also words the error.

Never more permissive than the full path: every rule of both is here (CURP structure, date,
sex, entity, forbidden words and check digit; NSS Luhn digit; catalogs; names; dates not in the
future), only without building dataclasses twice and cleaning each CURP six times. A property
test (tests/domain/test_lote_rapido.py) checks both paths agree on valid and damaged lines.
"""

from __future__ import annotations

import functools
import re
from collections import namedtuple
from collections.abc import Callable
from dataclasses import MISSING, fields
from datetime import date
from operator import itemgetter
from typing import Any, TypeVar

from icsoe_desktop.domain.contacto import curp_pattern, curp_tail_ok
from icsoe_desktop.domain.identifiers import luhn_ok
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
    Movimiento,
)

# A line's values by name, in Movimiento's field order (what the importer's insert takes): a
# tuple, so the importer slices it as it comes.
Valores = namedtuple("Valores", [f.name for f in fields(Movimiento)])  # type: ignore[misc]  # names from CAMPOS
# The order LoteChecker packs what a lote line carries (one tuple display: building the named
# tuple by keyword took a fifth of the check); a field of Movimiento the lote does not carry
# takes its default, and all are put in Valores' order by name.
_PACKED = ("registro_patronal", "nombre", "primer_apellido", "segundo_apellido", "nss", "sbc",
           "fecha", "curp", "tipo_trabajador", "salario", "estado", "tipo", "tipo_salario",
           "jornada", "umf", "causa_baja", "clave_trabajador", "guia")  # fmt: skip
_EXTRA = [f for f in fields(Movimiento) if f.name not in _PACKED]
if any(f.default is MISSING for f in _EXTRA):  # at import: any test finds it
    raise ImportError("lote_rapido: un campo obligatorio de Movimiento no viene en el lote")
_DEFAULTS = tuple(f.default for f in _EXTRA)
_ALL = _PACKED + tuple(f.name for f in _EXTRA)
_IN_ORDER = None if Valores._fields == _ALL else itemgetter(*map(_ALL.index, Valores._fields))
_new = tuple.__new__

# A name already as normalize_name leaves it: capitals, Ñ, single inner spaces.
_NAME = re.compile(r"[A-ZÑ](?:[A-ZÑ.'-]| (?! ))*")
_DIGITS = re.compile(r"[0-9]+")
_CACHE_LIMIT = 50_000  # names, dates, guías repeat: each raw field checked once


# Any: what a cache's get() gives back is then its value's type (no cast in the hot loop).
_UNSEEN: Any = object()
_T = TypeVar("_T")


def _cached(cache: dict[str, _T | None], raw: str, check: Callable[[str], _T | None]) -> _T | None:
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


def _number(width: int) -> Callable[[str], str | None]:
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


_COMMON = [("registro_patronal", 1, 11), ("nss", 12, 11), ("primer_apellido", 23, 27),
           ("segundo_apellido", 50, 27), ("nombre", 77, 27)]  # fmt: skip
_TAIL_FIELDS = [("tipo", 132, 2), ("guia", 134, 5), ("clave_trabajador", 139, 10)]
# The positions the patterns below were written for: if idse_lote.LAYOUT moves a field, the
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


@functools.cache
def _lines() -> dict[str, re.Pattern[str]]:
    """One pattern per kind over the whole record: fixed-width groups, so a field never borrows
    characters from its neighbour. Empty (no fast path) if the layout or stdnum changed."""
    curp = curp_pattern()
    if curp is None or {t: [f for f in v if f[0]] for t, v in LAYOUT.items()} != _WRITTEN_FOR:
        return {}
    head = r"(.{11})([0-9]{11})(.{27})(.{27})(.{27})"
    tail = r"(.{5})([A-Z0-9 ]{10})"
    return {
        REINGRESO: re.compile(
            head + r"([0-9]{6}).{6}" + _codes(TIPOS_TRABAJADOR).join("()")
            + _codes(TIPOS_SALARIO).join("()") + _codes(JORNADAS, " ").join("()")
            + r"([0-9]{8})(.{3})..08" + tail + ".(" + curp + ")" + FORMAT_ID,
            re.S,
        ),
        MODIFICACION: re.compile(
            head + r"([0-9]{6}).{7}" + _codes(TIPOS_SALARIO).join("()")
            + _codes(JORNADAS, " ").join("()") + r"([0-9]{8}).{5}07" + tail + ".(" + curp + ")"
            + FORMAT_ID,
            re.S,
        ),
        BAJA: re.compile(
            head + r"0{15}([0-9]{8}).{5}02" + tail + _codes(CAUSAS_BAJA).join("()") + r".{18}"
            + FORMAT_ID,
            re.S,
        ),
    }  # fmt: skip


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
        self._lines = _lines()

    def __call__(self, line: str) -> Valores | None:
        """The values of the validated Movimiento of a line whose every field is valid as
        written (the registro among the known); None for anything else."""
        tipo = line[131:133]
        pattern = self._lines.get(tipo)
        match = (
            pattern.fullmatch(line) if pattern is not None and len(line) == RECORD_LENGTH else None
        )
        if match is None:
            return None
        groups = match.groups()
        registro, nss, raw_primer, raw_segundo, raw_nombre = groups[:5]
        # dict.get first: a call per cached field was a tenth of the check.
        names = self._names
        if (primer := names.get(raw_primer, _UNSEEN)) is _UNSEEN:
            primer = _cached(names, raw_primer, _name_required)
        if (nombre := names.get(raw_nombre, _UNSEEN)) is _UNSEEN:
            nombre = _cached(names, raw_nombre, _name_required)
        if (segundo := self._optional_names.get(raw_segundo, _UNSEEN)) is _UNSEEN:
            segundo = _cached(self._optional_names, raw_segundo, _name_optional)
        if registro not in self._registros or primer is None or segundo is None or nombre is None:
            return None
        if not luhn_ok(nss):
            return None
        if tipo == BAJA:
            raw_fecha, raw_guia, raw_clave, causa = groups[5:]
            curp, trabajador, salario, jornada = "", "", "", ""
            sbc: int | None = None
            umf: str | None = ""
        else:
            if tipo == REINGRESO:
                raw_sbc, trabajador, salario, jornada, raw_fecha, raw_umf = groups[5:11]
                umf = _cached(self._umfs, raw_umf, _UMF)
            else:
                raw_sbc, salario, jornada, raw_fecha = groups[5:9]
                trabajador, umf = "", ""
            raw_guia, raw_clave, curp = groups[-3:]
            sbc = int(raw_sbc)
            if sbc <= 0 or umf is None or not curp_tail_ok(curp):
                return None
            jornada = "0" if jornada == " " else jornada
            causa = ""
        if (fecha := self._dates.get(raw_fecha, _UNSEEN)) is _UNSEEN:
            fecha = _cached(self._dates, raw_fecha, _date)
        if (guia := self._guias.get(raw_guia, _UNSEEN)) is _UNSEEN:
            guia = _cached(self._guias, raw_guia, _GUIA)
        clave = raw_clave.rstrip()
        if fecha is None or fecha > self._today or guia is None or " " in clave:
            return None
        packed = (registro, nombre, primer, segundo, nss, sbc, fecha, curp, trabajador, None,
                  PENDIENTE, tipo, salario, jornada, umf, causa, clave, guia, *_DEFAULTS)  # _ALL  # fmt: skip
        return _new(Valores, packed if _IN_ORDER is None else _IN_ORDER(packed))
