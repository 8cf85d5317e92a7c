"""The SISUB amounts proposed from the CFDI de nómina: each receipt goes to the bimestre its
period paid ends in; its perceptions are split by the SAT's type into fixed, variable and not
integrated in the salario base de aportación (LSS art. 27), and its money by the share of time
(``PorcentajeTiempo``) it names for the client. A proposal only: the clerk edits it, and the
change is recorded.

The classes are data (the guide's exact rule for a partly integrated perception, overtime or
the despensa, is the payroll's, not the receipt's): a type not listed counts as fixed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from icsoe_desktop.domain.sisub.modelo import Importes

# c_TipoPercepcion of the SAT.
VARIABLES = frozenset(
    {
        "010",  # premios por puntualidad
        "019",  # horas extra
        "020",  # prima dominical
        "028",  # comisiones
        "038",  # otros ingresos por salarios
        "049",  # premios por asistencia
    }
)
NO_INTEGRADAS = frozenset(
    {
        "003",  # participación de los trabajadores en las utilidades
        "005",  # fondo de ahorro
        "014",  # subsidios por incapacidad
        "022",  # prima por antigüedad
        "023",  # pagos por separación
        "025",  # indemnizaciones
        "029",  # vales de despensa
        "039",  # jubilaciones, pensiones o haberes de retiro
        "044",  # jubilaciones en parcialidades
        "045",  # ingresos en acciones
        "047",  # alimentación
        "048",  # habitación
        "050",  # viáticos
    }
)

# The UMA's daily value (INEGI, DOF each January, in force from the 1st of February), centavos.
UMA_DIARIA: tuple[tuple[date, int], ...] = (
    (date(2023, 2, 1), 10_374),
    (date(2024, 2, 1), 10_857),
    (date(2025, 2, 1), 11_314),
    (date(2026, 2, 1), 11_731),
)
TOPE_UMAS = 25  # LSS art. 28: the salario base de cotización up to 25 UMA


@lru_cache(maxsize=64)  # a few end dates per period, asked once per receipt
def uma_diaria(dia: date) -> int:
    """The UMA in force on ``dia`` (the last one known for later days)."""
    valor = UMA_DIARIA[0][1]
    for desde, centavos in UMA_DIARIA:
        if dia >= desde:
            valor = centavos
    return valor


APORTACION = 5  # per cent of the salario base de aportación (Ley del INFONAVIT art. 29, II)


@dataclass(frozen=True, slots=True)
class ReciboSisub:
    """What the SISUB reads of one receipt naming the client: its end date, SBC (centavos),
    the share of time for the client (thousandths of a percent: 100 % = 100,000), its
    perceptions (SAT type, gravado + exento in centavos), its days of incapacidad, the days
    of its period and the days it paid (thousandths), and its deducciones 010 «Pago por
    crédito de vivienda» (centavos)."""

    fecha_final: date
    sbc: int
    porcentaje: int
    percepciones: tuple[tuple[str, int], ...]
    dias_incapacidad: int = 0
    dias_periodo: int = 0
    dias_pagados: int = 0
    vivienda: int = 0

    @property
    def dias_infonavit(self) -> int:
        """The days (thousandths) the INFONAVIT counts of the receipt's period: those paid and
        those of incapacidad (the aportación subsists during an IMSS incapacidad; an absence
        not paid suspends it: Ley del INFONAVIT art. 29, penúltimo párrafo), at most the
        period's."""
        dias = self.dias_pagados + 1000 * self.dias_incapacidad
        return min(dias, 1000 * self.dias_periodo) if self.dias_periodo else dias


def aportacion(recibo: ReciboSisub) -> int:
    """The aportación patronal of one receipt for the client's share, centavos: 5 % of the
    SBC up to 25 UMA, by the days the INFONAVIT counts, by the share of time."""
    base = min(recibo.sbc, TOPE_UMAS * uma_diaria(recibo.fecha_final))
    share = min(max(recibo.porcentaje, 0), 100_000)
    numerador = base * recibo.dias_infonavit * share * APORTACION
    denominador = 100 * 1000 * 100_000
    return (numerador + denominador // 2) // denominador


def _parte(centavos: int, porcentaje: int) -> int:
    return (centavos * porcentaje + 50_000) // 100_000


class Suma:
    """The amounts of one worker's receipts of one bimestre for one client, added one receipt
    at a time (Preparar reads some 200,000 receipts: none is kept once added)."""

    __slots__ = (
        "amortizado",
        "aportado",
        "dias",
        "fijas",
        "no_integradas",
        "recibos",
        "ultimo",
        "variables",
    )  # fmt: skip

    def __init__(self) -> None:
        self.fijas = self.variables = self.no_integradas = self.dias = 0
        self.aportado = self.amortizado = self.recibos = 0
        self.ultimo: ReciboSisub | None = None

    def mas(self, recibo: ReciboSisub) -> None:
        share = min(max(recibo.porcentaje, 0), 100_000)
        self.aportado += aportacion(recibo)
        self.amortizado += _parte(recibo.vivienda, share)
        for tipo, importe in recibo.percepciones:
            parte = _parte(importe, share)
            if tipo in NO_INTEGRADAS:
                self.no_integradas += parte
            elif tipo in VARIABLES:
                self.variables += parte
            else:
                self.fijas += parte
        self.dias += recibo.dias_incapacidad
        self.recibos += 1
        if self.ultimo is None or recibo.fecha_final >= self.ultimo.fecha_final:
            self.ultimo = recibo

    @property
    def importes(self) -> Importes:
        ultimo = self.ultimo
        tope = TOPE_UMAS * uma_diaria(ultimo.fecha_final) if ultimo else 0
        return Importes(
            fijas=self.fijas,
            variables=self.variables,
            dias_incapacidad=self.dias,
            no_integradas=self.no_integradas,
            no_excedente=min(ultimo.sbc, tope) if ultimo else 0,
            aportacion=self.aportado,
            amortizacion=self.amortizado,
        )
