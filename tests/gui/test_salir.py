"""Leaving the app while long work runs in the background: the process ends at once and cleanly
(exit code 0, no crash), work behind a bar stopped as with Cancelar, and work that cannot stop
not waited for more than a few seconds."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

# The real app (run_gui) in its own process; once its loop runs, a long work is started through
# the app's own runner, then the app is told to quit (as Archivo › Salir does).
_SCRIPT = r"""
import sys, time
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from icsoe_desktop.app import run_gui
from icsoe_desktop.gui.kit.operaciones import ejecutar_con_barra, en_segundo_plano
from icsoe_desktop.services.archivos.excel import ExportCancelled

data_dir, kind = Path(sys.argv[1]), sys.argv[2]
marker = data_dir.parent / "trabajo.txt"
app = QApplication(sys.argv[:1])

def con_barra(progreso, cancelado):
    marker.write_text("empezó")
    for i in range(1200):  # a minute unless stopped
        if cancelado():
            marker.write_text("cancelado")
            raise ExportCancelled()
        progreso(i, 1200)
        time.sleep(0.05)
    return i

def sin_parar():
    marker.write_text("empezó")
    time.sleep(60)
    marker.write_text("terminó")  # only if the app waited for it

def empezar():
    if kind == "barra":
        ejecutar_con_barra(None, "Exportando…", con_barra, lambda _: None)
    else:
        en_segundo_plano(sin_parar, lambda _: None, lambda _: None)
    QTimer.singleShot(500, lambda: QApplication.instance().exit(0))

QTimer.singleShot(300, empezar)
sys.exit(run_gui(str(data_dir)))
"""


def _salir_con(tmp_path: Path, kind: str) -> subprocess.CompletedProcess:
    data_dir = tmp_path / "datos"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONFAULTHANDLER="1")
    return subprocess.run(
        [sys.executable, "-c", _SCRIPT, str(data_dir), kind],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,  # a hang, not a measure: the markers tell what was waited for
    )


@pytest.mark.end2end
def test_quitting_during_work_behind_a_bar_stops_it_and_exits_cleanly(tmp_path):
    done = _salir_con(tmp_path, "barra")
    assert done.returncode == 0, done.stderr
    assert "Fatal Python error" not in done.stderr
    assert (tmp_path / "trabajo.txt").read_text() == "cancelado"  # stopped, not waited for


@pytest.mark.slow  # the app's few seconds of grace for work that cannot stop
@pytest.mark.end2end
def test_quitting_during_work_that_cannot_stop_exits_cleanly_after_a_short_wait(tmp_path):
    done = _salir_con(tmp_path, "sin_parar")
    assert done.returncode == 0, done.stderr
    assert "Fatal Python error" not in done.stderr
    # The minute of work was not waited for: it never wrote «terminó».
    assert (tmp_path / "trabajo.txt").read_text() == "empezó"
