"""`informativa presentar`, `listar`, `vencimientos --contratista` and `archivo` as real
processes: the IMSS acuse registered from its PDF, the estado and folio listed, the archive
for the client written and read back (and, once the period's SISUB is filed, a client with only
a continuing contract gets its SISUB rows); wrong input exits 2 with its Spanish message.
Signed without a time-stamp server, every one of them says «fecha de firma no probada»."""

from __future__ import annotations

import hashlib
import zipfile
from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from icsoe_desktop.demo.acuse_imss import acuse_imss_pdf
from icsoe_desktop.demo.acuse_infonavit import acuse_infonavit_pdf
from tests import credentials_factory as cf
from tests.informativa_servicios import (
    CLIENTE,
    PERIODO,
    acuse_del_imss,
    capturista_activa,
    contrato_con_trabajadores,
)
from tests.sisub_datos import ENERO_ABRIL, OTRO_CLIENTE, completar, contrato
from tests.test_cli_informativa import cli


@pytest.mark.slow
@pytest.mark.end2end
def test_presentar_listar_and_archivo(services, data_dir, tmp_path, smtp_configured):
    rfc, ana = capturista_activa(services, data_dir, tmp_path, smtp_configured)
    uuid = services.informativas.crear(rfc, ana, PERIODO)
    contrato_con_trabajadores(services, rfc, ana, uuid, trabajadores=2)
    cer = tmp_path / "fiel" / f"{rfc}.cer"
    services.informativa_firma.firmar(uuid, rfc, cer, cer.with_suffix(".key"), cf.PASSWORD)
    constancia = services.informativa_firma.acuse(uuid, rfc)
    # A contract with another client started before the period, still in force in it.
    contrato(services, rfc, ana, ENERO_ABRIL, OTRO_CLIENTE, date(2026, 2, 10), None)
    # The period's SISUB made ready to file (only a report Revisar passes is filed).
    completar(services, services.sisub.preparar(rfc, ana, PERIODO).uuid, ana)
    services.close()

    def listar() -> list[str]:
        listed = cli(data_dir, "informativa", "listar")
        assert listed.returncode == 0, listed.stderr
        (fila,) = [line.split("\t") for line in listed.stdout.splitlines() if uuid in line]
        return [fila[3], fila[8]]

    assert listar() == ["Firmada, sin presentar", ""]
    venc = cli(data_dir, "informativa", "vencimientos", "--desde", "2026", "--hasta", "2026",
               "--contratista", rfc)  # fmt: skip
    assert venc.returncode == 0, venc.stderr
    assert venc.stdout.splitlines()[1] == "2026-2\t2026-09-17\tFirmada, sin presentar\t"

    no_pdf = tmp_path / "acuse.txt"
    no_pdf.write_text("esto no es un pdf")
    mal = cli(data_dir, "informativa", "presentar", "--periodo", "2026-2", "--acuse", no_pdf)
    assert (mal.returncode, "Traceback" in mal.stderr) == (2, False)
    assert "no es un PDF" in mal.stderr
    escaneado = tmp_path / "escaneado.pdf"
    escaneado.write_bytes(acuse_imss_pdf(folio="", fecha="", tipo=""))
    sin_datos = cli(data_dir, "informativa", "presentar", "--periodo", "2026-2",
                    "--acuse", escaneado)  # fmt: skip
    assert sin_datos.returncode == 2
    assert "no dice el RFC del contratista ni el periodo" in sin_datos.stderr
    assert "decláralo con --confirmo-acuse y escribe --folio y --fecha" in sin_datos.stderr
    otro_tipo = cli(data_dir, "informativa", "presentar", "--periodo", "2026-2", "--acuse",
                    escaneado, "--folio", "SI262202734", "--fecha", "22/11/2026 03:30",
                    "--confirmo-acuse")  # fmt: skip
    assert otro_tipo.returncode == 2
    assert "no corresponde a una informativa Normal" in otro_tipo.stderr
    constancia_pdf = tmp_path / "constancia.pdf"
    constancia_pdf.write_bytes(constancia)
    no_es = cli(data_dir, "informativa", "presentar", "--periodo", "2026-2", "--acuse",
                constancia_pdf, "--folio", "N262253432", "--fecha", "22/11/2026 03:30",
                "--confirmo-acuse")  # fmt: skip
    assert (no_es.returncode, "Traceback" in no_es.stderr) == (2, False)
    assert "es la constancia de firma que genera esta aplicación" in no_es.stderr
    ajeno = tmp_path / "ajeno.pdf"
    ajeno.write_bytes(acuse_del_imss("TRA120305P31", fecha="22/11/2026 03:30:00"))
    otro = cli(data_dir, "informativa", "presentar", "--periodo", "2026-2", "--acuse", ajeno)
    assert otro.returncode == 2
    assert "es del contratista con RFC TRA120305P31" in otro.stderr
    assert listar() == ["Firmada, sin presentar", ""]

    pdf = acuse_del_imss(rfc, fecha="22/11/2026 03:30:00")
    acuse = tmp_path / "acuse.pdf"
    acuse.write_bytes(pdf)
    # What the acuse states is registered as it says unless corrected knowingly.
    distinta = cli(data_dir, "informativa", "presentar", "--periodo", "2026-2", "--acuse", acuse,
                   "--fecha", "22/11/2026 03:20")  # fmt: skip
    assert distinta.returncode == 2
    assert "no son las del acuse (22/11/2026 03:30:00)" in distinta.stderr
    assert "salvo que las corrijas a sabiendas" in distinta.stderr
    hecho = cli(data_dir, "informativa", "presentar", "--periodo", "2026-2", "--acuse", acuse,
                "--fecha", "22/11/2026 03:20", "--corregir-acuse")  # fmt: skip
    assert hecho.returncode == 0, hecho.stderr
    # No time-stamp proves when it was signed: never said «presentada» alone (on time).
    no_probada = "Presentada fuera de plazo (66 días), fecha de firma no probada"
    assert hecho.stdout.splitlines() == [
        "Informativa presentada fuera de plazo (66 días), fecha de firma no probada. Folio "
        "N262253432, 22/11/2026 03:20 (hora del centro). Fecha corregida por el usuario (el "
        "acuse dice 22/11/2026 03:30:00).",
        f"{CLIENTE.rfc}\tA26P3662382",
    ]
    assert listar() == [no_probada, "N262253432"]
    venc = cli(data_dir, "informativa", "vencimientos", "--desde", "2026", "--hasta", "2026",
               "--contratista", rfc)  # fmt: skip
    assert venc.stdout.splitlines()[1] == f"2026-2\t2026-09-17\t{no_probada}\tN262253432"

    salida = tmp_path / "para_el_cliente.zip"
    archivo = cli(data_dir, "informativa", "archivo", "--periodo", "2026-2",
                  "--contratante", CLIENTE.rfc, "--salida", salida)  # fmt: skip
    assert archivo.returncode == 0, archivo.stderr
    assert archivo.stdout.strip() == str(salida)
    with zipfile.ZipFile(salida) as zf:
        contenido = {
            final: zf.read(n)
            for n in zf.namelist()
            for final in ("acuse_presentacion.pdf", "constancia_firma.pdf", "trabajadores.xlsx")
            if n.endswith(final)
        }
    assert (
        hashlib.sha256(contenido["acuse_presentacion.pdf"]).digest() == hashlib.sha256(pdf).digest()
    )
    assert contenido["constancia_firma.pdf"] == constancia
    hoja = load_workbook(BytesIO(contenido["trabajadores.xlsx"])).active
    filas_hoja = list(hoja.iter_rows(values_only=True))
    assert filas_hoja[0][-1] == "Presentación"
    assert {f[-1] for f in filas_hoja[1:]} == {no_probada}
    assert not any("a tiempo" in str(celda) for f in filas_hoja for celda in f)
    ninguno = cli(data_dir, "informativa", "archivo", "--periodo", "2026-1",
                  "--contratante", CLIENTE.rfc, "--salida", salida)  # fmt: skip
    assert ninguno.returncode == 2
    assert "no tiene informativa presentada del periodo enero–abril 2026" in ninguno.stderr

    # That client is not in the ICSOE: nothing for it until the period's SISUB is filed.
    otro_zip = tmp_path / "otro.zip"
    antes = cli(data_dir, "informativa", "archivo", "--periodo", "2026-2",
                "--contratante", OTRO_CLIENTE.rfc, "--salida", otro_zip)  # fmt: skip
    assert (antes.returncode, "Traceback" in antes.stderr) == (2, False)
    assert f"no tiene contratos con el contratante {OTRO_CLIENTE.rfc}" in antes.stderr
    del_infonavit = tmp_path / "acuse_sisub.pdf"
    del_infonavit.write_bytes(acuse_infonavit_pdf(rfc=rfc))
    for accion in (["preparar"], ["presentar", "--acuse", del_infonavit]):
        hecho = cli(data_dir, "sisub", *accion, "--contratista", rfc, "--periodo", "2026-2")
        assert hecho.returncode == 0, hecho.stderr
    despues = cli(data_dir, "informativa", "archivo", "--periodo", "2026-2",
                  "--contratante", OTRO_CLIENTE.rfc, "--salida", otro_zip)  # fmt: skip
    assert despues.returncode == 0, despues.stderr
    base = f"ICSOE_{rfc}_2026-2_{OTRO_CLIENTE.rfc}_"
    with zipfile.ZipFile(otro_zip) as zf:
        nombres = sorted(n.removeprefix(base) for n in zf.namelist())
        filas = zf.read(f"{base}2_SISUB_Ley_29_bis_Contratos.csv")
    assert nombres == [
        "2_SISUB_Ley_29_bis_Contratos.csv",
        "3_SISUB_Ley_29_bis_DetalleTrab.csv",
        "acuse_presentacion.pdf",
        "acuse_sisub_infonavit.pdf",
        "constancia_firma.pdf",
    ]
    (_encabezado, fila) = filas.decode("cp1252").splitlines()
    assert OTRO_CLIENTE.rfc in fila and CLIENTE.rfc not in fila
