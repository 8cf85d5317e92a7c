"""No thread of the app runs below normal priority: the background reads of the find box (its
copy in memory, a column's order, a find's panel terms) give the interpreter back between
their slices instead of running at the system's lowest priority, so that neither they nor the
pool threads that read the clerk's pages (on Linux a thread takes the priority of the thread
that creates it) wait behind every other program of a busy machine. Read from the system's
own view of each thread (/proc/self/task/*/stat on Linux)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt

from icsoe_desktop.services.movimientos import espejo
from icsoe_desktop.services.movimientos.servicio import COLUMNS
from tests.gui.helpers import click, wait_operations
from tests.gui.test_movimientos_idse import window
from tests.services.test_movimientos_espejo import _store

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="/proc: Linux")


def _nices() -> dict[int, tuple[str, int]]:
    """Each thread of this process: its name and nice."""
    hilos = {}
    for task in Path("/proc/self/task").iterdir():
        try:
            stat = (task / "stat").read_text()
        except FileNotFoundError:  # ended meanwhile
            continue
        nombre = stat[stat.index("(") + 1 : stat.rindex(")")]
        campos = stat[stat.rindex(")") + 2 :].split()
        hilos[int(task.name)] = (nombre, int(campos[16]))  # field 19: nice
    return hilos


def test_after_a_find_and_a_sort_no_thread_runs_below_normal_priority(qtbot, services, monkeypatch):
    monkeypatch.setattr(espejo, "MINIMO", 1)  # the copy is built for this store
    _store(services, 1_500)
    propio = _nices()[int(Path("/proc/thread-self").resolve().name)][1]
    view = window(qtbot, services, None)
    view.tabs.setCurrentIndex(3)  # Todos
    wait_operations(qtbot)
    movimientos = services.movimientos
    vistos: dict[int, tuple[str, int]] = {}
    # The background reads are held (they wait while a question of the clerk is answered)
    # and looked at as they are while they run, and the pool's threads after each action.
    with movimientos.buscador.hallados.primer_plano(None):
        view.buscar_edit.setText("ma")
        click(qtbot, view.buscar_button)
        wait_operations(qtbot)
        vistos |= _nices()
        header = view.tabla.horizontalHeader()
        column = next(i for i, c in enumerate(COLUMNS) if c.attr == "fecha")
        x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
        qtbot.waitUntil(lambda: not view.model.sorting())
        wait_operations(qtbot)
        vistos |= _nices()
    movimientos.buscador.copia.espejos.esperar()
    movimientos.buscador.columna.columnas.esperar()
    movimientos.buscador.hallados.esperar_fondo()
    wait_operations(qtbot)
    vistos |= _nices()
    assert any(nombre == "Thread (pooled)" for nombre, _nice in vistos.values())
    bajos = {tid: hilo for tid, hilo in vistos.items() if hilo[1] != propio}
    assert not bajos, bajos
