"""Movimientos afiliatorios (IDSE): kinds, states, catalogs and the validation of one movement.

Pure Python: the importers, the lote writer and the grid share these rules and texts.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal, InvalidOperation

from icsoe_desktop.domain.contacto import check_curp
from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.identifiers import (
    check_nss,
    check_registro_patronal,
    is_ascii_digits,
)

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


@dataclass(frozen=True)
class Movimiento:
    """One movement as IDSE sees it. Money is in centavos; ``None`` where the kind has no value."""

    registro_patronal: str
    nss: str
    primer_apellido: str
    segundo_apellido: str
    nombre: str
    tipo: str
    fecha: date
    curp: str = ""
    sbc: int | None = None
    salario: int | None = None
    tipo_trabajador: str = ""
    tipo_salario: str = ""
    jornada: str = ""
    umf: str = ""
    causa_baja: str = ""
    clave_trabajador: str = ""
    guia: str = ""
    estado: str = PENDIENTE

    @property
    def key(self) -> tuple[str, str, str, date]:
        """What makes a movement unique: re-importing it adds nothing."""
        return (self.registro_patronal, self.nss, self.tipo, self.fecha)

    @property
    def nombre_completo(self) -> str:
        return " ".join(p for p in (self.nombre, self.primer_apellido, self.segundo_apellido) if p)


def normalize_name(value: str) -> str:
    """IDSE names: capitals without accents (Ñ stays), single spaces."""
    text = " ".join(value.split()).upper().replace("Ñ", "\0")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.replace("\0", "Ñ")


def parse_pesos(value: object, field: str, label: str) -> int | None:
    """ "1,234.50", "$ 750", 750.0 → centavos; empty → None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).replace("$", "").replace(",", "").strip()
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
    name = normalize_name(value)
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


def validate(mov: Movimiento, today: date) -> Movimiento:
    """Check every field for the movement's kind; return it normalised or raise the first error.
    ``today`` bounds the date: IDSE takes no movement dated in the future."""
    registro = check_registro_patronal(mov.registro_patronal, "registro_patronal")
    nss = check_nss(mov.nss)
    tipo = mov.tipo if mov.tipo in TIPOS_MOVIMIENTO else tipo_from_text(mov.tipo)
    primer = _name(mov.primer_apellido, "primer_apellido", "El apellido paterno", True)
    segundo = _name(mov.segundo_apellido, "segundo_apellido", "El apellido materno", False)
    nombre = _name(mov.nombre, "nombre", "El nombre", True)
    if mov.fecha > today:
        raise ValidationError(
            "fecha_futura",
            f"La fecha {mov.fecha:%d/%m/%Y} es posterior a hoy: IDSE no recibe movimientos "
            "con fecha futura.",
            "fecha",
        )
    curp = check_curp(mov.curp).curp if (mov.curp or tipo != BAJA) else ""
    estado = mov.estado if mov.estado in ESTADOS else estado_from_text(mov.estado)
    clave = mov.clave_trabajador.strip().upper()
    if not _CLAVE_RE.match(clave):
        raise ValidationError(
            "clave_trabajador",
            "La clave del trabajador admite hasta 10 letras o números.",
            "clave_trabajador",
        )
    guia = mov.guia.strip()
    if guia and not (is_ascii_digits(guia) and len(guia) <= 5):
        raise ValidationError("guia", "La guía debe tener hasta 5 dígitos.", "guia")
    umf = mov.umf.strip()
    if umf and not (is_ascii_digits(umf) and len(umf) <= 3):
        raise ValidationError("umf", "La UMF debe tener hasta 3 dígitos.", "umf")

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
        guia=guia.zfill(5) if guia else "",
        umf=umf.zfill(3) if umf else "",
    )
    if tipo == BAJA:
        causa = _catalog(mov.causa_baja, CAUSAS_BAJA, "causa_baja", "La causa de baja", True)
        return replace(
            values,
            sbc=None,
            tipo_trabajador="",
            tipo_salario="",
            jornada="",
            umf="",
            causa_baja=causa,
        )

    if mov.sbc is None or mov.sbc <= 0:
        raise ValidationError(
            "campo_obligatorio", "Falta el salario base de cotización (SBC).", "sbc"
        )
    if mov.sbc > MAX_SBC_CENTAVOS:
        raise ValidationError(
            "sbc_maximo", "El SBC no puede exceder 9,999.99 (seis dígitos del formato IDSE).", "sbc"
        )
    tipo_salario = _catalog(
        mov.tipo_salario, TIPOS_SALARIO, "tipo_salario", "El tipo de salario", True
    )
    jornada = _catalog(mov.jornada, JORNADAS, "jornada", "La jornada o semana reducida", False)
    tipo_trabajador = _catalog(
        mov.tipo_trabajador,
        TIPOS_TRABAJADOR,
        "tipo_trabajador",
        "El tipo de trabajador",
        tipo == REINGRESO,
    )
    return replace(
        values,
        tipo_salario=tipo_salario,
        jornada=jornada or "0",
        tipo_trabajador=tipo_trabajador,
        umf=values.umf if tipo == REINGRESO else "",
        causa_baja="",
    )
