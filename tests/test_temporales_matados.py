"""Temporary files are the app's: `evidencias paquete` and the client's archive (`informativa
archivo`), real processes killed with SIGKILL in the middle of the pack, leave their part-file
beside the destination and their temporary folder (the index workbook, the workers' sheet) in
the data folder, never in the system's temporary folder; another start while the command still
runs leaves them, and the next start after the kill removes them all.

The part-file is made a named pipe before the command runs: its writer blocks opening it, so
the command is caught mid-pack every time (its temporary folder already written), with no
timing to win."""

from __future__ import annotations

import os
import sys
import time
from datetime import date, datetime
from pathlib import Path

import pytest

from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.temporales import CARPETA
from tests import nomina_cfdi as nc
from tests import preloaded
from tests.conftest import services_copying
from tests.informativa_servicios import CLIENTE, acuse_del_imss, firmada_una_vez
from tests.test_cli_movimientos import REPO

pytestmark = [
    pytest.mark.slow,
    pytest.mark.end2end,
    pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes: POSIX"),
]


@pytest.fixture(scope="module")
def _firmada_una_vez(tmp_path_factory):
    return firmada_una_vez(tmp_path_factory, [(3, 7)])


services = services_copying(firmada="_firmada_una_vez")


def _app(data_dir: Path, tmp: Path, *args: object, corre: bool = False):
    """``python -m icsoe_desktop --data-dir DATA ARGS`` with the system's temporary folder at
    ``tmp``: started (``corre``) or run to its end."""
    env = dict(os.environ, PYTHONPATH=str(REPO), TMPDIR=str(tmp), TMP=str(tmp), TEMP=str(tmp))
    argv = [sys.executable, "-m", "icsoe_desktop", "--data-dir", str(data_dir), *map(str, args)]
    if corre:
        return preloaded.start(argv, env=env)
    return preloaded.run(argv, capture_output=True, text=True, timeout=120, env=env, check=False)


def _cuando(hecho, proceso) -> None:
    """Wait until ``hecho()`` (the killed command reached the part), failing if it ended."""
    limite = time.monotonic() + 120
    while not hecho():
        assert proceso.poll() is None, "el comando terminó antes de llegar al archivo a medias"
        assert time.monotonic() < limite, "el comando no llegó al archivo a medias"
        time.sleep(0.01)


def _matado_a_medias(data_dir: Path, tmp: Path, destino: Path, escrito: str, *args: object):
    """The command run until it writes ``escrito`` in its temporary folder and blocks on the
    part of ``destino``; a start meanwhile leaves both; then killed. The part's path."""
    parte = destino.with_name(f"{destino.name}.parcial")
    os.mkfifo(parte)
    proceso = _app(data_dir, tmp, *args, corre=True)
    temporales = data_dir / CARPETA
    try:
        _cuando(lambda: any(temporales.glob(f"*/tmp*/{escrito}")), proceso)
        # Another start while it runs (the command line beside the app): nothing of it goes.
        otra = _app(data_dir, tmp, "empresas", "listar")
        assert otra.returncode == 0, otra.stderr
        assert parte.exists() and any(temporales.glob(f"*/tmp*/{escrito}"))
    finally:
        proceso.kill()
        proceso.wait(60)
    return parte


def _nada_queda(data_dir: Path, tmp: Path, destino: Path, parte: Path) -> None:
    dejado = sorted(p.name for p in (data_dir / CARPETA).rglob("*"))
    assert parte.exists() and dejado, "el comando matado no dejó nada: la prueba no prueba"
    siguiente = _app(data_dir, tmp, "empresas", "listar")
    assert siguiente.returncode == 0, siguiente.stderr
    assert not parte.exists() and not destino.exists()
    assert list(destino.parent.iterdir()) == []
    assert list((data_dir / CARPETA).iterdir()) == []
    assert list(tmp.iterdir()) == []  # nothing ever went to the system's temporary folder


def test_a_pack_killed_mid_write_leaves_nothing_after_the_next_start(
    services, data_dir, tmp_path
) -> None:
    services.primer_uso.guardar_empresa(nc.RFC_EMPRESA, "Servicios del Mayab SA de CV", CLI_ACTOR)
    services.nombrar_empresa()
    nc.confiar(data_dir)
    recibos = list(
        nc.nomina(nc.Emisor(), nc.trabajadores(3, seed=5), nc.semanas(date(2026, 10, 5), 1))
    )
    services.nomina.importar([nc.escribir(tmp_path / "oct", recibos)], CLI_ACTOR)
    (cliente, *_) = [c.contratante for c in services.evidencias.estado(CLI_ACTOR, _octubre())]
    services.close()
    tmp, entregas = tmp_path / "tmp", tmp_path / "entregas"
    tmp.mkdir()
    entregas.mkdir()
    destino = entregas / "paquete.zip"

    # The index is written after the members: the pack's temporary folder is what exists.
    parte = _matado_a_medias(
        data_dir, tmp, destino, "",
        "evidencias", "paquete", "--mes", "2026-10", "--contratante", cliente,
        "--salida", destino,
    )  # fmt: skip
    _nada_queda(data_dir, tmp, destino, parte)


def test_a_client_archive_killed_mid_write_leaves_nothing_after_the_next_start(
    services, firmada, data_dir, tmp_path
) -> None:
    rfc, uuid = firmada
    services.informativa_presentacion.registrar(
        uuid, rfc, acuse_del_imss(rfc, fecha="22/11/2026 10:15:30"), "acuse.pdf", "N262253432",
        datetime.fromisoformat("2026-11-22T10:15:30-06:00"), {},
    )  # fmt: skip
    services.close()
    tmp, entregas = tmp_path / "tmp", tmp_path / "entregas"
    tmp.mkdir()
    entregas.mkdir()
    destino = entregas / "para_el_cliente.zip"

    parte = _matado_a_medias(
        data_dir, tmp, destino, "*_contratos_trabajadores.xlsx",
        "informativa", "archivo", "--periodo", "2026-2", "--contratante", CLIENTE.rfc,
        "--salida", destino,
    )  # fmt: skip
    _nada_queda(data_dir, tmp, destino, parte)


@pytest.fixture
def firmada(_firmada_una_vez, services, smtp_configured, clock):
    """(rfc, uuid) of a signed Normal of mayo–agosto 2026; the clock a day after."""
    rfc, _ana, uuid, _contratos, _constancia = _firmada_una_vez[1]
    clock.now = datetime(2026, 11, 23, 12, 0)
    return rfc, uuid


def _octubre():
    from icsoe_desktop.domain.evidencias import Mes

    return Mes.de_texto("2026-10")
