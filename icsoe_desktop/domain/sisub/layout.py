"""The SISUB files as the user guide names them, and the columns of its three CSVs.

The INFONAVIT's own layouts are the «archivos de guía» (.xls) each employer downloads from its
Portal Empresarial; they are not public. The built-in layout follows the best public
description (sisub.md: the sections of the workers' file, the contract and beneficiary data);
the office's own guide replaces it, read by its header titles (``services/sisub/guia.py``), and
a column of the guide that no field here fills is named, left empty.

The CSVs are written as Excel in Spanish (México) saves a guide «CSV (delimitado por comas)»:
Windows-1252, comma-separated, CRLF line ends (none after the last row: the INFONAVIT's
instructivo has the final line break deleted), a decimal point and no thousands separator,
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
    """A field the app fills: its key, its title in the built-in layout, the other titles a
    guide may give it (compared by their significant words, ``titulos.py``) and whether the
    INFONAVIT refuses the file with it empty (``requerido``: Revisar and the export check it)."""

    campo: str
    titulo: str
    alias: tuple[str, ...] = ()
    requerido: bool = False


def _domicilio(de: str, requerido: bool) -> tuple[Columna, ...]:
    """The seven fields of an address (and the two cross streets of the public layouts of the
    sujeto and the contracts), with the titles a guide gives them (``de``: «del beneficiario»,
    «del domicilio fiscal», «del centro de trabajo» …)."""
    return (
        Columna("calle", "Calle", (f"Calle {de}",), requerido),
        Columna(
            "numero_exterior",
            "Número exterior",
            ("Num Ext", "No. Exterior", "Número Ext", f"Número exterior {de}"),
            requerido,
        ),
        Columna(
            "numero_interior",
            "Número interior",
            ("Num Int", "No. Interior", "Número Int", f"Número interior {de}"),
        ),
        Columna("colonia", "Colonia", (f"Colonia {de}",), requerido),
        Columna("codigo_postal", "Código postal", ("CP", "C.P.", f"Código postal {de}"), requerido),
        Columna(
            "municipio",
            "Municipio o alcaldía",
            ("Municipio", "Alcaldía", "Delegación", f"Municipio o alcaldía {de}"),
            requerido,
        ),
        Columna(
            "entidad",
            "Entidad federativa",
            ("Entidad", "Estado", f"Entidad federativa {de}"),
            requerido,
        ),
    )


_ENTRE = (
    Columna("entre_calle", "Entre calle", ("Entre la calle", "Entre calles")),
    Columna("y_calle", "Y calle", ("Y la calle",)),
)
_PERIODO = (
    Columna(
        "cuatrimestre",
        "Cuatrimestre",
        (
            "Cuatrimestre que declara",
            "Cuatrimestre que se declara",
            "Cuatrimestre declarado",
            "Periodo",
        ),
        True,
    ),
    Columna("anio", "Año", ("Año que se declara", "Año que declara", "Ejercicio", "Anio"), True),
)
_RFC_SUJETO = (
    "RFC del sujeto obligado",
    "Registro Federal de Contribuyente del sujeto obligado",
    "Registro Federal de Contribuyentes del sujeto obligado",
    "RFC contratista",
    "RFC patrón",
)
_NUMERO_CONTRATO = ("No. de contrato", "Num Contrato", "Número de contrato SISUB", "Contrato")
_REGISTRO = ("NRP", "Registro patronal IMSS", "Registro patronal ante el IMSS")

COLUMNAS: dict[str, tuple[Columna, ...]] = {
    SUJETO: (
        Columna("rfc", "RFC", _RFC_SUJETO, True),
        Columna(
            "razon_social",
            "Nombre, denominación o razón social",
            ("Razón social", "Denominación o razón social", "Nombre"),
            True,
        ),
        Columna("registro_patronal", "Registro patronal", _REGISTRO, True),
        Columna(
            "folio_repse",
            "Folio de registro REPSE",
            (
                "Folio REPSE",
                "Número de registro STPS",
                "Número de registro ante la STPS",
                "Aviso REPSE",
            ),
            True,
        ),
        Columna("correo", "Correo electrónico", ("Correo", "Email")),
        Columna("telefono", "Teléfono"),
        *_PERIODO,
        Columna("tipo", "Tipo de reporte", ("Tipo de informe", "Tipo")),
        *_domicilio("del sujeto obligado", False)[:3],
        *_ENTRE,
        *_domicilio("del sujeto obligado", False)[3:],
        Columna("representante_legal", "Representante legal", ("Nombre del representante legal",)),
        Columna("administrador_unico", "Administrador único", ("Nombre del administrador único",)),
        Columna(
            "escritura_numero",
            "Número de escritura",
            ("Número de escritura pública", "Número de la escritura constitutiva"),
        ),
        Columna("notario_nombre", "Nombre del notario", ("Nombre del notario público", "Notario")),
        Columna(
            "notario_numero",
            "Número del notario",
            ("Número de notario", "Número de la notaría", "Número de notaría"),
        ),
        Columna(
            "escritura_fecha",
            "Fecha de escritura pública",
            ("Fecha de la escritura", "Fecha de escritura", "Fecha de la escritura pública"),
        ),
        Columna("folio_mercantil", "Folio mercantil"),
        Columna(
            "aportacion_sin_credito",
            "Aportación sin crédito de los trabajadores del contrato",
            ("Aportación sin crédito", "Aportaciones sin crédito"),
        ),
        Columna(
            "aportacion_con_credito",
            "Aportación con crédito de los trabajadores del contrato",
            ("Aportación con crédito", "Aportaciones con crédito"),
        ),
        Columna(
            "amortizacion",
            "Amortización de los trabajadores del contrato",
            ("Amortización", "Amortizaciones"),
        ),
    ),
    CONTRATOS: (
        Columna("rfc", "RFC del sujeto obligado", _RFC_SUJETO[1:], True),
        Columna(
            "numero_contrato",
            "Número de contrato",
            (*_NUMERO_CONTRATO, "Folio", "Folio del contrato"),
            True,
        ),
        Columna(
            "rfc_beneficiario",
            "RFC del beneficiario",
            ("RFC beneficiario", "RFC contratante", "RFC cliente"),
            True,
        ),
        Columna(
            "beneficiario",
            "Nombre o razón social del beneficiario",
            (
                "Razón social beneficiario",
                "Beneficiario",
                "Contratante",
                "Denominación o razón social del beneficiario",
            ),
            True,
        ),
        Columna("objeto", "Objeto del contrato", ("Objeto",)),
        Columna(
            "servicio", "Servicio u obra especializada", ("Descripción del servicio", "Servicio")
        ),
        Columna(
            "fecha_inicio",
            "Fecha de inicio",
            ("Fecha inicio", "Inicio de vigencia", "Fecha de celebración", "Inicio"),
            True,
        ),
        Columna(
            "fecha_fin",
            "Fecha de término",
            ("Fecha fin", "Fin de vigencia", "Fecha de terminación", "Término"),
        ),
        Columna(
            "trabajadores", "Número de trabajadores", ("Trabajadores", "Total de trabajadores")
        ),
        *_PERIODO,
        # The beneficiary's domicilio fiscal, as the public layout puts it.
        *_domicilio("del beneficiario", False)[:3],
        *_ENTRE,
        *_domicilio("del beneficiario", False)[3:],
        Columna("tipo_contrato", "Tipo de contrato", ("Tipo",)),
        Columna("monto", "Monto del contrato", ("Monto", "Importe del contrato")),
        Columna("vigencia", "Vigencia", ("Vigencia del contrato",)),
        Columna(
            "registro_beneficiario",
            "Registro patronal del beneficiario",
            ("Registro patronal beneficiario", "Registro patronal ante el IMSS del beneficiario"),
        ),
        Columna(
            "correo_beneficiario",
            "Correo electrónico del beneficiario",
            ("Correo electrónico", "Correo"),
        ),
        Columna("telefono_beneficiario", "Teléfono del beneficiario", ("Teléfono",)),
    ),
    TRABAJADORES: (
        *_PERIODO,
        Columna("bimestre", "Bimestre", (), True),
        Columna("rfc", "RFC del sujeto obligado", _RFC_SUJETO[1:], True),
        Columna("numero_contrato", "Número de contrato", _NUMERO_CONTRATO, True),
        Columna("registro_patronal", "Registro patronal", _REGISTRO, True),
        Columna(
            "nss",
            "NSS",
            (
                "Número de seguridad social",
                "Número de Seguro Social",
                "Número de Seguro Social del trabajador",
            ),
            True,
        ),
        *_domicilio("del centro de trabajo", True),
        Columna(
            "variables", "Percepciones variables", ("Percepciones variables del bimestre",), True
        ),
        Columna("fijas", "Percepciones fijas", ("Percepciones fijas del bimestre",), True),
        Columna(
            "dias_incapacidad",
            "Días de incapacidad",
            ("Incapacidades", "Días incapacidad"),
            True,
        ),
        Columna(
            "no_integradas",
            "Percepciones no integradas al SBA",
            (
                "Percepciones no integradas",
                "Conceptos no integrados",
                "Percepciones no integrables al SBA",
            ),
            True,
        ),
        Columna(
            "no_excedente",
            "Salario no excedente",
            ("Salario base de aportación no excedente", "SBA no excedente"),
            True,
        ),
    ),
}
REQUERIDOS: dict[str, frozenset[str]] = {
    archivo: frozenset(c.campo for c in columnas if c.requerido)
    for archivo, columnas in COLUMNAS.items()
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
    # No line break after the last row: the instructivo has it deleted («el sistema rechazará
    # el archivo» otherwise).
    texto = FIN_DE_LINEA.join(lineas)
    return texto.encode(CODIFICACION, errors="replace")


def _celda(valor: str) -> str:
    if any(c in valor for c in (SEPARADOR, '"', "\r", "\n")):
        return '"' + valor.replace('"', '""') + '"'
    return valor


def sin_ansi(texto: str) -> str:
    """The characters of ``texto`` Windows-1252 cannot write (none: "")."""
    return "".join(sorted({c for c in texto if not c.encode(CODIFICACION, errors="ignore")}))
