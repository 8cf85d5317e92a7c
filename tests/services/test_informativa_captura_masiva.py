"""The workers of a contract are written in bulk with the sync's per-row insert triggers dropped
and their effect applied once (store/sin_disparadores.py, as the movimientos import does): the
store ends exactly as if every row had gone through the triggers (the same rows, the same sync
sums and count of rows to send), the triggers are back after it, and an import that fails or is
killed half-way leaves the triggers in place and none of its rows."""

from __future__ import annotations

import random
import subprocess
import sys
import textwrap
from contextlib import closing
from pathlib import Path

import pytest

from icsoe_desktop.domain.errors import OperacionCancelada
from icsoe_desktop.services.container import open_services
from icsoe_desktop.store import cifrado, pendientes, plain, sumas
from tests import credentials_factory as cf
from tests.icsoe_helpers import enter_contratista
from tests.informativa_datos import trabajadores_limpios
from tests.informativa_servicios import PERIODO, contrato_con_trabajadores
from tests.store.test_sumas import assert_kept_equal_scanned

ROOT = Path(__file__).resolve().parents[2]
TABLA = "icsoe_contrato_trabajadores"
DISPARADORES = {sumas.insert_trigger(TABLA), pendientes.insert_trigger(TABLA)}


def disparadores(path: Path) -> dict[str, str]:
    with closing(plain.connect(path)) as conn:
        return dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"))


def copia(path: Path, destino: Path) -> Path:
    """The store as it is now (its WAL too), through SQLite's backup."""
    with closing(cifrado.conectar(path)) as origen, closing(cifrado.conectar(destino)) as copia:
        origen.backup(copia)
    return destino


def contenido(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """What the bulk write touches: the workers' rows, their sync sums and unsent count."""
    with closing(plain.connect(path)) as conn:
        donde = {TABLA: "", "sync_sums": f"WHERE table_name = '{TABLA}'"}
        donde["sync_unsent"] = donde["sync_sums"]
        return {
            tabla: conn.execute(f"SELECT * FROM {tabla} {filtro} ORDER BY 1, 2").fetchall()
            for tabla, filtro in donde.items()
        }


def _contrato_vacio(services, data_dir: Path, tmp_path: Path) -> str:
    """A contratista's informativa with a contract of 5 workers and an empty one (returned)."""
    rfc = enter_contratista(services, data_dir, tmp_path)
    uuid = services.informativas.crear(rfc, rfc, PERIODO)
    contrato_con_trabajadores(services, rfc, rfc, uuid, trabajadores=5)
    return contrato_con_trabajadores(services, rfc, rfc, uuid, trabajadores=0)


def test_a_bulk_capture_ends_as_the_triggers_would_have_left_the_store(
    services, data_dir: Path, tmp_path: Path
) -> None:
    contrato = _contrato_vacio(services, data_dir, tmp_path)
    path = Path(services.store.path)
    antes = copia(path, tmp_path / "antes.sqlite3")
    with closing(plain.connect(antes)) as conn:
        (ultimo,) = conn.execute(f"SELECT coalesce(max(id), 0) FROM {TABLA}").fetchone()
    filas = list(trabajadores_limpios(4_500, random.Random(11), PERIODO.anio))  # 3 batches
    hecho = services.informativa_trabajadores.agregar_varios(contrato, cf.RFC_MORAL, filas)
    assert hecho.agregados == 4_500 and hecho.problemas == []

    # The same rows, as written, inserted one by one through the triggers in the copy.
    with closing(plain.connect(path)) as conn:
        columnas = [c[1] for c in conn.execute(f"PRAGMA table_info({TABLA})")]
        sql = f"SELECT * FROM {TABLA} WHERE id > ? ORDER BY id"
        nuevas = conn.execute(sql, (ultimo,)).fetchall()
    assert len(nuevas) == 4_500
    with closing(plain.connect(antes)) as conn, conn:
        marcas = ", ".join("?" * len(columnas))
        for fila in nuevas:
            conn.execute(f"INSERT INTO {TABLA} ({', '.join(columnas)}) VALUES ({marcas})", fila)

    assert contenido(path) == contenido(antes)
    assert disparadores(path) == disparadores(antes)
    assert set(disparadores(path)) >= DISPARADORES
    assert_kept_equal_scanned(services.store)


def test_a_bulk_capture_that_fails_midway_keeps_the_triggers_and_no_row(
    services, data_dir: Path, tmp_path: Path
) -> None:
    contrato = _contrato_vacio(services, data_dir, tmp_path)
    path = Path(services.store.path)
    antes = contenido(path)
    filas = list(trabajadores_limpios(4_500, random.Random(12), PERIODO.anio))
    veces = [0]

    def cancelado() -> bool:  # Cancelar pressed after the second batch was written
        veces[0] += 1
        return veces[0] >= 2

    with pytest.raises(OperacionCancelada):
        services.informativa_trabajadores.agregar_varios(
            contrato, cf.RFC_MORAL, filas, cancelado=cancelado
        )
    assert contenido(path) == antes
    assert set(disparadores(path)) >= DISPARADORES
    assert_kept_equal_scanned(services.store)


MATADA = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from icsoe_desktop.services.container import open_services
    from tests import credentials_factory as cf
    from tests.informativa_datos import trabajadores_limpios
    from tests.informativa_servicios import PERIODO
    import random

    services = open_services(Path(sys.argv[1]))
    filas = list(trabajadores_limpios(4_500, random.Random(13), PERIODO.anio))

    def progreso(hechos, total):
        if hechos >= 4_000:  # two batches written, the triggers dropped: now it is killed
            print("AVANCE", flush=True)
            time.sleep(600)

    services.informativa_trabajadores.agregar_varios(sys.argv[2], cf.RFC_MORAL, filas, progreso)
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL of a child process: POSIX")
def test_a_bulk_capture_killed_midway_leaves_the_triggers_and_no_row(
    services, data_dir: Path, tmp_path: Path
) -> None:
    contrato = _contrato_vacio(services, data_dir, tmp_path)
    path = Path(services.store.path)
    antes = contenido(path)
    services.close()
    proceso = subprocess.Popen(
        [sys.executable, "-c", MATADA, str(data_dir), contrato],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        linea = proceso.stdout.readline() if proceso.stdout else ""
        assert linea.strip() == "AVANCE", proceso.stderr.read() if proceso.stderr else ""
        with closing(cifrado.conectar(path)) as conn:  # the other process has them dropped
            nombres = {n for (n,) in conn.execute("SELECT name FROM sqlite_master")}
        assert nombres >= DISPARADORES  # (not yet committed: others still see them)
        proceso.kill()  # SIGKILL: no cleanup, no finally, as a power cut
    finally:
        proceso.wait(timeout=60)
        for flujo in (proceso.stdout, proceso.stderr):
            if flujo:
                flujo.close()

    reabierto = open_services(data_dir)
    try:
        assert contenido(path) == antes
        assert set(disparadores(path)) >= DISPARADORES
        assert_kept_equal_scanned(reabierto.store)
    finally:
        reabierto.close()
