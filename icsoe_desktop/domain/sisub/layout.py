"""The SISUB files as the user guide names them, and the columns of its three CSVs.

The INFONAVIT's own layouts are the «archivos de guía» (.xls) each employer downloads from its
Portal Empresarial; they are not public. The built-in layout follows the best public
description (sisub.md: the sections of the workers' file, the contract and beneficiary data);
the office's own guide replaces it, read by its header titles (``services/sisub/guia.py``), and
a column of the guide that no field here fills is named, left empty.

The CSVs are written as Excel in Spanish (México) saves a guide «CSV (delimitado por comas)»:
Windows-1252, comma-separated, CRLF line ends, a decimal point and no thousands separator,
dates dd/mm/aaaa, quotes only where a value holds a comma, a quote or a line end.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

SUJETO = "sujeto"
CONTRATOS = "contratos"
TRABAJADORES = "trabajadores"

# File names (without extension) as the user guide lists them.
NOMBRES_CSV: dict[str, str] = {
    SUJETO: "1_SISUB_Ley_29_bis_Sujeto obligado",
    CONTRATOS: "2_SISUB_Ley_29_bis_Contratos",
    TRABAJADORES: "3_SISUB_Ley_29_bis_DetalleTrab",
}
TITULOS_ARCHIVO: dict[str, str] = {
    SUJETO: "Sujeto obligado",
    CONTRATOS: "Contratos",
    TRABAJADORES: "Detalle de trabajadores",
}
PDF_ESCRITURA = "1a_SISUB_Ley_29_bis_Escritura Constitutiva"
PDF_CONTRATOS = "2B_SISUB_Ley_29_bis_Contratos"
PDF_REPSE = "4_SISUB_Ley_29_bis_Registro emitido por STPS"

CODIFICACION = "cp1252"
_CADA = 500  # rows of a CSV between two reports of its progress
SEPARADOR = ","
FIN_DE_LINEA = "\r\n"


@dataclass(frozen=True)
class Columna:
    """A field the app fills: its key, its title in the built-in layout and the other titles a
    guide may give it."""

    campo: str
    titulo: str
    alias: tuple[str, ...] = ()


_SITIO = (
    Columna("calle", "Calle", ("Calle del centro de trabajo",)),
    Columna("numero_exterior", "Número exterior", ("Num Ext", "No. Exterior", "Número Ext")),
    Columna("numero_interior", "Número interior", ("Num Int", "No. Interior", "Número Int")),
    Columna("colonia", "Colonia"),
    Columna("codigo_postal", "Código postal", ("CP", "C.P.")),
    Columna("municipio", "Municipio o alcaldía", ("Municipio", "Alcaldía", "Delegación")),
    Columna("entidad", "Entidad federativa", ("Entidad", "Estado")),
)
_PERIODO = (
    Columna("cuatrimestre", "Cuatrimestre", ("Cuatrimestre declarado", "Periodo")),
    Columna("anio", "Año", ("Ejercicio", "Anio")),
)

COLUMNAS: dict[str, tuple[Columna, ...]] = {
    SUJETO: (
        Columna("rfc", "RFC", ("RFC del sujeto obligado", "RFC contratista", "RFC patrón")),
        Columna(
            "razon_social",
            "Nombre, denominación o razón social",
            ("Razón social", "Denominación o razón social", "Nombre"),
        ),
        Columna("registro_patronal", "Registro patronal", ("NRP", "Registro patronal IMSS")),
        Columna(
            "folio_repse",
            "Folio de registro REPSE",
            ("Folio REPSE", "Número de registro STPS", "Aviso REPSE"),
        ),
        Columna("correo", "Correo electrónico", ("Correo", "Email")),
        Columna("telefono", "Teléfono"),
        *_PERIODO,
        Columna("tipo", "Tipo de reporte", ("Tipo de informe", "Tipo")),
    ),
    CONTRATOS: (
        Columna("rfc", "RFC del sujeto obligado", ("RFC contratista", "RFC patrón")),
        Columna(
            "numero_contrato",
            "Número de contrato",
            ("No. de contrato", "Num Contrato", "Número de contrato SISUB", "Contrato"),
        ),
        Columna(
            "rfc_beneficiario",
            "RFC del beneficiario",
            ("RFC beneficiario", "RFC contratante", "RFC cliente"),
        ),
        Columna(
            "beneficiario",
            "Nombre o razón social del beneficiario",
            ("Razón social beneficiario", "Beneficiario", "Contratante"),
        ),
        Columna("objeto", "Objeto del contrato", ("Objeto",)),
        Columna(
            "servicio", "Servicio u obra especializada", ("Descripción del servicio", "Servicio")
        ),
        Columna(
            "fecha_inicio",
            "Fecha de inicio",
            ("Fecha inicio", "Inicio de vigencia", "Fecha de celebración"),
        ),
        Columna(
            "fecha_fin",
            "Fecha de término",
            ("Fecha fin", "Fin de vigencia", "Fecha de terminación"),
        ),
        Columna(
            "trabajadores", "Número de trabajadores", ("Trabajadores", "Total de trabajadores")
        ),
        *_PERIODO,
        *_SITIO,
    ),
    TRABAJADORES: (
        *_PERIODO,
        Columna("bimestre", "Bimestre"),
        Columna("rfc", "RFC del sujeto obligado", ("RFC contratista", "RFC patrón")),
        Columna(
            "numero_contrato",
            "Número de contrato",
            ("No. de contrato", "Num Contrato", "Número de contrato SISUB", "Contrato"),
        ),
        Columna("registro_patronal", "Registro patronal", ("NRP", "Registro patronal IMSS")),
        Columna("nss", "NSS", ("Número de seguridad social",)),
        *_SITIO,
        Columna("variables", "Percepciones variables", ("Percepciones variables del bimestre",)),
        Columna("fijas", "Percepciones fijas", ("Percepciones fijas del bimestre",)),
        Columna("dias_incapacidad", "Días de incapacidad", ("Incapacidades", "Días incapacidad")),
        Columna(
            "no_integradas",
            "Percepciones no integradas al SBA",
            ("Percepciones no integradas", "Conceptos no integrados"),
        ),
        Columna(
            "no_excedente",
            "Salario no excedente",
            ("Salario base de aportación no excedente", "SBA no excedente"),
        ),
    ),
}


@dataclass(frozen=True)
class Layout:
    """The columns of one CSV, in order: each the field it holds (None: a column of the
    office's guide that the app cannot fill, written empty) and its title as the guide wrote
    it."""

    archivo: str
    titulos: tuple[str, ...]
    campos: tuple[str | None, ...]
    de_guia: bool = False  # read from the office's guide (else the built-in one)

    @property
    def sin_llenar(self) -> tuple[str, ...]:
        return tuple(t for t, c in zip(self.titulos, self.campos, strict=True) if c is None)


def incluido(archivo: str) -> Layout:
    columnas = COLUMNAS[archivo]
    return Layout(archivo, tuple(c.titulo for c in columnas), tuple(c.campo for c in columnas))


def texto_csv(valores: list[list[str]], avance: Callable[[int, int], None] | None = None) -> bytes:
    """The rows as the CSV Excel in Spanish (México) writes (see the module's docstring). A
    character Windows-1252 lacks is written «?», as Excel does (Revisar warns of it first).
    ``avance(filas, total)`` every few hundred rows."""
    lineas = []
    for n, fila in enumerate(valores, 1):
        lineas.append(SEPARADOR.join(_celda(v) for v in fila))
        if avance is not None and n % _CADA == 0:
            avance(n, len(valores))
    texto = FIN_DE_LINEA.join(lineas) + FIN_DE_LINEA
    return texto.encode(CODIFICACION, errors="replace")


def _celda(valor: str) -> str:
    if any(c in valor for c in (SEPARADOR, '"', "\r", "\n")):
        return '"' + valor.replace('"', '""') + '"'
    return valor


def sin_ansi(texto: str) -> str:
    """The characters of ``texto`` Windows-1252 cannot write (none: "")."""
    return "".join(sorted({c for c in texto if not c.encode(CODIFICACION, errors="ignore")}))
