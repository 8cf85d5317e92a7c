"""`sisub preparar|revisar|exportar|presentar` as real processes on a contratista's store: a
period without contracts prepared «Sin actividad», checked, its files written (the ZIP), its
acuse registered; an acuse of another contratista refused with exit 2 and a Spanish message;
a contract without its SISUB number keeps the files from being exported."""

from __future__ import annotations

import zipfile
from datetime import date

import pytest

from icsoe_desktop.demo.acuse_infonavit import acuse_infonavit_pdf
from tests.conftest import services_copying
from tests.informativa_servicios import CLIENTE, capturista_una_vez
from tests.sisub_datos import ENERO_ABRIL, contrato
from tests.test_cli_movimientos import cli


@pytest.fixture(scope="module")
def _quien_una_vez(tmp_path_factory):
    return capturista_una_vez(tmp_path_factory)


services = services_copying(quien="_quien_una_vez")


@pytest.fixture
def quien(_quien_una_vez, services, smtp_configured):
    rfc, ana, _ = _quien_una_vez[1]
    return rfc, ana


@pytest.mark.slow
@pytest.mark.end2end
def test_a_period_without_contracts_from_preparar_to_presentar(services, quien, data_dir, tmp_path):
    rfc, _ana = quien
    services.close()
    periodo = ("--contratista", rfc, "--periodo", "2026-2")
    hecho = cli(data_dir, "sisub", "revisar", *periodo)
    assert hecho.returncode == 2 and "prepáralo primero" in hecho.stderr
    hecho = cli(data_dir, "sisub", "preparar", *periodo)
    assert hecho.returncode == 0, hecho.stderr
    assert "SISUB de mayo–agosto 2026 (Sin actividad): 0 contratos en vigor" in hecho.stdout
    hecho = cli(data_dir, "sisub", "revisar", *periodo)
    assert (hecho.returncode, hecho.stdout) == (0, "")
    hecho = cli(data_dir, "sisub", "exportar", *periodo, "--salida", tmp_path / "salida", "--zip")
    assert hecho.returncode == 0, hecho.stderr
    with zipfile.ZipFile(hecho.stdout.strip()) as archivo:
        assert "3_SISUB_Ley_29_bis_DetalleTrab.csv" in archivo.namelist()
    otro = tmp_path / "otro.pdf"
    otro.write_bytes(acuse_infonavit_pdf(rfc="XAXX010101000"))
    hecho = cli(data_dir, "sisub", "presentar", *periodo, "--acuse", otro)
    assert hecho.returncode == 2
    assert "El acuse es de otro contratista (XAXX010101000)" in hecho.stderr
    assert "Traceback" not in hecho.stderr
    acuse = tmp_path / "acuse.pdf"
    acuse.write_bytes(acuse_infonavit_pdf(rfc=rfc))
    hecho = cli(data_dir, "sisub", "presentar", *periodo, "--acuse", acuse)
    assert hecho.returncode == 0, hecho.stderr
    assert hecho.stdout.startswith("Presentado: folio SISUB-2026-0001234, 15/09/2026 11:20")


@pytest.mark.slow
@pytest.mark.end2end
def test_a_contract_without_its_number_is_not_exported(services, quien, data_dir, tmp_path):
    rfc, ana = quien
    contrato(services, rfc, ana, ENERO_ABRIL, CLIENTE, date(2026, 2, 10), None, trabajadores=1)
    services.close()
    periodo = ("--contratista", rfc, "--periodo", "2026-2")
    hecho = cli(data_dir, "sisub", "preparar", *periodo)
    assert hecho.returncode == 0, hecho.stderr
    assert "(Con datos continuos): 1 contrato en vigor, 0 renglones" in hecho.stdout
    hecho = cli(data_dir, "sisub", "revisar", *periodo)
    assert hecho.returncode == 1
    assert "Corregir: Captura el número de contrato SISUB" in hecho.stdout
    hecho = cli(data_dir, "sisub", "exportar", *periodo, "--salida", tmp_path / "salida")
    assert hecho.returncode == 2 and "Revisar encontró" in hecho.stderr


@pytest.mark.slow
@pytest.mark.end2end
def test_the_pdfs_attached_once_go_in_the_export(services, quien, data_dir, tmp_path):
    from tests.services.test_repse import registro_pdf
    from tests.sisub_datos import SITIO

    rfc, ana = quien
    _inf, uuid = contrato(
        services, rfc, ana, ENERO_ABRIL, CLIENTE, date(2026, 2, 10), None, trabajadores=1
    )
    preparado = services.sisub.preparar(rfc, ana, ENERO_ABRIL)
    services.sisub.guardar_contrato(preparado.uuid, uuid, ana, "SISUB-7", SITIO)
    services.close()
    quien_ = ("--contratista", rfc)
    danado = tmp_path / "escritura.pdf"
    danado.write_bytes(b"%PDF-1.4\n roto")
    hecho = cli(data_dir, "sisub", "adjuntar", *quien_, "--escritura", danado)
    assert hecho.returncode == 2 and "Traceback" not in hecho.stderr
    assert "El PDF «escritura.pdf» está dañado o incompleto" in hecho.stderr
    escritura = tmp_path / "acta.pdf"
    escritura.write_bytes(registro_pdf("Escritura constitutiva"))
    hecho = cli(data_dir, "sisub", "adjuntar", *quien_, "--escritura", escritura)
    assert hecho.returncode == 0, hecho.stderr
    assert hecho.stdout.startswith("La escritura constitutiva se guardó: «acta.pdf», SHA-256 ")
    hecho = cli(data_dir, "sisub", "adjuntar", *quien_, "--escritura", escritura)
    assert "ya estaba guardado" in hecho.stdout
    pdf = tmp_path / "contrato.pdf"
    pdf.write_bytes(registro_pdf("Contrato SISUB-7"))
    hecho = cli(data_dir, "sisub", "adjuntar", *quien_, "--contrato", "SISUB-8", "--pdf", pdf)
    assert hecho.returncode == 2
    assert "no tiene un contrato con el número SISUB «SISUB-8»" in hecho.stderr
    hecho = cli(data_dir, "sisub", "adjuntar", *quien_, "--contrato", "SISUB-7", "--pdf", pdf)
    assert hecho.returncode == 0 and "El PDF del contrato SISUB-7 se guardó" in hecho.stdout
    hecho = cli(data_dir, "sisub", "adjuntar", *quien_, "--pdf", pdf)
    assert hecho.returncode == 2 and "Indica --escritura PDF" in hecho.stderr
    # A period without contracts carries the escritura: the ZIP has it under the guide's name.
    periodo = ("--contratista", rfc, "--periodo", "2021-3")
    assert cli(data_dir, "sisub", "preparar", *periodo).returncode == 0
    hecho = cli(data_dir, "sisub", "exportar", *periodo, "--salida", tmp_path / "s", "--zip")
    assert hecho.returncode == 0, hecho.stderr
    with zipfile.ZipFile(hecho.stdout.strip()) as archivo:
        assert archivo.read("1a_SISUB_Ley_29_bis_Escritura Constitutiva.pdf") == (
            escritura.read_bytes()
        )
