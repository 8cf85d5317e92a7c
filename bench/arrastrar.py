"""The window's thread while the clerk drags the scroll bar of a small sorted find: the grid
window (offscreen) on a store of real-shaped movements, a find of a surname in one tab («gar»
in Bajas: ~3,300 rows of 1,000,000; ~700 of 200,000) sorted by a column without its sort index
(salario: its pages are SQL's sort of the matches' rows), then the scroll bar held down and its
value set step by step across its range as a drag does, the window painting between steps, and
let go. A 10 ms QTimer on the window's thread records each gap between its ticks (bench/ventana_copia.py's); printed: the longest gap, p99, the window
thread's CPU over the drag, and the wall time until the rows at the bar's last position are
shown. Goal: no gap over 50 ms. The store is built once under --cache.

    python bench/arrastrar.py [--rows 1000000] [--cache DIR] [--pasos 45] [--buscar gar]
        [--pestana Bajas] [--sin-copia]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench import ventana_copia
from bench.ventana_copia import TICK_MS, _carga, _huecos, _largos

GOAL_MS = 50
ventana_copia.GOAL_MS = GOAL_MS  # its gaps over this one split into CPU, a core's wait, …
STEP_MS = 40  # a hand's drag: a new position of the bar every few frames
PESTANAS = ("Reingresos", "Mod Salarios", "Bajas", "Todos")  # TABS, in their order


def _settle(app, seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.005)


def main() -> None:
    from bench.movimientos import open_store

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--cache", type=Path, default=Path(tempfile.gettempdir()) / "icsoe-bench-arrastrar"
    )
    parser.add_argument("--pasos", type=int, default=45)
    parser.add_argument("--buscar", default="gar")
    parser.add_argument("--pestana", default="Bajas", choices=PESTANAS)
    parser.add_argument(
        "--sin-copia",
        action="store_true",
        help="the store as one past the find box's copy's limit (or while it is read): its"
        " pages are SQL's",
    )
    args = parser.parse_args()
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"

    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from icsoe_desktop.gui.movimientos.model import ID_ROLE
    from icsoe_desktop.gui.ventana_principal import VentanaPrincipal
    from icsoe_desktop.services.movimientos.servicio import COLUMNS

    if args.sin_copia:
        from icsoe_desktop.services.movimientos import espejo

        espejo.MINIMO = espejo.MAXIMO = 1
    app = QApplication.instance() or QApplication([])
    services = open_store(args.cache / f"reales-{args.rows}", args.rows)
    try:
        main = VentanaPrincipal(services, None)
        main.resize(1366, 768)
        main.show()
        view, model = main.movimientos, main.movimientos.model
        view.tabs.setCurrentIndex(PESTANAS.index(args.pestana))
        _settle(app, 1.0)
        view.buscar_edit.setText(args.buscar)
        view.buscar()
        while model.loading() or model.contando():
            _settle(app, 0.05)
        _settle(app, 3.0)  # the copy, the counts' upkeep: what follows a find, done
        salario = next(i for i, c in enumerate(COLUMNS) if c.attr == "salario")
        view.tabla.sortByColumn(salario, Qt.SortOrder.DescendingOrder)
        while model.sorting():
            _settle(app, 0.05)
        _settle(app, 1.0)
        total = model.rowCount()
        barra = view.tabla.verticalScrollBar()
        posiciones = [barra.maximum() * (i + 1) // args.pasos for i in range(args.pasos)]
        print(
            f"{args.rows:,} movimientos; «{args.buscar}» en {args.pestana}, {total:,} filas, ordenada por"
            f" salario (sin su índice){', sin copia' if args.sin_copia else ''}; {len(posiciones)} posiciones de la barra cada {STEP_MS} ms;"
            f" temporizador de {TICK_MS} ms en el hilo de la ventana; meta: ningún hueco >"
            f" {GOAL_MS} ms"
        )
        pasos = list(posiciones)
        fin: list[float] = []

        def paso() -> None:
            barra.setValue(pasos.pop(0))
            if pasos:
                QTimer.singleShot(STEP_MS, paso)
            else:
                barra.setSliderDown(False)  # let go at the last position

        def listo() -> bool:
            if pasos:
                return False
            fila = view.tabla.rowAt(0)
            ids = [model.index(fila + k, 0).data(ID_ROLE) for k in range(10)]
            if None in ids:
                return False
            fin.append(time.perf_counter())
            return True

        cpu = time.thread_time()
        inicio = time.perf_counter()
        barra.setSliderDown(True)  # held by the mouse, as a drag holds it
        QTimer.singleShot(0, paso)
        huecos = _huecos(None, listo)
        cpu_ms = (time.thread_time() - cpu) * 1000
        orden = sorted(huecos)
        p99 = orden[max(0, int(len(orden) * 0.99) - 1)]
        print(
            f"  el hueco mayor {max(huecos):.0f} ms, p99 {p99:.0f}, mediana"
            f" {statistics.median(huecos):.1f}, {sum(h > GOAL_MS for h in huecos)} sobre la meta"
            f" de {len(huecos)} ticks; CPU del hilo de la ventana {cpu_ms:.0f} ms; las filas de la"
            f" última posición a los {(fin[0] - inicio) * 1000:.0f} ms de reloj; carga {_carga()}"
        )
        print(_largos())
    finally:
        services.close()
        app.quit()


if __name__ == "__main__":
    main()
