"""`nomina importar` and `nomina listar` as real processes, and an import killed with SIGKILL
halfway: every batch it committed is whole and audited, and the next import completes the set."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.nomina.importar import LOTE, LOTE_AUDITADO, recibos_de_lote
from icsoe_desktop.store import cifrado
from tests import nomina_cfdi as nc
from tests.test_cli_movimientos import cli

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def almacen(services, data_dir) -> Path:
    """The data dir's empresa is the payroll's emisor; the test SAT chain is trusted there."""
    services.primer_uso.guardar_empresa(nc.RFC_EMPRESA, "Servicios del Mayab SA de CV", CLI_ACTOR)
    services.nombrar_empresa()
    nc.confiar(data_dir)
    path = services.store.path
    services.close()
    return path


@pytest.mark.slow
@pytest.mark.end2end
def test_importar_prints_each_refusal_and_duplicate_then_listar(almacen, data_dir, tmp_path):
    gente = nc.trabajadores(3, seed=31)
    recibos = list(nc.nomina(nc.Emisor(), gente, nc.semanas(date(2026, 3, 2), 1), seed=2))
    carpeta = nc.escribir(tmp_path / "nomina", recibos)
    (carpeta / "roto.xml").write_bytes(b"<cfdi:Comprobante")
    hecho = cli(data_dir, "nomina", "importar", carpeta, "--empresa", nc.RFC_EMPRESA)
    assert hecho.returncode == 1, hecho.stderr
    assert "Rechazado: roto.xml: No es un XML bien formado" in hecho.stderr
    assert "Leídos: 4. Verificados: 3. Guardados: 3. Ya estaban: 0. Rechazados: 1." in hecho.stdout
    assert "Traceback" not in hecho.stderr
    assert "\r" not in hecho.stderr and "4 de 4" in hecho.stderr.splitlines()  # a pipe: lines

    paquete = tmp_path / "nomina.zip"
    paquete.write_bytes(nc.zip_de(recibos))
    otra_vez = cli(data_dir, "nomina", "importar", paquete)
    assert otra_vez.returncode == 0, otra_vez.stderr
    assert "Guardados: 0. Ya estaban: 3. Rechazados: 0." in otra_vez.stdout
    assert f"Ya estaba: nomina.zip/{recibos[0][0]} (UUID {recibos[0][0][:-4]})" in otra_vez.stdout

    listado = cli(data_dir, "nomina", "listar", "--periodo", "2026-1")
    assert listado.returncode == 0, listado.stderr
    filas = [linea.split("\t") for linea in listado.stdout.splitlines()]
    assert sorted(f[0] for f in filas) == sorted(t.nss for t in gente)
    assert all(f[3] == "02/03/2026–08/03/2026" for f in filas)
    assert {f[8] for f in filas} == {"sello del SAT verificado"}
    cliente = filas[0][6].split()[0]
    suyos = cli(data_dir, "nomina", "listar", "--periodo", "2026-1", "--contratante", cliente)
    assert 0 < len(suyos.stdout.splitlines()) <= len(filas)
    propuesta = cli(data_dir, "nomina", "proponer", "--periodo", "2026-1", "--contratante", cliente)
    assert propuesta.returncode == 0, propuesta.stderr
    propuestos = [linea.split("\t") for linea in propuesta.stdout.splitlines()]
    assert {p[0] for p in propuestos} == {f[0] for f in filas if cliente in f[6]}
    assert all(p[4] == "08/03/2026" and p[5] == "1" for p in propuestos)
    salarios = cli(data_dir, "nomina", "salarios", "--periodo", "2026-1")
    assert salarios.returncode == 0 and salarios.stdout == ""  # no movimientos to compare
    malo = cli(data_dir, "nomina", "listar", "--periodo", "2026-7")
    assert malo.returncode == 2 and "periodo «2026-7» no válido" in malo.stderr


@pytest.mark.slow
@pytest.mark.end2end
def test_an_import_killed_halfway_leaves_whole_batches_and_completes_next_time(
    almacen, data_dir, tmp_path
):
    gente = nc.trabajadores(LOTE // 2, seed=41)  # two batches: the kill lands in the second
    recibos = list(nc.nomina(nc.Emisor(), gente, nc.semanas(date(2026, 3, 2), 4), seed=8))
    total = len(recibos)
    paquete = tmp_path / "mes.zip"
    paquete.write_bytes(nc.zip_de(recibos))
    proceso = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "icsoe_desktop",
            "--data-dir",
            str(data_dir),
            "nomina",
            "importar",
            str(paquete),
        ],
        env=dict(os.environ, PYTHONPATH=str(REPO)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    guardados = 0
    limite = time.monotonic() + 120
    while guardados == 0 and proceso.poll() is None and time.monotonic() < limite:
        time.sleep(0.01)
        with cifrado.conectar(almacen, timeout=10) as conn:
            guardados = conn.execute("SELECT count(*) FROM nomina_recibos").fetchone()[0]
        conn.close()
    os.kill(proceso.pid, signal.SIGKILL)
    proceso.wait()
    assert proceso.returncode == -signal.SIGKILL, "the import ended before it was killed"

    with cifrado.conectar(almacen) as conn:
        guardados = conn.execute("SELECT count(*) FROM nomina_recibos").fetchone()[0]
        auditados = _lotes_auditados(conn)
        huerfanos = conn.execute(
            "SELECT count(*) FROM nomina_recibos r WHERE NOT EXISTS (SELECT 1 FROM "
            "nomina_percepciones p WHERE p.recibo_id = r.id) OR NOT EXISTS (SELECT 1 FROM "
            "nomina_subcontrataciones s WHERE s.recibo_id = r.id)"
        ).fetchone()[0]
    conn.close()
    assert 0 < guardados < total and guardados % LOTE == 0
    assert huerfanos == 0
    # Every receipt stored is covered by the audit entry of the batch that stored it.
    assert sum(recibos_de_lote(d) for d, _ in auditados) == guardados
    assert all(t == "mes.zip" for _, t in auditados)

    resto = cli(data_dir, "nomina", "importar", paquete)
    assert resto.returncode == 0, resto.stderr
    assert f"Guardados: {total - guardados:,}. Ya estaban: {guardados:,}." in resto.stdout
    with cifrado.conectar(almacen) as conn:
        assert sum(recibos_de_lote(d) for d, _ in _lotes_auditados(conn)) == total
    conn.close()


def _lotes_auditados(conn) -> list[tuple[str, str]]:
    """The (detail, target) of the import's per-batch audit entries."""
    return conn.execute(
        "SELECT detail, target FROM audit_log WHERE action = ?", (LOTE_AUDITADO,)
    ).fetchall()
