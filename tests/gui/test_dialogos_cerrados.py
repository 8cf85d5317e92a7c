"""A closed dialog or message box does not stay under the window that opened it: a clerk's
day opens hundreds of them from the main window, and each left behind would live (and hold
its memory) until the window closes."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from icsoe_desktop.gui.idse.usuarios import IdseUsuariosDialog
from icsoe_desktop.gui.sync.conflictos import ConflictosDialog
from icsoe_desktop.gui.ventana_principal import VentanaPrincipal

ADMIN = "admin@nominas.com"


def test_dialogs_and_message_boxes_opened_from_the_main_window_are_gone_once_closed(
    qtbot, services, modals
):
    main = VentanaPrincipal(services, ADMIN)
    qtbot.addWidget(main)
    main.show()
    for _ in range(3):
        main.acerca_action.trigger()
        main.findChild(type(main.acerca_action), "usuariosAction").trigger()
        main.findChild(type(main.acerca_action), "conflictosAction").trigger()
    assert [m.title for m in modals.messages] == ["Acerca de icsoe-desktop"] * 3
    assert [type(d) for d in modals.dialogs] == [IdseUsuariosDialog, ConflictosDialog] * 3

    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert main.findChildren(QMessageBox) == []
    assert main.findChildren(QDialog) == []
