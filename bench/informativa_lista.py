"""The informativa's worker list at a staffing firm's size: two contracts of N workers each
(12,000 and 100,000 by default), in the real informativa window. Each action timed until the
grid is painted, in CPU ms of the window's thread (median of --repeat): choosing the contract,
Ctrl+Fin (its last worker), the middle of the scroll bar (each with no page read before), and
the find box (a whole NSS, a CURP's beginning, a name, a word of it) as a pause in the typing
shows it; then, sorted by each column with a click on its header (ascending and descending in
turn): the click, Ctrl+Fin and the middle of the scroll bar in that order, and a find in it.
Goal: each ≤ 50 ms at both sizes.

    python bench/informativa_lista.py [--trabajadores 12000 100000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _cpu(fn: Callable[[], object], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        cpu = time.thread_time()
        fn()
        samples.append((time.thread_time() - cpu) * 1000)
    return statistics.median(samples)


def bench(n: int, repeat: int) -> None:
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from bench.informativa import RFC, seed
    from icsoe_desktop.domain.roles import CLI_ACTOR
    from icsoe_desktop.gui.informativa.ventana import InformativaWindow
    from icsoe_desktop.services.container import open_services

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "datos"
        data.mkdir()
        services = open_services(data, lambda: datetime(2026, 11, 23, 9, 0))
        start = time.perf_counter()
        uuid = seed(services, 2, 2 * n)  # distinct workers, names by real frequency
        print(
            f"\n2 contratos de {n:,} trabajadores ({time.perf_counter() - start:.0f} s de preparación)"
        )
        window = InformativaWindow(services, CLI_ACTOR, RFC, uuid, False)
        window.resize(1366, 740)
        window.show()
        app.processEvents()
        panel = window.trabajadores
        table = panel.tabla
        contratos = window.contratos

        def painted(action: Callable[[], object]) -> Callable[[], None]:
            def run() -> None:
                action()
                table.viewport().repaint()

            return run

        def choose() -> None:
            row = 1 - contratos.currentIndex().row()  # the other contract each time
            contratos.setCurrentIndex(window.contratos_model.index(row, 0))

        def end() -> None:
            table.setFocus()
            table.scrollToTop()
            panel.model.reload()  # no page kept from the previous run
            table.setCurrentIndex(panel.model.index(0, 0))
            app.processEvents()
            cpu = time.thread_time()
            QTest.keyClick(table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
            table.viewport().repaint()
            ends.append((time.thread_time() - cpu) * 1000)
            assert table.currentIndex().row() == panel.model.rowCount() - 1  # it got there

        ends: list[float] = []

        def middle() -> None:
            bar = table.verticalScrollBar()
            bar.setValue(0)
            panel.model.reload()
            app.processEvents()
            cpu = time.thread_time()
            bar.setValue(bar.maximum() // 2)
            table.viewport().repaint()
            middles.append((time.thread_time() - cpu) * 1000)
            shown = table.rowAt(table.viewport().height() // 2)
            assert abs(shown - n // 2) < n // 10 and table.model().index(shown, 0).data()

        middles: list[float] = []
        first = panel.model.index(panel.model.rowCount() // 3, 0)
        nss, curp = first.data(), panel.model.index(first.row(), 1).data()

        def find(text: str) -> float:
            """Median CPU ms of the find shown (emptied again between runs, not timed)."""
            samples = []
            for _ in range(repeat):
                cpu = time.thread_time()
                panel.buscar.setText(text)
                panel.buscar.buscar_ya()
                table.viewport().repaint()
                samples.append((time.thread_time() - cpu) * 1000)
                panel.buscar.setText("")
                panel.buscar.buscar_ya()
            return statistics.median(samples)

        figures = {"elegir el contrato": _cpu(painted(choose), repeat)}
        for _ in range(repeat):
            end()
        figures["Ctrl+Fin"] = statistics.median(ends)
        for _ in range(repeat):
            middle()
        figures["mitad de la barra"] = statistics.median(middles)
        figures["buscar un NSS"] = find(nss)
        figures["buscar 10 de una CURP"] = find(curp[:10].lower())
        figures["buscar un nombre («maria»)"] = find("maria")
        figures["buscar una palabra del nombre («garcia»)"] = find("garcia")
        header = table.horizontalHeader()
        from icsoe_desktop.gui.informativa.trabajadores_model import HEADERS

        def click_header(column: int) -> None:
            x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
            QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))

        for column in range(4):  # the «Rechazo del portal» column shows only with rejections
            name = HEADERS[column]
            clicks: list[float] = []
            for _ in range(repeat):  # ascending, descending, ascending…
                cpu = time.thread_time()
                click_header(column)
                table.viewport().repaint()
                clicks.append((time.thread_time() - cpu) * 1000)
                assert header.sortIndicatorSection() == column
            figures[f"ordenar por {name} (clic)"] = statistics.median(clicks)
            ends.clear()
            for _ in range(repeat):
                end()
            figures[f"  Ctrl+Fin ordenado por {name}"] = statistics.median(ends)
            middles.clear()
            for _ in range(repeat):
                middle()
            figures[f"  mitad de la barra ordenado por {name}"] = statistics.median(middles)
        figures["buscar «maria» ordenado por Nombre"] = find("maria")
        for label, ms in figures.items():
            print(f"  {label:46} {ms:7.1f} ms  {'OK' if ms <= 50 else 'FALLA'} (meta ≤ 50)")
        window.close()
        services.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trabajadores", type=int, nargs="+", default=[12_000, 100_000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    print(f"Carga del equipo: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for n in args.trabajadores:
        bench(n, args.repeat)


if __name__ == "__main__":
    main()
