"""`informativa listar` and `informativa exportar` as real processes over an empresa's store
captured through the services."""

from __future__ import annotations

from icsoe_desktop.domain.roles import CLI_ACTOR
from tests.icsoe_helpers import enter_contratista
from tests.informativa_servicios import PERIODO, contrato_con_trabajadores
from tests.test_cli_informativa import cli


def test_listar_and_exportar_an_informativa(services, data_dir, tmp_path):
    rfc = enter_contratista(services, data_dir, tmp_path)
    uuid = services.informativas.crear(rfc, CLI_ACTOR, PERIODO)
    contrato_con_trabajadores(services, rfc, CLI_ACTOR, uuid, trabajadores=4)
    services.close()

    listed = cli(data_dir, "informativa", "listar")
    assert listed.returncode == 0, listed.stderr
    rows = [line.split("\t") for line in listed.stdout.splitlines()]
    assert [r[:7] for r in rows if r[7]] == [
        [rfc, "2026-2", "Normal", "En captura", "1", "4", "2026-09-17"]
    ]
    # The other rows are periods due around today (the process's own clock), not yet filed.
    assert all(r[7] == "" and r[3] == "Sin presentar" for r in rows if r[1] != "2026-2")

    carpeta = tmp_path / "portal"
    carpeta.mkdir()
    made = cli(
        data_dir, "informativa", "exportar", carpeta, "--contratista", rfc, "--periodo", "2026-2"
    )
    assert made.returncode == 0, made.stderr
    assert sorted(p.name for p in carpeta.iterdir()) == [
        f"ICSOE_{rfc}_2026-2_captura.xlsx",
        f"ICSOE_{rfc}_2026-2_contrato01_CNT010101A14.csv",
    ]
    missing = cli(
        data_dir, "informativa", "exportar", carpeta, "--contratista", rfc, "--periodo", "2026-1"
    )
    assert missing.returncode == 2
    assert "no tiene informativa del periodo enero–abril 2026" in missing.stderr
    assert "Traceback" not in missing.stderr
