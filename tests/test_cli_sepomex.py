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


@pytest.mark.slow
@pytest.mark.end2end
def test_cargar_refuses_a_half_file_a_device_and_cp850_and_drops_repeats(tmp_path):
    data_dir = tmp_path / "datos"
    data_dir.mkdir()
    assert run(["sepomex", "cargar", str(sd.escribir(tmp_path / "CPdescarga.txt"))], data_dir)

    # A file cut at a line end: half the colonias, three entidades fewer.
    mitad = sd.escribir(tmp_path / "mitad" / "CPdescarga.txt", sd.ASENTAMIENTOS[:8])
    rechazado = run(["sepomex", "cargar", str(mitad)], data_dir)
    assert rechazado.returncode == 2
    assert rechazado.stderr.startswith(
        "El archivo CPdescarga.txt tiene 8 colonias de 2 entidades y el catálogo cargado 15 de "
        "5: cargarlo quitaría 7 colonias (46 %) y las entidades Estado de México, Michoacán, "
        "Veracruz."
    )

    cero = tmp_path / "cero" / "CPdescarga.txt"
    cero.parent.mkdir()
    cero.symlink_to("/dev/zero")
    dispositivo = run(["sepomex", "cargar", str(cero)], data_dir)
    assert dispositivo.returncode == 2
    assert dispositivo.stderr.startswith(f"{cero} no es un archivo común (es un dispositivo")

    dos = tmp_path / "dos" / "CPdescarga.txt"
    dos.parent.mkdir()
    fila = ("06600", "Cuauhtémoc", "Colonia", "Cuauhtémoc", "Ciudad de México", "", "09")
    dos.write_bytes(sd.texto([fila, *sd.ASENTAMIENTOS]).encode("cp850"))
    codificacion = run(["sepomex", "cargar", str(dos)], data_dir)
    assert codificacion.returncode == 2
    assert codificacion.stderr.startswith(
        "El archivo CPdescarga.txt no está en la codificación del catálogo oficial "
        "(Windows-1252 o UTF-8): la línea 3 tiene «Cuauht‚moc»"
    )
    for fallido in (rechazado, dispositivo, codificacion):
        assert "Traceback" not in fallido.stderr

    estado = run(["sepomex", "estado"], data_dir)
    assert "Asentamientos (colonias): 15" in estado.stdout
    assert "Archivo: CPdescarga.txt (cargado en este equipo)" in estado.stdout

    repetido = sd.texto(sd.ASENTAMIENTOS * 13).encode("latin-1")
    zipped = sd.escribir_zip(tmp_path / "CPdescarga.zip", {"CPdescarga.txt": repetido})
    cargado = run(["sepomex", "cargar", str(zipped)], data_dir)
    assert cargado.returncode == 0, cargado.stderr
    assert cargado.stdout.splitlines()[0] == (
        "Catálogo de códigos postales cargado: 15 asentamientos."
    )
    assert "Renglones repetidos omitidos: 180" in cargado.stdout

    assert run(["sepomex", "cargar", "--parcial", str(mitad)], data_dir).returncode == 0
    assert "Asentamientos (colonias): 8" in run(["sepomex", "estado"], data_dir).stdout
