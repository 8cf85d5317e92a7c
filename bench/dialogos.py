"""Memory kept by opening and closing a dialog of the main window many times, as a clerk does
all day: each dialog opened through its real menu action and closed with Cerrar (Esc), then the
growth per open of the process's memory (RSS), of the C and C++ heap in use (glibc's
mallinfo2: what Qt allocated and did not free; RSS also keeps freed memory the allocator did not
return), of Python's allocations (tracemalloc, in a pass of its own: its tables grow the RSS),
of the Qt widgets alive and of the objects the garbage collector tracks. Goal: no growth that
stays.

    python bench/dialogos.py [--opens 300] [--calentamiento 100] [--accion certificadosAction]
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
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


class _Mallinfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in [
            "arena",
            "ordblks",
            "smblks",
            "hblks",
            "hblkhd",
            "usmblks",
            "fsmblks",
            "uordblks",
            "fordblks",
            "keepcost",
        ]
    ]


def heap_bytes() -> int | None:
    """Bytes of the C heap in use (glibc), None elsewhere."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"))
        mallinfo2 = libc.mallinfo2
    except (OSError, AttributeError, TypeError):
        return None
    mallinfo2.restype = _Mallinfo2
    return int(mallinfo2().uordblks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--opens", type=int, default=300)
    parser.add_argument("--accion", default="certificadosAction")
    # Opens before measuring: the allocators' pools and Qt's caches grow to their working size
    # over the first few dozen (a cost once, not per open).
    parser.add_argument("--calentamiento", type=int, default=100)
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

        abrir_y_cerrar(args.calentamiento)  # caches, first imports, the allocators' pools
        n = args.opens
        rss0, heap0 = rss_kb(), heap_bytes()
        widgets0, objs0 = len(QApplication.allWidgets()), len(gc.get_objects())
        abrir_y_cerrar(n)
        rss1, heap1 = rss_kb(), heap_bytes()
        widgets1, objs1 = len(QApplication.allWidgets()), len(gc.get_objects())
        tracemalloc.start()
        py0 = tracemalloc.get_traced_memory()[0]
        abrir_y_cerrar(n)
        py1 = tracemalloc.get_traced_memory()[0]
        print(
            f"{args.accion}: {n} opens after {args.calentamiento}, "
            f"load average {os.getloadavg()[0]:.1f}"
        )
        print(
            f"  RSS          {(rss1 - rss0) / n:8.2f} KB per open ({(rss1 - rss0) / 1024:.1f} MB)"
        )
        if heap0 is not None and heap1 is not None:
            print(f"  C heap       {(heap1 - heap0) / n / 1024:8.2f} KB per open (in use)")
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
