"""The INFONAVIT's three SISUB guides as offices get them, for the tests: three header rows
(section letter, group, column title) with the titles of the public layouts
(reference: sisub.md, «The guides»), and an office's copy of the workers' guide with accents,
capitals, its columns moved and one added."""

from __future__ import annotations

_SITIO = ("Calle", "Numero exterior", "Numero interior", "Colonia", "Codigo Postal",
          "Municipio o Alcaldia", "Entidad federativa")  # fmt: skip

TRABAJADORES = (
    "cuatrimestre que declara", "año que se declara", "bimestre",
    "Registro Federal de Contribuyente del sujeto obligado", "Numero de contrato",
    "Registro Patronal ante el IMSS", "Numero de Seguro Social del trabajador",
    *(f"{t} (centro de trabajo)" for t in _SITIO),
    "Monto Percepciones variables", "Monto Percepciones fijas", "Dias de Incapacidad",
    "Percepciones no integrables al SBA", "salario no excedente (VSM)",
)  # fmt: skip
CONTRATOS = (
    "Cuatrimestre que se declara", "Año que se declara",
    "Registro Federal de Contribuyentes del sujeto obligado", "Folio del contrato",
    "Tipo de contrato", "Objeto del contrato", "Monto del contrato", "Vigencia del contrato",
    "Fecha de inicio", "Fecha de termino", "Numero de trabajadores", "RFC del beneficiario",
    "Denominacion o razon social del beneficiario", "Registro patronal del beneficiario",
    "Calle", "Numero exterior", "Numero interior", "Entre calle", "Y calle", "Colonia",
    "Codigo Postal", "Municipio o Alcaldia", "Entidad federativa", "Correo electronico",
    "Telefono",
)  # fmt: skip
SUJETO = (
    "Cuatrimestre que se declara", "Año que se declara",
    "Registro Federal de Contribuyentes del sujeto obligado", "Denominacion o razon social",
    "Correo electronico", "Telefono", "Registro patronal", "Calle", "Numero exterior",
    "Numero interior", "Entre calle", "Y calle", "Colonia", "Codigo Postal",
    "Municipio o Alcaldia", "Entidad federativa", "Representante legal", "Administrador unico",
    "Numero de escritura", "Nombre del notario", "Numero del notario",
    "Fecha de escritura publica", "Folio mercantil",
    "Aportacion sin credito de los trabajadores del contrato",
    "Aportacion con credito de los trabajadores del contrato",
    "Amortizacion de los trabajadores del contrato", "Numero de registro ante la STPS",
)  # fmt: skip
# An office's copy of the workers' guide: accents and capitals, columns moved, one added.
OFICINA = (
    "NÚMERO DE SEGURO SOCIAL DEL TRABAJADOR", "Bimestre", "Número de Contrato",
    "Registro Patronal ante el I.M.S.S.", "Cuatrimestre que declara", "Año que se declara",
    "Registro Federal de Contribuyente del Sujeto Obligado", "Observaciones de la oficina",
    *(f"{t.upper()} (Centro de Trabajo)" for t in _SITIO),
    "Monto Percepciones Fijas", "Monto Percepciones Variables", "Días de incapacidad",
    "Percepciones no integrables al S.B.A.", "Salario no excedente (VSM)",
)  # fmt: skip


def hoja(titulos: tuple[str, ...], seccion: str) -> list[list[object]]:
    """The guide's three header rows: the section, the group, the titles."""
    return [[seccion], ["Información"], list(titulos)]


def libro(path, hojas: dict[str, list[list[object]]]):  # type: ignore[no-untyped-def]
    """An .xlsx with one sheet per guide, as an office joins them."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for nombre, filas in hojas.items():
        sheet = book.create_sheet(nombre)
        for fila in filas:
            sheet.append(fila)
    book.save(path)
    return path
