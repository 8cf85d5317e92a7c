"""Memory kept by opening and closing a dialog of the main window many times, as a clerk does
all day: each dialog opened through its real menu action and closed with Cerrar (Esc), then the
growth per open of the process's memory (RSS), of Python's allocations (tracemalloc), of the
Qt widgets alive and of the objects the garbage collector tracks. Goal: no growth that stays.

    python bench/dialogos.py [--opens 300] [--accion certificadosAction]
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import sys
import tempfile
import tracemalloc
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def rss_kb() -> int:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() // 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--opens", type=int, default=300)
    parser.add_argument("--accion", default="certificadosAction")
    args = parser.parse_args()

    from PySide6.QtCore import QEvent, QTimer
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QApplication, QDialog

    from icsoe_desktop.gui.ventana_principal import VentanaPrincipal
    from icsoe_desktop.services.container import open_services

    app = QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as tmp:
        services = open_services(Path(tmp))
        main_window = VentanaPrincipal(services, "admin@nominas.com")
        main_window.show()
        action = main_window.findChild(QAction, args.accion)
        if action is None:
            raise SystemExit(f"no action {args.accion}")

        def cerrar() -> None:
            dialog = QApplication.activeModalWidget()
            if isinstance(dialog, QDialog):
                dialog.reject()
            else:
                QTimer.singleShot(1, cerrar)

        def abrir_y_cerrar(n: int) -> None:
            for _ in range(n):
                QTimer.singleShot(1, cerrar)
                action.trigger()
                QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
            gc.collect()

        abrir_y_cerrar(20)  # warm-up: caches, first imports
        tracemalloc.start()
        rss0, py0 = rss_kb(), tracemalloc.get_traced_memory()[0]
        widgets0, objs0 = len(QApplication.allWidgets()), len(gc.get_objects())
        abrir_y_cerrar(args.opens)
        rss1, py1 = rss_kb(), tracemalloc.get_traced_memory()[0]
        widgets1, objs1 = len(QApplication.allWidgets()), len(gc.get_objects())
        n = args.opens
        print(f"{args.accion}: {n} opens, load average {os.getloadavg()[0]:.1f}")
        print(
            f"  RSS          {(rss1 - rss0) / n:8.2f} KB per open ({(rss1 - rss0) / 1024:.1f} MB)"
        )
        print(f"  Python       {(py1 - py0) / n / 1024:8.2f} KB per open (tracemalloc)")
        print(f"  Qt widgets   {widgets1 - widgets0:+d} alive")
        print(f"  gc objects   {objs1 - objs0:+d} alive")
        top = tracemalloc.take_snapshot().statistics("lineno")[:5]
        for stat in top:
            print("   ", stat)
        main_window.close()
        services.close()
    del app


if __name__ == "__main__":
    main()
