"""The common case of a table's row (an .xlsx or a CSV with the grid's columns, as the intake
gives it), checked fast: a row whose every cell is valid as written gives its movement's values
and its IDSE answers straight away; anything else gives ``None`` and the importer takes the full
path (``importar._from_cells`` + ``validate_all``), which also words every error.

Never more permissive than the full path: each cell goes through the full path's own reading and
rule (cell_text, cell_date, parse_pesos, the domain's name, catalogue, registro, NSS and CURP
checks), kept per distinct cell value (a file repeats its registros, names, dates and codes), and
the values are put together for the movement's kind as ``validate_all`` does. A property test
(tests/services/test_fila_rapida.py) checks both paths agree on valid and damaged rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import fields
from datetime import date
from operator import itemgetter
from typing import Any

from icsoe_desktop.domain.contacto import curp_ok
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.identifiers import check_registro_patronal, luhn_ok
from icsoe_desktop.domain.movimientos import _CLAVE_RE as CLAVE
from icsoe_desktop.domain.movimientos import (
    BAJA,
    CAMPO,
    CAMPOS,
    CAUSAS_BAJA,
    DATE,
    ESTADOS,
    JORNADAS,
    MAX_SBC_CENTAVOS,
    MONEY,
    REINGRESO,
    TIPOS_MOVIMIENTO,
    TIPOS_SALARIO,
    TIPOS_TRABAJADOR,
    Movimiento,
    _catalog,
    _name,
    digitos,
    estado_from_text,
    parse_pesos,
    tipo_from_text,
)
from icsoe_desktop.services.archivos.tabular import cell_date, cell_text

# A cell the full path refuses (or one this path leaves to it).
_MAL: Any = object()
_CACHE_LIMIT = 4096  # distinct values kept per column (a file repeats a few: memory stays flat)

# The order this module packs a movement's values; put in Movimiento's order by name. A field
# added to CAMPOS after these is read as the full path reads its kind, and kept as read.
_PACKED = ("registro_patronal", "nombre", "primer_apellido", "segundo_apellido", "nss", "sbc",
           "fecha", "curp", "tipo_trabajador", "salario", "estado", "tipo", "tipo_salario",
           "jornada", "umf", "causa_baja", "clave_trabajador", "guia")  # fmt: skip
_FIELDS = tuple(f.name for f in fields(Movimiento))
_EXTRA = tuple(CAMPO[name] for name in _FIELDS if name not in _PACKED)
if not set(_PACKED) <= set(_FIELDS):  # at import: any test finds it
    raise ImportError("fila_rapida: un campo que esta revisión arma ya no está en Movimiento")
_IN_ORDER = itemgetter(*map((*_PACKED, *(c.attr for c in _EXTRA)).index, _FIELDS))
# IDSE's answers an exported grid carries (what the importer stores beside the movement).
STATUS = tuple(c for c in CAMPOS if c.stored and not c.domain)
NO_STATUS = tuple(c.default for c in STATUS)
# Every field a row's check reads.
_READ = (*_PACKED, *(c.attr for c in STATUS), *(c.attr for c in _EXTRA))


def _leida(read: Callable[[object], object]) -> Callable[[object], object]:
    """``read`` with its refusal as ``_MAL``, remembered per distinct value (a cell's exact
    type is part of the key: 1, 1.0 and True read differently)."""
    memo: dict[object, object] = {}

    def check(value: object) -> object:
        key: object = value if value.__class__ is str else (value.__class__, value)
        try:
            return memo[key]
        except KeyError:
            pass
        except TypeError:  # unhashable: never from the intake, read anyway
            key = None
        try:
            result = read(value)
        except ValidationError:
            result = _MAL
        if key is not None and len(memo) < _CACHE_LIMIT:
            memo[key] = result
        return result

    return check


def _texto(rule: Callable[[str], object]) -> Callable[[object], object]:
    return _leida(lambda v: rule(cell_text(v)))


def _catalogo(catalog: dict[str, str], attr: str) -> Callable[[object], object]:
    # Empty is "" here; whether the kind requires it is decided with the kind.
    return _texto(lambda t: _catalog(t, catalog, attr, "", False))


def _nombre(required: bool) -> Callable[[object], object]:
    return _texto(lambda t: _name(t, "", "", required))


class FilaRapida:
    """One per import: its remembered cells go with it."""

    def __init__(self, today: date, registros: set[str], posicion: Callable[[str], int]) -> None:
        """``posicion``: where each field is in a row (``Lectura.posicion``)."""
        self._today = today
        self._registros = registros
        self._en = {attr: posicion(attr) for attr in _READ}
        self._registro = _texto(check_registro_patronal)
        self._nombre = _nombre(True)
        self._segundo = _nombre(False)
        self._pesos = _leida(lambda v: parse_pesos(v, "", ""))
        self._fecha = _leida(lambda v: cell_date(v, "", ""))
        self._tipo = _texto(lambda t: t if t in TIPOS_MOVIMIENTO else tipo_from_text(t))
        self._estado = _texto(lambda t: t if t in ESTADOS else estado_from_text(t))
        self._trabajador = _catalogo(TIPOS_TRABAJADOR, "tipo_trabajador")
        self._salario = _catalogo(TIPOS_SALARIO, "tipo_salario")
        self._jornada = _catalogo(JORNADAS, "jornada")
        self._causa = _catalogo(CAUSAS_BAJA, "causa_baja")
        self._umf = _texto(lambda t: _MAL if (d := digitos(t, 3)) is None else d)
        self._guia = _texto(lambda t: _MAL if (d := digitos(t, 5)) is None else d)
        self._status = tuple((c.attr, self._celda(c.kind)) for c in STATUS)
        self._extra = tuple((c.attr, self._celda(c.kind)) for c in _EXTRA)

    def _celda(self, kind: str) -> Callable[[object], object]:
        """How the full path reads a cell of a column the domain does not check."""
        return {DATE: self._fecha, MONEY: self._pesos}.get(kind) or _texto(lambda t: t)

    def __call__(
        self, cells: Sequence[object]
    ) -> tuple[tuple[object, ...], tuple[object, ...]] | None:
        """The validated movement's values (in Movimiento's order) and the IDSE answers of a
        row (as ``Lectura.filas()`` gives it) whose every cell is valid as written, its registro
        among the known; None for anything else."""
        en = self._en
        tipo = self._tipo(cells[en["tipo"]])
        fecha = self._fecha(cells[en["fecha"]])
        registro = self._registro(cells[en["registro_patronal"]])
        primer = self._nombre(cells[en["primer_apellido"]])
        segundo = self._segundo(cells[en["segundo_apellido"]])
        nombre = self._nombre(cells[en["nombre"]])
        estado = self._estado(cells[en["estado"]])
        umf = self._umf(cells[en["umf"]])
        guia = self._guia(cells[en["guia"]])
        sbc = self._pesos(cells[en["sbc"]])
        salario = self._pesos(cells[en["salario"]])
        if (
            tipo is _MAL
            or fecha is _MAL
            or fecha is None
            or fecha > self._today  # type: ignore[operator]  # a date: read by cell_date
            or registro not in self._registros
            or primer is _MAL
            or segundo is _MAL
            or nombre is _MAL
            or estado is _MAL
            or umf is _MAL
            or guia is _MAL
            or sbc is _MAL
            or salario is _MAL
        ):
            return None
        nss = cell_text(cells[en["nss"]])
        if len(nss) != 11 or not nss.isdigit() or not nss.isascii():
            return None  # (a NSS written with spaces or dashes: the full path reads it)
        if not luhn_ok(nss):  # (check_nss's rule for eleven ASCII digits)
            return None
        clave = cell_text(cells[en["clave_trabajador"]]).upper()
        curp = cell_text(cells[en["curp"]])
        if not CLAVE.match(clave) or ((curp or tipo != BAJA) and not curp_ok(curp)):
            return None  # (a CURP in small letters or with spaces: the full path reads it)
        status = []
        for attr, read in self._status:
            value = read(cells[en[attr]])
            if value is _MAL:
                return None
            status.append(value)
        extra = []
        for attr, read in self._extra:
            value = read(cells[en[attr]])
            if value is _MAL:
                return None
            extra.append(value)
        trabajador: object
        tipo_salario: object
        jornada: object
        if tipo == BAJA:
            causa = self._causa(cells[en["causa_baja"]])
            if causa is _MAL or not causa:
                return None
            sbc, trabajador, tipo_salario, jornada, umf = None, "", "", "", ""
        else:
            trabajador = self._trabajador(cells[en["tipo_trabajador"]])
            tipo_salario = self._salario(cells[en["tipo_salario"]])
            jornada = self._jornada(cells[en["jornada"]])
            if (
                sbc is None
                or not 0 < sbc <= MAX_SBC_CENTAVOS  # type: ignore[operator]  # centavos
                or trabajador is _MAL
                or (tipo == REINGRESO and not trabajador)
                or tipo_salario is _MAL
                or not tipo_salario
                or jornada is _MAL
            ):
                return None
            jornada = jornada or "0"
            causa = ""
            if tipo != REINGRESO:
                umf = ""
        packed = (registro, nombre, primer, segundo, nss, sbc, fecha, curp, trabajador, salario,
                  estado, tipo, tipo_salario, jornada, umf, causa, clave, guia, *extra)  # fmt: skip
        return _IN_ORDER(packed), (NO_STATUS if status == list(NO_STATUS) else tuple(status))
