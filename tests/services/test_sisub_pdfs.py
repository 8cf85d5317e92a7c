"""The SISUB's escritura and contracts' PDFs through the real services: each kind of bad file
refused with its message and audited, a PDF kept once (the same one again is not written
twice), reused by the next period's export, both in the folder and in the ZIP under the guide's
names, and who may attach them."""

from __future__ import annotations

import io
import zipfile

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from icsoe_desktop.domain.errors import ValidationError
from icsoe_desktop.domain.sisub.layout import PDF_CONTRATOS, PDF_ESCRITURA
from icsoe_desktop.domain.sisub.modelo import Importes
from icsoe_desktop.services.acceso.permisos import PermisoDenegado
from icsoe_desktop.services.informativa.repse import Pdf, pdf_de_archivo
from icsoe_desktop.services.sisub.pdfs import MAX_BYTES, unidos
from icsoe_desktop.store.models import SisubPdf
from tests import sisub_fixtures as fx
from tests.services.test_repse import registro_pdf
from tests.sisub_datos import ENERO_ABRIL, SITIO

ESCRITURA = f"{PDF_ESCRITURA}.pdf"
CONTRATOS = f"{PDF_CONTRATOS}.pdf"

# The fixtures the tests take (tests/sisub_fixtures.py).
_quien_una_vez, services, quien, reporte = fx._quien_una_vez, fx.services, fx.quien, fx.reporte


def _contrato(services, rfc, uuid) -> str:
    (c,) = services.sisub.reporte(uuid, rfc).contratos
    return c.uuid


@pytest.mark.parametrize(
    ("datos", "codigo", "dice"),
    [
        (b"", "acuse_vacio", "está vacío: elige el PDF de la escritura constitutiva"),
        (b"PK\x03\x04 un zip", "acuse_no_pdf", "no es un PDF"),
        (b"%PDF-1.4\n basura", "acuse_danado", "está dañado o incompleto"),
        (b"%PDF-1.4\n" + b"0" * MAX_BYTES, "acuse_grande", "pesa más de 5 MB"),
    ],
)
def test_a_bad_file_is_refused_with_its_message_and_audited(
    services, reporte, tmp_path, datos, codigo, dice
):
    rfc, _ana, _uuid = reporte
    ruta = tmp_path / "escritura.pdf"
    ruta.write_bytes(datos)
    with pytest.raises(ValidationError) as error:
        services.sisub_pdfs.adjuntar_escritura(rfc, rfc, pdf_de_archivo(ruta, MAX_BYTES))
    assert error.value.code == codigo
    assert dice in error.value.message and "escritura.pdf" in error.value.message
    assert services.sisub_pdfs.guardados(rfc, rfc) == {}
    (auditado,) = fx.auditado(services, "sisub_pdf_rechazado")
    assert dice in auditado


def test_kept_once_and_carried_by_every_export(services, reporte, tmp_path):
    rfc, _ana, uuid = reporte
    pdfs = services.sisub_pdfs
    escritura = registro_pdf("Escritura constitutiva")
    primera = pdfs.adjuntar_escritura(rfc, rfc, Pdf(escritura, "escritura.pdf"))
    otra_vez = pdfs.adjuntar_escritura(rfc, rfc, Pdf(escritura, "copia.pdf"))
    assert primera.nuevo and not otra_vez.nuevo and primera.sha256 == otra_vez.sha256
    with services.store.session() as session:
        assert session.scalar(select(func.count()).select_from(SisubPdf)) == 1
    # Without the contract's PDF the contracts' file is not written, and that is said.
    hecho = services.sisub_archivos.exportar(uuid, rfc, tmp_path / "a")
    assert (hecho.ruta / ESCRITURA).read_bytes() == escritura
    assert not (hecho.ruta / CONTRATOS).exists()
    assert any(CONTRATOS in a and "SISUB-2026-001" in a for a in hecho.avisos)
    contrato = pdfs.contrato_por_numero(rfc, rfc, "SISUB-2026-001")
    assert contrato == _contrato(services, rfc, uuid)
    pdfs.adjuntar_contrato(rfc, rfc, contrato, Pdf(registro_pdf("Contrato"), "contrato.pdf"))
    hecho = services.sisub_archivos.exportar(uuid, rfc, tmp_path / "b", como_zip=True)
    with zipfile.ZipFile(hecho.ruta) as archivo:
        assert archivo.read(ESCRITURA) == escritura
        texto = PdfReader(io.BytesIO(archivo.read(CONTRATOS))).pages[0].extract_text()
    assert "Contrato" in texto
    assert not any(ESCRITURA in a or CONTRATOS in a for a in hecho.avisos)
    assert len(fx.auditado(services, "sisub_pdf_adjuntado")) == 2


def test_the_next_period_reuses_them(services, reporte, tmp_path):
    rfc, _ana, uuid = reporte
    pdfs = services.sisub_pdfs
    pdfs.adjuntar_escritura(rfc, rfc, Pdf(registro_pdf("Escritura"), "escritura.pdf"))
    contrato = _contrato(services, rfc, uuid)
    pdfs.adjuntar_contrato(rfc, rfc, contrato, Pdf(registro_pdf("Contrato"), "contrato.pdf"))
    # The contract started in enero–abril: that period's report carries the same PDFs.
    anterior = services.sisub.preparar(rfc, rfc, ENERO_ABRIL).uuid
    services.sisub.guardar_contrato(anterior, contrato, rfc, "SISUB-2026-001", SITIO)
    (hecho_despues,) = services.sisub.reporte(uuid, rfc).contratos
    registro = hecho_despues.trabajadores[0].registro_patronal
    for t in services.sisub.reporte(anterior, rfc).contratos[0].trabajadores:
        services.sisub.editar_trabajador(t.uuid, rfc, Importes(fijas=1_500_000), registro)
    hecho = services.sisub_archivos.exportar(anterior, rfc, tmp_path / "c")
    assert (hecho.ruta / CONTRATOS).read_bytes() == (
        services.sisub_archivos.exportar(uuid, rfc, tmp_path / "d").ruta / CONTRATOS
    ).read_bytes()
    assert (hecho.ruta / ESCRITURA).exists()


def test_who_may_attach_and_what(services, reporte, tmp_path):
    rfc, ana, _uuid = reporte
    pdf = Pdf(registro_pdf("Escritura"), "escritura.pdf")
    with pytest.raises(PermisoDenegado):
        services.sisub_pdfs.adjuntar_escritura(rfc, ana, pdf)  # a capturista prepares only
    negados = [
        (r.actor, r.target)
        for r in services.audit_instalacion.recent()
        if r.action == "permiso_denegado"
    ]
    assert (ana, "PRESENTAR_SISUB") in negados
    with pytest.raises(ValidationError) as error:
        services.sisub_pdfs.adjuntar_contrato(rfc, rfc, "no-es-un-contrato", pdf)
    assert error.value.code == "contrato_invalido"
    with pytest.raises(ValidationError) as error:
        services.sisub_pdfs.contrato_por_numero(rfc, rfc, "NO-EXISTE")
    assert "NO-EXISTE" in error.value.message
    assert services.sisub_pdfs.guardados(rfc, rfc) == {}


def test_a_new_escritura_replaces_the_kept_one(services, reporte):
    rfc, _ana, _uuid = reporte
    pdfs = services.sisub_pdfs
    pdfs.adjuntar_escritura(rfc, rfc, Pdf(registro_pdf("Escritura"), "escritura.pdf"))
    nueva = pdfs.adjuntar_escritura(rfc, rfc, Pdf(registro_pdf("Reforma"), "reforma.pdf"))
    assert nueva.nuevo and pdfs.guardados(rfc, rfc)[""].nombre == "reforma.pdf"
    with pytest.raises(ValidationError):  # no contract: never taken as the escritura
        pdfs.adjuntar_contrato(rfc, rfc, "", Pdf(registro_pdf("Contrato"), "c.pdf"))
    assert pdfs.guardados(rfc, rfc)[""].nombre == "reforma.pdf"


def test_the_contracts_pdfs_are_one_file_in_the_reports_order():
    uno, dos = registro_pdf("Contrato uno"), registro_pdf("Contrato dos")
    paginas = PdfReader(io.BytesIO(unidos([uno, dos]))).pages
    assert [p.extract_text().strip() for p in paginas] == ["Contrato uno", "Contrato dos"]
