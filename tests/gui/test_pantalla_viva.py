"""The screen outlives every window: a dialog freed by the garbage collector (a window in a
reference cycle) never takes Qt's QScreen with it, which would leave Qt's screen list pointing
at freed memory and crash the next window opened. Run in a process of its own: if the screen
were freed, this test's own process would be the one left broken."""

from __future__ import annotations

import textwrap

from tests.gui.helpers import run_qt_script

SCRIPT = textwrap.dedent(
    """
    import gc, os
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication, QDialog, QLabel, QVBoxLayout, QWidget
    from icsoe_desktop.gui.kit.geometria import centrar

    app = QApplication([])
    perdidas = []
    QGuiApplication.primaryScreen().destroyed.connect(lambda *_: perdidas.append(1))
    principal = QWidget()
    principal.resize(600, 400)
    centrar(principal)
    principal.show()

    class Dialogo(QDialog):
        def __init__(self):
            super().__init__()
            self.yo = self  # a reference cycle, as a window's closures over itself make
            QVBoxLayout(self).addWidget(QLabel("Guardar los cambios"))
            self.resize(300, 200)
            centrar(self)

    for _ in range(20):
        dialogo = Dialogo()
        dialogo.show()
        app.processEvents()
        dialogo.close()
        del dialogo
        gc.collect()
    otra = QWidget()
    centrar(otra, principal)
    otra.show()
    app.processEvents()
    print(len(perdidas), len(QGuiApplication.screens()), flush=True)
    os._exit(0)
    """
)


def test_a_dialog_freed_in_a_cycle_leaves_the_screen_to_the_next_window(tmp_path):
    perdidas, pantallas = map(int, run_qt_script(tmp_path, SCRIPT).split())
    assert perdidas == 0, "a freed dialog took the QScreen with it"
    assert pantallas == 1
