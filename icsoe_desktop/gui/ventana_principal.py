"""The main window shell: menus, who is signed in (or "Sólo consulta") and Salir."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal, SignalInstance
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from icsoe_desktop.domain.roles import Accion
from icsoe_desktop.gui.ayuda import menu_ayuda
from icsoe_desktop.gui.kit import colores, mnemonics
from icsoe_desktop.gui.kit.forms import child, load_form
from icsoe_desktop.gui.kit.modal import abrir_modal, ejecutar_modal
from icsoe_desktop.gui.kit.permisos import reflejar_varios
from icsoe_desktop.gui.kit.plegado import listas_bajas, plegable
from icsoe_desktop.gui.kit.tabulador import en_orden

if TYPE_CHECKING:
    from icsoe_desktop.services.container import Services

SOLO_CONSULTA = "Sólo consulta"


class VentanaPrincipal(QMainWindow):
    """``usuario`` None means modo sólo consulta: nothing that changes data is offered."""

    logout_requested = Signal()
    empresa_requested = Signal(int, bool)  # Cambiar de empresa: its id, and «just created»
    quit_requested = Signal()

    def __init__(
        self,
        services: Services,
        usuario: str | None,
        nombre: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("VentanaPrincipal")
        self._services = services
        self.usuario = usuario
        self.read_only = usuario is None
        central = QWidget(self)
        form = load_form("ventana_principal.ui", central)
        self.setCentralWidget(central)
        self.nombre = nombre
        # Varias empresas: the title and the status bar always name the open empresa.
        self._titulo = form.windowTitle()
        self.refresh_titulo()
        self.sesion = child(form, QLabel, "sesionLabel")
        self.modo = child(form, QLabel, "modoLabel")
        self.salir = child(form, QPushButton, "salirButton")
        self.salir.clicked.connect(self.quit_requested)

        if self.read_only:
            self.sesion.setText(f"<b>{SOLO_CONSULTA}</b>")
            self.modo.setText(
                "Sólo puedes consultar los movimientos de Altas/Reingresos, Modificaciones de "
                "Salario y Bajas. Para usar los servicios de conexión en línea, cierra la sesión e "
                "ingresa con un usuario y contraseña válidos."
            )
        else:
            shown = f"{nombre} ({usuario})" if nombre else str(usuario)
            self.sesion.setText(f"Usuario: <b>{shown}</b>")
            self.modo.setText("Sesión con todos los servicios de conexión en línea con IDSE.")
        self.modo.setWordWrap(True)

        # The module's content: Movimientos con IDSE (with Lotes only after a full login).
        from icsoe_desktop.gui.movimientos.ventana import MovimientosIdse

        self.movimientos = MovimientosIdse(services, usuario, self)
        contenido = child(form, QVBoxLayout, "contenidoLayout")
        self._build_bitacora(contenido)
        from icsoe_desktop.gui.informativa.aviso_repse import AvisoRepse

        # A lapsed REPSE registration in red, one to renew in amber: as wherever ICSOE shows it.
        self.aviso_repse = AvisoRepse(services, self)
        contenido.addWidget(self.aviso_repse)
        self._build_pendientes(contenido)
        contenido.addWidget(self.movimientos)

        self.estado_sesion = QLabel(SOLO_CONSULTA if self.read_only else f"Usuario: {usuario}")
        self.estado_sesion.setObjectName("estadoSesionLabel")
        self.statusBar().addPermanentWidget(self.estado_sesion)
        from icsoe_desktop.gui.kit.widgets import EtiquetaRecortable

        # At 200 % a long razón social gives way, its RFC whole; all of it in the tooltip.
        self.estado_empresa = EtiquetaRecortable(f"Empresa: {services.empresa.etiqueta}")
        self.estado_empresa.setObjectName("estadoEmpresaLabel")
        self.statusBar().addPermanentWidget(self.estado_empresa)
        from icsoe_desktop.gui.sync.barra import BarraSincronizacion

        # «Sincronizado hh:mm» / «Sin conexión» / «N cambios por enviar», and the automatic sync.
        self.barra_sincronizacion = BarraSincronizacion(services, self.statusBar())
        self._build_menus()
        # Reading order: the band's button on top, the movimientos, Salir at the bottom. The
        # panel's own edges are named: ordered as one widget, Qt puts Salir right after the
        # panel and ahead of the panel's controls.
        en_orden(self.pendientes_button, self.movimientos.exportar)
        lotes = self.movimientos.lotes
        en_orden(self.movimientos.tabla if lotes is None else lotes.detalle_tabla, self.salir)
        self._primera_vez = True  # showEvent: the first focus
        from icsoe_desktop.gui.sync.version_nueva import AvisoVersionNueva

        # «Hay una versión nueva (X.Y.Z)» with «Instalar»: asked after each sync that ended.
        self.version_nueva = AvisoVersionNueva(
            services, usuario, self.statusBar(), self.barra_sincronizacion.runner
        )
        self.version_nueva.instalada.connect(self.quit_requested)
        self.barra_sincronizacion.runner.finished.connect(self.version_nueva.tras_sincronizar)
        mnemonics.assign(self)  # Alt-letters for every button and labelled field
        self.resize(1340, 720)  # a 1366×768 screen's width: more of the grid in view
        # Windows at 200 % on a 768-line screen, in turn while it does not fit: the title, then
        # the session's line (the status bar names the user too) fold away, Salir goes to the
        # status bar's end (still the last thing read), the count found beside the tabs, the
        # search's box loses its title, the lists keep one row at least, and Lotes shows its
        # two parts one at a time: the grid and Salir stay in view, never under a scroll bar.
        plegable(
            self,
            [
                [child(form, QLabel, "tituloLabel")],
                [self.sesion, self.modo],
                lambda: self.statusBar().addPermanentWidget(self.salir),
                self.movimientos.total_junto_a_pestanas,
                self.movimientos.sin_titulo_de_busqueda,
                lambda: listas_bajas(self),
                self._lotes_en_pestanas,
            ],
        )

    def _lotes_en_pestanas(self) -> None:
        if self.movimientos.lotes is not None:  # sólo consulta has no Lotes
            self.movimientos.lotes.en_pestanas()

    def _action(self, text: str, name: str, slot, shortcut: QKeySequence | None = None) -> QAction:
        from icsoe_desktop.gui.kit.sesion import a_salvo

        action = QAction(text, self)
        action.setObjectName(name)
        if isinstance(slot, SignalInstance):
            action.triggered.connect(slot)
        else:  # a window opened reads the empresa: a refusal there ends the session quietly
            action.triggered.connect(a_salvo(lambda _checked=False: slot()))
        if shortcut is not None:
            action.setShortcut(shortcut)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        archivo = bar.addMenu("&Archivo")
        archivo.setObjectName("archivoMenu")
        self.cerrar_sesion_action = self._action(
            "&Cerrar sesión", "cerrarSesionAction", self.logout_requested
        )
        self.salir_action = self._action(
            "&Salir", "salirAction", self.quit_requested, QKeySequence("Ctrl+Q")
        )
        self.respaldar_action = self._action("&Respaldar…", "respaldarAction", self._respaldar)
        self.restaurar_action = self._action("Res&taurar…", "restaurarAction", self._restaurar)
        self.reparar_action = self._action(
            "Re&parar la base de datos…", "repararAction", self._reparar
        )
        self.cambiar_empresa_action = self._action(
            "Cambiar de &empresa…", "cambiarEmpresaAction", self._cambiar_empresa
        )
        self.cambiar_empresa_action.setEnabled(not self.read_only)  # sólo consulta: at the login
        archivo.addAction(self.cambiar_empresa_action)
        archivo.addSeparator()
        archivo.addAction(self.respaldar_action)
        archivo.addAction(self.restaurar_action)
        archivo.addAction(self.reparar_action)
        archivo.addSeparator()
        archivo.addAction(self.cerrar_sesion_action)
        archivo.addSeparator()
        archivo.addAction(self.salir_action)

        configuracion = bar.addMenu("&Configuración")
        configuracion.setObjectName("configuracionMenu")
        self.usuarios_action = self._action(
            "&Usuarios para conexión en línea con IDSE…", "usuariosAction", self._open_usuarios
        )
        self.correo_action = self._action(
            "Correo &saliente (SMTP)…", "correoAction", self._open_correo
        )
        self.registros_action = self._action(
            "Registros &patronales…", "registrosAction", self._open_registros
        )
        self.certificados_action = self._action(
            "Certificados &IMSS…", "certificadosAction", self.open_certificados
        )
        self.emisores_action = self._action(
            "&Emisores confiables…", "emisoresAction", self._open_emisores
        )
        self.sincronizacion_action = self._action(
            "Sincroni&zación…", "sincronizacionAction", self._open_sincronizacion
        )
        self.conflictos_action = self._action(
            "Con&flictos de sincronización…", "conflictosAction", self._open_conflictos
        )
        self.inicial_action = self._action(
            "Configuración i&nicial…", "configuracionInicialAction", self.open_configuracion_inicial
        )
        admin = (
            self.inicial_action,
            self.usuarios_action,
            self.correo_action,
            self.registros_action,
            self.certificados_action,
            self.emisores_action,
            self.sincronizacion_action,
            self.conflictos_action,
        )
        for action in admin:
            configuracion.addAction(action)
            # Sólo consulta changes nothing: administration is not offered.
            action.setEnabled(not self.read_only)
        # Varias empresas: an administrator grants or removes empresas per user.
        self.empresas_usuario_action = self._action(
            "Empresas p&or usuario…", "empresasUsuarioAction", self._open_empresas_usuario
        )
        configuracion.addAction(self.empresas_usuario_action)
        for menu in (archivo, configuracion):
            menu.setToolTipsVisible(True)

        # ICSOE: the informativas' deadlines of every contratista, across the user's empresas.
        icsoe = bar.addMenu("&ICSOE")
        icsoe.setObjectName("icsoeMenu")
        self.vencimientos_action = self._action(
            "&Vencimientos…", "vencimientosAction", self._open_vencimientos
        )
        icsoe.addAction(self.vencimientos_action)
        # The payroll's CFDI: who worked for which client, the informativa's source.
        self.recibos_nomina_action = self._action(
            "&Recibos de nómina…", "recibosNominaAction", self._open_recibos_nomina
        )
        icsoe.addAction(self.recibos_nomina_action)
        # Each client's monthly evidence (receipts, declarations, payments, REPSE) by month.
        self.evidencias_action = self._action(
            "Evi&dencias del cliente…", "evidenciasAction", self._open_evidencias
        )
        icsoe.addAction(self.evidencias_action)
        # For anyone who received a constancia de firma: a contratista's client, an auditor.
        self.verificar_constancia_action = self._action(
            "Verificar una &constancia de firma…",
            "verificarConstanciaAction",
            self._open_verificar_constancia,
        )
        icsoe.addAction(self.verificar_constancia_action)
        # After filing on the IMSS portal: its acuse registered; the archive for a client.
        self.presentacion_action = self._action(
            "Registrar &presentación…", "presentacionAction", self._open_presentacion
        )
        self.archivo_cliente_action = self._action(
            "&Exportar para el cliente…", "archivoClienteAction", self._open_archivo_cliente
        )
        icsoe.addSeparator()
        icsoe.addAction(self.presentacion_action)
        icsoe.addAction(self.archivo_cliente_action)
        icsoe.setToolTipsVisible(True)
        # The menus mirror the role matrix (domain/roles.py): what the user may not do is grey,
        # its tooltip says who may; the services enforce it.
        reflejar_varios(
            self._services.permisos,
            self.usuario,
            (
                (self.respaldar_action, Accion.RESPALDAR),
                (self.restaurar_action, Accion.RESTAURAR),
                (self.reparar_action, Accion.RESTAURAR),  # it replaces the store too
                (self.correo_action, Accion.CORREO_SALIENTE),
                (self.registros_action, Accion.REGISTROS_PATRONALES),
                (self.certificados_action, Accion.CERTIFICADOS),
                (self.emisores_action, Accion.EMISORES_CONFIABLES),
                (self.sincronizacion_action, Accion.SINCRONIZACION),
                (self.conflictos_action, Accion.CONFLICTOS),
                (self.empresas_usuario_action, Accion.CONCEDER_EMPRESAS),
                (self.presentacion_action, Accion.REGISTRAR_PRESENTACION),
                (self.archivo_cliente_action, Accion.ARCHIVO_CLIENTE),
            ),
        )
        # The receipts by the empresa's matrix: its administrator may withhold them from
        # sólo consulta (the grey item's tooltip says so).
        reflejar_varios(
            self._services.permisos_empresa,
            self.usuario,
            ((self.recibos_nomina_action, Accion.RECIBOS_NOMINA),),
        )

        # F1 here, as in every other window (gui/ayuda.py): the manual at this window's chapter,
        # or at the section of the tab in view or of what has the focus (Lotes, the grid).
        self.manual_action, self.acerca_action = menu_ayuda(self, self._services.data_dir)

    def _respaldar(self) -> None:
        from icsoe_desktop.gui.empresas.respaldo import respaldar

        respaldar(self, self._services, self.usuario)

    def _restaurar(self) -> None:
        from icsoe_desktop.gui.empresas.respaldo import restaurar

        # Once restored, sign out: the restored store has its own users.
        restaurar(self, self._services, self.usuario, self.logout_requested.emit)

    def _reparar(self) -> None:
        from icsoe_desktop.gui.empresas.respaldo import reparar

        reparar(self, self._services, self.usuario, self._mostrar_bitacora)

    def _mostrar_bitacora(self) -> None:
        """The red band as the store is now (a repaired store: its new reason, or none)."""
        texto = self._services.bitacora_alterada
        self.bitacora_alterada.setText(texto)
        self.bitacora_alterada.setVisible(bool(texto))

    def _build_bitacora(self, contenido: QVBoxLayout) -> None:
        """A red band while the empresa is open read-only: its audit log was altered
        (services/empresas/bitacora.py)."""
        self.bitacora_alterada = QLabel(self)
        self.bitacora_alterada.setObjectName("bitacoraAlteradaLabel")
        self.bitacora_alterada.setWordWrap(True)
        colores.hoja(
            self.bitacora_alterada,
            "#bitacoraAlteradaLabel { banda(#c62828) font-weight: bold; "
            "padding: 6px; border-radius: 4px; }",
        )
        contenido.addWidget(self.bitacora_alterada)
        self._mostrar_bitacora()

    # --- Configuración inicial ---------------------------------------------------------------

    def _build_pendientes(self, contenido: QVBoxLayout) -> None:
        """A band on top while the Configuración inicial has steps pending (full session)."""
        self.pendientes = QFrame(self)
        self.pendientes.setObjectName("pendientesFrame")
        colores.hoja(
            self.pendientes,
            "#pendientesFrame { background: #fff4e0; border: 1px solid #e0b060; "
            "border-radius: 4px; }",
        )
        row = QHBoxLayout(self.pendientes)
        self.pendientes_label = QLabel(self.pendientes)
        self.pendientes_label.setObjectName("pendientesLabel")
        self.pendientes_label.setWordWrap(True)
        self.pendientes_button = QPushButton("Configuración i&nicial…", self.pendientes)
        self.pendientes_button.setObjectName("configuracionInicialButton")
        self.pendientes_button.clicked.connect(self.open_configuracion_inicial)
        row.addWidget(self.pendientes_label, 1)
        row.addWidget(self.pendientes_button)
        contenido.addWidget(self.pendientes)
        self.refresh_pendientes()

    def refresh_pendientes(self) -> None:
        pasos = [] if self.read_only else self._services.primer_uso.pendientes()
        self.pendientes_label.setText(
            "<b>Configuración inicial pendiente:</b> " + ", ".join(p.titulo for p in pasos) + "."
        )
        self.pendientes.setVisible(bool(pasos))

    def open_configuracion_inicial(self) -> None:
        from icsoe_desktop.gui.configuracion.inicial import ConfiguracionInicialWizard
        from icsoe_desktop.services.empresas.primer_uso import (
            CERTIFICADOS,
            CORREO,
            REGISTROS,
            SELLO_TIEMPO,
            SINCRONIZACION,
        )

        openers = {
            REGISTROS: self._open_registros,
            CORREO: self._open_correo,
            CERTIFICADOS: self.open_certificados,
            SELLO_TIEMPO: self._open_emisores,
            SINCRONIZACION: self._open_sincronizacion,
        }
        # Window-modal without a nested event loop, so signing in returns at once; the band is
        # refreshed when the assistant closes, and the keyboard is back in this window.
        wizard = ConfiguracionInicialWizard(self._services, self.usuario, openers, self)
        wizard.empresa_guardada.connect(self.refresh_empresa)
        wizard.finished.connect(self.refresh_pendientes)
        wizard.finished.connect(self.refresh_empresa)
        abrir_modal(wizard)
        self.configuracion_inicial = wizard

    def refresh_empresa(self) -> None:
        """The RFC and razón social typed in the Configuración inicial name the empresa."""
        empresa = self._services.nombrar_empresa()
        self.refresh_titulo()
        self.estado_empresa.set_texto(f"Empresa: {empresa.etiqueta}")

    def refresh_titulo(self) -> None:
        """The open empresa, and «— CAPACITACIÓN — SIN VALIDEZ» while training."""
        from icsoe_desktop.gui.capacitacion import titulo

        empresa = self._services.empresa.etiqueta
        self.setWindowTitle(titulo(f"{self._titulo} — {empresa}", self._services))

    def _cambiar_empresa(self) -> None:
        from icsoe_desktop.gui.empresas.cambiar import CambiarEmpresaDialog

        assert self.usuario is not None
        dialog = CambiarEmpresaDialog(self._services, self.usuario, self)
        if ejecutar_modal(dialog) and dialog.elegida is not None:
            self.empresa_requested.emit(dialog.elegida, dialog.nueva)

    def _open_empresas_usuario(self) -> None:
        from icsoe_desktop.gui.empresas.por_usuario import EmpresasPorUsuarioDialog

        assert self.usuario is not None
        ejecutar_modal(EmpresasPorUsuarioDialog(self._services, self.usuario, self))

    def _open_usuarios(self) -> None:
        from icsoe_desktop.gui.idse.usuarios import IdseUsuariosDialog

        ejecutar_modal(IdseUsuariosDialog(self._services, self.usuario, self))

    def _open_correo(self, parent: QWidget | None = None) -> None:
        from icsoe_desktop.gui.configuracion.correo import ConfiguracionCorreoDialog

        ejecutar_modal(
            ConfiguracionCorreoDialog(self._services, self.usuario, _parent(parent, self))
        )
        self.refresh_pendientes()

    def _open_registros(self, parent: QWidget | None = None) -> None:
        from icsoe_desktop.gui.empresas.registros_patronales import RegistrosPatronalesDialog

        ejecutar_modal(
            RegistrosPatronalesDialog(self._services, self.usuario, _parent(parent, self))
        )
        self.refresh_pendientes()

    def open_certificados(
        self, parent: QWidget | None = None, *, avisar_al_cerrar: bool = True
    ) -> None:
        from icsoe_desktop.gui.certificados.imss import CertificadosImssDialog

        dialog = CertificadosImssDialog(self._services, self.usuario, _parent(parent, self))
        dialog.avisar_al_cerrar = avisar_al_cerrar
        ejecutar_modal(dialog)
        self.refresh_pendientes()

    def _open_emisores(self, parent: QWidget | None = None) -> None:
        from icsoe_desktop.gui.certificados.emisores_confiables import EmisoresConfiablesDialog

        dialog = EmisoresConfiablesDialog(self._services, self.usuario, _parent(parent, self))
        ejecutar_modal(dialog)
        self.refresh_titulo()  # the modo de capacitación may have changed there

    def _open_sincronizacion(self, parent: QWidget | None = None) -> None:
        from icsoe_desktop.gui.sync.configuracion import SincronizacionDialog

        ejecutar_modal(
            SincronizacionDialog(
                self._services,
                self.usuario,
                _parent(parent, self),
                self.barra_sincronizacion.runner,
            )
        )
        self.refresh_pendientes()
        self.barra_sincronizacion.apply_settings()

    def _open_conflictos(self) -> None:
        from icsoe_desktop.gui.sync.conflictos import ConflictosDialog

        ejecutar_modal(ConflictosDialog(self._services, self.usuario, self))
        self.barra_sincronizacion.refresh()

    def _open_vencimientos(self) -> None:
        from icsoe_desktop.gui.informativa.vencimientos import VencimientosDialog

        ejecutar_modal(VencimientosDialog(self._services, self.usuario, self))

    def _open_evidencias(self) -> None:
        from icsoe_desktop.gui.evidencias.tablero import EvidenciasTableroDialog

        ejecutar_modal(EvidenciasTableroDialog(self._services, self.usuario, self))

    def _open_recibos_nomina(self) -> None:
        from icsoe_desktop.gui.nomina.recibos import RecibosNominaDialog

        ejecutar_modal(RecibosNominaDialog(self._services, self.usuario, self))

    def _open_verificar_constancia(self) -> None:
        from icsoe_desktop.gui.informativa.verificar import VerificarConstanciaDialog

        ejecutar_modal(VerificarConstanciaDialog(self._services, self))

    def _open_presentacion(self) -> None:
        from icsoe_desktop.gui.informativa.presentacion import RegistrarPresentacionDialog

        ejecutar_modal(RegistrarPresentacionDialog(self._services, self.usuario, None, self))

    def _open_archivo_cliente(self) -> None:
        from icsoe_desktop.gui.informativa.archivo_cliente import ArchivoClienteDialog

        ejecutar_modal(ArchivoClienteDialog(self._services, self.usuario, None, self))

    def showEvent(self, event: QShowEvent) -> None:
        """The focus starts on the first control as the window reads. The chain is a ring whose
        start Qt would take: Salir, which Enter presses (the clerk's first Enter would close
        the app)."""
        super().showEvent(event)
        if self._primera_vez:
            self._primera_vez = False
            primero = self.pendientes_button if self.pendientes.isVisible() else None
            (primero or self.movimientos.exportar).setFocus()

    def closeEvent(self, event: QCloseEvent) -> None:
        # Closing the window is Salir.
        self.barra_sincronizacion.detener()
        self.quit_requested.emit()
        event.accept()


def _parent(parent: object, window: QWidget) -> QWidget:
    """The dialog's parent: the assistant that opened it, or this window (a menu passes a bool)."""
    return parent if isinstance(parent, QWidget) else window
