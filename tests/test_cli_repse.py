"""`repse registrar|renovar|ver` as real processes on a real store: what they print, and every
wrong input answered in Spanish with exit code 2 and nothing kept."""

from __future__ import annotations

import pytest

from tests.icsoe_helpers import enter_contratista
from tests.services.test_repse import LIMPIEZA, MANTENIMIENTO, constancia_repse, registro_pdf
from tests.test_cli_movimientos import cli


@pytest.fixture
def contratista(services, data_dir, tmp_path) -> str:
    rfc = enter_contratista(services, data_dir, tmp_path)
    services.close()
    return rfc


@pytest.mark.slow
@pytest.mark.end2end
def test_registrar_ver_and_renovar(contratista, data_dir, tmp_path) -> None:
    pdf = tmp_path / "registro.pdf"
    pdf.write_bytes(constancia_repse(contratista, "AR-77/2024"))
    texto = tmp_path / "registro.txt"
    texto.write_text("no soy un PDF", encoding="utf-8")
    base = ("repse", "registrar", "--contratista", contratista.lower(), "--aviso", "ar-77/2024")
    servicios = ("--servicio", LIMPIEZA, "--servicio", MANTENIMIENTO)

    malo = cli(data_dir, *base, "--otorgado", "2024-02-30", *servicios)
    assert malo.returncode == 2 and "fecha «2024-02-30» no válida" in malo.stderr
    no_pdf = cli(data_dir, *base, "--otorgado", "2024-03-15", *servicios, "--pdf", texto)
    assert no_pdf.returncode == 2 and "no es un PDF" in no_pdf.stderr
    assert "Traceback" not in no_pdf.stderr
    sin = cli(data_dir, "repse", "ver", "--contratista", contratista)
    assert sin.returncode == 1 and "no tiene registro REPSE" in sin.stderr

    hecho = cli(data_dir, *base, "--otorgado", "2024-03-15", *servicios, "--pdf", pdf)
    assert hecho.returncode == 0, hecho.stderr
    assert "Aviso de registro: AR-77/2024" in hecho.stdout
    assert "Vence: 15/03/2027" in hecho.stdout
    assert "Renovación: del 01/12/2026 al 28/02/2027" in hecho.stdout
    assert f"Servicio 2: {MANTENIMIENTO}" in hecho.stdout
    visto = cli(data_dir, "repse", "ver", "--contratista", contratista)
    assert visto.stdout == hecho.stdout
    assert "PDF: registro.pdf (SHA-256 " in visto.stdout

    # A scan: it does not say whose it is; kept only when declared, and said so.
    escaneado = tmp_path / "escaneado.pdf"
    escaneado.write_bytes(registro_pdf("Constancia de registro REPSE"))
    sin = cli(data_dir, *base, "--otorgado", "2024-03-15", *servicios, "--pdf", escaneado)
    assert sin.returncode == 2 and "no dice el RFC del contratista" in sin.stderr
    declarado = cli(
        data_dir, *base, "--otorgado", "2024-03-15", *servicios, "--pdf", escaneado, "--declarado"
    )
    assert declarado.returncode == 0, declarado.stderr
    assert "PDF: escaneado.pdf (SHA-256 " in declarado.stdout
    assert "— declarado por el usuario: el PDF no lo dice" in declarado.stdout

    nada = cli(data_dir, "repse", "renovar", "--contratista", contratista)
    assert nada.returncode == 2 and "Indica la solicitud" in nada.stderr
    renovado = cli(
        data_dir,
        *("repse", "renovar", "--contratista", contratista),
        *("--aviso", "AR-90/2026", "--otorgado", "2026-03-01"),
    )
    assert renovado.returncode == 0, renovado.stderr
    assert "Renueva el registro: AR-77/2024" in renovado.stdout
    assert "Vence: 01/03/2029" in renovado.stdout
