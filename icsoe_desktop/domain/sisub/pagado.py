"""Revisar's cross-check of item c) with what was paid: the bimestre's IMSS–INFONAVIT payment
attached as the month's evidence (the SUA's resumen or cédula, SIPARE's line: its INFONAVIT
amounts read by domain/evidencias_pago.py) against the aportaciones and amortizaciones of the
report's workers in that bimestre. A difference over 1 % is a warning naming both amounts and
the document: the payment covers every worker of its registro patronal, and some may be in no
contract of the report. Without a payment, a note says that nothing was compared.

The SUA's cédula, SIPARE's line and its bank receipt tell the same payment: the documents of
one bimestre and registro patronal that show the same amounts count once; different amounts add
up (a payment of differences). When every payment names its registro patronal, only the report's
workers of those registros are compared."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from icsoe_desktop.domain.evidencias_pago import PagoInfonavit, pesos
from icsoe_desktop.domain.informativa.modelo import Problema
from icsoe_desktop.domain.sisub.modelo import Bimestre, ReporteSisub, bimestres

PAGO_DIFERENTE = "sisub_pago_diferente"
SIN_PAGO = "sisub_sin_pago"
TOLERANCIA = 1  # per cent of the amount paid


@dataclass(frozen=True, slots=True)
class Pagado:
    """A payment attached as evidence: its file's name, the month whose evidence holds it
    («2026-06»), the bimestre it pays (its number in the report's year) and what it shows."""

    nombre: str
    mes: str
    bimestre: int
    pago: PagoInfonavit


def _del_reporte(
    reporte: ReporteSisub, bimestre: int, registros: frozenset[str] | None
) -> tuple[int, int]:
    """The aportaciones and amortizaciones of the report's workers in ``bimestre`` (of those
    ``registros`` only, when given)."""
    aportaciones = amortizaciones = 0
    for c in reporte.contratos:
        for t in c.trabajadores:
            if t.bimestre == bimestre and (registros is None or t.registro_patronal in registros):
                aportaciones += t.importes.aportacion
                amortizaciones += t.importes.amortizacion
    return aportaciones, amortizaciones


def _pagos(pagados: Iterable[Pagado]) -> list[Pagado]:
    """One of each payment told by several documents (same registro, same amounts)."""
    vistos: dict[tuple[str, int, int, int], Pagado] = {}
    for p in pagados:
        clave = (p.pago.registro, p.pago.sin_credito, p.pago.con_credito, p.pago.amortizacion)
        vistos.setdefault(clave, p)
    return list(vistos.values())


def _documentos(pagados: Sequence[Pagado]) -> str:
    nombres = [f"«{p.nombre}» (evidencia de {p.mes})" for p in pagados]
    return nombres[0] if len(nombres) == 1 else ", ".join(nombres[:-1]) + " y " + nombres[-1]


def _difieren(reporte: int, pagado: int) -> bool:
    return abs(reporte - pagado) * 100 > TOLERANCIA * pagado


def _cuanto(reporte: int, pagado: int) -> str:
    if not pagado:
        return "el pago no muestra ninguna"
    return f"difieren {abs(reporte - pagado) * 100 / pagado:.1f} %, más del {TOLERANCIA} %"


def comparar(reporte: ReporteSisub, pagados: Sequence[Pagado]) -> Iterable[Problema]:
    """Per bimestre whose workers have aportaciones or amortizaciones: a warning for each of
    the two that differs from the payment by more than 1 %, or a note that no payment is
    attached."""
    for b in bimestres(reporte.periodo):
        if _del_reporte(reporte, b.numero, None) == (0, 0):
            continue
        suyos = _pagos(p for p in pagados if p.bimestre == b.numero)
        if not suyos:
            yield _sin_pago(b)
            continue
        registros = (
            frozenset(p.pago.registro for p in suyos)
            if all(p.pago.registro for p in suyos)
            else None
        )
        aportaciones, amortizaciones = _del_reporte(reporte, b.numero, registros)
        pagado = (
            sum(p.pago.aportaciones for p in suyos),
            sum(p.pago.amortizacion for p in suyos),
        )
        de_quienes = (
            f" de los registros patronales {', '.join(sorted(registros))}"
            if registros and len(registros) > 1
            else f" del registro patronal {next(iter(registros))}"
            if registros
            else ""
        )
        for que, del_reporte, del_pago in (
            ("aportaciones", aportaciones, pagado[0]),
            ("amortizaciones", amortizaciones, pagado[1]),
        ):
            if _difieren(del_reporte, del_pago):
                yield Problema(
                    PAGO_DIFERENTE,
                    f"Las {que} del bimestre {b.texto}{de_quienes} suman {pesos(del_reporte)} en "
                    f"el reporte y {pesos(del_pago)} en el pago {_documentos(suyos)}: "
                    f"{_cuanto(del_reporte, del_pago)}. Revisa los importes de los trabajadores "
                    "o el pago adjunto; si el registro patronal tiene trabajadores que no están "
                    "en estos contratos, la diferencia puede ser de ellos.",
                    campo="importes",
                    aviso=True,
                )


def _sin_pago(b: Bimestre) -> Problema:
    return Problema(
        SIN_PAGO,
        f"No hay pago del bimestre {b.texto} en la evidencia mensual (cédula del SUA o línea "
        "de captura del SIPARE con su parte del INFONAVIT): las aportaciones y amortizaciones "
        "del reporte no se compararon con lo pagado. Adjúntalo en Evidencias del cliente, en "
        "el mes del bimestre que paga.",
        aviso=True,
        nota=True,
    )


CODIGOS = (PAGO_DIFERENTE, SIN_PAGO)

__all__ = ["CODIGOS", "PAGO_DIFERENTE", "SIN_PAGO", "Pagado", "comparar"]
