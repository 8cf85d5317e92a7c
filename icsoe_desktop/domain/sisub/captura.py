"""A SISUB worker row as the clerk captures it: a worker tied to a contract that the CFDI de
nómina do not bring (no receipts imported for them), or the amounts of one corrected. The
checks every captured row passes before it is stored (services/sisub/reporte.py)."""

from __future__ import annotations

from dataclasses import dataclass, fields

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.identifiers import check_nss
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
