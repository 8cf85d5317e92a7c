"""The INFONAVIT part of an IMSS–INFONAVIT payment read from its text: the SUA's resumen de
pago or cédula, or SIPARE's payment line, attached as the month's evidence (slot «sua»).

Their INFONAVIT block («Para abono en cuenta del INFONAVIT», «Vivienda») carries three lines:
«Aportación patronal sin crédito», «Aportación patronal con crédito» and «Amortización», then
their subtotal, updates and surcharges (docs/diseno/icsoe.md, «What was paid»: a secondary
source). SIPARE's line puts the aportación and the amortización in columns of their own and the
sum in the last: the last amount of each line is the one read. The document may say its bimestre («Bimestre: 1/2026»,
«Bimestre de proceso 01 2026») and its registro patronal; a line that says neither is left for
the caller to place (the month it was attached to).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from icsoe_desktop.domain.identifiers import normalize_registro
from icsoe_desktop.domain.informativa.acuse_imss import llano

_SIN = re.compile(r"^\W*aportacion(?:es)? patronal(?:es)? sin credito")
_CON = re.compile(r"^\W*aportacion(?:es)? patronal(?:es)? con credito")
# «Amortización» alone or «Amortización de créditos»: not «Actualización de aportaciones y
# amortizaciones» nor «Recargos de …», which start otherwise.
_AMORTIZACION = re.compile(r"^\W*amortizacion(?:es)?\b")
_IMPORTE = re.compile(r"(?<![\d.,])\$?\s*(\d{1,3}(?:,\d{3})+|\d+)\.(\d{2})(?![\d])")
_BIMESTRE = re.compile(
    r"\bbimestre\b[^\d\n]{0,25}\b0?([1-6])\b(?:\s*(?:[/-]|de|del)?\s*(\d{4})\b)?"
)
_ANIO = re.compile(r"\b(?:ano|ejercicio)\b\s*:?\s*(\d{4})\b")
_REGISTRO = re.compile(
    r"registro patronal[^\w\n]{0,5}([a-z0-9]\d{2}-?\d{5}-?\d{2}-?\d|[a-z0-9]{3}\d{8})\b"
)


@dataclass(frozen=True, slots=True)
class PagoInfonavit:
    """What a payment says it paid the INFONAVIT (centavos), for which bimestre (year,
    number; None: not said) and registro patronal ("" : not said)."""

    sin_credito: int
    con_credito: int
    amortizacion: int
    bimestre: tuple[int, int] | None = None
    registro: str = ""

    @property
    def aportaciones(self) -> int:
        return self.sin_credito + self.con_credito

    @property
    def texto(self) -> str:
        """«INFONAVIT: aportaciones $1,200.00 (sin crédito $1,000.00, con crédito
        $200.00), amortizaciones $300.00»."""
        return (
            f"INFONAVIT: aportaciones {pesos(self.aportaciones)} (sin crédito "
            f"{pesos(self.sin_credito)}, con crédito {pesos(self.con_credito)}), "
            f"amortizaciones {pesos(self.amortizacion)}"
        )


def pesos(centavos: int) -> str:
    return f"${centavos // 100:,}.{centavos % 100:02d}"


def leer_pago(texto: str) -> PagoInfonavit | None:
    """The INFONAVIT amounts of a payment's text; None when it shows none of the three lines
    with an amount (a bank receipt, a month without the bimestre's payment)."""
    montos: dict[str, int] = {}
    bimestre: tuple[int, int] | None = None
    numero: int | None = None
    anio: int | None = None
    registro = ""
    for linea in llano(texto).splitlines():
        for clave, patron in (("sin", _SIN), ("con", _CON), ("amortizacion", _AMORTIZACION)):
            if clave not in montos and patron.search(linea):
                importes = _IMPORTE.findall(linea)
                if importes:
                    enteros, centavos = importes[-1]
                    montos[clave] = int(enteros.replace(",", "")) * 100 + int(centavos)
        if numero is None and (m := _BIMESTRE.search(linea)):
            numero = int(m.group(1))
            anio = int(m.group(2)) if m.group(2) else anio
        if anio is None and (m := _ANIO.search(linea)):
            anio = int(m.group(1))
        if not registro and (m := _REGISTRO.search(linea)):
            registro = normalize_registro(m.group(1))
    if not montos:
        return None
    if numero is not None and anio is not None and 2000 <= anio <= 2099:
        bimestre = (anio, numero)
    return PagoInfonavit(
        montos.get("sin", 0),
        montos.get("con", 0),
        montos.get("amortizacion", 0),
        bimestre,
        registro,
    )


__all__ = ["PagoInfonavit", "leer_pago", "pesos"]
