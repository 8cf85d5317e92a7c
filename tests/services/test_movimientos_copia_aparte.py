"""The find box's copy of a big store built by a process of its own
(services/movimientos/copia_aparte.py): it counts as the clerk expects, a write made while it
was built or right after is seen by the next find, and the process never outlives what asked
for it (the store closed, the app killed) nor leaves a file behind."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
import textwrap
import time
from contextlib import closing
from pathlib import Path

import pytest

import icsoe_desktop.__main__ as entrada
from icsoe_desktop.services.movimientos import copia_aparte, espejo, espejo_guardado
from icsoe_desktop.services.movimientos.servicio import Filtro
from icsoe_desktop.store import plain
from tests.services.test_movimientos_espejo import (
    _la_copia_cuenta_como_el_capturista,
    _store,
)

APARTE = "se construye aparte (proceso"
TEXTOS = ["ma", "ju", "zapata", "ZAPATA ZUNIGA ROSA", "1", "45"]


@pytest.fixture(autouse=True)
def _aparte_con_pocos(monkeypatch):
    monkeypatch.setattr(espejo, "MINIMO", 1)
    monkeypatch.setattr(copia_aparte, "APARTE", 1)


def _vivo(pid: int) -> bool:
    if sys.platform == "win32":
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        codigo = ctypes.c_ulong()
        try:
            kernel32.GetExitCodeProcess(handle, ctypes.byref(codigo))
        finally:
            kernel32.CloseHandle(handle)
        return codigo.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _terminado(pid: int, segundos: float = 20.0) -> bool:
    limite = time.monotonic() + segundos
    while _vivo(pid):
        if time.monotonic() > limite:
            return False
        time.sleep(0.05)
    return True


def _sin_restos(store: Path) -> list[str]:
    """Files beside the store other than the store's own and its kept copy."""
    propios = {
        store.name,
        f"{store.name}-wal",
        f"{store.name}-shm",
        espejo_guardado.ruta(store).name,
    }
    return sorted(
        p.name
        for p in store.parent.iterdir()
        if p.name.startswith(store.name) and p.name not in propios
    )


def _pid(caplog) -> int:
    for record in caplog.records:
        found = re.search(r"se construye aparte \(proceso (\d+)\)", record.getMessage())
        if found:
            return int(found.group(1))
    raise AssertionError("la copia no se construyó aparte")


def test_the_app_hands_the_hidden_argument_to_the_builder():
    assert entrada.ORDEN_COPIA == copia_aparte.ORDEN


def test_a_copy_built_apart_counts_as_the_clerk_expects_and_sees_every_write(services, caplog):
    _store(services, 600)
    movimientos_svc = services.movimientos
    with caplog.at_level(logging.INFO, logger="icsoe_desktop.services.movimientos"):
        movimientos_svc.count(Filtro())
        # Written by another program while the copy is built: seen once it is.
        with closing(plain.connect(services.store.path)) as conn, conn:
            conn.execute(
                "UPDATE movimientos SET primer_apellido = 'ZAPATA', segundo_apellido = 'ZUNIGA', "
                "nombre = 'ROSA' WHERE id IN (3, 4)"
            )
        movimientos_svc._espejo.esperar()
    pid = _pid(caplog)
    assert _terminado(pid)
    assert movimientos_svc._espejo.vigente() is not None
    _la_copia_cuenta_como_el_capturista(movimientos_svc, TEXTOS)

    # Right after an edit of this app, the next find shows it.
    antes = movimientos_svc.count(Filtro(buscar="zapata zuniga rosa"))
    with closing(plain.connect(services.store.path)) as conn, conn:
        conn.execute("UPDATE movimientos SET deleted = 1 WHERE id = 3")
    assert movimientos_svc.count(Filtro(buscar="zapata zuniga rosa")) == antes - 1
    _la_copia_cuenta_como_el_capturista(movimientos_svc, TEXTOS)
    assert _sin_restos(services.store.path) == []
    assert copia_aparte.vivas() == []


def test_closing_the_store_stops_the_build_and_leaves_nothing_behind(services, caplog):
    _store(services, 600)
    movimientos_svc = services.movimientos
    with caplog.at_level(logging.INFO, logger="icsoe_desktop.services.movimientos"):
        movimientos_svc.count(Filtro())
        limite = time.monotonic() + 20
        while not copia_aparte.vivas() and time.monotonic() < limite:
            time.sleep(0.01)
        # The clerk's question meanwhile: the process waits, then goes on or is stopped.
        movimientos_svc.count(Filtro(buscar="ma", registro_patronal="Y5412345106"))
    pid = _pid(caplog)
    store = services.store.path
    services.close()
    assert _terminado(pid)
    assert copia_aparte.vivas() == []
    assert _sin_restos(store) == []


_PADRE = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from icsoe_desktop.services.movimientos import copia_aparte
    obra = copia_aparte.Obra(Path(sys.argv[1]))
    obra.pausar(True)  # held, as while the clerk's questions are answered
    print(obra.pid, flush=True)
    time.sleep(600)
    """
)


def test_the_build_ends_when_the_app_is_killed(services):
    _store(services, 600)
    store = services.store.path
    padre = subprocess.Popen(
        [sys.executable, "-c", _PADRE, str(store)],
        stdout=subprocess.PIPE,
        env=copia_aparte._entorno(),
    )
    assert padre.stdout is not None
    with padre.stdout:
        pid = int(padre.stdout.readline())
    assert _vivo(pid)
    padre.kill()  # as the system ends a killed app: no code of it runs
    padre.wait()
    assert _terminado(pid)
    assert _sin_restos(store) == []
    assert not espejo_guardado.ruta(store).exists()  # stopped while held: nothing written
