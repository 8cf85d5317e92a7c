"""The SISUB report as plain values (reference: sisub.md).

Every cuatrimestre a REPSE contratista reports to the INFONAVIT the contracts **in force** in the
period (not only those celebrated, as the ICSOE does), each with its beneficiary and its work
site, and the workers tied to each contract in each **bimestre** of the cuatrimestre with the
amounts of the salario base de aportación.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.informativa.modelo import Domicilio, Parte, Periodo

# Kinds of report (the portal since 2022).
SIN_ACTIVIDAD = "sin_actividad"
DATOS_CONTINUOS = "datos_continuos"
COMPLEMENTARIO = "complementario"
TIPOS: dict[str, str] = {
    SIN_ACTIVIDAD: "Sin actividad",
    DATOS_CONTINUOS: "Con datos continuos",
    COMPLEMENTARIO: "Complementario",
}
# Why a complementario is filed.
MOTIVOS_COMPLEMENTARIO: dict[str, str] = {
    "contrato": "Cambio de un contrato",
    "repse": "Cambio de las actividades o del registro en el REPSE",
    "escritura": "Cambio de la escritura constitutiva",
}
MSG_MOTIVO = "Elige el motivo del complementario: {motivos}."

EN_PREPARACION = "en_preparacion"
PRESENTADO = "presentado"
ESTADOS: dict[str, str] = {EN_PREPARACION: "En preparación", PRESENTADO: "Presentado"}

MESES_CORTOS = (
    "ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic",
)  # fmt: skip


@dataclass(frozen=True, order=True)
class Bimestre:
    """A bimestre of the year: 1 = enero–febrero … 6 = noviembre–diciembre."""

    anio: int
    numero: int

    @property
    def inicio(self) -> date:
        return date(self.anio, 2 * self.numero - 1, 1)

    @property
    def fin(self) -> date:
        if self.numero == 6:
            return date(self.anio, 12, 31)
        siguiente = date(self.anio, 2 * self.numero + 1, 1)
        return date.fromordinal(siguiente.toordinal() - 1)

    @property
    def texto(self) -> str:
        """«3 (may–jun 2026)»."""
        primero, segundo = MESES_CORTOS[2 * self.numero - 2], MESES_CORTOS[2 * self.numero - 1]
        return f"{self.numero} ({primero}–{segundo} {self.anio})"

    def contiene(self, dia: date) -> bool:
        return self.inicio <= dia <= self.fin


def bimestres(periodo: Periodo) -> tuple[Bimestre, Bimestre]:
    """The two bimestres of a cuatrimestre (enero–abril: 1 and 2)."""
    return Bimestre(periodo.anio, 2 * periodo.numero - 1), Bimestre(
        periodo.anio, 2 * periodo.numero
    )


def en_vigor(inicial: date | None, final: date | None, periodo: Periodo) -> bool:
    """A contract is in force in the period when it started by its end and did not end before
    its start (no end date: in force until one is given)."""
    if inicial is None or inicial > periodo.fin:
        return False
    return final is None or final >= periodo.inicio


def check_motivo(motivo: str) -> str:
    """``motivo`` when it is one of MOTIVOS_COMPLEMENTARIO (the service and the window's list
    refuse any other with the same message)."""
    if motivo not in MOTIVOS_COMPLEMENTARIO:
        raise ValidationError(
            "motivo_complementario",
            MSG_MOTIVO.format(motivos=", ".join(MOTIVOS_COMPLEMENTARIO.values())),
            "motivo",
        )
    return motivo


def tipo_propuesto(contratos_en_vigor: int) -> str:
    """Sin actividad when no contract is in force, else con datos continuos."""
    return DATOS_CONTINUOS if contratos_en_vigor else SIN_ACTIVIDAD


@dataclass(frozen=True, slots=True)
class Importes:
    """A worker's amounts in one bimestre for one contract, in centavos (days: whole days).
    ``no_excedente``: the salario base de aportación diario up to 25 UMA. ``aportacion``: the
    aportación patronal to the INFONAVIT for the client's share (``importes.py``);
    ``amortizacion``: the loan discounted (deducciones 010) for that share — a worker with
    one is «con crédito»."""

    fijas: int = 0
    variables: int = 0
    dias_incapacidad: int = 0
    no_integradas: int = 0
    no_excedente: int = 0
    aportacion: int = 0
    amortizacion: int = 0

    @property
    def con_credito(self) -> bool:
        return self.amortizacion > 0


CAMPOS_IMPORTES: dict[str, str] = {
    "fijas": "Percepciones fijas",
    "variables": "Percepciones variables",
    "dias_incapacidad": "Días de incapacidad",
    "no_integradas": "Percepciones no integradas",
    "no_excedente": "Salario no excedente",
    "aportacion": "Aportación INFONAVIT",
    "amortizacion": "Amortización del crédito",
}


@dataclass(frozen=True, slots=True)
class TrabajadorSisub:
    uuid: str
    contrato: str  # the contract's uuid
    bimestre: int
    nss: str
    curp: str
    nombre: str
    registro_patronal: str
    importes: Importes
    origen: str  # where the amounts came from («12 recibos CFDI», «capturado por …»)
    editado: bool


@dataclass(frozen=True)
class ContratoSisub:
    uuid: str  # the ICSOE contract's
    numero: str  # the SISUB contract number
    contratante: Parte
    objeto: str
    servicio: str
    fecha_inicial: date | None
    fecha_final: date | None
    sitio: Domicilio
    celebrado: bool  # started in the period (the ICSOE reports it)
    trabajadores: tuple[TrabajadorSisub, ...] = ()
    tipo: str = ""  # the contract's kind, as the contracts file asks it
    monto: int = 0  # its amount, centavos (0: not captured)
    registro_beneficiario: str = ""  # the beneficiary's registro patronal


@dataclass(frozen=True)
class ReporteSisub:
    uuid: str
    rfc: str  # the contratista's
    nombre: str
    periodo: Periodo
    tipo: str
    estado: str
    contratos: tuple[ContratoSisub, ...] = ()
    motivo: str = ""  # a complementario's (MOTIVOS_COMPLEMENTARIO)
    nota_icsoe: str = ""  # why the ICSOE informativa of the period says otherwise
    folio: str = ""  # the INFONAVIT's, once filed

    @property
    def tipo_texto(self) -> str:
        return TIPOS[self.tipo]

    @property
    def estado_texto(self) -> str:
        return ESTADOS.get(self.estado, self.estado)


@dataclass(frozen=True, slots=True)
class Montos:
    """Item c) of Ley del INFONAVIT art. 29 Bis for a set of worker rows: the aportaciones of
    the workers without and with an INFONAVIT loan, and the amortizaciones (centavos)."""

    sin_credito: int = 0
    con_credito: int = 0
    amortizacion: int = 0

    def mas(self, importes: Importes) -> Montos:
        if importes.con_credito:
            return Montos(
                self.sin_credito,
                self.con_credito + importes.aportacion,
                self.amortizacion + importes.amortizacion,
            )
        return Montos(self.sin_credito + importes.aportacion, self.con_credito, self.amortizacion)


def montos_por_contrato(reporte: ReporteSisub) -> dict[tuple[str, int], Montos]:
    """Per (contract uuid, bimestre), the aportaciones sin and con crédito and amortizaciones
    of its workers."""
    montos: dict[tuple[str, int], Montos] = {}
    for c in reporte.contratos:
        for t in c.trabajadores:
            clave = (c.uuid, t.bimestre)
            montos[clave] = montos.get(clave, Montos()).mas(t.importes)
    return montos


def montos_por_registro(reporte: ReporteSisub) -> dict[str, Montos]:
    """Per registro patronal, the same of the period's workers it carries (the sujeto's file
    has a row per registro)."""
    montos: dict[str, Montos] = {}
    for c in reporte.contratos:
        for t in c.trabajadores:
            montos[t.registro_patronal] = montos.get(t.registro_patronal, Montos()).mas(t.importes)
    return montos
