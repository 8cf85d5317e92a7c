"""Wires the windows together: login → main window, registration, recovery, mail retries.

The login window is shown before the store is open (SQLAlchemy and the models take longer to
import than Qt). In the background, the IDSE sign-in is opened first (plain sqlite3: Continuar
answers within a few ms), then the services; a sign-in made before them waits for them.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

# Only what the first window needs: message boxes, modal dialogs and the domain's errors are
# imported where they are used (each module imported costs the first window, bench/startup.py).
from icsoe_desktop.gui.idse.login import IdseLoginWindow
from icsoe_desktop.gui.kit import colores
from icsoe_desktop.gui.kit.geometria import centrar

# gui/kit/operaciones.py is imported where work goes to the background, all of it after the
# first frame: loading it (its subclasses of QObject) would cost that frame ~8 M instructions
# (bench/startup.py --instructions).

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from icsoe_desktop.domain.clock import Clock
    from icsoe_desktop.domain.errors import DomainError
    from icsoe_desktop.gui.icsoe.inicio import IcsoeInicioWindow
    from icsoe_desktop.gui.single_instance import SingleInstance
    from icsoe_desktop.gui.ventana_principal import VentanaPrincipal
    from icsoe_desktop.services.acceso.idse_sign_in import IdseSignIn, Usuarios
    from icsoe_desktop.services.container import Services

log = logging.getLogger(__name__)
SESION_VIGILADA_MS = 60_000  # a withdrawn grant closes the windows within a minute
MAIL_RETRY_MS = 60_000
MSG_REGISTRA_CERTIFICADOS = (
    "Registra el certificado IMSS (.pfx) o la e.firma (.cer y .key) de cada uno de los registros "
    "patronales de tu empresa para poder enviar movimientos a IDSE.\n\n"
    "¿Abrir Certificados IMSS ahora?"
)
MSG_NO_VOLVER_A_PREGUNTAR = "No volver a preguntar para esta empresa"


def _open_sign_in(data_dir: Path) -> tuple[IdseSignIn, Usuarios] | None:
    """With what the login shows of its users: read here, off the GUI thread."""
    from icsoe_desktop.services.acceso.idse_sign_in import open_sign_in_with_users

    return open_sign_in_with_users(data_dir)


def _open_services(data_dir: Path, log_path: Path | None, clock: Clock | None) -> Services:
    if log_path is not None:
        from icsoe_desktop.logging_setup import configure_logging

        configure_logging(log_path)
    from icsoe_desktop.services.container import open_services

    services = open_services(data_dir) if clock is None else open_services(data_dir, clock)
    services.certificates  # noqa: B018 - built here, off the GUI thread: the login lists them
    return services


def _prepare_single_instance() -> None:
    from icsoe_desktop.gui.single_instance import prepare

    prepare()


class Application(QObject):
    """``exit_requested(code)`` asks whoever runs the event loop to end it (run_gui does).

    ``instance_name`` (run_gui): this data dir's single-instance channel, opened once the login
    answers and before the store opens (``claim``); a start that lost the race to another hands
    its links over and ends. ``settled`` is emitted then: the rest of the start may load."""

    exit_requested = Signal(int)
    settled = Signal()
    # A refusal that ended the signed-in user's session (its code): queued to the GUI thread.
    sesion_terminada = Signal(str)

    def __init__(
        self,
        data_dir: Path,
        log_path: Path | None = None,
        instance_name: str | None = None,
        clock: Clock | None = None,
    ) -> None:
        super().__init__()
        self.data_dir = data_dir
        self._clock = clock  # the services' (the system's when None; tests fix the day)
        self.log_path = log_path
        self.instance_name = instance_name
        self.instance: SingleInstance | None = None
        self.services: Services | None = None
        colores.suponer_contraste()  # Qt is asked with the services (``_on_services``)
        self.login = IdseLoginWindow()
        self.main: VentanaPrincipal | None = None
        self.icsoe: IcsoeInicioWindow | None = None
        self.mail_timer = QTimer(self)
        self.mail_timer.setInterval(MAIL_RETRY_MS)
        self.mail_timer.timeout.connect(self.send_mail_in_background)
        # A grant withdrawn while the user only looks: the session is asked this often too,
        # not only at its next action.
        self.sesion_timer = QTimer(self)
        self.sesion_timer.setInterval(SESION_VIGILADA_MS)
        self.sesion_timer.timeout.connect(self._vigilar_sesion)
        self._mail_running = False
        self._pending_args: list[str] = []  # handed over before the store was open
        self._waiting: list[Callable[[], None]] = []  # sólo consulta chosen before the services
        self._built: Services | None = None  # closed by shutdown even if never handed over

        login = self.login
        login.register_requested.connect(self.open_registro)
        login.recover_requested.connect(self.open_recuperar)
        login.icsoe_requested.connect(self.open_icsoe)
        login.consulta_requested.connect(lambda: self._with_services(self.open_consulta))
        login.signed_in.connect(self.open_main)  # with the services: the login waits for them

    def start(self) -> None:
        login = self.login
        login.adjustSize()  # the size its contents ask for, before it is centred
        centrar(login)  # the first window, in the middle of the screen
        # Its height for its contents at the width it got, before it shows: on a small or
        # scaled screen (200 %) adjustSize's width is narrower, its wrapped texts taller, and
        # fitted only on the loop's first turn (late on a busy PC) the first frame would differ.
        if login.encajar():
            centrar(login)
        # Once it is drawn: following its contents' size, and the sign-in's store opened in the
        # background (its imports and key lookup would take the GIL from the first frame).
        login.primer_cuadro.connect(login.seguir_contenido)
        login.primer_cuadro.connect(self._abrir_acceso)
        login.show()

    def _abrir_acceso(self) -> None:
        from icsoe_desktop.gui.kit.operaciones import en_segundo_plano  # after the first frame

        en_segundo_plano(
            lambda: _open_sign_in(self.data_dir), self._on_sign_in, self._on_sign_in_failure
        )

    # --- start-up ------------------------------------------------------------------------------

    def _on_sign_in(self, opened: tuple[IdseSignIn, Usuarios] | None) -> None:
        """None: the store needs the full opening first (a migration, a damaged file)."""
        if opened is not None and self.services is None:
            self.login.set_sign_in(*opened)
        self._open_services()

    def _on_sign_in_failure(self, exc: BaseException) -> None:
        log.warning("Acceso anticipado no disponible", exc_info=exc)
        self._open_services()  # which opens the store fully, or says in Spanish why it cannot

    def _open_services(self) -> None:
        """Listen as the data dir's app first: QtNetwork loads in the background meanwhile."""
        from icsoe_desktop.gui.kit.operaciones import en_segundo_plano  # after the first frame

        if self.instance_name is None:
            self.settled.emit()
            self._build_services()
            return

        def failed(exc: BaseException) -> None:
            log.warning("Canal de instancia única no preparado", exc_info=exc)
            self._claim()  # which imports it here

        en_segundo_plano(_prepare_single_instance, lambda _: self._claim(), failed)

    def _claim(self) -> None:
        from icsoe_desktop.gui.single_instance import claim

        assert self.instance_name is not None
        # The links this start was given wait in _pending_args (no services yet).
        instance = claim(self.instance_name, self._pending_args)
        if instance is None:
            log.info(
                "icsoe-desktop ya está abierto con %s: se le pasaron los argumentos", self.data_dir
            )
            self.exit_requested.emit(0)
            return
        self.instance = instance
        instance.arguments_received.connect(self.handle_arguments)
        self.settled.emit()
        self._build_services()

    def _build_services(self) -> None:
        from icsoe_desktop.gui.kit.operaciones import en_segundo_plano  # after the first frame

        def build() -> Services:
            self._built = _open_services(self.data_dir, self.log_path, self._clock)
            return self._built

        en_segundo_plano(build, self._on_services, self._on_failure)

    def _with_services(self, action: Callable[[], None]) -> None:
        """Run ``action`` now, or once the services are built (the login answers before)."""
        if self.services is not None:
            action()
            return
        self._waiting.append(action)
        self.login.wait_for_services()

    def _on_services(self, services: Services) -> None:
        from icsoe_desktop.gui.ayuda import instalar
        from icsoe_desktop.gui.empresas.respaldo import avisar
        from icsoe_desktop.gui.kit.operaciones import en_segundo_plano  # after the first frame

        # F1 in every window, the manual at its chapter; from here, not before the first window:
        # the start-up budget (bench/startup.py) has no room for it, and nobody asks for help
        # in the instant before the login answers.
        instalar()
        self.services = services
        from PySide6.QtCore import Qt  # not on the start-up path (its first window)

        colores.preguntar_contraste()  # its answer needs ``Qt`` too

        # Queued: the refusal reaches the window that asked first, whichever thread it ran in.
        self.sesion_terminada.connect(self._terminar_sesion, Qt.ConnectionType.QueuedConnection)
        services.permisos.al_terminar_sesion(self._sesion_rechazada)
        self.login.set_services(services)
        if services.avisos:  # an interrupted restore, finished or undone at this opening
            QTimer.singleShot(0, lambda: avisar(self.login, services))
        for action in self._waiting:
            QTimer.singleShot(0, action)
        self._waiting = []
        self.mail_timer.start()
        QTimer.singleShot(2_000, self.send_mail_in_background)  # mail left from a previous run
        if self._pending_args:
            args, self._pending_args = self._pending_args, []
            QTimer.singleShot(0, lambda: self.handle_arguments(args))
        # The services the login does not need, built while the user types (container.py).
        en_segundo_plano(services.preload, lambda _: None, lambda exc: log.error("", exc_info=exc))

    def _on_failure(self, exc: BaseException) -> None:
        from icsoe_desktop.domain.errors import DomainError
        from icsoe_desktop.gui.codigo_recuperacion import ofrecer
        from icsoe_desktop.gui.kit import msgbox

        recuperada = ofrecer(exc, self.data_dir, self.login)
        if recuperada:  # the key back in the keyring: open again
            self._build_services()
            return
        if recuperada is False:  # «Salir»
            self.login.set_unavailable()
            self.exit_requested.emit(1)
            return
        self.login.set_unavailable()  # a sign-in already open must not answer either
        if isinstance(exc, DomainError):
            log.error("No se pudo abrir el almacén: %s", exc.message)
            msgbox.error(self.login, exc.message, "No se pudo iniciar icsoe-desktop")
        else:
            log.error("Error al abrir el almacén", exc_info=exc)
            msgbox.error(
                self.login,
                f"No se pudo abrir la base de datos en «{self.data_dir}». El detalle quedó en el "
                "archivo de registro de la aplicación.",
                "No se pudo iniciar icsoe-desktop",
            )
        self.exit_requested.emit(1)

    # --- arguments: this start's, or a later start's on the same data dir ------------------------

    def handle_arguments(self, args: list[str]) -> None:
        """Bring the window to the front; an ``icsoe://activar?codigo=…`` link opens Crear
        contraseña with the code filled in. A bad link gets a message, never a crash."""
        window = self._front_window()
        if not args:
            return
        if self.services is None:
            self._pending_args.extend(args)
            return
        from icsoe_desktop.domain.activation_link import code_from_link
        from icsoe_desktop.domain.errors import DomainError
        from icsoe_desktop.gui.kit import msgbox

        # One window per message at most, whatever it holds: Crear contraseña for its first
        # good link, else one message for its first bad one (a later start passes one link).
        refused: DomainError | None = None
        for link in args:
            try:
                codigo = code_from_link(link)
            except DomainError as exc:
                log.warning("Enlace no reconocido: %s", exc.code)
                refused = refused or exc
                continue
            self._open_activation(window, codigo)
            return
        if refused is not None:
            msgbox.warning(window, refused.message, "Enlace de activación")

    def _front_window(self) -> QWidget:
        """The window the user sees (a dialog's parent window included), raised and focused."""
        from PySide6.QtWidgets import QApplication

        window = QApplication.activeWindow()
        if window is None or not window.isVisible():
            visible = [w for w in QApplication.topLevelWidgets() if w.isVisible() and w.isWindow()]
            window = visible[-1] if visible else self.login
        if window.isMinimized():
            window.showNormal()
        window.raise_()
        window.activateWindow()
        return window

    def _open_activation(self, window: QWidget, codigo: str) -> None:
        """In the ICSOE start window when no one is working elsewhere (after Crear contraseña the
        CURP is ready to sign in); otherwise over the window in use."""
        from icsoe_desktop.gui.icsoe.crear_contrasena import IcsoeCrearContrasenaDialog
        from icsoe_desktop.gui.kit.modal import ejecutar_modal

        log.info("Crear contraseña abierto por un enlace de activación")
        if window is self.login:
            self.open_icsoe()
        if self.icsoe is not None and self.icsoe.isVisible():
            self.icsoe.open_crear_contrasena(codigo)
            return
        assert self.services is not None  # handle_arguments() waits for them
        dialog = IcsoeCrearContrasenaDialog(self.services, codigo, window)
        if ejecutar_modal(dialog):
            self.send_mail_in_background()

    # --- windows -------------------------------------------------------------------------------

    def open_registro(self) -> None:
        from icsoe_desktop.gui.idse.usuarios import IdseUsuariosDialog
        from icsoe_desktop.gui.kit.modal import ejecutar_modal

        assert self.services is not None
        ejecutar_modal(IdseUsuariosDialog(self.services, None, self.login))
        self.login.refresh_default_usuario()

    def open_recuperar(self) -> None:
        from icsoe_desktop.gui.idse.recuperar_contrasena import RecuperarContrasenaDialog
        from icsoe_desktop.gui.kit.modal import ejecutar_modal

        assert self.services is not None
        ejecutar_modal(RecuperarContrasenaDialog(self.services, self.login))
        self.login.refresh_default_usuario()

    def open_icsoe(self) -> None:
        """ICSOE (contratistas, capturistas) lives apart from the IDSE session."""
        from icsoe_desktop.gui.icsoe.inicio import IcsoeInicioWindow

        assert self.services is not None
        self.icsoe = IcsoeInicioWindow(self.services, self.send_mail_in_background)
        self.icsoe.closed.connect(self._back_from_icsoe)
        centrar(self.icsoe, self.login)
        self.icsoe.show()
        self.login.hide()

    def open_consulta(self) -> None:
        """Modo sólo consulta: only in an empresa an administrator allowed (no credentials)."""
        from icsoe_desktop.domain.errors import DomainError
        from icsoe_desktop.gui.kit import msgbox

        assert self.services is not None
        try:
            self.services.empresas.comprobar_solo_consulta(self.services.empresa.id)
        except DomainError as exc:
            msgbox.warning(self.login, exc.message)
            return
        self.open_main(None)

    def _back_from_icsoe(self) -> None:
        """ICSOE's entries open their own empresa: the login shows the one open now."""
        from icsoe_desktop.gui.kit import efirma_de_la_sesion

        efirma_de_la_sesion.olvidar_todo()  # no contratista's session is open any more
        self.login.empresa_selector.refresh()
        self.login.refresh_vigencias()
        self.login.show()

    def open_main(self, usuario: str | None, nombre: str = "") -> None:
        assert self.services is not None
        if usuario is None:  # the main window opens once the movements are up to date
            self._actualizar_movimientos(lambda: self._abrir_main(None, nombre))
            return
        self._abrir_main(usuario, nombre)

    def _abrir_main(self, usuario: str | None, nombre: str) -> None:
        from icsoe_desktop.gui.ventana_principal import VentanaPrincipal

        assert self.services is not None
        if usuario is not None:  # every call of the empresa's services asks for this user
            self.services.puerta.abrir(usuario)
            self.sesion_timer.start()
        self.main = VentanaPrincipal(self.services, usuario, nombre)
        self.main.logout_requested.connect(self.logout)
        self.main.empresa_requested.connect(self.cambiar_empresa)
        self.main.quit_requested.connect(self.quit)
        centrar(self.main, self.login)
        self.main.show()
        self.login.hide()
        # Python's full collection walks every object alive (services, SQLAlchemy, Qt
        # wrappers): a 50-70 ms pause at a random moment, often a sort or a scroll of the grid
        # (bench/movimientos.py). What lives as long as this window is kept out of its walk.
        gc.freeze()
        if usuario is not None:
            from icsoe_desktop.gui.kit.interrumpidas import avisar_interrumpidas

            # An import a previous run left cut short (killed, the machine off): nothing of it
            # was saved, and the clerk hears which file is not in. Once signed in: the login
            # names no file nor empresa to whoever sits at the computer.
            avisar_interrumpidas(self.main, self.services)
            self._guide_the_first_day()

    def _guide_the_first_day(self) -> None:
        """A new company (no registros patronales yet) gets the Configuración inicial; one that
        has them is led to what is missing (certificates)."""
        assert self.services is not None and self.main is not None
        if not self.services.registros.listar() and self.services.primer_uso.debe_abrirse():
            self.main.open_configuracion_inicial()
            return
        self._ask_for_certificates()

    def _actualizar_movimientos(self, despues: Callable[[], None]) -> None:
        """Guide (modo sólo consulta): the progress of bringing "Movimientos con IDSE" up to
        date — from the sync server when one is configured, then from the local store — in
        the background, then ``despues()``. Offline, the local movements are shown."""
        from icsoe_desktop.domain.errors import DomainError
        from icsoe_desktop.gui.kit import msgbox
        from icsoe_desktop.gui.kit.operaciones import ejecutar_con_barra

        services = self.services
        assert services is not None

        def work(progress, _cancelled):
            if services.sync.is_configured():
                try:
                    services.sync.synchronize(progress)
                except DomainError as exc:  # offline or refused: the local movements still show
                    log.warning("Sólo consulta sin sincronizar: %s", exc.message)
            return services.movimientos.resumen(progress)

        def listo(resumen: object) -> None:
            log.info("Movimientos con IDSE al día: %s", resumen)
            despues()

        def fallo(exc: DomainError) -> None:
            msgbox.warning(self.login, exc.message)
            despues()  # the local movements still show

        ejecutar_con_barra(
            self.login,
            "Actualizando Movimientos con IDSE…",
            work,
            listo,
            cancelable=False,
            al_fallar=fallo,
            titulo="Movimientos con IDSE",
        )

    def _ask_for_certificates(self) -> None:
        """Guide: after a full login, a warning leads to Certificados IMSS while any registro
        patronal lacks a valid certificate."""
        from icsoe_desktop.gui.kit import msgbox

        assert self.services is not None and self.main is not None
        services, usuario = self.services, self.main.usuario
        if usuario is None or not services.certificates.pending():
            return
        empresa = services.empresa.id
        if not services.preferencias.avisar_certificados(usuario, empresa):
            return  # an empresa that uses only ICSOE: the user said so once
        abrir, callar = msgbox.question_with_check(
            self.main,
            MSG_REGISTRA_CERTIFICADOS,
            MSG_NO_VOLVER_A_PREGUNTAR,
            yes="&Abrir Certificados IMSS",
            no="Ahora &no",
            title="Certificados IMSS",
        )
        if callar:
            services.preferencias.callar_certificados(usuario, empresa)
        if abrir:
            self.main.open_certificados(avisar_al_cerrar=False)  # asked once is enough

    def cambiar_empresa(self, empresa_id: int, _nueva: bool = False) -> None:
        """Archivo › Cambiar de empresa, without restarting: the main window closes, the other
        empresa's store opens, and the main window opens again on it for the same user (a new
        empresa gets its Configuración inicial from the first-day guide)."""
        assert self.services is not None and self.main is not None
        usuario, nombre = self.main.usuario, self.main.nombre
        self._close_main()
        self._entrar(usuario, nombre, empresa_id)

    def _entrar(self, usuario: str | None, nombre: str, empresa_id: int) -> None:
        """The main window on ``empresa_id`` for ``usuario``, once its grant is checked."""
        from PySide6.QtCore import QThreadPool  # none before the first window (operaciones.py)

        from icsoe_desktop.domain.errors import DomainError
        from icsoe_desktop.gui.kit import msgbox

        assert self.services is not None
        # Background work (a sync, the preload) ends before its store closes under it.
        QThreadPool.globalInstance().waitForDone(5_000)
        try:
            if usuario is not None:
                self.services.accesos.comprobar_acceso(usuario, empresa_id)
            self.services.abrir_empresa(empresa_id)
        except DomainError as exc:
            msgbox.warning(self.login, exc.message, "Cambiar de empresa")
            self.logout()
            return
        self.login.empresa_selector.refresh()
        self.open_main(usuario, nombre)
        if self.services.avisos:
            from icsoe_desktop.gui.empresas.respaldo import avisar

            avisar(self.main, self.services)

    # --- a session ended by the services ---------------------------------------------------------

    def _sesion_rechazada(self, actor: str, rechazo: DomainError) -> None:
        """Any thread: the services refused ``actor`` an action for a grant withdrawn or a user
        disabled. When it is the signed-in user, that session ends (its windows' own boxes are
        held meanwhile: gui/kit/sesion.py)."""
        from icsoe_desktop.domain.emails import normalize_email
        from icsoe_desktop.gui.kit import sesion

        main = self.main
        if main is None or main.usuario is None:
            return
        if normalize_email(actor) != normalize_email(main.usuario):
            return
        if sesion.terminar():
            self.sesion_terminada.emit(rechazo.code)

    def _terminar_sesion(self, code: str) -> None:
        """One message; every window of the session closed; then another empresa the user still
        has (Cambiar de empresa over the login), or the login when none is left."""
        from icsoe_desktop.gui.empresas import fin_de_sesion
        from icsoe_desktop.gui.kit import msgbox, sesion

        main, services = self.main, self.services
        if main is None or services is None or main.usuario is None:
            sesion.terminada()
            return
        usuario, nombre, empresa = main.usuario, main.nombre, services.empresa
        log.info("Sesión de %s terminada en %s: %s", usuario, empresa.etiqueta, code)
        fin_de_sesion.cerrar_ventanas(main)
        self.logout()
        sesion.terminada()
        otras = (
            []
            if code == "usuario_no_habilitado"
            else [e for e in services.empresas.listar(usuario) if e.id != empresa.id]
        )
        texto = fin_de_sesion.mensaje(code, usuario, empresa.etiqueta, bool(otras))
        msgbox.warning(self.login, texto, fin_de_sesion.TITLE)
        if otras:
            self._elegir_otra(usuario, nombre)

    def _elegir_otra(self, usuario: str, nombre: str) -> None:
        """Cambiar de empresa over the login, without a nested loop: the code of the closed
        windows still returns under this call, on the store that is open."""
        from icsoe_desktop.gui.empresas.cambiar import CambiarEmpresaDialog
        from icsoe_desktop.gui.kit.modal import abrir_modal

        assert self.services is not None
        dialog = CambiarEmpresaDialog(self.services, usuario, self.login)

        def elegida() -> None:
            if dialog.elegida is not None:
                self._entrar(usuario, nombre, dialog.elegida)

        dialog.accepted.connect(elegida)
        abrir_modal(dialog)

    def _vigilar_sesion(self) -> None:
        """The timer's question: a refusal ends the session through its listener."""
        from icsoe_desktop.domain.errors import DomainError

        if self.services is None or self.main is None:
            return
        try:
            self.services.puerta.comprobar("sesión abierta")
        except DomainError as exc:
            log.info("Sesión vigilada: %s", exc.code)

    def _close_main(self) -> None:
        self.sesion_timer.stop()
        if self.services is not None:
            self.services.puerta.cerrar()
        if self.main is not None:
            self.main.barra_sincronizacion.detener()
            self.main.hide()  # hide, not close: closing the main window means Salir
            self.main.deleteLater()
            self.main = None
            gc.unfreeze()  # what open_main froze may be garbage now: collected as usual

    def logout(self) -> None:
        self._close_main()
        self.login.solo_consulta.setChecked(False)
        self.login.empresa_selector.refresh()  # named in the Configuración inicial meanwhile
        self.login.refresh_default_usuario()
        self.login.refresh_vigencias()  # certificates may have changed during the session
        self.login.show()

    def quit(self) -> None:
        self.exit_requested.emit(0)

    # --- mail ----------------------------------------------------------------------------------

    def send_mail_in_background(self) -> None:
        from icsoe_desktop.gui.kit.operaciones import en_segundo_plano  # after the first frame

        if self.services is None or self._mail_running:
            return
        self._mail_running = True
        mail = self.services.mail

        def done(report: object) -> None:
            self._mail_running = False
            log.info("Cola de correo: %s", report)

        def failed(exc: BaseException) -> None:
            self._mail_running = False
            log.error("Error al enviar la cola de correo", exc_info=exc)

        en_segundo_plano(mail.send_pending, done, failed)

    def shutdown(self) -> bool:
        """Stop what runs and close the store; False when background work outlived the wait
        (the process then ends without running the interpreter's teardown under it)."""
        self.mail_timer.stop()
        if self.main is not None:  # its automatic sync would find the store closed
            self.main.barra_sincronizacion.detener()
        if self.instance is not None:
            self.instance.close()
        # Background work (the services' preload, a mail send, an export) ends before the store
        # closes and the interpreter ends under it: work behind a bar stops as with Cancelar,
        # and none is waited for more than a few seconds.
        from icsoe_desktop.gui.kit.operaciones import al_salir

        terminado = al_salir(5_000)
        if not terminado:
            log.warning("Trabajo en segundo plano sin terminar al salir")
        services, self.services, self._built = self.services or self._built, None, None
        if services is not None and terminado:  # late timers find nothing to do
            services.close()
        return terminado
