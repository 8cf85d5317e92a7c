"""A SISUB worker row as the clerk captures it: a worker tied to a contract that the CFDI de
nómina do not bring (no receipts imported for them), or the amounts of one corrected. The
checks every captured row passes before it is stored (services/sisub/reporte.py)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.identifiers import check_nss, check_registro_patronal
from icsoe_desktop.domain.sisub.modelo import CAMPOS_IMPORTES, Importes
from icsoe_desktop.domain.texts import check_caracteres

MAX_IMPORTE = 10**11  # centavos: a thousand million pesos, beyond any bimestre's pay
MAX_DIAS = 62  # a bimestre's days at most
MAX_NOMBRE = 254


@dataclass(frozen=True)
class TrabajadorCapturado:
    """A worker row typed by the clerk: ``bimestre`` of the report's year (1 … 6); the CURP
    and name may stay empty (the DetalleTrab does not carry them; the contract's list of the
    informativa gives them when it has the NSS)."""

    bimestre: int
    nss: str
    registro_patronal: str
    importes: Importes
    curp: str = ""
    nombre: str = ""


def check_importes(importes: Importes) -> Importes:
    """Each amount zero or more (centavos, days whole); a bimestre's days of incapacidad at
    most 62."""
    for campo in fields(Importes):
        valor = getattr(importes, campo.name)
        if not isinstance(valor, int) or not 0 <= valor < MAX_IMPORTE:
            raise ValidationError(
                "importe_invalido",
                f"«{CAMPOS_IMPORTES[campo.name]}» debe ser una cantidad de cero o más.",
                campo.name,
            )
    if importes.dias_incapacidad > MAX_DIAS:
        raise ValidationError(
            "dias_invalidos",
            f"Un bimestre tiene a lo más {MAX_DIAS} días de incapacidad.",
            "dias_incapacidad",
        )
    return importes


def check_captura(captura: TrabajadorCapturado) -> TrabajadorCapturado:
    """The row's NSS (11 digits and its check digit), its CURP when given, its name's
    characters and its amounts; the registro patronal is checked against the empresa's by the
    service. The values cleaned (the NSS without spaces or dashes, the name's spaces
    collapsed)."""
    from icsoe_desktop.domain.contacto import check_curp

    nss = check_nss(captura.nss)
    curp = (captura.curp or "").strip().upper()
    if curp:
        curp = check_curp(curp).curp
    nombre = " ".join(
        check_caracteres(captura.nombre or "", "Nombre", "nombre", libre=True).split()
    )
    if len(nombre) > MAX_NOMBRE:
        raise ValidationError(
            "campo_largo", f"El nombre admite hasta {MAX_NOMBRE} caracteres.", "nombre"
        )
    return TrabajadorCapturado(
        captura.bimestre,
        nss,
        captura.registro_patronal,
        check_importes(captura.importes),
        curp,
        nombre,
    )


__all__ = ["MAX_DIAS", "MAX_IMPORTE", "TrabajadorCapturado", "check_captura", "check_importes"]


@dataclass(frozen=True)
class DelContrato:
    """What the contracts file asks of a contract beyond the informativa: its kind, its amount
    (centavos; 0: not captured) and the beneficiary's registro patronal (may be empty)."""

    tipo: str = ""
    monto: int = 0
    registro_beneficiario: str = ""


def check_del_contrato(datos: DelContrato) -> DelContrato:
    tipo = " ".join(check_caracteres(datos.tipo or "", "Tipo de contrato", "tipo").split())
    if len(tipo) > 60:
        raise ValidationError(
            "campo_largo", "El tipo de contrato admite hasta 60 caracteres.", "tipo"
        )
    if not isinstance(datos.monto, int) or not 0 <= datos.monto < MAX_IMPORTE:
        raise ValidationError(
            "importe_invalido", "«Monto del contrato» debe ser una cantidad de cero o más.", "monto"
        )
    registro = datos.registro_beneficiario.strip()
    if registro:
        registro = check_registro_patronal(registro, "registroBeneficiario")
    return DelContrato(tipo, datos.monto, registro)


@dataclass(frozen=True)
class DatosSujeto:
    """What the sujeto obligado's file asks beyond the datos generales, captured once per
    contratista: the cross streets of its domicilio, its representante legal and
    administrador único, its escritura constitutiva (number, date, notary and the notary's
    number) and its folio mercantil. Any may be empty (optional columns)."""

    entre_calle: str = ""
    y_calle: str = ""
    representante_legal: str = ""
    administrador_unico: str = ""
    escritura_numero: str = ""
    escritura_fecha: date | None = None
    notario_nombre: str = ""
    notario_numero: str = ""
    folio_mercantil: str = ""


_LARGOS = {
    "entre_calle": ("Entre calle", 150),
    "y_calle": ("Y calle", 150),
    "representante_legal": ("Representante legal", 254),
    "administrador_unico": ("Administrador único", 254),
    "escritura_numero": ("Número de escritura", 40),
    "notario_nombre": ("Nombre del notario", 254),
    "notario_numero": ("Número del notario", 20),
    "folio_mercantil": ("Folio mercantil", 40),
}


def check_datos_sujeto(datos: DatosSujeto, hoy: date) -> DatosSujeto:
    """Each text's characters and length (spaces collapsed); the escritura's date not after
    ``hoy``."""
    limpios: dict[str, object] = {}
    for campo, (texto, largo) in _LARGOS.items():
        valor = " ".join(check_caracteres(getattr(datos, campo) or "", texto, campo).split())
        if len(valor) > largo:
            raise ValidationError(
                "campo_largo", f"«{texto}» admite hasta {largo:,} caracteres.", campo
            )
        limpios[campo] = valor
    if datos.escritura_fecha is not None and datos.escritura_fecha > hoy:
        raise ValidationError(
            "fecha_futura",
            "La fecha de la escritura no puede ser posterior a hoy.",
            "escritura_fecha",
        )
    return DatosSujeto(**limpios, escritura_fecha=datos.escritura_fecha)  # type: ignore[arg-type]  # each field a str, checked above
