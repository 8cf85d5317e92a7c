"""`evidencias adjuntar|estado|paquete` as real processes: a month with the IVA acuse missing
listed for every client, then attached, and a pack written with what it holds."""

from __future__ import annotations

import os
import sys
import zipfile
from datetime import date
from pathlib import Path

import pytest

from icsoe_desktop.domain.evidencias import DOCUMENTOS
from icsoe_desktop.domain.roles import CLI_ACTOR
from tests import credentials_factory as cf
from tests import nomina_cfdi as nc
from tests import preloaded
from tests.services.test_evidencias import documento_del_mes
from tests.services.test_repse import registro_pdf
from tests.test_cli_movimientos import cli

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def octubre(services, data_dir, tmp_path):
    services.primer_uso.guardar_empresa(nc.RFC_EMPRESA, "Servicios del Mayab SA de CV", CLI_ACTOR)
    services.nombrar_empresa()
    nc.confiar(data_dir)
    recibos = list(
        nc.nomina(nc.Emisor(), nc.trabajadores(4, seed=3), nc.semanas(date(2026, 10, 5), 2))
    )
    services.nomina.importar([nc.escribir(tmp_path / "oct", recibos)], CLI_ACTOR)
    services.close()


@pytest.mark.slow
@pytest.mark.end2end
def test_estado_adjuntar_and_paquete(octubre, data_dir, tmp_path) -> None:
    for tipo in DOCUMENTOS:
        if tipo != "acuse_iva":
            pdf = tmp_path / f"{tipo}.pdf"
            pdf.write_bytes(registro_pdf(documento_del_mes(tipo)))
            hecho = cli(
                data_dir,
                "evidencias",
                "adjuntar",
                "--mes",
                "2026-10",
                "--tipo",
                tipo,
                "--archivo",
                pdf,
            )
            assert hecho.returncode == 0, hecho.stderr
    # Another month's declaration, beside October's: kept, and warned of.
    septiembre = tmp_path / "septiembre.pdf"
    septiembre.write_bytes(registro_pdf(documento_del_mes("isr").replace("Octubre", "Septiembre")))
    adjuntar = ("evidencias", "adjuntar", "--mes", "2026-10", "--tipo", "isr")
    otro_mes = cli(data_dir, *adjuntar, "--archivo", septiembre)
    assert otro_mes.returncode == 0, otro_mes.stderr
    assert "Aviso: es del periodo septiembre de 2026, no de octubre de 2026" in otro_mes.stderr
    estado = cli(data_dir, "evidencias", "estado", "--mes", "2026-10")
    assert "«septiembre.pdf» es del periodo septiembre de 2026" in estado.stdout
    quitado = cli(data_dir, "evidencias", "quitar", "--mes", "2026-10", "--tipo", "isr",
                  "--archivo", "septiembre.pdf")  # fmt: skip
    assert quitado.returncode == 0 and quitado.stdout == "Quitado: septiembre.pdf\n"
    estado = cli(data_dir, "evidencias", "estado", "--mes", "2026-10")
    assert estado.returncode == 1, estado.stderr  # some client lacks something
    filas = [linea.split("\t") for linea in estado.stdout.splitlines()]
    assert filas and all("Acuse de la declaración de IVA" in f[4] for f in filas)
    assert all(f[3] == "17/11/2026" for f in filas)

    malo = cli(data_dir, "evidencias", "estado", "--mes", "2026-13")
    assert malo.returncode == 2 and "no es válido: escríbelo AAAA-MM" in malo.stderr
    texto = tmp_path / "acuse.pdf"
    texto.write_text("no soy PDF", encoding="utf-8")
    no_pdf = cli(
        data_dir,
        "evidencias",
        "adjuntar",
        "--mes",
        "2026-10",
        "--tipo",
        "acuse_iva",
        "--archivo",
        texto,
    )
    assert no_pdf.returncode == 2 and "no es un PDF" in no_pdf.stderr
    assert "Traceback" not in no_pdf.stderr

    cliente = filas[0][0]
    destino = tmp_path / "paquete.zip"
    paquete = cli(
        data_dir,
        "evidencias",
        "paquete",
        "--mes",
        "2026-10",
        "--contratante",
        cliente,
        "--salida",
        destino,
    )
    assert paquete.returncode == 1, paquete.stderr  # written, lacking the IVA acuse
    assert f"Paquete: {destino} (" in paquete.stdout
    assert "Falta: Acuse de la declaración de IVA" in paquete.stdout
    with zipfile.ZipFile(destino) as zf:
        nombres = zf.namelist()
    assert "indice.xlsx" in nombres
    assert sum(n.startswith("recibos/") for n in nombres) == int(filas[0][2])
    assert "documentos/acuse_iva.pdf" not in nombres  # not attached: not in the pack

    # Signed with the contratista's e.firma (its password on standard input), then checked as
    # the client would: authentic, lacking the IVA acuse (exit 1).
    efirma = cf.fiel_moral(
        rfc=nc.RFC_EMPRESA,
        nombre=nc.NOMBRE_EMPRESA,
        issuer=cf.sat_ac(),
        serial=b"00001000000799999999",
    )
    cer, key = efirma.write(tmp_path / "efirma")
    firmado = preloaded.run(
        [
            *(sys.executable, "-m", "icsoe_desktop", "--data-dir", str(data_dir)),
            *("evidencias", "paquete", "--mes", "2026-10", "--contratante", cliente),
            *("--salida", str(tmp_path / "firmado.zip"), "--cer", str(cer), "--key", str(key)),
        ],
        input=cf.PASSWORD + "\n",
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ, PYTHONPATH=str(REPO)),
        check=False,
    )
    assert firmado.returncode == 1, firmado.stderr
    assert "firmado con la e.firma" in firmado.stdout
    revisado = cli(data_dir, "evidencias", "verificar", tmp_path / "firmado.zip")
    assert revisado.returncode == 1, revisado.stderr
    assert "Falta: Acuse de la declaración de IVA" in revisado.stdout
    assert "auténtico, pero le falta" in revisado.stderr


@pytest.mark.slow
@pytest.mark.end2end
def test_estado_says_sin_recibos_as_the_board_does(services, data_dir, tmp_path) -> None:
    """A client captured that no receipt of the month names: the board's cell «Sin recibos»
    (nothing owed), and `estado` says the same, not counted with those lacking something."""
    from icsoe_desktop.domain.evidencias import Mes
    from icsoe_desktop.domain.informativa.modelo import Parte
    from icsoe_desktop.services.evidencias.servicio import SIN_RECIBOS
    from tests.icsoe_helpers import enter_contratista

    services.primer_uso.guardar_empresa(nc.RFC_EMPRESA, "Servicios del Mayab SA de CV", CLI_ACTOR)
    services.nombrar_empresa()
    nc.confiar(data_dir)
    recibos = list(
        nc.nomina(nc.Emisor(), nc.trabajadores(4, seed=3), nc.semanas(date(2026, 10, 5), 2))
    )
    services.nomina.importar([nc.escribir(tmp_path / "oct", recibos)], CLI_ACTOR)
    rfc = enter_contratista(services, data_dir, tmp_path)
    services.informativas.guardar_contratante(rfc, rfc, Parte("SIN010101AA1", "Sin Recibos SA"))
    filas = {f.contratante: f for f in services.evidencias.tablero(CLI_ACTOR, Mes(2026, 10), 2)}
    septiembre, octubre = filas["SIN010101AA1"].celdas
    assert (septiembre.texto, octubre.texto) == ("Sin recibos", "Sin recibos")
    assert all(filas[c].celdas[-1].pendiente for c in nc.CLIENTES)
    services.close()

    estado = cli(data_dir, "evidencias", "estado", "--mes", "2026-10")
    assert estado.returncode == 1, estado.stderr  # the clients paid in October lack documents
    lineas = {f[0]: f for f in (linea.split("\t") for linea in estado.stdout.splitlines())}
    assert lineas["SIN010101AA1"][2:5] == ["0", "17/11/2026", SIN_RECIBOS]
    assert all("Recibos de nómina del mes" not in f[4] for f in lineas.values())
    assert estado.stderr == (
        "4 clientes en 2026-10; 3 con faltantes; 1 cliente sin recibos (nada que entregar).\n"
    )
    # A month no receipt names anyone: nothing owed, exit 0.
    vacio = cli(data_dir, "evidencias", "estado", "--mes", "2026-09")
    assert vacio.returncode == 0, vacio.stderr
    assert vacio.stdout.split("\t")[:5] == [
        "SIN010101AA1",
        "Sin Recibos SA",
        "0",
        "17/10/2026",
        SIN_RECIBOS,
    ]
    assert vacio.stderr == (
        "1 cliente en 2026-09; 0 con faltantes; 1 cliente sin recibos (nada que entregar).\n"
    )
