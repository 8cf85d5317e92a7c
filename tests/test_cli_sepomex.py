"""`python -m icsoe_desktop sepomex cargar ARCHIVO|estado`, run as real processes: IT loads the
official file of códigos postales for the whole installation (no --empresa, even with several)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.container import open_services
from tests import preloaded
from tests import sepomex_datos as sd


def run(args: list[str], data_dir: Path) -> subprocess.CompletedProcess[str]:
    return preloaded.run(
        [sys.executable, "-m", "icsoe_desktop", "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONIOENCODING="utf-8"),
    )


@pytest.mark.slow
@pytest.mark.end2end
def test_cargar_and_estado_for_the_installation(tmp_path):
    data_dir = tmp_path / "datos"
    data_dir.mkdir()
    services = open_services(data_dir)
    services.empresas.crear("DDD040404DD4", "Distribuidora Cuatro SA de CV", CLI_ACTOR)
    services.close()

    sin = run(["sepomex", "estado"], data_dir)
    assert sin.returncode == 1
    assert sin.stdout.strip() == (
        "Sin catálogo de códigos postales: cárgalo con «sepomex cargar CPdescarga.txt»."
    )

    zipped = sd.escribir_zip(tmp_path / "CPdescarga.zip")
    cargado = run(["sepomex", "cargar", str(zipped)], data_dir)
    assert cargado.returncode == 0, cargado.stderr
    lines = cargado.stdout.splitlines()
    assert lines[0] == "Catálogo de códigos postales cargado: 15 asentamientos."
    assert "Códigos postales: 6" in lines
    assert "Entidades federativas: 5 de 32" in lines
    assert "Archivo: CPdescarga.txt (de CPdescarga.zip) (cargado en este equipo)" in lines
    assert any(line.startswith("Aviso: el catálogo cubre 5 de 32 entidades") for line in lines)

    danado = tmp_path / "CPdescarga.txt"
    danado.write_bytes(sd.texto().encode("latin-1")[:-40])
    rechazado = run(["sepomex", "cargar", str(danado)], data_dir)
    assert rechazado.returncode == 2
    assert rechazado.stderr.startswith("El archivo CPdescarga.txt está incompleto o dañado")
    assert "Traceback" not in rechazado.stderr

    estado = run(["sepomex", "estado"], data_dir)
    assert estado.returncode == 0
    assert "Archivo: CPdescarga.txt (de CPdescarga.zip) (cargado en este equipo)" in estado.stdout
    services = open_services(data_dir, empresa_rfc="DDD040404DD4")
    try:
        assert services.codigos_postales.buscar("58000").entidad == "Michoacán"
    finally:
        services.close()
