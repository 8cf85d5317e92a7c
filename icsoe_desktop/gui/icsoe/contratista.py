"""The contratista's ICSOE window: Perfil del usuario, the Administración menu (Información
del contratista, Alta de usuarios, Consulta, Exportar Excel, Registro REPSE…) and Informativas (the pantalla de
inicio of its informativas, where it also signs them). Both are available only after the datos
generales are saved (guía Ingreso del contratista, paso 16)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.domain.texts import plural
from icsoe_desktop.gui.ayuda import menu_ayuda
from icsoe_desktop.gui.capacitacion import poner_banda, titulo
from icsoe_desktop.gui.icsoe.alta_usuario import IcsoeAltaUsuarioPage
from icsoe_desktop.gui.icsoe.consulta import IcsoeConsultaPage
from icsoe_desktop.gui.icsoe.datos_generales import IcsoeDatosGeneralesPage
from icsoe_desktop.gui.informativa.inicio import InformativasInicio
from icsoe_desktop.gui.kit import efirma_de_la_sesion, mnemonics, msgbox
from icsoe_desktop.gui.kit.cambios import puede_cerrar
from icsoe_desktop.gui.kit.elegir_archivo import guardar_archivo
from icsoe_desktop.gui.kit.forms import child, load_form
from icsoe_desktop.gui.kit.modal import ejecutar_modal
from icsoe_desktop.gui.kit.operaciones import ejecutar
from icsoe_desktop.services.archivos.salida import FILTRO_DIALOGO, con_terminacion, formato

if TYPE_CHECKING:
    from icsoe_desktop.services.container import Services
    from icsoe_desktop.services.contratistas import ContratistaSesion

EXPORT_TITLE = "Exportar Excel"


class IcsoeContratistaWindow(QMainWindow):
    closed = Signal()

    def __init__(
        self,
        services: Services,
        sesion: ContratistaSesion,
        mail_queued: Callable[[], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("IcsoeContratistaWindow")
        self._services = services
        self.sesion = sesion
        self._mail_queued = mail_queued or (lambda: None)
        central = QWidget(self)
        form = load_form("icsoe_contratista.ui", central)
        self.setCentralWidget(central)
        self.setWindowTitle(titulo(form.windowTitle(), services, sesion.rfc))  # capacitación
        self.banda_capacitacion = poner_banda(central, services, sesion.rfc)
        child(form, QLabel, "rfcLabel").setText(f"<b>{sesion.rfc}</b>")
        child(form, QLabel, "nombreLabel").setText(f"<b>{sesion.nombre}</b>")
        self.paginas = child(form, QStackedWidget, "paginasStack")
        self.datos_generales = IcsoeDatosGeneralesPage(services, sesion)
        self.alta = IcsoeAltaUsuarioPage(services, sesion.rfc)
        self.consulta: IcsoeConsultaPage | None = None  # built on first use: it queries
        self.informativas: InformativasInicio | None = None  # the same
        for page in (self.datos_generales, self.alta):
            self.paginas.addWidget(page)
        self.datos_generales.saved.connect(self._on_datos_guardados)
        self.alta.saved.connect(self._on_alta_saved)
        self.alta.back_requested.connect(self.show_consulta)
        self._build_menus()
        self._set_admin(sesion.datos_generales)
        # Its informativas are what a contratista comes back for (the first time, the datos
        # generales it must register before anything else).
        if sesion.datos_generales:
            self.show_informativas()
        else:
            self.show_datos_generales()
        mnemonics.assign(self)  # Alt-letters for every button and labelled field
        self.resize(1340, 720)  # a 1366×768 screen's width: the Consulta grid's 14 columns

    def _action(self, text: str, name: str, slot) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        action.triggered.connect(slot)
        return action

    def _build_menus(self) -> None:
        admin = self.menuBar().addMenu("&Administración")
        admin.setObjectName("administracionMenu")
        self.informacion_action = self._action(
            "Información del contratista", "informacionAction", self.show_datos_generales
        )
        self.alta_action = self._action("Alta de usuarios", "altaUsuariosAction", self.show_alta)
        self.consulta_action = self._action("Consulta", "consultaAction", self.show_consulta)
        self.exportar_action = self._action("Exportar Excel", "exportarAction", self.exportar_excel)
        self.repse_action = self._action(
            "Registro REPSE…", "registroRepseAction", self.abrir_registro_repse
        )
        for action in (
            self.informacion_action,
            self.alta_action,
            self.consulta_action,
            self.exportar_action,
            self.repse_action,
        ):
            admin.addAction(action)
        informativas = self.menuBar().addMenu("&Informativas")
        informativas.setObjectName("informativasMenu")
        self.informativas_action = self._action(
            "Informativas por periodo", "informativasAction", self.show_informativas
        )
        informativas.addAction(self.informativas_action)
        informativas.addAction(
            self._action(
                "Verificar una constancia de firma…",
                "verificarConstanciaAction",
                self.verificar_constancia,
            )
        )
        self.sisub_action = self._action("SISUB del INFONAVIT…", "sisubAction", self.abrir_sisub)
        informativas.addAction(self.sisub_action)
        sesion = self.menuBar().addMenu("&Sesión")
        sesion.setObjectName("sesionMenu")
        self.salir_action = self._action("Cerrar sesión", "cerrarSesionAction", self.close)
        sesion.addAction(self.salir_action)
        self.manual_action, self.acerca_action = menu_ayuda(self, self._services.data_dir)

    def _set_admin(self, enabled: bool) -> None:
        for action in (
            self.alta_action,
            self.consulta_action,
            self.exportar_action,
            self.informativas_action,
            self.sisub_action,
            self.repse_action,
        ):
            action.setEnabled(enabled)

    # --- pages ---------------------------------------------------------------------------------

    def show_datos_generales(self) -> None:
        self.paginas.setCurrentWidget(self.datos_generales)

    def show_alta(self) -> None:
        if self.alta_action.isEnabled():
            if not puede_cerrar(self, self.alta.cambios(), self.alta._on_guardar):
                return  # the capturista being typed stays on screen
            self.alta.clear()
            self.paginas.setCurrentWidget(self.alta)

    def show_consulta(self) -> None:
        if not self.consulta_action.isEnabled():
            return
        if self.consulta is None:
            self.consulta = IcsoeConsultaPage(self._services, self.sesion.rfc)
            self.consulta.edit_requested.connect(self._on_edit)
            self.consulta.export_requested.connect(self.exportar_excel)
            self.consulta.mail_queued.connect(self._mail_queued)
            self.paginas.addWidget(self.consulta)
            mnemonics.assign(self)  # its buttons get letters not taken by the window's
        else:
            self.consulta.reload()
        self.paginas.setCurrentWidget(self.consulta)

    def verificar_constancia(self) -> None:
        from icsoe_desktop.gui.informativa.verificar import VerificarConstanciaDialog

        ejecutar_modal(VerificarConstanciaDialog(self._services, self))

    def abrir_sisub(self) -> None:
        from icsoe_desktop.gui.informativa.sisub import SisubDialog

        if self.sisub_action.isEnabled():
            ejecutar_modal(SisubDialog(self._services, self.sesion.rfc, self.sesion.rfc, self))

    def abrir_registro_repse(self) -> None:
        """Its REPSE registration and renewal (gui/icsoe/registro_repse.py)."""
        from icsoe_desktop.gui.icsoe.registro_repse import RegistroRepseDialog

        if self.repse_action.isEnabled():
            rfc = self.sesion.rfc
            ejecutar_modal(RegistroRepseDialog(self._services, rfc, rfc, self))

    def show_informativas(self) -> None:
        """The pantalla de inicio for its own RFC; the contratista signs (``puede_firmar``)."""
        if not self.informativas_action.isEnabled():
            return
        if self.informativas is None:
            page = QWidget(self)
            layout = QVBoxLayout(page)
            layout.setContentsMargins(8, 8, 8, 8)
            self.informativas = InformativasInicio(
                self._services, self.sesion.rfc, self.sesion.rfc, puede_firmar=True, parent=page
            )
            layout.addWidget(self.informativas)
            self.paginas.addWidget(page)
            mnemonics.assign(self)  # its buttons get letters not taken by the window's
        else:
            self.informativas.recargar()
        pagina = self.informativas.parentWidget()
        assert pagina is not None  # the page it was put in above
        self.paginas.setCurrentWidget(pagina)
        self.informativas.tabla.setFocus()

    def _on_datos_guardados(self, sesion: ContratistaSesion) -> None:
        first = not self.sesion.datos_generales
        self.sesion = sesion
        self._set_admin(sesion.datos_generales)
        if first:
            self.show_alta()

    def _on_alta_saved(self) -> None:
        self._mail_queued()
        self.show_consulta()

    def _on_edit(self, row) -> None:
        if not puede_cerrar(self, self.alta.cambios(), self.alta._on_guardar):
            self.paginas.setCurrentWidget(self.alta)  # back to what was being typed
            return
        self.alta.edit(row)
        self.paginas.setCurrentWidget(self.alta)

    # --- Exportar Excel ------------------------------------------------------------------------

    def exportar_excel(self) -> None:
        if not self.exportar_action.isEnabled():
            return
        name = self._services.capturistas_excel.export_file_name(self.sesion.rfc)
        path, filtro = guardar_archivo(self, EXPORT_TITLE, str(Path.home() / name), FILTRO_DIALOGO)
        if path:
            self.exportar_a(str(con_terminacion(Path(path), filtro)))

    def exportar_a(self, path: str) -> None:
        """What the save dialog does with the chosen path (tests call it directly): the file
        (.xlsx or CSV, as its name says) is written in the background, then «Abrir» offers
        it."""
        target = Path(path)
        try:
            formato(target)
        except DomainError as exc:
            msgbox.warning(self, exc.message, EXPORT_TITLE)
            return
        service = self._services.capturistas_excel
        rfc = self.sesion.rfc
        ejecutar(
            self,
            "Generando el archivo de Excel…",
            lambda: service.exportar_tabla(rfc, target),
            lambda count: self._exportado(target, count),
            titulo=EXPORT_TITLE,
        )

    def _exportado(self, target: Path, count: int) -> None:
        box, (abrir, _aceptar) = msgbox.make_box(
            self,
            "Information",
            EXPORT_TITLE,
            f"Se generó el archivo {target.name} con "
            f"{plural(count, 'usuario capturista', 'usuarios capturistas')}.",
            [("Abrir", "accept"), ("Aceptar", "reject")],
        )
        msgbox.mostrar(box)
        if box.clickedButton() is abrir:
            from PySide6.QtCore import QUrl
            from PySide6.QtGui import QDesktopServices

            QDesktopServices.openUrl(QUrl.fromLocalFile(str(target)))

    def closeEvent(self, event: QCloseEvent) -> None:
        # What was typed in Información del contratista or Alta de usuarios is asked about.
        for page, guardar in (
            (self.datos_generales, self.datos_generales.guardar_datos),
            (self.alta, self.alta._on_guardar),
        ):
            if not puede_cerrar(self, page.cambios(), guardar):
                self.paginas.setCurrentWidget(page)
                event.ignore()
                return
        if self.informativas is not None:
            self.informativas.cerrar_ventanas()
        efirma_de_la_sesion.olvidar(self.sesion.rfc)
        self.closed.emit()
        event.accept()
