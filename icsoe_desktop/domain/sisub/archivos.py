"""The rows of the three SISUB CSVs from a report, each column by the field its layout names
(``layout.py``): amounts with two decimals and a decimal point, days and counts as integers,
dates dd/mm/aaaa; a column the app cannot fill is left empty."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date

from icsoe_desktop.domain.informativa.modelo import Domicilio
from icsoe_desktop.domain.sisub.layout import CONTRATOS, SUJETO, TRABAJADORES, Layout
from icsoe_desktop.domain.sisub.modelo import ContratoSisub, ReporteSisub, TrabajadorSisub


@dataclass(frozen=True)
class Sujeto:
    """What the sujeto obligado's file says beyond the report: the registro patronal the
    contratista files with, its REPSE folio and contact."""

    registro_patronal: str = ""
    folio_repse: str = ""
    correo: str = ""
    telefono: str = ""


def registro_principal(propios: list[str], trabajadores: dict[str, int]) -> str:
    """The registro patronal the contratista files with (the Portal Empresarial asks for its
    main one; the app keeps no such mark): of the empresa's registros in the contratista's RFC,
    the one most of the period's workers are tied by (``trabajadores``: distinct NSS per
    registro), a tie or none tied by any going to the first in order; without registros of its
    own, the one most of its workers carry ("" when none)."""
    candidatos = sorted(propios) or sorted(trabajadores)
    if not candidatos:
        return ""
    return max(candidatos, key=lambda r: (trabajadores.get(r, 0), -candidatos.index(r)))


def pesos(centavos: int) -> str:
    signo = "-" if centavos < 0 else ""
    centavos = abs(centavos)
    return f"{signo}{centavos // 100}.{centavos % 100:02d}"


def fecha(dia: date | None) -> str:
    return dia.strftime("%d/%m/%Y") if dia else ""


def _sitio(sitio: Domicilio) -> dict[str, str]:
    return {f.name: getattr(sitio, f.name) for f in fields(Domicilio)}


def _periodo(reporte: ReporteSisub) -> dict[str, str]:
    return {"cuatrimestre": str(reporte.periodo.numero), "anio": str(reporte.periodo.anio)}


def valores_sujeto(reporte: ReporteSisub, sujeto: Sujeto) -> dict[str, str]:
    return {
        "rfc": reporte.rfc,
        "razon_social": reporte.nombre,
        "registro_patronal": sujeto.registro_patronal,
        "folio_repse": sujeto.folio_repse,
        "correo": sujeto.correo,
        "telefono": sujeto.telefono,
        "tipo": reporte.tipo_texto,
        **_periodo(reporte),
    }


def valores_contrato(reporte: ReporteSisub, c: ContratoSisub) -> dict[str, str]:
    return {
        "rfc": reporte.rfc,
        "numero_contrato": c.numero,
        "rfc_beneficiario": c.contratante.rfc,
        "beneficiario": c.contratante.nombre,
        "objeto": c.objeto,
        "servicio": c.servicio,
        "fecha_inicio": fecha(c.fecha_inicial),
        "fecha_fin": fecha(c.fecha_final),
        "trabajadores": str(len({t.nss for t in c.trabajadores})),
        **_periodo(reporte),
        **_sitio(c.sitio),
    }


def valores_trabajador(
    reporte: ReporteSisub, c: ContratoSisub, t: TrabajadorSisub
) -> dict[str, str]:
    i = t.importes
    return {
        **_periodo(reporte),
        "bimestre": str(t.bimestre),
        "rfc": reporte.rfc,
        "numero_contrato": c.numero,
        "registro_patronal": t.registro_patronal,
        "nss": t.nss,
        **_sitio(c.sitio),
        "variables": pesos(i.variables),
        "fijas": pesos(i.fijas),
        "dias_incapacidad": str(i.dias_incapacidad),
        "no_integradas": pesos(i.no_integradas),
        "no_excedente": pesos(i.no_excedente),
    }


def _por_layout(layout: Layout) -> Callable[[dict[str, str]], list[str]]:
    def fila(valores: dict[str, str]) -> list[str]:
        return [valores.get(c, "") if c else "" for c in layout.campos]

    return fila


def filas(
    reporte: ReporteSisub,
    sujeto: Sujeto,
    layouts: dict[str, Layout],
    avance: Callable[[int, int], None] | None = None,
) -> dict[str, list[list[str]]]:
    """Per CSV, its header (the layout's titles) and its rows; ``avance(contratos, total)`` as
    each contract's rows are made."""
    hacer = {a: _por_layout(layouts[a]) for a in (SUJETO, CONTRATOS, TRABAJADORES)}
    contratos = [hacer[CONTRATOS](valores_contrato(reporte, c)) for c in reporte.contratos]
    trabajadores: list[list[str]] = []
    for hechos, c in enumerate(reporte.contratos, 1):
        trabajadores += (
            hacer[TRABAJADORES](valores_trabajador(reporte, c, t)) for t in c.trabajadores
        )
        if avance is not None:
            avance(hechos, len(reporte.contratos))
    return {
        SUJETO: [list(layouts[SUJETO].titulos), hacer[SUJETO](valores_sujeto(reporte, sujeto))],
        CONTRATOS: [list(layouts[CONTRATOS].titulos), *contratos],
        TRABAJADORES: [list(layouts[TRABAJADORES].titulos), *trabajadores],
    }
