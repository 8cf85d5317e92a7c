"""Movimientos afiliatorios (IDSE): kinds, states, catalogs and the validation of one movement.

Pure Python: the importers, the lote writer and the grid share these rules and texts.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, ClassVar, TypedDict

from icsoe_desktop.domain.contacto import check_curp
from icsoe_desktop.domain.dias_habiles import sumar_habiles
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.identifiers import (
    check_nss,
    check_registro_patronal,
    is_ascii_digits,
)
from icsoe_desktop.domain.importes import dinero
from icsoe_desktop.domain.texts import check_caracteres

REINGRESO = "08"
MODIFICACION = "07"
BAJA = "02"
TIPOS_MOVIMIENTO = {REINGRESO: "Reingreso", MODIFICACION: "Modificación de salario", BAJA: "Baja"}

PENDIENTE, ENVIADO, RECIBIDO, APROBADO, RECHAZADO = (
    "pendiente",
    "enviado",
    "recibido",
    "aprobado",
    "rechazado",
)
ESTADOS = {
    PENDIENTE: "Pendiente",
    ENVIADO: "Enviado",
    RECIBIDO: "Recibido",
    APROBADO: "Aprobado",
    RECHAZADO: "Rechazado",
}

TIPOS_TRABAJADOR = {
    "1": "Permanente",
    "2": "Eventual",
    "3": "Eventual de la construcción",
    "4": "Eventual del campo",
}
TIPOS_SALARIO = {"0": "Fijo", "1": "Variable", "2": "Mixto"}
JORNADAS = {
    "0": "Normal",
    "1": "1 día",
    "2": "2 días",
    "3": "3 días",
    "4": "4 días",
    "5": "5 días",
    "6": "Jornada reducida",
}
CAUSAS_BAJA = {
    "1": "Término de contrato",
    "2": "Separación voluntaria",
    "3": "Abandono de empleo",
    "4": "Defunción",
    "5": "Clausura",
    "6": "Otras",
    "7": "Ausentismo",
    "8": "Rescisión de contrato",
    "9": "Jubilación",
    "A": "Pensión",
}

NAME_LENGTH = 27  # each name field of the 168-character record
MAX_SBC_CENTAVOS = 999_999  # six digits with two implied decimals
_NAME_RE = re.compile(r"^[A-ZÑ][A-ZÑ .'-]*$")
_CLAVE_RE = re.compile(r"^[A-Z0-9]{0,10}$")


PLAZO_DIAS_HABILES = 5  # LSS art. 15 fr. I: the aviso within 5 días hábiles of the movement


@functools.lru_cache(maxsize=4096)
def vence(fecha: date) -> date:
    """The legal deadline of a movement's aviso: the 5th business day after its fecha (the
    official days of rest are data in dias_habiles). Never earlier for a later fecha, so a sort
    or a range of deadlines is one of fechas."""
    return sumar_habiles(fecha, PLAZO_DIAS_HABILES)


def primera_fecha_en_plazo(hoy: date) -> date:
    """The earliest fecha whose deadline is ``hoy`` or later: movements before it are overdue."""
    fecha = hoy  # vence(hoy) > hoy
    while vence(fecha - timedelta(days=1)) >= hoy:
        fecha -= timedelta(days=1)
    return fecha


POR_VENCER, VENCIDOS = "por_vencer", "vencidos"


class Terminos(TypedDict, total=False):
    """Search terms a filter of the grid sets (fields of the grid's Filtro)."""

    estado: str
    fecha_inicial: date
    fecha_final: date


def vencido(estado: str, fecha_vence: date | None, hoy: date) -> bool:
    """A row «Vencidos» finds (``plazo``): a pending aviso whose deadline has passed."""
    return estado == PENDIENTE and fecha_vence is not None and fecha_vence < hoy


def plazo(clave: str, hoy: date) -> Terminos:
    """The search terms of «Por vencer» and «Vencidos»: the pendientes whose deadline is still
    ahead (or today) and those whose deadline has passed, as a range of fechas."""
    primera = primera_fecha_en_plazo(hoy)
    if clave == VENCIDOS:
        return {"estado": PENDIENTE, "fecha_final": primera - timedelta(days=1)}
    return {"estado": PENDIENTE, "fecha_inicial": primera}


# Kinds of value: how the grid shows it and how Excel stores it (services/archivos/excel.py).
TEXT, MONEY, DATE, NUMBER = "text", "money", "date", "number"
_REQUIRED: Any = dataclasses.MISSING


@dataclass(frozen=True)
class Campo:
    """One column of movimientos. The grid, the export, the importer, the sort indexes, the
    stored table (store/models/movimientos.py), ``Movimiento``, the correction form and the
    conflict labels are all read from CAMPOS (docs/ARCHITECTURE.md «Recipe: add a movimientos
    column»)."""

    attr: str
    header: str  # the grid's and the export's header; an imported file's column
    kind: str = TEXT
    # Stored as "text" (``size`` characters; None: unbounded), "int" or "date"; "": not stored.
    sql: str = "text"
    size: int | None = None
    nullable: bool = False
    default: Any = ""  # _REQUIRED: a Movimiento and a stored row must give it
    catalog: dict[str, str] | None = None
    width: float | None = None  # in the export, characters; None: from header and kind
    domain: bool = True  # a field of Movimiento; False: IDSE's answer, the lote, a derived value
    # The grid's sort: the equality prefix of the column's sort index (store/models), None: not
    # sortable; ``sort_by``: the stored column the sort reads (a derived value: its source).
    sort_prefix: tuple[str, ...] | None = ("tipo",)
    sort_by: str = ""
    conflict: str = ""  # its name in Conflictos; "": the header
    aliases: tuple[str, ...] = ()  # other headers an imported file may give it
    form: str = ""  # its widget in the correction form (ui/corregir_movimiento.ui); "": none
    # A value computed from another column (``derived_from``) by ``derive``, never stored nor
    # imported; ``derive`` must never decrease as its source grows (the sort reads the source).
    derived_from: str = ""
    derive: Callable[[Any], Any] | None = None
    # Searches the column offers in the grid's «Estado aviso» list: key → label, and the terms
    # (Filtro fields) each one sets for today.
    filters: dict[str, str] | None = None
    filter_terms: Callable[[str, date], Terminos] | None = None

    @property
    def stored(self) -> bool:
        return bool(self.sql)

    @property
    def sort_column(self) -> str:
        return self.sort_by or self.derived_from or self.attr

    @property
    def conflict_label(self) -> str:
        return self.conflict or self.header

    def display(self, value: Any) -> str:
        if value is None or value == "":
            return ""
        if self.catalog is not None:
            texto: str = self.catalog.get(value, value)
            return texto
        if self.kind == MONEY:
            return pesos_text(value)
        if self.kind == DATE:
            fecha: date = value
            return fecha.strftime("%d/%m/%Y")
        return str(value)


_IDSE = ("tipo", "estado")  # columns that follow the estado: their sort index leads with it too
# The guide's columns first, in its order; then what a clerk needs to tell movements apart.
CAMPOS: tuple[Campo, ...] = (
    Campo("registro_patronal", "Registro Patronal", size=11, default=_REQUIRED,
          conflict="Registro patronal"),
    Campo("nombre", "Nombre", size=27, default=_REQUIRED, aliases=("Nombres",),
          form="nombreEdit"),
    Campo("primer_apellido", "Apellido Paterno", size=27, default=_REQUIRED,
          conflict="Primer apellido", aliases=("Primer Apellido",), form="primerApellidoEdit"),
    Campo("segundo_apellido", "Apellido Materno", size=27, conflict="Segundo apellido",
          aliases=("Segundo Apellido",), form="segundoApellidoEdit"),
    Campo("nss", "NSS", size=11, default=_REQUIRED, form="nssEdit"),
    Campo("sbc", "SBC", MONEY, sql="int", nullable=True, default=None, form="sbcEdit"),
    Campo("fecha", "Fecha", DATE, sql="date", default=_REQUIRED, form="fechaEdit"),
    Campo("vence", "Vence", DATE, sql="", domain=False, derived_from="fecha", derive=vence,
          conflict="Vence", filters={POR_VENCER: "Por vencer", VENCIDOS: "Vencidos"},
          filter_terms=plazo),
    Campo("curp", "CURP", size=18, form="curpEdit"),
    Campo("tipo_trabajador", "Tipo", size=1, catalog=TIPOS_TRABAJADOR,
          conflict="Tipo de trabajador", aliases=("Tipo de Trabajador",),
          form="tipoTrabajadorCombo"),
    Campo("salario", "Salario", MONEY, sql="int", nullable=True, default=None),
    Campo("estado", "Estado", size=10, default=PENDIENTE, catalog=ESTADOS),
    Campo("fecha_emision", "Fecha Emisión", DATE, sql="date", nullable=True, default=None,
          domain=False, sort_prefix=_IDSE, conflict="Fecha de emisión"),
    Campo("fecha_recibido", "Aviso Recibido", DATE, sql="date", nullable=True, default=None,
          domain=False, sort_prefix=_IDSE, conflict="Fecha de recibido"),
    Campo("fecha_aprobacion", "Aviso Aprobación", DATE, sql="date", nullable=True,
          default=None, domain=False, sort_prefix=_IDSE, conflict="Fecha de aprobación"),
    Campo("fecha_rechazo", "Aviso Rechazo", DATE, sql="date", nullable=True, default=None,
          domain=False, sort_prefix=_IDSE, conflict="Fecha de rechazo"),
    Campo("causa_rechazo", "Causa Rechazo", size=None, width=30.0, domain=False,
          sort_prefix=_IDSE, conflict="Causa de rechazo"),
    Campo("tipo", "Movimiento", size=2, default=_REQUIRED, catalog=TIPOS_MOVIMIENTO,
          sort_prefix=(), conflict="Tipo", aliases=("Tipo Movimiento", "Tipo de Movimiento")),
    Campo("tipo_salario", "Tipo Salario", size=1, catalog=TIPOS_SALARIO,
          conflict="Tipo de salario", aliases=("Tipo de Salario",), form="tipoSalarioCombo"),
    Campo("jornada", "Jornada", size=1, catalog=JORNADAS, form="jornadaCombo"),
    Campo("umf", "UMF", size=3, form="umfEdit"),
    Campo("causa_baja", "Causa Baja", size=1, catalog=CAUSAS_BAJA, conflict="Causa de baja",
          form="causaBajaCombo"),
    Campo("clave_trabajador", "Clave Trabajador", size=10, conflict="Clave trabajador",
          form="claveEdit"),
    Campo("guia", "Guía", size=5),
    # The lote's número, from the lote it went in (a join): sorted by the lote's row instead.
    Campo("lote", "Lote", NUMBER, sql="", domain=False, sort_prefix=_IDSE, sort_by="lote_id"),
)  # fmt: skip
CAMPO = {c.attr: c for c in CAMPOS}


class _Movimiento:
    # Read by the properties below; the fields themselves come from CAMPOS (make_dataclass).
    registro_patronal: str
    nss: str
    tipo: str
    fecha: date
    nombre: str
    primer_apellido: str
    segundo_apellido: str

    @property
    def key(self) -> tuple[str, str, str, date]:
        """What makes a movement unique: re-importing it adds nothing."""
        return (self.registro_patronal, self.nss, self.tipo, self.fecha)

    @property
    def nombre_completo(self) -> str:
        parts = (self.nombre, self.primer_apellido, self.segundo_apellido)
        return " ".join(p for p in parts if p)


if TYPE_CHECKING:

    class Movimiento(_Movimiento):
        """What the type checker knows of the class made below: the fields named above, any
        other CAMPOS field by keyword (built at run time, so a new column needs no line here)."""

        __dataclass_fields__: ClassVar[dict[str, dataclasses.Field[Any]]]

        def __init__(self, **fields: Any) -> None: ...
        def __getattr__(self, name: str) -> Any: ...

else:
    _PYTHON = {"text": str, "int": int, "date": date}
    # One movement as IDSE sees it, its fields the domain columns of CAMPOS (keywords only).
    # Money is in centavos; ``None`` where the kind has no value.
    Movimiento = dataclasses.make_dataclass(
        "Movimiento",
        [
            (
                c.attr,
                _PYTHON[c.sql] | None if c.nullable else _PYTHON[c.sql],
                field(default=c.default),
            )
            for c in CAMPOS
            if c.domain
        ],
        bases=(_Movimiento,),
        frozen=True,
        kw_only=True,
    )
    Movimiento.__module__ = __name__
    Movimiento.__doc__ = "One movement as IDSE sees it (CAMPOS' domain columns, by keyword)."


def normalize_name(value: str) -> str:
    """IDSE names: capitals without accents (Ñ stays), single spaces."""
    text = " ".join(value.split()).upper().replace("Ñ", "\0")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.replace("\0", "Ñ")


def parse_pesos(value: object, field: str, label: str) -> int | None:
    """ "1,234.50", "$ 750", 750.0 → centavos (as domain/importes.py reads pesos); empty →
    None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = dinero(value, label, field)
    try:
        if not text.isascii():  # Decimal() reads «١٢» and «１２» as digits
            raise InvalidOperation
        amount = Decimal(text)
    except InvalidOperation as exc:
        raise ValidationError(
            "importe_invalido", f"{label}: «{value}» no es un importe válido.", field
        ) from exc
    if amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise ValidationError(
            "importe_invalido",
            f"{label}: «{value}» debe ser un importe positivo con dos decimales como máximo.",
            field,
        )
    return int(amount * 100)


def pesos_text(centavos: int | None) -> str:
    return "" if centavos is None else f"{centavos / 100:,.2f}"


def _catalog(value: str, catalog: dict[str, str], field: str, label: str, required: bool) -> str:
    """Accept the code ("1") or the label as shown in the grid ("Permanente")."""
    text = value.strip()
    if not text:
        if required:
            raise ValidationError("campo_obligatorio", f"Falta {label}.", field)
        return ""
    if text.upper() in catalog:
        return text.upper()
    by_label = {v.casefold(): k for k, v in catalog.items()}
    if text.casefold() in by_label:
        return by_label[text.casefold()]
    allowed = ", ".join(f"{k} ({v})" for k, v in catalog.items())
    raise ValidationError(
        "catalogo", f"{label}: «{text}» no es válido. Valores permitidos: {allowed}.", field
    )


def tipo_from_text(value: str) -> str:
    text = value.strip()
    if is_ascii_digits(text) and len(text) == 1:
        text = "0" + text  # "8" as Excel keeps a number
    for code, label in TIPOS_MOVIMIENTO.items():
        if text == code or text.casefold() in (label.casefold(), label.split()[0].casefold()):
            return code
    if text.casefold() in ("alta", "reingreso", "alta o reingreso"):
        return REINGRESO
    raise ValidationError(
        "tipo_movimiento",
        f"Tipo de movimiento «{text}» no válido: usa 08 (reingreso), 07 (modificación de "
        "salario) o 02 (baja).",
        "tipo",
    )


def estado_from_text(value: str) -> str:
    text = value.strip().casefold()
    if not text:
        return PENDIENTE
    aliases = {"aceptado": APROBADO, "operado": APROBADO}
    if text in aliases:
        return aliases[text]
    if text in ESTADOS:
        return text
    raise ValidationError(
        "estado_aviso",
        f"Estado del aviso «{value}» no válido: usa {', '.join(ESTADOS.values())}.",
        "estado",
    )


def _name(value: str, field: str, label: str, required: bool) -> str:
    # Before normalising: it joins line ends into spaces, and would take a NUL for an «Ñ».
    name = normalize_name(check_caracteres(value, label.removeprefix("El ").capitalize(), field))
    if not name:
        if required:
            raise ValidationError("campo_obligatorio", f"Falta {label}.", field)
        return ""
    if len(name) > NAME_LENGTH:
        raise ValidationError(
            "nombre_largo", f"{label} no debe exceder {NAME_LENGTH} caracteres.", field
        )
    if not _NAME_RE.match(name):
        raise ValidationError(
            "nombre_invalido", f"{label} «{name}» sólo admite letras y espacios.", field
        )
    return name


def digitos(value: str, largo: int) -> str | None:
    """The guía's and the UMF's rule: up to ``largo`` ASCII digits, zero-filled; blank is "";
    None: anything else."""
    text = value.strip()
    if not text:
        return ""
    return text.zfill(largo) if is_ascii_digits(text) and len(text) <= largo else None


def validate(mov: Movimiento, today: date) -> Movimiento:
    """Check every field for the movement's kind; return it normalised or raise the first error.
    ``today`` bounds the date: IDSE takes no movement dated in the future."""
    checked, errors = validate_all(mov, today)
    if errors:
        raise errors[0]
    assert checked is not None
    return checked


def validate_all(mov: Movimiento, today: date) -> tuple[Movimiento | None, list[ValidationError]]:
    """Every field's error at once (in the order of the form), or the movement normalised."""
    errors: list[ValidationError] = []

    def check(rule: Callable[..., Any], *args: Any) -> Any:
        try:
            return rule(*args)
        except ValidationError as exc:
            errors.append(exc)
            return ""

    registro = check(check_registro_patronal, mov.registro_patronal, "registro_patronal")
    nss = check(check_nss, mov.nss)
    tipo = mov.tipo if mov.tipo in TIPOS_MOVIMIENTO else check(tipo_from_text, mov.tipo)
    primer = check(_name, mov.primer_apellido, "primer_apellido", "El apellido paterno", True)
    segundo = check(_name, mov.segundo_apellido, "segundo_apellido", "El apellido materno", False)
    nombre = check(_name, mov.nombre, "nombre", "El nombre", True)
    if mov.fecha is not None and mov.fecha > today:
        errors.append(
            ValidationError(
                "fecha_futura",
                f"La fecha {mov.fecha:%d/%m/%Y} es posterior a hoy: IDSE no recibe movimientos "
                "con fecha futura.",
                "fecha",
            )
        )
    curp = check(lambda c: check_curp(c).curp, mov.curp) if (mov.curp or tipo != BAJA) else ""
    estado = mov.estado if mov.estado in ESTADOS else check(estado_from_text, mov.estado)
    clave = mov.clave_trabajador.strip().upper()
    if not _CLAVE_RE.match(clave):
        errors.append(
            ValidationError(
                "clave_trabajador",
                "La clave del trabajador admite hasta 10 letras o números.",
                "clave_trabajador",
            )
        )
    guia = digitos(mov.guia, 5)
    if guia is None:
        errors.append(ValidationError("guia", "La guía debe tener hasta 5 dígitos.", "guia"))
    umf = digitos(mov.umf, 3)
    if umf is None:
        errors.append(ValidationError("umf", "La UMF debe tener hasta 3 dígitos.", "umf"))
    if not tipo:
        return None, errors  # the kind decides what else a movement needs

    values = replace(
        mov,
        registro_patronal=registro,
        nss=nss,
        tipo=tipo,
        primer_apellido=primer,
        segundo_apellido=segundo,
        nombre=nombre,
        curp=curp,
        estado=estado,
        clave_trabajador=clave,
        guia=guia or "",
        umf=umf or "",
    )
    if tipo == BAJA:
        causa = check(_catalog, mov.causa_baja, CAUSAS_BAJA, "causa_baja", "La causa de baja", True)
        if errors:
            return None, errors
        return replace(
            values,
            sbc=None,
            tipo_trabajador="",
            tipo_salario="",
            jornada="",
            umf="",
            causa_baja=causa,
        ), errors

    if mov.sbc is None or mov.sbc <= 0:
        errors.append(
            ValidationError(
                "campo_obligatorio", "Falta el salario base de cotización (SBC).", "sbc"
            )
        )
    elif mov.sbc > MAX_SBC_CENTAVOS:
        errors.append(
            ValidationError(
                "sbc_maximo",
                "El SBC no puede exceder 9,999.99 (seis dígitos del formato IDSE).",
                "sbc",
            )
        )
    tipo_salario = check(
        _catalog, mov.tipo_salario, TIPOS_SALARIO, "tipo_salario", "El tipo de salario", True
    )
    jornada = check(
        _catalog, mov.jornada, JORNADAS, "jornada", "La jornada o semana reducida", False
    )
    tipo_trabajador = check(
        _catalog,
        mov.tipo_trabajador,
        TIPOS_TRABAJADOR,
        "tipo_trabajador",
        "El tipo de trabajador",
        tipo == REINGRESO,
    )
    if errors:
        return None, errors
    return replace(
        values,
        tipo_salario=tipo_salario,
        jornada=jornada or "0",
        tipo_trabajador=tipo_trabajador,
        umf=values.umf if tipo == REINGRESO else "",
        causa_baja="",
    ), errors
