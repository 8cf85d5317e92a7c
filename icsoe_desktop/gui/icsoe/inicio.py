"""ICSOE start window, reached from the IDSE login without an IDSE session: the contratista
enters with its e.firma; the capturista signs in with its CURP and password, recovers it, or
creates it with the mailed activation code. It then opens the right window."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import QCheckBox, QLineEdit, QPushButton, QWidget

from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.gui.capacitacion import titulo
from icsoe_desktop.gui.kit import mnemonics, msgbox
from icsoe_desktop.gui.kit.forms import child, load_form
from icsoe_desktop.gui.kit.geometria import centrar
from icsoe_desktop.gui.kit.modal import ejecutar_modal
from icsoe_desktop.gui.kit.mostrar_contrasena import bind_show_password

if TYPE_CHECKING:
    from icsoe_desktop.gui.icsoe.capturista import IcsoeCapturistaWindow
    from icsoe_desktop.gui.icsoe.contratista import IcsoeContratistaWindow
    from icsoe_desktop.services.container import Services
    from icsoe_desktop.services.contratistas import ContratistaSesion

TITLE = "Inicio de sesión"
MSG_DATOS_GENERALES = (
    "Para continuar, registra los datos generales del contratista: correo electrónico, celular, "
    "domicilio y el acuse de registro en el padrón de la STPS."
)


class IcsoeInicioWindow(QWidget):
    """``closed`` when the user leaves ICSOE (Cerrar); ``mail_queued`` lets the app deliver the
    outbox at once instead of waiting for its timer."""

    closed = Signal()

    def __init__(
        self,
        services: Services,
        mail_queued: Callable[[], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("IcsoeInicioWindow")
        self._services = services
        self._mail_queued = mail_queued or (lambda: None)
        self.contratista_window: IcsoeContratistaWindow | None = None
        self.capturista_window: IcsoeCapturistaWindow | None = None
        form = load_form("icsoe_inicio.ui", self)
        self.efirma = child(form, QPushButton, "efirmaButton")
        self.usuario = child(form, QLineEdit, "usuarioEdit")
        self.contrasena = child(form, QLineEdit, "contrasenaEdit")
        self.mostrar = child(form, QCheckBox, "mostrarContrasenaCheck")
        self.ingresar = child(form, QPushButton, "ingresarButton")
        self.olvido = child(form, QPushButton, "olvidoButton")
        self.firma = child(form, QPushButton, "firmaButton")
        self.crear_contrasena = child(form, QPushButton, "crearContrasenaButton")
        self.cerrar = child(form, QPushButton, "cerrarButton")
        bind_show_password(self.mostrar, self.contrasena)
        self.efirma.clicked.connect(self.open_efirma)
        self.firma.clicked.connect(self.open_efirma)  # "Ingresa con firma electrónica"
        self.ingresar.clicked.connect(self._on_ingresar)
        self.usuario.returnPressed.connect(self.contrasena.setFocus)
        self.contrasena.returnPressed.connect(self._on_ingresar)
        self.olvido.clicked.connect(self.open_recuperar)
        self.crear_contrasena.clicked.connect(lambda: self.open_crear_contrasena())
        self.cerrar.clicked.connect(self.close)
        mnemonics.assign(self)  # Alt-letters for every button and labelled field
        self.setWindowTitle(titulo(self.windowTitle(), services))  # modo de capacitación
        self.resize(560, 520)

    # --- contratista ---------------------------------------------------------------------------

    def open_efirma(self) -> None:
        from icsoe_desktop.gui.icsoe.efirma import IcsoeEfirmaDialog

        dialog = IcsoeEfirmaDialog(self._services, self)
        if ejecutar_modal(dialog) and dialog.sesion is not None:
            self.enter_contratista(dialog.sesion)

    def enter_contratista(self, sesion: ContratistaSesion) -> None:
        """First entry: Términos y condiciones (Cancelar: no entry), then the datos generales
        notice; then the contratista's window."""
        from icsoe_desktop.gui.icsoe.contratista import IcsoeContratistaWindow
        from icsoe_desktop.gui.icsoe.terminos import IcsoeTerminosDialog

        if not sesion.terminos_aceptados:
            if not ejecutar_modal(IcsoeTerminosDialog(self)):
                return
            sesion = self._services.contratistas.aceptar_terminos(sesion.rfc)
        if not sesion.datos_generales:
            box, _ = msgbox.make_box(
                self,
                "Information",
                "Datos generales",
                MSG_DATOS_GENERALES,
                [("Continuar", "accept")],
            )
            ejecutar_modal(box)
        window = IcsoeContratistaWindow(self._services, sesion, self._mail_queued)
        self._open(window)
        self.contratista_window = window

    # --- capturista ----------------------------------------------------------------------------

    def _on_ingresar(self) -> None:
        from icsoe_desktop.gui.icsoe.capturista import IcsoeCapturistaWindow
        from icsoe_desktop.gui.icsoe.elegir_empresa import abrir_con_espera, elegir

        entrada = self._services.entrada
        try:
            # The empresas where this CURP and password are right, never the login's choice.
            entradas = entrada.capturista(self.usuario.text(), self.contrasena.text())
        except DomainError as exc:
            msgbox.warning(self, exc.message, TITLE)
            self.contrasena.clear()
            (self.contrasena if self.usuario.text().strip() else self.usuario).setFocus()
            return
        self.contrasena.clear()
        empresa = elegir([e.empresa for e in entradas], self)
        if empresa is None:
            return
        elegida = next(e for e in entradas if e.empresa.id == empresa.id)
        try:
            abrir_con_espera(
                self._services, empresa, lambda: entrada.abrir_capturista(elegida, entradas)
            )
        except DomainError as exc:
            msgbox.warning(self, exc.message, TITLE)
            return
        window = IcsoeCapturistaWindow(self._services, elegida.sesion)
        self._open(window)
        self.capturista_window = window

    def open_recuperar(self) -> None:
        from icsoe_desktop.gui.icsoe.recuperar import IcsoeRecuperarDialog

        if ejecutar_modal(IcsoeRecuperarDialog(self._services, self.usuario.text(), self)):
            self._mail_queued()
            self.open_crear_contrasena(recuperacion=True)

    def open_crear_contrasena(self, codigo: str = "", recuperacion: bool = False) -> None:
        from icsoe_desktop.gui.icsoe.crear_contrasena import IcsoeCrearContrasenaDialog

        dialog = IcsoeCrearContrasenaDialog(self._services, codigo, self, recuperacion=recuperacion)
        if ejecutar_modal(dialog):
            self._mail_queued()  # the «contraseña actualizada» notice
            self.usuario.setText(dialog.curp)
            self.contrasena.setFocus()

    # --- windows -------------------------------------------------------------------------------

    def _open(self, window: QWidget) -> None:
        window.closed.connect(self._back)  # type: ignore[attr-defined]  # each ICSOE window has it
        centrar(window, self)
        window.show()
        self.hide()

    def _back(self) -> None:
        self.show()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Escape is Cerrar, as in a dialog: back to the login, nothing of ICSOE is left open.
        if event.key() == Qt.Key.Key_Escape:
            self.close()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closed.emit()
        event.accept()
