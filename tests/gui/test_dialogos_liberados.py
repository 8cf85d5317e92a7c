"""A dialog opened from the main window and closed leaves nothing of itself behind: a clerk's
day opens the same dialogs hundreds of times, and each left over would hold its memory until
the app closes. Counted with the garbage collector (the Python objects of the dialog's own
module), not with time or memory totals (bench/dialogos.py measures those)."""

from __future__ import annotations

import gc

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QPushButton

from icsoe_desktop.gui.ventana_principal import VentanaPrincipal

ADMIN = "admin@nominas.com"


def _vivos(modulo: str) -> dict[str, int]:
    """Objects alive whose class is defined in ``modulo``, by class name."""
    gc.collect()
    cuenta: dict[str, int] = {}
    for obj in gc.get_objects():
        if type(obj).__module__ == modulo:
            cuenta[type(obj).__name__] = cuenta.get(type(obj).__name__, 0) + 1
    return cuenta


def test_the_certificados_imss_dialog_leaves_nothing_behind_once_closed(qtbot, services):
    main = VentanaPrincipal(services, ADMIN)
    qtbot.addWidget(main)
    main.show()
    cerrados: list[str] = []

    def cerrar() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QDialog):
            QTimer.singleShot(1, cerrar)
            return
        cerrados.append(dialog.objectName())
        qtbot.mouseClick(dialog.findChild(QPushButton, "cerrarButton"), Qt.MouseButton.LeftButton)

    for _ in range(20):
        QTimer.singleShot(1, cerrar)
        main.certificados_action.trigger()  # modal: returns once Cerrar closed it
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert cerrados == ["CertificadosImssDialog"] * 20
    assert main.findChildren(QDialog) == []
    assert _vivos("icsoe_desktop.gui.certificados.imss") == {}
