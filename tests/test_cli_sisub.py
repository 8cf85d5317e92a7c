"""`sisub preparar|revisar|exportar|presentar` as real processes on a contratista's store: a
period without contracts prepared «Sin actividad», checked, its files written (the ZIP), its
acuse registered; an acuse of another contratista refused with exit 2 and a Spanish message;
a contract without its SISUB number keeps the files from being exported."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest

from icsoe_desktop.demo.acuse_infonavit import acuse_infonavit_pdf
from icsoe_desktop.domain.roles import CLI_ACTOR
from tests.conftest import services_copying
from tests.informativa_servicios import CLIENTE, capturista_una_vez
from tests.sisub_datos import ENERO_ABRIL, con_repse, contrato
from tests.test_cli_movimientos import cli


@pytest.fixture(scope="module")
def _quien_una_vez(tmp_path_factory):
    return capturista_una_vez(tmp_path_factory)


services = services_copying(quien="_quien_una_vez")


@pytest.fixture
def quien(_quien_una_vez, services, smtp_configured):
    rfc, ana, _ = _quien_una_vez[1]
    con_repse(services, rfc)  # Revisar asks for it
    # Its registro patronal: the sujeto obligado's row carries it, with activity or without.
    services.registros.save("B1234567105", rfc, "EMPRESA DEMO SA DE CV", CLI_ACTOR)
    return rfc, ana


def _escaneo() -> bytes:
    """A scanned page: drawn, no text."""
    from reportlab.pdfgen import canvas

    salida = io.BytesIO()
    c = canvas.Canvas(salida, invariant=1)
    c.rect(50, 50, 200, 200)
    c.showPage()
    c.save()
    return salida.getvalue()


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
    # The sujeto's data captured once: a date that is none refused, then kept.
    sujeto = ("sisub", "sujeto", "--contratista", rfc, "--representante", "Ana Pérez")
    hecho = cli(data_dir, *sujeto, "--escritura-fecha", "31/02/2020")
    assert (hecho.returncode, hecho.stderr.strip()) == (
        2,
        "«31/02/2020» no es una fecha dd/mm/aaaa.",
    )
    hecho = cli(data_dir, *sujeto, "--escritura-fecha", "01/06/2015", "--notaria", "45")
    assert hecho.returncode == 0, hecho.stderr
    hecho = cli(data_dir, "sisub", "exportar", *periodo, "--salida", tmp_path / "salida", "--zip")
    assert hecho.returncode == 0, hecho.stderr
    with zipfile.ZipFile(hecho.stdout.strip()) as archivo:
        assert "3_SISUB_Ley_29_bis_DetalleTrab.csv" in archivo.namelist()
        sujeto_csv = archivo.read("1_SISUB_Ley_29_bis_Sujeto obligado.csv").decode("cp1252")
    assert "Ana Pérez" in sujeto_csv and ",01/06/2015," in sujeto_csv and ",45," in sujeto_csv
    assert not sujeto_csv.endswith("\n")
    otro = tmp_path / "otro.pdf"
    otro.write_bytes(acuse_infonavit_pdf(rfc="XAXX010101000"))
    hecho = cli(data_dir, "sisub", "presentar", *periodo, "--acuse", otro)
    assert hecho.returncode == 2
    assert "El acuse es de otro contratista (XAXX010101000)" in hecho.stderr
    assert "Traceback" not in hecho.stderr
    # A scan says nothing of whose it is: declared, with the folio and date it shows typed.
    escaneo = tmp_path / "escaneo.pdf"
    escaneo.write_bytes(_escaneo())
    hecho = cli(data_dir, "sisub", "presentar", *periodo, "--acuse", escaneo)
    assert hecho.returncode == 2 and "decláralo con --declarado" in hecho.stderr
    hecho = cli(
        data_dir, "sisub", "presentar", *periodo, "--acuse", escaneo, "--declarado",
        "--folio", "SISUB-2026-0001234",
    )  # fmt: skip
    assert hecho.returncode == 2 and "indica --fecha." in hecho.stderr
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
    assert hecho.stdout.startswith("La escritura constitutiva ya estaba guardada: «acta.pdf»")
    pdf = tmp_path / "contrato.pdf"
    pdf.write_bytes(registro_pdf("Contrato SISUB-7"))
    hecho = cli(data_dir, "sisub", "adjuntar", *quien_, "--contrato", "SISUB-8", "--pdf", pdf)
    assert hecho.returncode == 2
    assert "no tiene un contrato con el número SISUB «SISUB-8»" in hecho.stderr
    hecho = cli(data_dir, "sisub", "adjuntar", *quien_, "--contrato", "SISUB-7", "--pdf", pdf)
    assert hecho.returncode == 0 and "El PDF del contrato SISUB-7 se guardó" in hecho.stdout
    hecho = cli(data_dir, "sisub", "adjuntar", *quien_, "--pdf", pdf)
    assert hecho.returncode == 2 and "Indica --escritura PDF" in hecho.stderr
    # The contracts file's kind and amount, by the contract's SISUB number.
    del_contrato = ("sisub", "contrato", *quien_, "--numero", "SISUB-7", "--tipo", "Obra")
    hecho = cli(data_dir, *del_contrato, "--monto", "mucho")
    assert (hecho.returncode, hecho.stderr.strip()) == (2, "«mucho» no es un monto en pesos.")
    hecho = cli(data_dir, *del_contrato, "--monto", "$250,000.50")
    assert hecho.returncode == 0, hecho.stderr
    # A period without contracts carries the escritura: the ZIP has it under the guide's name.
    periodo = ("--contratista", rfc, "--periodo", "2021-3")
    assert cli(data_dir, "sisub", "preparar", *periodo).returncode == 0
    hecho = cli(data_dir, "sisub", "exportar", *periodo, "--salida", tmp_path / "s", "--zip")
    assert hecho.returncode == 0, hecho.stderr
    with zipfile.ZipFile(hecho.stdout.strip()) as archivo:
        assert archivo.read("1a_SISUB_Ley_29_bis_Escritura Constitutiva.pdf") == (
            escritura.read_bytes()
        )


@pytest.mark.slow
@pytest.mark.end2end
def test_the_clerk_notes_why_the_icsoe_differs(services, quien, data_dir, tmp_path):
    from tests.sisub_datos import MAYO_AGOSTO, SITIO

    rfc, ana = quien
    # mayo–agosto's ICSOE lists a contract started in march: for the SISUB it continues.
    _inf, marzo = contrato(
        services, rfc, ana, MAYO_AGOSTO, CLIENTE, date(2026, 3, 2), None, trabajadores=1
    )
    hecho = services.sisub.preparar(rfc, ana, MAYO_AGOSTO)
    services.sisub.guardar_contrato(hecho.uuid, marzo, ana, "SISUB-M-1", SITIO)
    services.close()
    periodo = ("--contratista", rfc, "--periodo", "2026-2")
    hecho = cli(data_dir, "sisub", "revisar", *periodo)
    assert hecho.returncode == 1
    assert "Corregir: Un contrato de la informativa ICSOE del periodo no está" in hecho.stdout
    largo = cli(data_dir, "sisub", "anotar", *periodo, "--motivo", "x" * 1001)
    assert largo.returncode == 2 and "Traceback" not in largo.stderr
    assert largo.stderr.strip() == "El motivo admite hasta 1,000 caracteres."
    hecho = _cli_con_entrada(
        data_dir,
        "El contrato empezó en marzo;\nla informativa lo declara por error.\n",
        "sisub", "anotar", *periodo, "--motivo-stdin",
    )  # fmt: skip
    assert hecho.returncode == 0, hecho.stderr
    assert hecho.stdout.startswith("Motivo anotado en el SISUB de mayo–agosto 2026")
    hecho = cli(data_dir, "sisub", "revisar", *periodo)
    assert hecho.returncode == 0, hecho.stdout
    assert (
        "Aviso: La diferencia con la informativa ICSOE se acepta por el motivo anotado: «El "
        "contrato empezó en marzo; la informativa lo declara por error.»." in hecho.stdout
    )
    assert "Aviso: Un contrato de la informativa ICSOE del periodo no está" in hecho.stdout
    hecho = cli(data_dir, "sisub", "exportar", *periodo, "--salida", tmp_path / "salida")
    assert hecho.returncode == 0, hecho.stderr


def _cli_con_entrada(data_dir, entrada: str, *args):
    """``cli`` with ``entrada`` on the program's standard input."""
    import os
    import sys

    from tests import preloaded
    from tests.test_cli_movimientos import REPO

    return preloaded.run(
        [sys.executable, "-m", "icsoe_desktop", "--data-dir", str(data_dir), *map(str, args)],
        input=entrada,
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ, PYTHONPATH=str(REPO)),
        check=False,
    )


@pytest.mark.slow
@pytest.mark.end2end
def test_a_complementario_prepared_exported_and_filed(services, quien, data_dir, tmp_path):
    import csv
    import io

    from tests.sisub_datos import SITIO

    rfc, ana = quien
    _inf, uuid = contrato(
        services, rfc, ana, ENERO_ABRIL, CLIENTE, date(2026, 2, 10), None, trabajadores=1
    )
    preparado = services.sisub.preparar(rfc, ana, "2026-2")
    services.sisub.guardar_contrato(preparado.uuid, uuid, ana, "SISUB-7", SITIO)
    services.close()
    periodo = ("--contratista", rfc, "--periodo", "2026-2")
    complementario = ("--complementario", "--motivo", "contrato")
    # Before the period's SISUB is filed there is nothing to correct.
    hecho = cli(data_dir, "sisub", "preparar", *periodo, *complementario)
    assert hecho.returncode == 2 and "Traceback" not in hecho.stderr
    assert hecho.stderr.strip() == (
        "Un complementario corrige un SISUB ya presentado; el de mayo–agosto 2026 aún no se "
        "presenta."
    )
    acuse = tmp_path / "acuse.pdf"
    acuse.write_bytes(acuse_infonavit_pdf(rfc=rfc))
    assert cli(data_dir, "sisub", "presentar", *periodo, "--acuse", acuse).returncode == 0
    hecho = cli(data_dir, "sisub", "preparar", *periodo)
    assert hecho.returncode == 2 and "Para un cambio prepara un complementario." in hecho.stderr
    hecho = cli(data_dir, "sisub", "preparar", *periodo, "--complementario", "--motivo", "otro")
    assert hecho.returncode == 2
    assert hecho.stderr.splitlines() == [
        "Elige el motivo del complementario: Cambio de un contrato, Cambio de las actividades o "
        "del registro en el REPSE, Cambio de la escritura constitutiva.",
        "Con --motivo: contrato, repse, escritura.",
    ]
    hecho = cli(data_dir, "sisub", "preparar", *periodo, *complementario)
    assert hecho.returncode == 0, hecho.stderr
    assert hecho.stdout.startswith(
        "SISUB de mayo–agosto 2026 (Complementario, cambio de un contrato): 1 contrato en vigor"
    )
    hecho = cli(data_dir, "sisub", "exportar", *periodo, "--salida", tmp_path / "salida", "--zip")
    assert hecho.returncode == 0, hecho.stderr
    assert hecho.stdout.strip() == str(
        tmp_path / "salida" / f"SISUB {rfc} 2026-2 complementario.zip"
    )

    def leido(archivo: zipfile.ZipFile, nombre: str) -> list[dict[str, str]]:
        texto = archivo.read(f"{nombre}.csv").decode("cp1252")
        return list(csv.DictReader(io.StringIO(texto, newline="")))

    with zipfile.ZipFile(hecho.stdout.strip()) as archivo:
        sujeto = leido(archivo, "1_SISUB_Ley_29_bis_Sujeto obligado")
        contratos = leido(archivo, "2_SISUB_Ley_29_bis_Contratos")
        assert "3_SISUB_Ley_29_bis_DetalleTrab.csv" in archivo.namelist()
    assert [f["Tipo de reporte"] for f in sujeto] == ["Complementario"]
    assert [f["Número de contrato"] for f in contratos] == ["SISUB-7"]
    # Its own acuse: the first filing's folio is refused, its own registered.
    hecho = cli(data_dir, "sisub", "presentar", *periodo, "--acuse", acuse)
    assert hecho.returncode == 2
    assert "El folio SISUB-2026-0001234 ya está registrado" in hecho.stderr
    suyo = tmp_path / "acuse_complementario.pdf"
    suyo.write_bytes(acuse_infonavit_pdf(folio="SISUB-2026-0005678", rfc=rfc))
    hecho = cli(data_dir, "sisub", "presentar", *periodo, "--acuse", suyo)
    assert hecho.returncode == 0, hecho.stderr
    assert hecho.stdout.startswith("Presentado: folio SISUB-2026-0005678")
