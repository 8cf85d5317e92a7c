"""The capturista's ICSOE window (guía Ingreso del capturista, pasos 7-11): Perfil del usuario
(CURP, Nombre completo, Rol), Seleccionar Contratista, the contratista in use and, once chosen,
its pantalla de inicio: the informativas by period, and (Informativas menu) its SISUB del
INFONAVIT, which a capturista prepares and its contratista files."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QPushButton, QWidget

from icsoe_desktop.domain.roles import Accion
from icsoe_desktop.gui.ayuda import menu_ayuda
from icsoe_desktop.gui.capacitacion import titulo
from icsoe_desktop.gui.icsoe.seleccionar_contratista import IcsoeSeleccionarContratistaDialog
from icsoe_desktop.gui.informativa.inicio import InformativasInicio
from icsoe_desktop.gui.kit import mnemonics
from icsoe_desktop.gui.kit.forms import child, load_form
from icsoe_desktop.gui.kit.modal import ejecutar_modal
from icsoe_desktop.gui.kit.permisos import reflejar
from icsoe_desktop.gui.kit.tabulador import en_orden

if TYPE_CHECKING:
    from PySide6.QtWidgets import QLayout

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
        self.informativas: InformativasInicio | None = None
        central = QWidget(self)
        form = load_form("icsoe_capturista.ui", central)
        self.setCentralWidget(central)
        self.setWindowTitle(titulo(form.windowTitle(), services))  # capacitación
        self.curp = child(form, QLabel, "curpLabel")
        self.nombre = child(form, QLabel, "nombreLabel")
        self.rol = child(form, QLabel, "rolLabel")
        self.contratista_label = child(form, QLabel, "contratistaLabel")
        self.seleccionar = child(form, QPushButton, "seleccionarButton")
        self.cerrar_sesion = child(form, QPushButton, "cerrarSesionButton")
        self._informativas_host = child(form, QWidget, "informativasHost")
        self.curp.setText(f"<b>{sesion.curp}</b>")
        self.nombre.setText(f"<b>{sesion.nombre_completo}</b>")
        self.rol.setText(f"<b>{sesion.rol}</b>")
        self.contratista_label.setText(MSG_SIN_CONTRATISTA)
        self.seleccionar.clicked.connect(self.open_seleccionar)
        self.cerrar_sesion.clicked.connect(self.close)
        self.statusBar().showMessage(f"Capturista: {sesion.curp}")
        informativas = self.menuBar().addMenu("&Informativas")
        informativas.setObjectName("informativasMenu")
        self.sisub_action = QAction("SISUB del INFONAVIT…", self)
        self.sisub_action.setObjectName("sisubAction")
        self.sisub_action.triggered.connect(self.abrir_sisub)
        informativas.addAction(self.sisub_action)
        self._reflejar_sisub()
        self.manual_action, self.acerca_action = menu_ayuda(self, services.data_dir)
        mnemonics.assign(self)  # Alt-letters for every button and labelled field
        self.resize(1120, 700)  # fits a 1366×768 screen

    def open_seleccionar(self) -> None:
        dialog = IcsoeSeleccionarContratistaDialog(self._services, self.sesion.curp, self)
        if ejecutar_modal(dialog) and dialog.elegido is not None:
            self.set_contratista(dialog.elegido)

    def set_contratista(self, contratista: ContratistaOpcion) -> None:
        self.contratista = contratista
        self.contratista_label.setText(
            f"Contratista en uso: <b>{contratista.nombre}</b> (RFC {contratista.rfc})"
        )
        self.statusBar().showMessage(
            f"Capturista: {self.sesion.curp} · Contratista: {contratista.rfc}"
        )
        self._mostrar_informativas(contratista.rfc)
        self._reflejar_sisub()

    def _reflejar_sisub(self) -> None:
        """The SISUB is the chosen contratista's: none chosen, none to open."""
        reflejar(
            self.sisub_action,
            self._services.permisos,
            self.sesion.curp,
            Accion.PREPARAR_SISUB,
            ademas=self.contratista is not None,
        )

    def abrir_sisub(self) -> None:
        from icsoe_desktop.gui.informativa.sisub import SisubDialog

        if self.sisub_action.isEnabled() and self.contratista is not None:
            dialogo = SisubDialog(self._services, self.contratista.rfc, self.sesion.curp, self)
            ejecutar_modal(dialogo)

    def _mostrar_informativas(self, rfc: str) -> None:
        """The pantalla de inicio of the contratista chosen (one at a time)."""
        if self.informativas is not None:
            self.informativas.cerrar_ventanas()
            self.informativas.setParent(None)  # its letters are free for the new one
            self.informativas.deleteLater()
        self.informativas = InformativasInicio(
            self._services, self.sesion.curp, rfc, puede_firmar=False, parent=self
        )
        cast("QLayout", self._informativas_host.layout()).addWidget(self.informativas)
        self.informativas.show()  # a child added to a shown window is not shown by itself
        mnemonics.assign(self)  # the new buttons get letters not taken by the window's
        # Tab in reading order: Seleccionar Contratista above the informativas, Cerrar sesión
        # under them (the page, made last, would come last).
        inicio = self.informativas
        en_orden(
            self.seleccionar, inicio.tabla, inicio.nueva, inicio.sin_informacion, inicio.abrir,
            inicio.eliminar, self.cerrar_sesion,
        )  # fmt: skip
        self.informativas.tabla.setFocus()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.informativas is not None:
            self.informativas.cerrar_ventanas()
        self.closed.emit()
        event.accept()
