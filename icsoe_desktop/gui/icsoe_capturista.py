"""The capturista's ICSOE window (guía Ingreso del capturista, pasos 7-11): Perfil del usuario
(CURP, Nombre completo, Rol), Seleccionar Contratista and the contratista in use."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QPushButton, QWidget

from icsoe_desktop.gui import mnemonics
from icsoe_desktop.gui.forms import child, load_form
from icsoe_desktop.gui.icsoe_seleccionar_contratista import IcsoeSeleccionarContratistaDialog

if TYPE_CHECKING:
    from icsoe_desktop.services.capturistas.acceso import CapturistaSesion, ContratistaOpcion
    from icsoe_desktop.services.container import Services

MSG_SIN_CONTRATISTA = "Aún no has seleccionado un contratista."


class IcsoeCapturistaWindow(QMainWindow):
    closed = Signal()

    def __init__(
        self, services: Services, sesion: CapturistaSesion, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("IcsoeCapturistaWindow")
        self._services = services
        self.sesion = sesion
        self.contratista: ContratistaOpcion | None = None
        central = QWidget(self)
        form = load_form("icsoe_capturista.ui", central)
        self.setCentralWidget(central)
        self.setWindowTitle(form.windowTitle())
        self.curp = child(form, QLabel, "curpLabel")
        self.nombre = child(form, QLabel, "nombreLabel")
        self.rol = child(form, QLabel, "rolLabel")
        self.contratista_label = child(form, QLabel, "contratistaLabel")
        self.seleccionar = child(form, QPushButton, "seleccionarButton")
        self.cerrar_sesion = child(form, QPushButton, "cerrarSesionButton")
        self.curp.setText(f"<b>{sesion.curp}</b>")
        self.nombre.setText(f"<b>{sesion.nombre_completo}</b>")
        self.rol.setText(f"<b>{sesion.rol}</b>")
        self.contratista_label.setText(MSG_SIN_CONTRATISTA)
        self.seleccionar.clicked.connect(self.open_seleccionar)
        self.cerrar_sesion.clicked.connect(self.close)
        self.statusBar().showMessage(f"Capturista: {sesion.curp}")
        mnemonics.assign(self)  # Alt-letters for every button and labelled field
        self.resize(820, 520)

    def open_seleccionar(self) -> None:
        dialog = IcsoeSeleccionarContratistaDialog(self._services, self.sesion.curp, self)
        if dialog.exec() and dialog.elegido is not None:
            self.set_contratista(dialog.elegido)

    def set_contratista(self, contratista: ContratistaOpcion) -> None:
        self.contratista = contratista
        self.contratista_label.setText(
            f"Contratista en uso: <b>{contratista.nombre}</b> (RFC {contratista.rfc})"
        )
        self.statusBar().showMessage(
            f"Capturista: {self.sesion.curp} · Contratista: {contratista.rfc}"
        )

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closed.emit()
        event.accept()
