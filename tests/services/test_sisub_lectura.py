"""The three SISUB CSVs of an ordinary report read back cell by cell as a clerk and an analyst
open them — LibreOffice Calc importing them as Excel in Spanish (México) does (commas,
Windows-1252), pandas with the file's encoding — equal what the report says: two contracts
(one's work site «Av. Ñandú, esq. Peña», a number with quotes), four workers over both
bimestres, amounts with centavos, a worker's NSS and a código postal with leading zeros.

The expected rows are made here from what the services show (the report, the window's counts,
the contratista's datos generales, its REPSE registration), formatted as the layout says: two
decimals and a decimal point, dates dd/mm/aaaa."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from icsoe_desktop.domain.identifiers import nss_check_digit
from icsoe_desktop.domain.informativa.modelo import Domicilio
from icsoe_desktop.domain.sisub.captura import TrabajadorCapturado
from icsoe_desktop.domain.sisub.layout import NOMBRES_CSV
from icsoe_desktop.domain.sisub.modelo import Importes
from icsoe_desktop.services.informativa.captura import ContratoDatos
from icsoe_desktop.services.informativa.repse import Pdf
from tests import nomina_cfdi as nc
from tests import sisub_fixtures as fx
from tests.informativa_datos import trabajadores_limpios
from tests.informativa_servicios import CLIENTE
from tests.libreoffice import EN_WINDOWS_SIN_LIBREOFFICE, convertir
from tests.services.test_repse import constancia_repse
from tests.sisub_datos import (
    ENERO_ABRIL,
    MAYO_AGOSTO,
    OTRO_CLIENTE,
    SITIO,
    contrato,
    de_la_lista,
    importar,
)

# The fixtures the tests take (tests/sisub_fixtures.py).
_quien_una_vez, services, quien = fx._quien_una_vez, fx.services, fx.quien

SUJETO, CONTRATOS, DETALLE = (NOMBRES_CSV[a] for a in ("sujeto", "contratos", "trabajadores"))
# A work site in Mexico City: a comma and «Ñ» in its street, quotes in its interior number, a
# código postal that starts with 0.
SITIO_CDMX = Domicilio(
    "Av. Ñandú, esq. Peña", "12", 'Local "B", planta baja', "San Ángel", "01000",
    "Álvaro Obregón", "Ciudad de México",
)  # fmt: skip
# A worker the clerk types, whose NSS starts with 0 (subdelegación 01).
NSS_CERO = "0198765432" + nss_check_digit("0198765432")
NSS_OTRO = "3198765432" + nss_check_digit("3198765432")


@pytest.fixture
def ordinario(quien, services, tmp_path) -> tuple[str, str, str]:
    """An ordinary SISUB of mayo–agosto 2026, ready to export: the enero–abril informativa's
    contract with CLIENTE (two workers, their receipts of May and July; one's July amounts
    corrected with centavos, an incapacidad and what is not integrated) and one with
    OTRO_CLIENTE (no end date, no receipts: two workers typed, one in both bimestres); the
    REPSE registration kept. (rfc, ana, report uuid)."""
    rfc, ana = quien
    informativa, con_cliente = contrato(
        services, rfc, ana, ENERO_ABRIL, CLIENTE, date(2026, 2, 10), date(2027, 2, 9)
    )
    contratante, _ = services.informativas.guardar_contratante(rfc, ana, OTRO_CLIENTE)
    con_otro = services.informativas.guardar_contrato(
        informativa,
        ana,
        ContratoDatos(
            contratante,
            objeto="Mantenimiento de cámaras de refrigeración, Mérida – nave 2",
            folio_repse="12345/2025",
            descripcion_servicio="Refrigeración industrial",
            fecha_inicial=date(2026, 3, 2),
        ),
    )
    lista = trabajadores_limpios(1, random.Random(9), 2026)
    assert (
        services.informativa_trabajadores.agregar_varios(con_otro, ana, list(lista)).problemas == []
    )
    uno, dos = de_la_lista(services, con_cliente, ana)
    emisor = nc.Emisor()
    importar(
        services,
        tmp_path / "nomina",
        [
            (f"{t.nss}{n}.xml", nc.recibo(emisor, t, p, subcontrataciones=((CLIENTE.rfc, "100"),)))
            for t in (uno, dos)
            for n, p in enumerate((nc.Periodo.quincena(2026, 5), nc.Periodo.quincena(2026, 7)))
        ],
    )
    uuid = services.sisub.preparar(rfc, ana, MAYO_AGOSTO).uuid
    services.sisub.guardar_contrato(uuid, con_cliente, ana, "SISUB-2026-001", SITIO)
    services.sisub.guardar_contrato(uuid, con_otro, ana, "SISUB-2026-002", SITIO_CDMX)
    julio = next(t for t in services.sisub.trabajadores(uuid, ana, con_cliente) if t.bimestre == 4)
    services.sisub.editar_trabajador(
        julio.uuid,
        ana,
        Importes(fijas=1_234_505, variables=98_710, dias_incapacidad=3, no_integradas=4_001,
                 no_excedente=55_369),
        nc.REGISTRO_PATRONAL,
    )  # fmt: skip
    for bimestre, nss, importes in (
        (3, NSS_CERO, Importes(fijas=1_800_000, variables=25_050, no_excedente=30_007)),
        (4, NSS_CERO, Importes(fijas=1_800_000, variables=99, no_excedente=30_007)),
        (4, NSS_OTRO, Importes(fijas=915_060, dias_incapacidad=1, no_excedente=15_251)),
    ):
        services.sisub.agregar_trabajador(
            uuid, con_otro, ana,
            TrabajadorCapturado(bimestre, nss, nc.REGISTRO_PATRONAL, importes, nombre="ROSA PÉREZ"),
        )  # fmt: skip
    services.repse.registrar(
        rfc, rfc, "AR12345/2024", date(2024, 3, 15), ["Mantenimiento industrial"],
        Pdf(constancia_repse(rfc, "AR12345/2024"), "constancia STPS.pdf"),
    )  # fmt: skip
    assert [p.mensaje for p in services.sisub.revisar(uuid, ana) if not p.aviso] == []
    return rfc, ana, uuid


def _pesos(centavos: int) -> str:
    return f"{Decimal(centavos) / 100:.2f}"


def _fecha(dia: date | None) -> str:
    return f"{dia.day:02d}/{dia.month:02d}/{dia.year}" if dia else ""


def _sitio(sitio: Domicilio) -> dict[str, str]:
    return {
        "Calle": sitio.calle,
        "Número exterior": sitio.numero_exterior,
        "Número interior": sitio.numero_interior,
        "Colonia": sitio.colonia,
        "Código postal": sitio.codigo_postal,
        "Municipio o alcaldía": sitio.municipio,
        "Entidad federativa": sitio.entidad,
    }


def _con_entre_calles(sitio: dict[str, str]) -> dict[str, str]:
    """The address as the sujeto's and contracts' files order it: the cross streets after the
    número interior."""
    claves = list(sitio)
    i = claves.index("Número interior") + 1
    return {
        **{k: sitio[k] for k in claves[:i]},
        "Entre calle": "",
        "Y calle": "",
        **{k: sitio[k] for k in claves[i:]},
    }


def _esperado(services, uuid: str, rfc: str) -> dict[str, list[dict[str, str]]]:
    """Per CSV, its rows by the built-in layout's titles, in its order, as the services show
    the report."""
    r = services.sisub.reporte(uuid, rfc)
    cuentas = services.sisub.vista(uuid, rfc, None).cuentas  # the window's «Trabajadores»
    datos = services.contratistas.datos_generales(rfc)
    periodo = {"Cuatrimestre": str(r.periodo.numero), "Año": str(r.periodo.anio)}
    filas_de: dict[str, list] = {}
    for c in r.contratos:
        for t in c.trabajadores:
            filas_de.setdefault(t.registro_patronal, []).append(t.importes)
    # A row per registro patronal, its workers' aportaciones and amortizaciones.
    sujeto = [
        {
            "RFC": r.rfc,
            "Nombre, denominación o razón social": r.nombre,
            "Registro patronal": registro,
            "Folio de registro REPSE": services.repse.ver(rfc, rfc).aviso,
            "Correo electrónico": datos.correo,
            "Teléfono": datos.telefono_fijo or datos.celular,
            **periodo,
            "Tipo de reporte": r.tipo_texto,
            "Calle": datos.calle,
            "Número exterior": datos.numero_exterior,
            "Número interior": datos.numero_interior,
            "Entre calle": "",
            "Y calle": "",
            "Colonia": datos.colonia,
            "Código postal": datos.codigo_postal,
            "Municipio o alcaldía": datos.municipio,
            "Entidad federativa": datos.entidad,
            "Representante legal": "",
            "Administrador único": "",
            "Número de escritura": "",
            "Nombre del notario": "",
            "Número del notario": "",
            "Fecha de escritura pública": "",
            "Folio mercantil": "",
            "Aportación sin crédito de los trabajadores del contrato": _pesos(
                sum(i.aportacion for i in filas_de[registro] if not i.amortizacion)
            ),
            "Aportación con crédito de los trabajadores del contrato": _pesos(
                sum(i.aportacion for i in filas_de[registro] if i.amortizacion)
            ),
            "Amortización de los trabajadores del contrato": _pesos(
                sum(i.amortizacion for i in filas_de[registro])
            ),
        }
        for registro in sorted(filas_de)
    ]
    contratos = [
        {
            "RFC del sujeto obligado": r.rfc,
            "Número de contrato": c.numero,
            "RFC del beneficiario": c.contratante.rfc,
            "Nombre o razón social del beneficiario": c.contratante.nombre,
            "Objeto del contrato": c.objeto,
            "Servicio u obra especializada": c.servicio,
            "Fecha de inicio": _fecha(c.fecha_inicial),
            "Fecha de término": _fecha(c.fecha_final),
            "Número de trabajadores": str(cuentas[c.uuid]),
            **periodo,
            # The beneficiary's domicilio fiscal.
            **_con_entre_calles(_sitio(c.contratante.domicilio)),
            "Tipo de contrato": c.tipo,
            "Monto del contrato": _pesos(c.monto) if c.monto else "",
            "Vigencia": f"{_fecha(c.fecha_inicial)} al {_fecha(c.fecha_final)}"
            if c.fecha_final
            else f"{_fecha(c.fecha_inicial)} en adelante",
            "Registro patronal del beneficiario": c.registro_beneficiario,
            "Correo electrónico del beneficiario": c.contratante.correo,
            "Teléfono del beneficiario": c.contratante.telefono_fijo
            or c.contratante.telefono_movil,
        }
        for c in r.contratos
    ]
    detalle = [
        {
            **periodo,
            "Bimestre": str(t.bimestre),
            "RFC del sujeto obligado": r.rfc,
            "Número de contrato": c.numero,
            "Registro patronal": t.registro_patronal,
            "NSS": t.nss,
            **_sitio(c.sitio),
            "Percepciones variables": _pesos(t.importes.variables),
            "Percepciones fijas": _pesos(t.importes.fijas),
            "Días de incapacidad": str(t.importes.dias_incapacidad),
            "Percepciones no integradas al SBA": _pesos(t.importes.no_integradas),
            "Salario no excedente": _pesos(t.importes.no_excedente),
        }
        for c in r.contratos
        for t in c.trabajadores
    ]
    return {SUJETO: sujeto, CONTRATOS: contratos, DETALLE: detalle}


def _el_escenario_es_el_pedido(esperado: dict[str, list[dict[str, str]]]) -> None:
    """What the rows must hold for the read-back to prove anything."""
    detalle = esperado[DETALLE]
    assert len(esperado[CONTRATOS]) == 2
    assert {f["Bimestre"] for f in detalle} == {"3", "4"}
    assert len({f["NSS"] for f in detalle}) == 4
    assert NSS_CERO in {f["NSS"] for f in detalle}
    assert "01000" in {f["Código postal"] for f in detalle}
    assert any(f["Percepciones fijas"].endswith(".05") for f in detalle)
    assert any(f["Percepciones variables"] == "0.99" for f in detalle)


def _tabla(filas: list[dict[str, str]]) -> list[list[str]]:
    return [list(filas[0]), *(list(f.values()) for f in filas)]


def _exportar(services, ordinario, destino: Path) -> tuple[Path, dict[str, list[list[str]]]]:
    rfc, _ana, uuid = ordinario
    hecho = services.sisub_archivos.exportar(uuid, rfc, destino)
    esperado = _esperado(services, uuid, rfc)
    _el_escenario_es_el_pedido(esperado)
    return hecho.ruta, {nombre: _tabla(filas) for nombre, filas in esperado.items()}


def test_pandas_reads_the_three_csvs_as_the_report_shows(services, ordinario, tmp_path):
    """As an analyst opens them: pandas with the file's encoding, every cell as text."""
    pd = pytest.importorskip("pandas", reason="pandas no se instala en Windows (NOT_ON_WINDOWS)")
    carpeta, esperado = _exportar(services, ordinario, tmp_path / "salida")
    for nombre, (titulos, *filas) in esperado.items():
        leido = pd.read_csv(
            carpeta / f"{nombre}.csv", encoding="cp1252", dtype=str, keep_default_na=False
        )
        assert list(leido.columns) == titulos, nombre
        assert leido.values.tolist() == filas, nombre


def _leido_por_libreoffice(xlsx: Path) -> list[list[object]]:
    from openpyxl import load_workbook

    libro = load_workbook(xlsx, read_only=True)
    try:
        filas = libro.active.iter_rows(values_only=True)
        return [["" if v is None else v for v in fila] for fila in filas]
    finally:
        libro.close()  # a read-only workbook keeps its file open until closed


# LibreOffice's CSV import options (--infilter): comma, double quote, Windows-1252 (its
# encoding 1), titles in the first row, the columns' types, Spanish (Mexico) (language 2058:
# a decimal point and dd/mm/aaaa, as Excel in Spanish (México) reads them).
_CSV_ES_MX = "CSV:44,34,1,1,{columnas},2058"
_COMO_TEXTO = "/".join(f"{n}/2" for n in range(1, 41))  # every column «Texto»


@EN_WINDOWS_SIN_LIBREOFFICE
def test_libreoffice_reads_the_three_csvs_as_the_report_shows(services, ordinario, tmp_path):
    """As a clerk opens them in LibreOffice Calc with every column as text: each cell, NSS and
    código postal with their leading zeros, the amounts with their two decimals."""
    carpeta, esperado = _exportar(services, ordinario, tmp_path / "salida")
    csvs = [carpeta / f"{nombre}.csv" for nombre in esperado]
    texto = tmp_path / "texto"
    texto.mkdir()
    libros = convertir(csvs, "xlsx", texto, _CSV_ES_MX.format(columnas=_COMO_TEXTO))
    for (nombre, tabla), xlsx in zip(esperado.items(), libros, strict=True):
        assert _leido_por_libreoffice(xlsx) == tabla, nombre

    # Opened with the import's defaults (columns «Estándar») LibreOffice takes NSS and código
    # postal for numbers and drops their leading zeros (01000 → 1000), as Excel does with a
    # CSV opened by double-click; saved from there, the file loses them. The clerk uploads the
    # files as exported; to look at one, opens it from Calc (Archivo › Abrir) and in «Importar
    # texto» chooses «Europa occidental (Windows-1252/WinLatin 1)» and «Coma», selects every
    # column and sets «Tipo de columna: Texto» (in Excel, Datos › Desde el texto/CSV with the
    # columns as Texto), and does not save it over the exported one.
    estandar = tmp_path / "estandar"
    estandar.mkdir()
    (libro,) = convertir(
        [carpeta / f"{DETALLE}.csv"], "xlsx", estandar, _CSV_ES_MX.format(columnas="")
    )
    titulos, *filas = _leido_por_libreoffice(libro)
    nss, cp = titulos.index("NSS"), titulos.index("Código postal")
    cero = next(f for f in filas if f[nss] == int(NSS_CERO))
    assert cero[cp] == 1000
