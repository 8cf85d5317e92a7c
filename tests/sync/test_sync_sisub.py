"""The SISUB travels between two desktops of one company through the real server: a report
prepared on one, its contract's number and work site and an amount typed by hand arrive on
the other; the report filed there comes back presentado with its acuse; the escritura and the
contracts' PDFs arrive whole, one per contratista and contract; the office's INFONAVIT guide
read on one lays out the CSVs exported on the other, one guide per CSV in the company."""

from __future__ import annotations

import csv
import io
from datetime import date

from icsoe_desktop.demo.acuse_infonavit import acuse_infonavit_pdf
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.domain.sisub.layout import NOMBRES_CSV, PDF_CONTRATOS, PDF_ESCRITURA
from icsoe_desktop.domain.sisub.modelo import PRESENTADO, Importes
from icsoe_desktop.services.informativa.repse import Pdf
from icsoe_desktop.services.sisub.pdfs import MAX_BYTES
from tests.icsoe_helpers import enter_contratista
from tests.informativa_servicios import CLIENTE
from tests.services.libros_de_prueba import escribir
from tests.services.test_repse import registro_pdf
from tests.sisub_datos import (
    ENCABEZADO_GUIA,
    GUIA_DETALLE,
    MAYO_AGOSTO,
    SITIO,
    completar,
    con_repse,
    contrato,
)
from tests.sync.conftest import connected


def test_a_sisub_report_travels_and_its_filing_comes_back(sync_server, desktops, tmp_path):
    a, b = connected(sync_server, desktops)
    rfc = enter_contratista(a, a.data_dir, tmp_path)
    _inf, nuevo = contrato(
        a, rfc, CLI_ACTOR, MAYO_AGOSTO, CLIENTE, date(2026, 6, 1), None, trabajadores=3
    )
    hecho = a.sisub.preparar(rfc, CLI_ACTOR, MAYO_AGOSTO)
    a.sisub.guardar_contrato(hecho.uuid, nuevo, CLI_ACTOR, "SISUB-9", SITIO)
    fila = a.sisub.reporte(hecho.uuid, CLI_ACTOR).contratos[0].trabajadores[0]
    a.sisub.editar_trabajador(
        fila.uuid, CLI_ACTOR, Importes(1_234_56, 0, 2, 0, 500_00), "Y5412345105"
    )
    a.sync.synchronize()
    b.sync.synchronize()
    en_b = b.sisub.reporte(hecho.uuid, CLI_ACTOR)
    assert en_b == a.sisub.reporte(hecho.uuid, CLI_ACTOR)
    (c,) = en_b.contratos
    assert (c.numero, c.sitio) == ("SISUB-9", SITIO)
    assert len(c.trabajadores) == 6  # three workers, two bimestres
    assert b.sisub.del_periodo(rfc, CLI_ACTOR, MAYO_AGOSTO) == hecho.uuid

    completar(b, hecho.uuid, CLI_ACTOR)  # only a report Revisar passes is filed
    pdf = acuse_infonavit_pdf(rfc=rfc)
    b.sisub_presentacion.registrar(hecho.uuid, CLI_ACTOR, pdf, "acuse.pdf", "SISUB-2026-0001234")
    b.sync.synchronize()
    a.sync.synchronize()
    assert a.sisub.reporte(hecho.uuid, CLI_ACTOR).estado == PRESENTADO
    assert a.sisub_presentacion.acuse(hecho.uuid, CLI_ACTOR) == pdf


def escaneado_pdf(texto: str, lado: int = 1000) -> bytes:
    """A one-page PDF holding a scan that does not compress (random pixels: ``lado``² × 3
    bytes), as an escritura scanned in colour is."""
    import io
    import os

    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    imagen = Image.frombytes("RGB", (lado, lado), os.urandom(lado * lado * 3))
    salida = io.BytesIO()
    hoja = canvas.Canvas(salida, invariant=1)
    hoja.drawString(72, 760, texto)
    hoja.drawImage(ImageReader(imagen), 72, 100, 400, 400)
    hoja.save()
    return salida.getvalue()


def test_the_escritura_and_a_contracts_pdf_travel_whole(full_server, desktops, tmp_path):
    a, b = connected(full_server, desktops)
    rfc = enter_contratista(a, a.data_dir, tmp_path)
    _inf, nuevo = contrato(a, rfc, CLI_ACTOR, MAYO_AGOSTO, CLIENTE, date(2026, 6, 1), None)
    con_repse(a, rfc)  # Revisar asks for it
    hecho = a.sisub.preparar(rfc, CLI_ACTOR, MAYO_AGOSTO)
    a.sisub.guardar_contrato(hecho.uuid, nuevo, CLI_ACTOR, "SISUB-9", SITIO)
    for fila in a.sisub.reporte(hecho.uuid, CLI_ACTOR).contratos[0].trabajadores:
        a.sisub.editar_trabajador(fila.uuid, CLI_ACTOR, Importes(fijas=1_500_000), "Y5412345105")
    escritura = escaneado_pdf("Escritura constitutiva", lado=1150)  # near the 5 MB limit
    assert 3_900_000 < len(escritura) <= MAX_BYTES
    del_contrato = registro_pdf("Contrato SISUB-9")
    a.sisub_pdfs.adjuntar_escritura(rfc, CLI_ACTOR, Pdf(escritura, "escritura.pdf"))
    a.sisub_pdfs.adjuntar_contrato(rfc, CLI_ACTOR, nuevo, Pdf(del_contrato, "contrato.pdf"))
    assert a.sync.synchronize().conflictos == 0
    assert b.sync.synchronize().conflictos == 0

    assert b.sisub_pdfs.guardados(rfc, CLI_ACTOR) == a.sisub_pdfs.guardados(rfc, CLI_ACTOR)
    exportado = b.sisub_archivos.exportar(hecho.uuid, CLI_ACTOR, tmp_path / "en_b").ruta
    assert (exportado / f"{PDF_ESCRITURA}.pdf").read_bytes() == escritura
    assert (exportado / f"{PDF_CONTRATOS}.pdf").read_bytes() == del_contrato


def test_two_desktops_attaching_an_escritura_keep_one_and_a_conflict(
    full_server, desktops, tmp_path
):
    a, b = connected(full_server, desktops)
    rfc = enter_contratista(a, a.data_dir, tmp_path)
    a.sync.synchronize()
    b.sync.synchronize()
    suya, mia = registro_pdf("Escritura de A"), registro_pdf("Escritura de B, otra copia")
    a.sisub_pdfs.adjuntar_escritura(rfc, CLI_ACTOR, Pdf(suya, "de_a.pdf"))
    b.sisub_pdfs.adjuntar_escritura(rfc, CLI_ACTOR, Pdf(mia, "de_b.pdf"))
    assert a.sync.synchronize().conflictos == 0
    assert b.sync.synchronize().conflictos == 1
    (conflicto,) = b.conflictos.conflicts()
    assert conflicto.titulo == "PDF del SISUB"
    assert conflicto.otra["data"]["nombre"] == "de_b.pdf"  # B's own, kept to choose
    # Until the clerk chooses, both desktops hold A's (one per contratista, never two).
    for escritorio in (a, b):
        (guardado,) = escritorio.sisub_pdfs.guardados(rfc, CLI_ACTOR).values()
        assert guardado.nombre == "de_a.pdf"
    # B keeps its own: it reaches A as an ordinary change of the one escritura.
    b.conflictos.resolve(conflicto.id, "otra", CLI_ACTOR)
    assert b.sync.synchronize().conflictos == 0
    assert a.sync.synchronize().conflictos == 0
    (guardado,) = a.sisub_pdfs.guardados(rfc, CLI_ACTOR).values()
    assert guardado.nombre == "de_b.pdf"


DETALLE = f"{NOMBRES_CSV['trabajadores']}.csv"
DE_LA_GUIA = (
    "«Sujeto obligado» y «Contratos»: columnas del formato incluido en icsoe-desktop; "
    "«Detalle de trabajadores»: columnas de la guía «{nombre}» leída el 22/11/2026."
)


def _listo_para_exportar(a, tmp_path) -> str:
    """A report of mayo–agosto made on A, ready to export: its uuid."""
    rfc = enter_contratista(a, a.data_dir, tmp_path)
    _inf, nuevo = contrato(a, rfc, CLI_ACTOR, MAYO_AGOSTO, CLIENTE, date(2026, 6, 1), None)
    con_repse(a, rfc)  # Revisar asks for it
    hecho = a.sisub.preparar(rfc, CLI_ACTOR, MAYO_AGOSTO)
    a.sisub.guardar_contrato(hecho.uuid, nuevo, CLI_ACTOR, "SISUB-9", SITIO)
    for fila in a.sisub.reporte(hecho.uuid, CLI_ACTOR).contratos[0].trabajadores:
        a.sisub.editar_trabajador(fila.uuid, CLI_ACTOR, Importes(fijas=1_500_000), "Y5412345105")
    return hecho.uuid


def _detalle(escritorio, uuid, destino) -> tuple[bytes, tuple[str, ...]]:
    """The workers' CSV an export on ``escritorio`` writes, and what the export said."""
    hecho = escritorio.sisub_archivos.exportar(uuid, CLI_ACTOR, destino)
    return (hecho.ruta / DETALLE).read_bytes(), hecho.avisos


def _encabezado(datos: bytes) -> list[str]:
    return next(csv.reader(io.StringIO(datos.decode("cp1252"), newline="")))


def test_a_guide_read_on_one_desktop_lays_out_the_csvs_exported_on_another(
    sync_server, desktops, tmp_path
):
    a, b = connected(sync_server, desktops)
    uuid = _listo_para_exportar(a, tmp_path)
    guia = escribir(tmp_path / "guia_detalle.xls", GUIA_DETALLE)
    a.sisub_archivos.leer_guia(guia, CLI_ACTOR)
    assert a.sync.synchronize().conflictos == 0
    assert b.sync.synchronize().conflictos == 0

    en_b, avisos = _detalle(b, uuid, tmp_path / "en_b")
    assert _encabezado(en_b) == list(ENCABEZADO_GUIA)
    assert avisos[0] == DE_LA_GUIA.format(nombre="guia_detalle.xls")
    assert "la columna «Clave de ubicación» no se puede llenar" in avisos[1]
    # The same files on either desktop.
    assert _detalle(a, uuid, tmp_path / "en_a")[0] == en_b


def test_two_desktops_reading_a_guide_keep_one_and_a_conflict(sync_server, desktops, tmp_path):
    a, b = connected(sync_server, desktops)
    uuid = _listo_para_exportar(a, tmp_path)
    a.sync.synchronize()
    b.sync.synchronize()
    a.sisub_archivos.leer_guia(escribir(tmp_path / "guia_detalle.xls", GUIA_DETALLE), CLI_ACTOR)
    al_reves = list(reversed(ENCABEZADO_GUIA))
    b.sisub_archivos.leer_guia(escribir(tmp_path / "de_b.xlsx", [al_reves]), CLI_ACTOR)
    assert a.sync.synchronize().conflictos == 0
    assert b.sync.synchronize().conflictos == 1
    (conflicto,) = b.conflictos.conflicts()
    assert conflicto.titulo == "Guía del SISUB"
    assert conflicto.otra["data"]["nombre"] == "de_b.xlsx"  # B's own, kept to choose
    # Until the clerk chooses, both desktops export with A's guide (one per CSV, never two).
    for escritorio, destino in ((a, "a1"), (b, "b1")):
        datos, avisos = _detalle(escritorio, uuid, tmp_path / destino)
        assert _encabezado(datos) == list(ENCABEZADO_GUIA)
        assert avisos[0] == DE_LA_GUIA.format(nombre="guia_detalle.xls")
    # B keeps its own: it reaches A as an ordinary change of the one guide.
    b.conflictos.resolve(conflicto.id, "otra", CLI_ACTOR)
    assert b.sync.synchronize().conflictos == 0
    assert a.sync.synchronize().conflictos == 0
    datos, avisos = _detalle(a, uuid, tmp_path / "a2")
    assert _encabezado(datos) == al_reves
    assert avisos[0] == DE_LA_GUIA.format(nombre="de_b.xlsx")


def test_the_server_refuses_a_second_guide_of_one_csv_naming_the_one_it_keeps(sync_server):
    from tests.sync.test_normal_simultanea import sent, wire

    def guia(nombre: str) -> dict:
        data = {
            "archivo": "trabajadores",
            "titulos": '["NSS", "Bimestre", "Num Contrato"]',
            "campos": '["nss", "bimestre", "numero_contrato"]',
            "nombre": nombre,
            "sha256": "a" * 64,
            "leida_por": CLI_ACTOR,
            "leida_at": "2026-11-22T09:00:00",
        }
        return wire("sisub_guias", data)

    (guardada,) = sent(sync_server, sync_server.token(nombre="A"), [guia("de_a.xls")])
    assert guardada["seq"] and "rechazo" not in guardada
    (rechazada,) = sent(sync_server, sync_server.token(nombre="B"), [guia("de_b.xls")])
    assert rechazada["seq"] == 0 and not rechazada.get("espera")
    assert rechazada["rechazo"].startswith(
        "Otro equipo ya envió al servidor la guía del SISUB de este archivo («de_a.xls»): esta "
        "no se guardó"
    )
