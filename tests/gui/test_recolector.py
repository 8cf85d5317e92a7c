"""A long day of windows opened and closed while background operations run: every window is
freed on the GUI thread (never by the garbage collector inside a pool thread, which crashed
the app later and elsewhere), and freed at all (closed windows do not pile up)."""

from __future__ import annotations

import textwrap

import pytest

from tests.gui.helpers import run_qt_script

# Dialogs left in reference cycles (only the cyclic collector frees them) closed on the GUI
# thread while operations allocate in the pool: where the collector runs decides where they die.
SCRIPT = textwrap.dedent(
    """
    import sys, threading
    from PySide6.QtCore import QThreadPool
    from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QVBoxLayout
    from icsoe_desktop.gui.kit.operaciones import en_curso, en_segundo_plano

    app = QApplication([])
    fuera, liberados, abiertos = [0], [0], [0]

    class Dialogo(QDialog):
        def __init__(self):
            super().__init__()
            layout = QVBoxLayout(self)
            for _ in range(5):
                layout.addWidget(QLineEdit(self))
            self.yo = self  # a cycle
            abiertos[0] += 1

        def __del__(self):
            liberados[0] += 1
            if threading.current_thread() is not threading.main_thread():
                fuera[0] += 1

    def trabajo():
        for _ in range(40):
            basura = [[i] for i in range(2000)]
        return len(basura)

    for _ in range(int(sys.argv[1])):
        for _ in range(4):
            en_segundo_plano(trabajo, lambda _n: None, lambda exc: print(exc))
        while en_curso():
            dialogo = Dialogo()
            dialogo.show()
            dialogo.close()
            del dialogo
            app.processEvents()
    QThreadPool.globalInstance().waitForDone()
    from icsoe_desktop.gui.kit.recolector import INTERVALO_MS
    import time
    final = time.monotonic() + 4 * INTERVALO_MS / 1000
    while time.monotonic() < final:  # the GUI thread's collector passes over what was left
        basura = [[i] for i in range(2000)]
        app.processEvents()
        time.sleep(0.01)  # its ticks come every INTERVALO_MS: no need to spin meanwhile
    print(abiertos[0], liberados[0], fuera[0])
    """
)


@pytest.mark.slow  # a process that opens windows as fast as it can while the pool works
def test_windows_in_cycles_are_freed_on_the_gui_thread_while_operations_run(tmp_path):
    salida = run_qt_script(tmp_path, SCRIPT, "60", timeout=240)
    abiertos, liberados, fuera = map(int, salida.split())
    assert abiertos > 60
    assert fuera == 0, f"{fuera} of {abiertos} windows freed inside a pool thread"
    assert liberados >= abiertos - 1, f"only {liberados} of {abiertos} closed windows freed"
