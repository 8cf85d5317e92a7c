"""The rows of the three SISUB CSVs from a report, each column by the field its layout names
(``layout.py``): amounts with two decimals and a decimal point, days and counts as integers,
dates dd/mm/aaaa; a column the app cannot fill is left empty."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import date

from icsoe_desktop.domain.informativa.modelo import Domicilio
from icsoe_desktop.domain.sisub.layout import CONTRATOS, REQUERIDOS, SUJETO, TRABAJADORES, Layout
from icsoe_desktop.domain.sisub.modelo import (
    ContratoSisub,
    Montos,
    ReporteSisub,
    TrabajadorSisub,
    montos_por_registro,
)


@dataclass(frozen=True)
class Sujeto:
    """What the sujeto obligado's file says beyond the report: its registros patronales (one
    row each: the INFONAVIT asks «la totalidad de los registros patronales»), its REPSE folio
    and contact, and what the contratista's data hold for the file's other columns (by field:
    domicilio, representante, escritura …)."""

    registros: tuple[str, ...] = ()
    folio_repse: str = ""
    correo: str = ""
    telefono: str = ""
    datos: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Vacia:
    """A column the INFONAVIT requires left empty in some rows of a CSV: its file, its title
    and field, how many rows."""

    archivo: str
    titulo: str
    campo: str
    renglones: int


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


def valores_sujeto(
    reporte: ReporteSisub, sujeto: Sujeto, registro: str, montos: Montos
) -> dict[str, str]:
    return {
        **sujeto.datos,
        "aportacion_sin_credito": pesos(montos.sin_credito),
        "aportacion_con_credito": pesos(montos.con_credito),
        "amortizacion": pesos(montos.amortizacion),
        "rfc": reporte.rfc,
        "razon_social": reporte.nombre,
        "registro_patronal": registro,
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
        # The beneficiary's domicilio fiscal, as the public layout puts it (the work site
        # goes in the workers' file).
        **_sitio(c.contratante.domicilio),
        "tipo_contrato": c.tipo,
        "monto": pesos(c.monto) if c.monto else "",
        "vigencia": vigencia(c.fecha_inicial, c.fecha_final),
        "registro_beneficiario": c.registro_beneficiario,
        "correo_beneficiario": c.contratante.correo,
        "telefono_beneficiario": c.contratante.telefono_fijo or c.contratante.telefono_movil,
    }


def vigencia(inicio: date | None, fin: date | None) -> str:
    """«01/03/2026 al 28/02/2027»; «01/03/2026 en adelante» without an end."""
    if inicio is None:
        return ""
    return f"{fecha(inicio)} al {fecha(fin)}" if fin else f"{fecha(inicio)} en adelante"


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
    registros = sujeto.registros or ("",)
    montos = montos_por_registro(reporte)
    return {
        SUJETO: [
            list(layouts[SUJETO].titulos),
            *(
                hacer[SUJETO](valores_sujeto(reporte, sujeto, r, montos.get(r, Montos())))
                for r in registros
            ),
        ],
        CONTRATOS: [list(layouts[CONTRATOS].titulos), *contratos],
        TRABAJADORES: [list(layouts[TRABAJADORES].titulos), *trabajadores],
    }


def vacias(tablas: dict[str, list[list[str]]], layouts: dict[str, Layout]) -> list[Vacia]:
    """The columns the INFONAVIT requires (``layout.REQUERIDOS``) left empty in some rows of
    the CSVs ``filas`` made: the portal refuses such a file."""
    encontradas = []
    for archivo, tabla in tablas.items():
        layout = layouts[archivo]
        for i, (titulo, campo) in enumerate(zip(layout.titulos, layout.campos, strict=True)):
            if campo is None or campo not in REQUERIDOS[archivo]:
                continue
            renglones = sum(1 for fila in tabla[1:] if not fila[i].strip())
            if renglones:
                encontradas.append(Vacia(archivo, titulo, campo, renglones))
    return encontradas
