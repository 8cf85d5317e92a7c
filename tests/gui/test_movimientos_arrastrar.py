"""The scroll bar of a small find sorted by a column without its sort index, dragged across
its range: every page the grid reads is read off the window's thread (SQL sorting the matches'
rows: over a second for a few thousand, which froze the window), none waited for while the bar
is held, and the rows shown where it is let go are those SQL's ``ORDER BY`` gives."""

from __future__ import annotations

import threading

from PySide6.QtCore import QCoreApplication, Qt

from bench.datos_reales import crear_movimientos
from icsoe_desktop.gui.movimientos.model import FIND_AT_ONCE, MSG_LEYENDO, PAGE_SIZE
from icsoe_desktop.services.movimientos import espejo
from icsoe_desktop.services.movimientos.buscador import Buscador
from icsoe_desktop.services.movimientos.servicio import COLUMNS, Filtro, Orden
from tests.gui.helpers import click
from tests.gui.test_movimientos_primera_pagina import TODAY, _esperados, _ids, _window


def test_dragging_a_small_sorted_find_reads_its_pages_off_the_window_thread(
    qtbot, services, monkeypatch
):
    # No copy of the find box: its pages are SQL's sort of the matches' rows.
    monkeypatch.setattr(espejo, "MINIMO", 1)
    monkeypatch.setattr(espejo, "MAXIMO", 1)
    crear_movimientos(services.store, 3_000, TODAY)
    hilos: list[bool] = []  # per page read: on the window's thread?
    retenida = threading.Event()  # cleared: the reads wait (a slow read of the page)
    retenida.set()
    for nombre in ("pagina", "pagina_desde"):
        leer = getattr(Buscador, nombre)

        def contada(*args, _leer=leer, **kwargs):  # the door itself, told which thread asks
            hilos.append(threading.current_thread() is threading.main_thread())
            retenida.wait(10)
            return _leer(*args, **kwargs)

        monkeypatch.setattr(Buscador, nombre, contada)
    view = _window(qtbot, services)
    model = view.model
    view.buscar_edit.setText("ma")
    click(qtbot, view.buscar_button)
    qtbot.waitUntil(lambda: not model.loading() and not model.contando(), timeout=10_000)
    total = model.rowCount()
    assert 4 * PAGE_SIZE < total <= FIND_AT_ONCE  # a small find: once read on the window's

    salario = next(i for i, c in enumerate(COLUMNS) if c.attr == "salario")
    view.tabla.sortByColumn(salario, Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(lambda: not model.sorting(), timeout=10_000)
    orden = Orden(salario, descending=True)
    assert model.orden == orden
    esperados = _esperados(services, Filtro(buscar="ma"), orden)
    assert len(esperados) == total

    # Dragged as a hand does: the bar held, its value step by step, the window painting
    # between; the page it lands on is not waited for while the bar is held (its reads held
    # back here): its rows say «Leyendo…», then the right ones once it is let go and read.
    barra = view.tabla.verticalScrollBar()
    hilos.clear()
    avisos: list[bool] = []  # what work apart (the copy's process) is told: wait, go on
    fondo = services.movimientos.buscador.hallados.avisando(avisos.append)
    fondo.__enter__()
    barra.setSliderDown(True)
    assert avisos == [True]  # held: the background work waits
    for paso in range(1, 20):
        barra.setValue(barra.maximum() * paso // 40)
        QCoreApplication.processEvents()
    retenida.clear()
    barra.setValue(barra.maximum() * 3 // 4)  # a page none of the others painted
    QCoreApplication.processEvents()
    primera = view.tabla.rowAt(0)
    assert PAGE_SIZE < primera < total - PAGE_SIZE
    filas = range(primera, primera + 10)
    assert _ids(view, filas) == [None] * 10
    assert model.index(primera, 0).data() == MSG_LEYENDO
    barra.setSliderDown(False)
    qtbot.waitUntil(lambda: avisos[-1] is False)  # let go: it goes on (reads ended)
    fondo.__exit__(None, None, None)
    retenida.set()
    qtbot.waitUntil(lambda: None not in _ids(view, filas), timeout=10_000)
    assert _ids(view, filas) == esperados[primera : primera + 10]
    assert hilos and not any(hilos)  # every page read in the pool
    assert model.index(primera, 0).data() != MSG_LEYENDO  # the placeholder not left behind
    view.tabla.scrollToBottom()  # Ctrl+Fin: the last rows, in order
    ultima = total - 1
    qtbot.waitUntil(lambda: _ids(view, range(ultima - 5, total))[-1] is not None)
    assert _ids(view, range(ultima - 5, total)) == esperados[ultima - 5 :]
