"""What the first window loads: only what the login needs before it is on screen. The store,
the services, the crypto and Excel libraries, the network and the rest of the windows load
after it (in the background or on first use); each of them before it makes the clerk wait
for the first window (bench/startup.py). Measured in a fresh process, as a user starts it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# Runs the app as ``python -m icsoe_desktop`` does and, when its start-up probe ends the process
# at the first window, prints the modules loaded by then, and those another thread loaded: the
# login's store is opened in the background once the window is shown, and on a busy machine that
# thread may import before the probe fires (not work the first window waited for).
_AT_FIRST_WINDOW = """
import json, os, runpy, sys, threading
class Hilos:
    fuera = set()
    def find_spec(self, name, path=None, target=None):
        if threading.current_thread() is not threading.main_thread():
            self.fuera.add(name)
        return None
sys.meta_path.insert(0, Hilos())
salir = os._exit
def al_terminar(code):
    print("MODULOS " + json.dumps(sorted(sys.modules)), flush=True)
    print("FUERA " + json.dumps(sorted(Hilos.fuera)), flush=True)
    salir(code)
os._exit = al_terminar
sys.argv = ["icsoe_desktop", "--data-dir", sys.argv[1]]
runpy.run_module("icsoe_desktop", run_name="__main__", alter_sys=True)
"""

# Packages and modules none of which the login needs before it is on screen.
PESADOS = (
    "sqlalchemy",
    "alembic",
    "cryptography",
    "keyring",
    "openpyxl",
    "python_calamine",
    "sqlite3",
    "hashlib",
    "ssl",
    "email",
    "http",
    "PySide6.QtNetwork",
    "PySide6.QtSvg",
    "PySide6.QtUiTools",
    "icsoe_desktop.store",
    "icsoe_desktop.services.container",
    "icsoe_desktop.gui.ventana_principal",
    "icsoe_desktop.gui.certificados",
    "icsoe_desktop.gui.empresas",
    "icsoe_desktop.gui.single_instance",
    "icsoe_desktop.gui.error_hook",
    "icsoe_desktop.cli",
)


@pytest.mark.slow
def test_the_first_window_is_shown_before_any_heavy_module_loads(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", ICSOE_STARTUP_PROBE="first-window")
    done = subprocess.run(
        [sys.executable, "-c", _AT_FIRST_WINDOW, str(tmp_path / "datos")],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert "first-window" in done.stdout.split()
    linea = next(x for x in done.stdout.splitlines() if x.startswith("MODULOS "))
    fuera = next(x for x in done.stdout.splitlines() if x.startswith("FUERA "))
    cargados = set(json.loads(linea.removeprefix("MODULOS "))) - set(
        json.loads(fuera.removeprefix("FUERA "))
    )
    assert "icsoe_desktop.gui.idse.login" in cargados  # the probe ran at the login
    pesados = sorted(m for m in cargados if any(m == p or m.startswith(p + ".") for p in PESADOS))
    assert pesados == []
