"""The SISUB files through the real services: the three CSVs as Excel in Spanish saves them
(Windows-1252, commas, CRLF) read back by the csv module equal to the report (by LibreOffice and
pandas, cell by cell: test_sisub_lectura.py);
the office's guide (.xls, its columns in another order, one the app cannot fill) read by its
titles and kept for the next export; a ZIP per period; who may export."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.domain.sisub.archivos import pesos
from icsoe_desktop.domain.sisub.layout import NOMBRES_CSV, PDF_REPSE
from icsoe_desktop.services.acceso.permisos import PermisoDenegado
from tests import sisub_fixtures as fx
from tests.informativa_servicios import CLIENTE
from tests.services.libros_de_prueba import escribir
from tests.sisub_datos import GUIA_DETALLE, SITIO

DETALLE = f"{NOMBRES_CSV['trabajadores']}.csv"
CONTRATOS = f"{NOMBRES_CSV['contratos']}.csv"
SUJETO = f"{NOMBRES_CSV['sujeto']}.csv"

# The fixtures the tests take (tests/sisub_fixtures.py).
_quien_una_vez, services, quien, reporte = fx._quien_una_vez, fx.services, fx.quien, fx.reporte


def _csv(datos: bytes) -> list[list[str]]:
    assert b"\r\n" in datos and b"\n" not in datos.replace(b"\r\n", b"")
    return list(csv.reader(io.StringIO(datos.decode("cp1252"), newline="")))


def _esperado(services, uuid, ana) -> list[list[str]]:
    r = services.sisub.reporte(uuid, ana)
    (c,) = r.contratos
    return [
        [
            "2",
            "2026",
            str(t.bimestre),
            r.rfc,
            c.numero,
            t.registro_patronal,
            t.nss,
            SITIO.calle,
            SITIO.numero_exterior,
            SITIO.numero_interior,
            SITIO.colonia,
            SITIO.codigo_postal,
            SITIO.municipio,
            SITIO.entidad,
            pesos(t.importes.variables),
            pesos(t.importes.fijas),
            str(t.importes.dias_incapacidad),
            pesos(t.importes.no_integradas),
            pesos(t.importes.no_excedente),
        ]
        for t in c.trabajadores
    ]


def test_the_csvs_read_back_equal_the_report(services, reporte, tmp_path):
    rfc, ana, uuid = reporte
    hecho = services.sisub_archivos.exportar(uuid, rfc, tmp_path / "salida")
    assert hecho.ruta == tmp_path / "salida" / f"SISUB {rfc} 2026-2"
    assert hecho.avisos[0] == (
        "Los CSV llevan las columnas del formato incluido en icsoe-desktop: no se ha leído un "
        "archivo de guía del INFONAVIT."
    )
    assert sorted(p.name for p in hecho.ruta.iterdir()) == sorted([CONTRATOS, DETALLE, SUJETO])
    detalle = _csv((hecho.ruta / DETALLE).read_bytes())
    assert detalle[0][:3] == ["Cuatrimestre", "Año", "Bimestre"]
    assert detalle[1:] == _esperado(services, uuid, ana)
    (encabezado, fila) = _csv((hecho.ruta / CONTRATOS).read_bytes())
    contratos = dict(zip(encabezado, fila, strict=True))
    assert contratos["Número de contrato"] == "SISUB-2026-001"
    assert contratos["RFC del beneficiario"] == CLIENTE.rfc
    assert contratos["Fecha de inicio"] == "10/02/2026"
    assert contratos["Número de trabajadores"] == "2"
    (encabezado, fila) = _csv((hecho.ruta / SUJETO).read_bytes())
    sujeto = dict(zip(encabezado, fila, strict=True))
    assert (sujeto["RFC"], sujeto["Tipo de reporte"]) == (rfc, "Con datos continuos")
    # «Yucatán», «Número»: one byte each, as Windows-1252 writes them.
    assert "Yucatán".encode("cp1252") in (hecho.ruta / DETALLE).read_bytes()
    # The PDFs the guide names and the app does not keep are named.
    assert any(PDF_REPSE in a for a in hecho.avisos)


def test_the_offices_guide_orders_the_columns_and_is_kept(services, reporte, tmp_path):
    rfc, ana, uuid = reporte
    guia = escribir(tmp_path / "guia_detalle.xls", GUIA_DETALLE)
    leida = services.sisub_archivos.leer_guia(guia, rfc)
    assert leida.avisos == (
        "Detalle de trabajadores: la columna «Clave de ubicación» no se puede llenar; se deja "
        "vacía.",
    )
    hecho = services.sisub_archivos.exportar(uuid, rfc, tmp_path / "salida", como_zip=True)
    assert hecho.ruta.name == f"SISUB {rfc} 2026-2.zip"
    assert hecho.avisos[:2] == (
        "«Sujeto obligado» y «Contratos»: columnas del formato incluido en icsoe-desktop; "
        "«Detalle de trabajadores»: columnas de la guía «guia_detalle.xls» leída el 22/11/2026.",
        leida.avisos[0],
    )
    with zipfile.ZipFile(hecho.ruta) as archivo:
        detalle = _csv(archivo.read(DETALLE))
    assert detalle[0] == list(GUIA_DETALLE[1])
    por_nss = {(e[6], e[2]): e for e in _esperado(services, uuid, ana)}
    for fila in detalle[1:]:
        e = por_nss[(fila[0], fila[3])]
        assert fila == [e[6], e[5], e[4], e[2], "", e[15], e[14], e[16]]
    # Kept for this empresa: the next export, from another opening of it, uses it.
    from icsoe_desktop.services.container import open_services

    otra = open_services(services.data_dir, services.clock)
    try:
        otra_vez = otra.sisub_archivos.exportar(uuid, rfc, tmp_path / "otra")
        assert _csv((otra_vez.ruta / DETALLE).read_bytes())[0][4] == "Clave de ubicación"
    finally:
        otra.close()


def test_a_file_that_is_not_a_guide_is_refused(services, reporte, tmp_path):
    rfc, _ana, _uuid = reporte
    otro = escribir(tmp_path / "otro.xlsx", [["Nombre", "Teléfono"], ["Ana", "5511223344"]])
    with pytest.raises(ValidationError) as error:
        services.sisub_archivos.leer_guia(otro, rfc)
    assert error.value.code == "guia_no_sisub"


def test_who_may_export(services, reporte, tmp_path):
    rfc, ana, uuid = reporte
    with pytest.raises(PermisoDenegado):
        services.sisub_archivos.exportar(uuid, ana, tmp_path)
    assert services.sisub_archivos.exportar(uuid, CLI_ACTOR, tmp_path).archivos
    ocupado = tmp_path / "archivo"
    ocupado.write_text("no soy carpeta")
    with pytest.raises(ValidationError) as error:
        services.sisub_archivos.exportar(uuid, rfc, ocupado)
    assert error.value.code == "destino_no_escribible"


def _registro_stps(rfc: str) -> bytes:
    """A one-page PDF of text, as the STPS's constancia of the REPSE registration is."""
    from tests.services.test_repse import constancia_repse

    return constancia_repse(rfc, "AR12345/2024")


def test_the_repse_registration_kept_goes_out_under_the_guides_name(services, reporte, tmp_path):
    from datetime import date

    from icsoe_desktop.services.informativa.repse import Pdf

    rfc, _ana, uuid = reporte
    pdf = _registro_stps(rfc)
    services.repse.registrar(
        rfc, rfc, "AR12345/2024", date(2024, 3, 15), ["Mantenimiento industrial"],
        Pdf(pdf, "constancia STPS.pdf"),
    )  # fmt: skip
    nombre = f"{PDF_REPSE}.pdf"
    carpeta = services.sisub_archivos.exportar(uuid, rfc, tmp_path / "carpeta")
    assert (carpeta.ruta / nombre).read_bytes() == pdf
    assert not any("registro REPSE" in a for a in carpeta.avisos)
    (tmp_path / "zip").mkdir()
    hecho = services.sisub_archivos.exportar(uuid, rfc, tmp_path / "zip", como_zip=True)
    with zipfile.ZipFile(hecho.ruta) as archivo:
        assert archivo.read(nombre) == pdf
    (encabezado, fila) = _csv(archivo_de(hecho.ruta, SUJETO))
    assert dict(zip(encabezado, fila, strict=True))["Folio de registro REPSE"] == "AR12345/2024"


def archivo_de(zip_path, nombre: str) -> bytes:
    with zipfile.ZipFile(zip_path) as archivo:
        return archivo.read(nombre)


def test_the_sujeto_obligado_has_a_row_per_registro_patronal(services, reporte, tmp_path):
    from tests import nomina_cfdi as nc

    rfc, _ana, uuid = reporte
    # One with no worker of the period, and the receipts' one: «la totalidad de los registros
    # patronales».
    for registro in ("B1234567105", nc.REGISTRO_PATRONAL):
        services.registros.save(registro, rfc, "EMPRESA DEMO SA DE CV", CLI_ACTOR)
    hecho = services.sisub_archivos.exportar(uuid, rfc, tmp_path)
    (encabezado, *filas) = _csv((hecho.ruta / SUJETO).read_bytes())
    sujetos = [dict(zip(encabezado, fila, strict=True)) for fila in filas]
    assert [s["Registro patronal"] for s in sujetos] == sorted(
        ["B1234567105", nc.REGISTRO_PATRONAL]
    )
    assert {s["Folio de registro REPSE"] for s in sujetos} == {"AR12345/2024"}


def test_a_character_windows_1252_lacks_is_written_as_excel_does_without_a_final_break():
    from icsoe_desktop.domain.sisub.layout import sin_ansi, texto_csv

    # Rows end in CRLF, the last one without it (the instructivo has it deleted).
    assert texto_csv([["Ana ✓", 'dice "hola", sí'], ["x"]]) == b'Ana ?,"dice ""hola"", s\xed"\r\nx'
    assert sin_ansi("Ana ✓ Ñ") == "✓"


def _contenido(carpeta) -> dict[str, bytes]:
    """Every file under ``carpeta`` (a ZIP's entries as files of their own) by its path."""
    leido = {}
    for ruta in sorted(carpeta.rglob("*")):
        if ruta.suffix == ".zip":
            with zipfile.ZipFile(ruta) as archivo:
                leido |= {f"{ruta.name}/{n}": archivo.read(n) for n in archivo.namelist()}
        elif ruta.is_file():
            leido[str(ruta.relative_to(carpeta))] = ruta.read_bytes()
    return leido


@pytest.mark.parametrize("como_zip", [False, True], ids=["carpeta", "zip"])
def test_exportar_tells_its_steps_and_a_stop_at_any_leaves_what_was_there(
    services, reporte, tmp_path, como_zip
):
    """The bar moves with the report read, the rows made and the files written, never back, to
    its end; stopped at any of those steps (Cancelar, the window closed) the destination keeps
    what it had: nothing, or an earlier export whole, never a file or a folder half written."""
    from icsoe_desktop.domain.errors import OperacionCancelada
    from icsoe_desktop.services.sisub.avance import PASOS

    rfc, ana, uuid = reporte
    destino = tmp_path / "salida"
    pasos: list[tuple[int, int]] = []
    services.sisub_archivos.exportar(
        uuid, rfc, destino, como_zip, lambda n, total: pasos.append((n, total))
    )
    hechos = [n for n, _total in pasos]
    assert {total for _n, total in pasos} == {PASOS}
    assert hechos == sorted(set(hechos)) and len(hechos) > 5 and hechos[-1] == PASOS
    antes = _contenido(destino)
    assert len(antes) == 3
    # The contract's number changes: the next export's files differ.
    contrato = services.sisub.reporte(uuid, rfc).contratos[0].uuid
    services.sisub.guardar_contrato(uuid, contrato, ana, "SISUB-2026-777", SITIO)
    exportados = sum(r.action == "sisub_exportado" for r in services.audit.recent())
    for paso in hechos[:-1]:

        def parar(n: int, _total: int, paso: int = paso) -> None:
            if n == paso:
                raise OperacionCancelada

        with pytest.raises(OperacionCancelada):
            services.sisub_archivos.exportar(uuid, rfc, destino, como_zip, parar)
        assert _contenido(destino) == antes, paso
        assert [p.name for p in destino.iterdir()] == [f"SISUB {rfc} 2026-2" + ".zip" * como_zip]
    assert sum(r.action == "sisub_exportado" for r in services.audit.recent()) == exportados
    services.sisub_archivos.exportar(uuid, rfc, destino, como_zip)
    despues = _contenido(destino)
    assert despues.keys() == antes.keys() and despues != antes
    assert all(b"SISUB-2026-777" in d for n, d in despues.items() if CONTRATOS in n)
