"""A clerk's long day: background work, and what it holds, is freed once it reported.

Every page read, sort, count and export of the windows runs in Qt's thread pool
(gui/kit/operaciones.py). A job kept after it reported keeps its work and what the work holds (a
sort's first page, a search's rows) for the rest of the day: the memory grows with every click
(about 0.1 MB for each sort of Movimientos con IDSE over a million rows) until the machine swaps.
"""

from __future__ import annotations

import gc
import weakref

import pytest
from PySide6.QtCore import Qt

from icsoe_desktop.demo.movimientos import create_demo_movimientos
from icsoe_desktop.gui.kit.operaciones import en_segundo_plano
from icsoe_desktop.gui.ventana_principal import VentanaPrincipal
from icsoe_desktop.services.movimientos.servicio import COLUMNS
from tests.gui.helpers import wait_operations


class Filas:
    """What a job's work holds, as a sort's first page (a weak reference tells it is gone)."""

    def __init__(self) -> None:
        self.filas = [(n,) * len(COLUMNS) for n in range(200)]


def test_each_job_and_what_its_work_holds_are_freed_once_it_reported(qtbot) -> None:
    vivas: list[weakref.ref[Filas]] = []
    recibidas: list[int] = []
    for _ in range(100):
        filas = Filas()
        vivas.append(weakref.ref(filas))
        en_segundo_plano(lambda filas=filas: filas, lambda f: recibidas.append(len(f.filas)), print)
        del filas
    wait_operations(qtbot)
    assert recibidas == [200] * 100

    def liberadas() -> bool:
        gc.collect()
        return all(viva() is None for viva in vivas)

    qtbot.waitUntil(liberadas)


def vivos() -> int:
    """Python's objects, but what sqlite3 keeps per connection, bounded: up to 128 prepared
    statements, and weak references to its cursors (the dead ones pruned every 200)."""
    gc.collect()
    return sum(
        1
        for o in gc.get_objects()
        if not isinstance(o, weakref.ReferenceType)
        and (type(o).__module__, type(o).__name__) != ("sqlite3", "Statement")
    )


@pytest.mark.slow
def test_a_day_of_sorts_in_movimientos_leaves_nothing_behind(qtbot, services) -> None:
    create_demo_movimientos(services.store, 400, services.movimientos.today())
    main = VentanaPrincipal(services, None)
    qtbot.addWidget(main)
    main.show()
    view = main.movimientos
    view.tabs.setCurrentIndex(3)  # Todos: every movimiento
    header = view.tabla.horizontalHeader()

    def ordenar(veces: int) -> int:
        """Header clicks, each waited for as a clerk sees its rows; then Python's objects."""
        for n in range(veces):
            descending = (n // len(COLUMNS)) % 2 == 1
            order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
            header.setSortIndicator(n % len(COLUMNS), order)
            qtbot.waitUntil(lambda: not view.model.sorting(), timeout=10_000)
        # The last search's page keys are read 300 ms after it (movimientos_model.py); the
        # reported jobs are freed on the loop's next turns.
        qtbot.wait(400)
        wait_operations(qtbot)
        qtbot.wait(50)
        return vivos()

    # Every column both ways (their statements cached), and what loads once in a while (the
    # window's other work, caches filled on first use); then a day's worth of clicks.
    ordenar(2 * len(COLUMNS))
    antes = ordenar(6 * len(COLUMNS))
    despues = ordenar(6 * len(COLUMNS))
    # Each job kept would keep ~40 objects and its page: 150 sorts, thousands.
    assert despues - antes < len(COLUMNS)
