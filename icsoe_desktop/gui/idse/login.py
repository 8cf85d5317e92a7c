"""Acceso a conexión en línea con IDSE: the first window.

Unlike the other windows it is built in code, not loaded from ui/: QUiLoader's first load
initialises the whole ``Qt`` enum namespace (~25 ms), which the start-up budget (first window
within 1.1× a bare Qt window, bench/startup.py) cannot afford. It also avoids touching ``Qt``
itself until the window is on screen, and imports what only an answer needs (message boxes,
the domain's errors) where it answers: each module imported costs the first window too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRect, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from icsoe_desktop.gui.kit import colores, lector, mnemonics
from icsoe_desktop.gui.kit.mostrar_contrasena import bind_show_password
from icsoe_desktop.gui.style import LINK_STYLE

if TYPE_CHECKING:
    from PySide6.QtCore import QEvent, SignalInstance
    from PySide6.QtGui import QPaintEvent

    from icsoe_desktop.domain.errors import DomainError
    from icsoe_desktop.gui.empresas.selector import EmpresaSelector
    from icsoe_desktop.services.acceso.idse_sign_in import IdseSignIn, SignedIn, Usuarios
    from icsoe_desktop.services.certificados.servicio import CertificateRow
    from icsoe_desktop.services.container import Services

MSG_SOLO_CONSULTA = (
    "Ingresarás en modo sólo consulta: únicamente podrás consultar los movimientos de "
    "Altas/Reingresos, Modificaciones de Salario y Bajas.\n\n"
    "Los servicios de conexión en línea se mostrarán disponibles cuando ingreses con un usuario "
    "y contraseña válidos."
)
MSG_ABRIENDO = "Abriendo la base de datos…"
# A link answered before the services are built: it opens its window once they are.
MSG_CARGANDO = "Cargando… «{enlace}» se abrirá en cuanto la aplicación termine de abrir."
MSG_ENLACE_CARGANDO = "Cargando…: se abre en cuanto la aplicación termine de abrir."
MSG_SALIR = "¿Deseas salir de Conexión en línea con IDSE?"
# A new installation: nobody can sign in yet, and the first user registered administers it
# (the Configuración inicial then opens by itself after that user's first sign-in).
MSG_PRIMER_PASO = (
    "<b>Primer paso:</b> todavía no hay usuarios en este equipo. Da clic en "
    "<b>«Regístrate aquí»</b> (abajo) para crear el tuyo: el primer usuario registrado es el "
    "administrador. Después ingresa con él y la Configuración inicial te guiará."
)
# The same on one line, where the whole would not fit the screen (``_plegar``); the whole stays
# its tooltip and what a screen reader says after it.
MSG_PRIMER_PASO_CORTO = (
    "<b>Primer paso:</b> crea tu usuario en <b>«Regístrate aquí»</b> (abajo): será el "
    "administrador."
)


# The window's own sheet, the app's (gui/style.py) being set only once the login answers.
LOGIN_STYLE = (
    LINK_STYLE
    + """
#tituloLabel { qproperty-alignment: AlignCenter; font-size: 15pt; font-weight: 600; color: #13322b; }
#primerPasoLabel { background: #fff4e0; border: 1px solid #e0b060; border-radius: 4px; padding: 6px; }
#correoNotaLabel { font-size: 8pt; }
#correoNotaLabel:enabled { color: #555555; }
"""
)


# The window's rows (its grid, ``_build``), top to bottom; an empty one takes no room.
_FILA_TITULO, _FILA_EMPRESA, _FILA_PRIMER_PASO, _FILA_SOLO_CONSULTA, _FILA_DATOS = range(5)
_FILA_CONTINUAR, _FILA_SEPARADOR = 5, 6
_FILA_ENLACES = 7  # three lines: Regístrate aquí, ¿Olvidó su contraseña?, Ingresar a ICSOE
_FILA_VIGENCIAS = 10
# ``_plegar``'s steps, counted: the Primer paso on one line at the third, the certificates' room
# given up at the fourth (the last: without it, sólo consulta would resize the window).
_PLEGADO_PRIMER_PASO, _PLEGADO_RESERVA = 3, 4


# The controls that take an Alt-letter, ``(text, is_label)`` in the window's order (``_controles``).
CONTROLES = (
    ("Ingresar en modo sólo consulta", False),
    ("Usuario:", True),
    ("Contraseña:", True),
    ("Mostrar contraseña", False),
    ("Continuar", False),
    ("Regístrate aquí", False),
    ("¿Olvidó su contraseña?", False),
    ("Ingresar a ICSOE (contratistas y capturistas)", False),
)


_TITULO_VIGENCIAS = "<b>Certificados IMSS</b>"
# The certificates' states, most urgent first: the login's panel shows them in this order.
_URGENCIA = ("vencido", "sin_certificado", "no_vigente_aun", "por_vencer", "vigente")
_EN_PLURAL = {
    "vencido": ("vencido", "vencidos"),
    "sin_certificado": ("sin certificado", "sin certificado"),
    "no_vigente_aun": ("aún no vigente", "aún no vigentes"),
    "por_vencer": ("por vencer", "por vencer"),
    "vigente": ("vigente", "vigentes"),
}


def _linea_vigencia(row: CertificateRow) -> str:
    """«Y5412345106: Vigente (vence el 01/02/2027)», the state in its colour."""
    hasta = f" (vence el {row.valido_hasta:%d/%m/%Y})" if row.valido_hasta else ""
    rol = {"vigente": colores.EXITO, "por_vencer": colores.AVISO}.get(row.estado)
    color = colores.PROPIO[rol or colores.ERROR]
    return (
        f'{row.registro}: <span style="color:{color}; font-weight:600;">'
        f"{row.estado_texto}</span>{hasta}"
    )


def _resto_de_vigencias(rows: list[CertificateRow]) -> str:
    """«y 3 registros más: 2 vigentes, 1 por vencer»."""
    from icsoe_desktop.domain.texts import enumerar, plural  # after the first paint

    cuantos = [(e, sum(r.estado == e for r in rows)) for e in _URGENCIA]
    partes = [plural(n, *_EN_PLURAL[e]) for e, n in cuantos if n]
    return f"y {plural(len(rows), 'registro')} más: {enumerar(partes)}"


class IdseLoginWindow(QWidget):
    """Emits ``signed_in(usuario, nombre)`` or ``consulta_requested()``; the app opens the rest.

    It may be shown before the store is open (fast start): until ``set_sign_in`` it says so and
    keeps Continuar disabled. The links answer from the first moment: one pressed before
    ``set_services`` says «Cargando…» and opens its window then. The sign-in comes first (plain
    sqlite3, no ORM), the services a moment later: a right password typed in between waits
    for them, which check the empresa's grant before ``signed_in``; sólo consulta waits in
    application.py.
    """

    signed_in = Signal(str, str)
    lista = Signal()  # Continuar answers from now on (the start-up's probe waits for it: app.py)
    # Its first frame is drawn: the start-up is judged there (app.py's probe), and what can
    # wait for it (fitting its contents as they change) runs after it (Application.start).
    primer_cuadro = Signal()
    consulta_requested = Signal()
    register_requested = Signal()
    recover_requested = Signal()
    icsoe_requested = Signal()

    def __init__(self, services: Services | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("IdseLoginWindow")
        self.setWindowTitle("Acceso a conexión en línea con IDSE")
        self._empresa_selector: EmpresaSelector | None = None  # built with the services
        self._encaje: _Encaje | None = None  # seguir_contenido
        self._pintada = False  # its first frame drawn (``primer_cuadro``)
        self._plegados = 0  # how many of ``_plegar``'s steps were taken
        self._build()
        # Alt-letters for every button, check box and field; named, in the window's order (the
        # empresa selector's title gets its own once it is built).
        self._controles = [
            self.solo_consulta,
            self.usuario_label,
            self.contrasena_label,
            self.mostrar,
            self.continuar,
            self.registrate,
            self.olvido,
            self.icsoe,
        ]

        self.solo_consulta.toggled.connect(self._on_solo_consulta)
        bind_show_password(self.mostrar, self.contrasena)
        self.continuar.clicked.connect(self._on_continuar)
        self.usuario.returnPressed.connect(self.contrasena.setFocus)
        self.contrasena.returnPressed.connect(self._on_continuar)
        self.registrate.clicked.connect(lambda: self._pedir(self.registrate))
        self.olvido.clicked.connect(lambda: self._pedir(self.olvido))
        self.icsoe.clicked.connect(lambda: self._pedir(self.icsoe))

        self._services: Services | None = None
        self._sign_in: IdseSignIn | None = None
        self._answer_when_ready = False  # Enter pressed in Contraseña before the store was open
        self._admitting: SignedIn | None = None  # right password, grant not checked yet
        self._pedido: QPushButton | None = None  # a link pressed before the services
        self._set_ready(False)
        self._describir_enlaces(MSG_ENLACE_CARGANDO)
        if services is not None:
            self.set_services(services)

    def _build(self) -> None:
        def named(widget, name: str):
            widget.setObjectName(name)
            return widget

        def link(text: str, name: str) -> QPushButton:
            button = named(QPushButton(text), name)
            button.setFlat(True)  # styled as a link (LOGIN_STYLE), still a keyboard button
            # Enter presses it as Space does: outside a dialog a button takes Enter only so.
            button.setAutoDefault(True)
            return button

        # Each control is built with its Alt-letter: no text is set twice (``con_letras``).
        (
            texto_solo_consulta,
            texto_usuario,
            texto_contrasena,
            texto_mostrar,
            texto_continuar,
            texto_registrate,
            texto_olvido,
            texto_icsoe,
        ) = mnemonics.con_letras(CONTROLES)
        colores.hoja(self, LOGIN_STYLE)
        # One grid of two columns (the contents; Continuar's), a row per line below, and small
        # grids inside it for the links' lines. No box layout: QBoxLayout's class and enums would
        # be built before the first window (bench/startup.py).
        self._grid = layout = QGridLayout(self)
        layout.setSpacing(12)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setColumnStretch(0, 1)
        # Plain text, centred by the sheet: a rich-text label lays out a whole text document.
        # Its look and the note's are one style sheet (the links' and the Primer paso's are
        # too): a QFont or QPalette in Python would build those classes' enums before the
        # first window (bench/startup.py).
        self.titulo = named(QLabel("Ingreso a conexión en línea con IDSE"), "tituloLabel")
        layout.addWidget(self.titulo, _FILA_TITULO, 0, 1, 2)
        # _FILA_EMPRESA: the empresa selector's (``empresa_selector``, once the store is open);
        # _FILA_PRIMER_PASO and _FILA_VIGENCIAS: labels built when first shown (their
        # properties). An empty row takes no room.
        self._primer_paso: QLabel | None = None
        self._vigencias: QLabel | None = None
        self.solo_consulta = named(QCheckBox(texto_solo_consulta), "soloConsultaCheck")
        layout.addWidget(self.solo_consulta, _FILA_SOLO_CONSULTA, 0, 1, 2)

        self.datos_group = named(QGroupBox("Datos de conexión en línea con IDSE"), "datosGroup")
        grid = QGridLayout(self.datos_group)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(8)
        self.usuario = named(QLineEdit(), "usuarioEdit")
        self.usuario.setMaxLength(254)
        self.usuario.setMinimumWidth(280)
        self.usuario.setPlaceholderText("nombre@empresa.com")
        self.contrasena = named(QLineEdit(), "contrasenaEdit")
        self.contrasena.setMaxLength(128)
        self.contrasena.setEchoMode(QLineEdit.EchoMode.Password)
        self.mostrar = named(QCheckBox(texto_mostrar), "mostrarContrasenaCheck")
        # «Usuario:» and, under it, smaller, «(Correo electrónico)»: two plain labels, each
        # measured whole (one rich-text label of two sizes was clipped on Windows).
        self.usuario_label = usuario_label = named(QLabel(texto_usuario), "usuarioLabel")
        usuario_label.setBuddy(self.usuario)
        self.correo_nota = named(QLabel("(Correo electrónico)"), "correoNotaLabel")
        # Each inner grid is placed before its widgets: placing a filled one wraps each of its
        # items in Python (PySide's ownership), building QWidgetItem's and QSpacerItem's classes
        # before the first window (bench/startup.py --instructions).
        usuario_etiquetas = QGridLayout()
        usuario_etiquetas.setSpacing(0)
        grid.addLayout(usuario_etiquetas, 0, 0)
        usuario_etiquetas.addWidget(usuario_label, 0, 0)
        usuario_etiquetas.addWidget(self.correo_nota, 1, 0)
        self.contrasena_label = contrasena_label = named(
            QLabel(texto_contrasena), "contrasenaLabel"
        )
        contrasena_label.setBuddy(self.contrasena)
        grid.addWidget(self.usuario, 0, 1)
        grid.addWidget(contrasena_label, 1, 0)
        grid.addWidget(self.contrasena, 1, 1)
        grid.addWidget(self.mostrar, 2, 1)
        layout.addWidget(self.datos_group, _FILA_DATOS, 0, 1, 2)

        self.estado = named(QLabel(""), "estadoLabel")
        self.estado.setWordWrap(True)
        self.continuar = named(QPushButton(texto_continuar), "continuarButton")
        self.continuar.setDefault(True)
        self.continuar.setMinimumSize(120, 30)
        layout.addWidget(self.estado, _FILA_CONTINUAR, 0)
        layout.addWidget(self.continuar, _FILA_CONTINUAR, 1)

        separador = named(QFrame(), "separador")
        separador.setFrameShape(QFrame.Shape.HLine)
        separador.setFrameShadow(QFrame.Shadow.Sunken)
        layout.addWidget(separador, _FILA_SEPARADOR, 0, 1, 2)

        self.registrate = link(texto_registrate, "registrateButton")
        self.olvido = link(texto_olvido, "olvidoButton")
        # ICSOE: contratistas and capturistas are not IDSE users; no IDSE login needed.
        self.icsoe = link(texto_icsoe, "icsoeButton")
        sin_cuenta = named(
            QLabel("¿No tienes cuenta de Conexión en línea con IDSE?"), "sinCuentaLabel"
        )
        # Each line of links its own grid, its last column taking the rest of the width: a
        # link is as wide as its text (a wider one would answer clicks beside it).
        self._lineas: list[QGridLayout] = []
        for fila, enlaces in enumerate(
            ((sin_cuenta, self.registrate), (self.olvido,), (self.icsoe,)), _FILA_ENLACES
        ):
            linea = QGridLayout()
            layout.addLayout(linea, fila, 0, 1, 2)  # before its widgets, as ``usuario_etiquetas``
            for columna, widget in enumerate(enlaces):
                linea.addWidget(widget, 0, columna)
            linea.setColumnStretch(len(enlaces), 1)
            self._lineas.append(linea)

    @property
    def primer_paso(self) -> QLabel:
        """The first step, shown only on an installation without users: its rich text is laid
        out only then (hidden, on every other start, it would cost the first window a text
        document)."""
        if self._primer_paso is None:
            self._primer_paso = self._etiqueta_bajo_demanda("primerPasoLabel", _FILA_PRIMER_PASO)
        return self._primer_paso

    @property
    def vigencias(self) -> QLabel:
        """Expiry panel: each registro patronal's certificate, filled once the store is open."""
        if self._vigencias is None:
            self._vigencias = self._etiqueta_bajo_demanda("vigenciasLabel", _FILA_VIGENCIAS)
        return self._vigencias

    def _etiqueta_bajo_demanda(self, name: str, fila: int) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setWordWrap(True)
        label.setVisible(False)  # until its caller shows it
        self._grid.addWidget(label, fila, 0, 1, 2)
        return label

    # --- size: as tall as its contents at its width -----------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._pintada:  # the frame's other widgets paint in this same turn
            self._pintada = True
            QTimer.singleShot(0, self._tras_primer_cuadro)

    def _tras_primer_cuadro(self) -> None:
        self.primer_cuadro.emit()
        # Its controls' letters are in their texts already (``con_letras``); what ``assign``
        # adds is for a screen reader (the fields named by their labels, «También Alt+X.»),
        # which reads a window once it is drawn: after the first frame, not before it.
        mnemonics.assign(self, self._controles)

    def seguir_contenido(self) -> None:
        """From now on it fits its contents as they change (``_Encaje``); its first size is
        fitted here. Called once it is on screen: watching its events in Python before would
        convert each of the first window's events (and build QEvent's large enum, ~7 ms)."""
        self._encajar()
        if self._encaje is None:
            self._encaje = _Encaje(self)
            self.installEventFilter(self._encaje)

    def encajar(self) -> bool:
        """Its height fitted to its contents now (before it shows); whether it changed."""
        alto = self.height()
        self._encajar()
        return self.height() != alto

    def _encajar(self, antes: QRect | None = None) -> None:
        """The layout's own minimum ignores wrapped text (the Primer paso hint, a long razón
        social): the window would squash its fields to make room for it. Its height is the
        one its contents need at its width. ``antes``: its geometry before its contents resized
        it on screen (the empresa selector, wider, or the hint appeared): it grows or shrinks
        about the centre it had then, inside the screen."""
        alto = self.heightForWidth(self.width())
        if self.isVisible():
            from icsoe_desktop.gui.kit.geometria import compactar

            compactar(self)  # Windows' text at 200 %: its rows closer, not off the screen
            self._plegar()
            alto = self.heightForWidth(self.width())
        if alto > 0 and not alto == self.minimumHeight() == self.maximumHeight():
            self.setFixedHeight(alto)  # resized: re-entered through resizeEvent
        if antes is not None and self.isVisible() and self.size() != antes.size():
            from icsoe_desktop.gui.kit.geometria import area_disponible, margenes

            area, marco = area_disponible(self), margenes(self)
            centro = antes.center()
            left = centro.x() - (self.width() - 1) // 2
            top = centro.y() - (self.height() - 1) // 2
            left = max(
                area.left() + marco.left(),
                min(left, area.right() - marco.right() - self.width() + 1),
            )
            top = max(
                area.top() + marco.top(),
                min(top, area.bottom() - marco.bottom() - self.height() + 1),
            )
            self.move(
                left - (self.geometry().left() - self.x()), top - (self.geometry().top() - self.y())
            )  # move() is the frame's

    def _plegar(self) -> None:
        """Windows at 200 % on a 1366×768 screen (683×344 logical px above the taskbar): closed
        up, it may still be taller than the screen leaves. Then, in turn and only while it is,
        what it can do without folds away, never under a scroll bar nor cut: the two last links'
        second line (side by side), the title (the title bar says it), the Primer paso's
        explanation (one line; the whole in its tooltip and its description), and last the room
        kept for the certificates' panel (given up, toggling sólo consulta would resize the
        window and move its controls)."""
        from icsoe_desktop.gui.kit.geometria import alto_libre

        pasos = (
            self._enlaces_juntos,
            self.titulo.hide,
            self._primer_paso_corto,
            self._sin_reserva,
        )
        libre = alto_libre(self)
        while self._plegados < len(pasos) and self.heightForWidth(self.width()) > libre:
            self._plegados += 1
            pasos[self._plegados - 1]()
            self._grid.invalidate()

    def _sin_reserva(self) -> None:
        if self._vigencias is not None:
            self._reservar_vigencias(False)

    def _enlaces_juntos(self) -> None:
        _registrate, olvido, icsoe = self._lineas
        icsoe.removeWidget(self.icsoe)
        olvido.addWidget(self.icsoe, 0, 1)
        olvido.setColumnStretch(1, 0)
        olvido.setColumnStretch(2, 1)

    def _primer_paso_corto(self) -> None:
        if self._primer_paso is not None and self._primer_paso.text():
            self._texto_primer_paso()

    def _texto_primer_paso(self) -> None:
        """The whole explanation, or one line once folded (``_plegar``'s last step)."""
        if self._plegados < _PLEGADO_PRIMER_PASO:
            self.primer_paso.setText(MSG_PRIMER_PASO)
            return
        self.primer_paso.setText(MSG_PRIMER_PASO_CORTO)
        self.primer_paso.setToolTip(MSG_PRIMER_PASO)
        self.primer_paso.setAccessibleDescription(MSG_PRIMER_PASO)

    @property
    def empresa_selector(self) -> EmpresaSelector:
        """Varias empresas: built on first use (the services', or sólo consulta checked before
        them) under the title; shown once the store is open. Not with the first window: its
        module and QComboBox cost it ~2 ms (bench/startup.py)."""
        if self._empresa_selector is None:
            from icsoe_desktop.gui.empresas.selector import EmpresaSelector

            selector = self._empresa_selector = EmpresaSelector()
            self._grid.addWidget(selector, _FILA_EMPRESA, 0, 1, 2)
            # Last in the focus chain, just before Ingresar en modo sólo consulta (the chain is a
            # ring): the same order as if it had been built first.
            mnemonics.assign(self, [selector.titulo, *self._controles])
        return self._empresa_selector

    def _link_cursors(self) -> None:
        from PySide6.QtCore import Qt

        for button in (self.registrate, self.olvido, self.icsoe):
            button.setCursor(Qt.CursorShape.PointingHandCursor)

    # --- state ---------------------------------------------------------------------------------

    def set_sign_in(self, sign_in: IdseSignIn, usuarios: Usuarios | None = None) -> None:
        """Continuar can be answered from now on. ``usuarios``: read with the sign-in, off the
        GUI thread (else read here)."""
        self._sign_in = sign_in
        self._set_ready(True)
        if not (self.usuario.text() or self.contrasena.text()):  # what was typed stays
            self.refresh_default_usuario(usuarios)
        self.lista.emit()
        if self._answer_when_ready:
            self._answer_when_ready = False
            self._on_continuar()

    def set_services(self, services: Services) -> None:
        self._services = services
        if self._sign_in is None:
            self.set_sign_in(services.accounts.sign_in)
        else:
            self._set_ready(True)  # after wait_for_services
        self._describir_enlaces("")
        self._refresh_primer_paso()  # Regístrate aquí can take the focus now
        self._link_cursors()  # ``Qt`` loads here (~40 ms), not on the way to a usable login
        self.refresh_vigencias()
        self.empresa_selector.set_services(services, self.refresh_vigencias)
        if self._admitting is not None:  # signed in while the services were being built
            user, self._admitting = self._admitting, None
            QTimer.singleShot(0, lambda: self._admit(user))  # once the app has them too
        elif self._pedido is not None:  # a link pressed while they were being built
            enlace, self._pedido = self._pedido, None
            lector.estado(self.estado, "")
            QTimer.singleShot(0, lambda: self._senal(enlace).emit())  # once the app has them

    def set_unavailable(self) -> None:
        """The services could not be built (the app says why and ends): nothing answers."""
        self._set_ready(False)
        self.estado.setText("")

    def wait_for_services(self) -> None:
        """A sign-in came before the services: say so until ``set_services``."""
        self._set_ready(False)

    def refresh_default_usuario(self, usuarios: Usuarios | None = None) -> None:
        """Guide: one user → prefilled; more than one → empty for the user to type. No user
        at all: the first step, Regístrate aquí, is said and focused."""
        if self._sign_in is None:
            return
        usuarios = usuarios or self._sign_in.usuarios()
        self.usuario.setText(usuarios.sugerido)
        (self.contrasena if self.usuario.text() else self.usuario).setFocus()
        self._show_primer_paso(usuarios.ninguno)

    def _refresh_primer_paso(self) -> None:
        if self._sign_in is not None:
            self._show_primer_paso(self._sign_in.usuarios().ninguno)

    def _show_primer_paso(self, nuevo: bool) -> None:
        if not nuevo and self._primer_paso is None:
            return  # never shown: nothing to hide (not built on the way to a usable login)
        if nuevo and not self.primer_paso.text():
            self._texto_primer_paso()
        self.primer_paso.setVisible(nuevo)
        if nuevo:
            self.registrate.setFocus()

    def refresh_vigencias(self) -> None:
        """Vigente / por vencer (≤ 30 días) / vencido / sin certificado, per registro patronal."""
        services = self._services
        if services is None:
            return
        # Only where sólo consulta may open another empresa than this one: with a single
        # empresa the panel never comes or goes, and its room would stay blank below.
        empresas = services.empresas
        self._reservar_vigencias(
            len(empresas.listar()) > 1
            and bool(empresas.listar_solo_consulta())
            and self._plegados < _PLEGADO_RESERVA
        )
        if not services.empresas.obtener(services.empresa.id).solo_consulta:
            # Shown before any credential: only for an empresa an administrator allowed to be
            # seen without them (sólo consulta), never for another client's.
            self.vigencias.setVisible(False)
            self.vigencias.clear()
            return
        rows = sorted(services.certificates.rows(), key=lambda r: _URGENCIA.index(r.estado))
        lines = [_linea_vigencia(row) for row in rows]
        # The room kept holds the title and two lines: past two registros, the most urgent
        # and how many more of each state (the whole list in its tooltip), never a taller
        # login (at 200 % it would leave the screen).
        muchas = len(rows) > 2
        mostradas = [lines[0], _resto_de_vigencias(rows[1:])] if muchas else lines
        colores.texto(self.vigencias, "<br>".join([_TITULO_VIGENCIAS, *mostradas]))
        self.vigencias.setToolTip("<br>".join([_TITULO_VIGENCIAS, *lines]) if muchas else "")
        self.vigencias.setVisible(bool(rows))

    def _reservar_vigencias(self, reservar: bool) -> None:
        """While sólo consulta may open another empresa, the panel keeps its place (its title
        and two registros) shown or not: toggling sólo consulta, which may open such an
        empresa, leaves the login's size as it was."""
        from PySide6.QtCore import Qt  # after the first paint (start-up budget)

        self.vigencias.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        policy = self.vigencias.sizePolicy()
        policy.setRetainSizeWhenHidden(reservar)
        self.vigencias.setSizePolicy(policy)
        lineas = self.vigencias.fontMetrics().lineSpacing() * 3 if reservar else 0
        self.vigencias.setMinimumHeight(lineas)

    def _set_ready(self, ready: bool) -> None:
        self.continuar.setEnabled(ready)
        if ready and self._pedido is not None:
            self.estado.setText(MSG_CARGANDO.format(enlace=_sin_letra(self._pedido.text())))
        else:
            lector.estado(self.estado, "" if ready else MSG_ABRIENDO)

    def _describir_enlaces(self, descripcion: str) -> None:
        """Before the services, what a screen reader says of a link after its name: that it
        waits (never «no disponible»: it answers)."""
        for widget in (self.registrate, self.olvido, self.icsoe):
            widget.setAccessibleDescription(descripcion)
            # None: its letter, as elsewhere. With one, the letter is not said (the window's
            # own description stays), and asking would build QKeySequence's class and enums
            # before the first window (~7 M instructions, bench/startup.py --instructions).
            if not descripcion:
                mnemonics.decir_letra_si_predeterminado(widget)

    def _senal(self, enlace: QPushButton) -> SignalInstance:
        if enlace is self.registrate:
            return self.register_requested
        return self.recover_requested if enlace is self.olvido else self.icsoe_requested

    def _pedir(self, enlace: QPushButton) -> None:
        """A link pressed: its window now, or once the services are built, «Cargando…» said
        meanwhile (the last link pressed is the one opened)."""
        if self._services is not None:
            self._senal(enlace).emit()
            return
        self._pedido = enlace
        lector.estado(self.estado, MSG_CARGANDO.format(enlace=_sin_letra(enlace.text())))

    def _on_solo_consulta(self, checked: bool) -> None:
        # Sólo consulta asks for no credentials: only the empresas an administrator allowed.
        self.datos_group.setEnabled(not checked)
        self.empresa_selector.set_solo_consulta(checked)
        self.refresh_vigencias()

    # --- actions -------------------------------------------------------------------------------

    def _on_continuar(self) -> None:
        from icsoe_desktop.domain.errors import DomainError
        from icsoe_desktop.gui.kit import msgbox

        if self._sign_in is None:
            self._answer_when_ready = True  # Enter in Contraseña (Continuar is disabled yet)
            return
        if not self.continuar.isEnabled():
            return  # waiting for the services after a sign-in: Enter again does nothing
        if self.solo_consulta.isChecked():
            if self._services is not None:  # else the app checks once it has them
                try:
                    self._services.empresas.comprobar_solo_consulta(self._services.empresa.id)
                except DomainError as exc:
                    msgbox.warning(self, exc.message)
                    return
            msgbox.information(self, MSG_SOLO_CONSULTA)
            self.consulta_requested.emit()
            return
        try:
            user = self._sign_in.authenticate(self.usuario.text(), self.contrasena.text())
        except DomainError as exc:
            self._refused(exc)
            return
        self.contrasena.clear()
        self._admit(user)

    def _admit(self, user: SignedIn) -> None:
        """Varias empresas: the user enters the empresa shown only if granted it (refusals
        audited). The grant is read through the services: a right password typed before they
        are built waits for them (``set_services``)."""
        from icsoe_desktop.domain.errors import DomainError

        if self._services is None:
            self._admitting = user
            self.wait_for_services()
            return
        try:
            self._services.accesos.comprobar_acceso(user.usuario, self._services.empresa.id)
        except DomainError as exc:
            self._refused(exc)
            return
        self.signed_in.emit(user.usuario, user.nombre_completo)

    def keyPressEvent(self, event) -> None:
        """Escape leaves the app, as closing this first window does: asked first, so that a
        stray Escape does not close what a clerk is about to sign in to (Enter: Salir). Enter
        on a check box (Ingresar en modo sólo consulta, Mostrar contraseña) is Continuar, as a
        dialog's default button takes it: this window is not a dialog, and Qt would drop it."""
        from PySide6.QtCore import Qt

        from icsoe_desktop.gui.kit import msgbox

        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and isinstance(
            self.focusWidget(), QCheckBox
        ):
            if self.continuar.isEnabled():
                self.continuar.click()
            return
        if event.key() != Qt.Key.Key_Escape:
            super().keyPressEvent(event)
            return
        focused = self.focusWidget()
        if msgbox.question(self, MSG_SALIR, yes="Salir", no="Cancelar", default_yes=True):
            self.contrasena.clear()
            self.close()
        elif focused is not None:
            self.activateWindow()
            focused.setFocus()

    def _refused(self, exc: DomainError) -> None:
        from icsoe_desktop.gui.kit import msgbox

        msgbox.warning(self, exc.message)
        self.contrasena.clear()
        (self.contrasena if self.usuario.text().strip() else self.usuario).setFocus()


class _Encaje(QObject):
    """The login's size follows its contents: as tall as they need at its width when something
    is shown, hidden or added (a layout request) or its width changes."""

    def __init__(self, login: IdseLoginWindow) -> None:
        super().__init__(login)
        self._login = login

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        from PySide6.QtCore import QEvent

        tipo = event.type()
        if tipo == QEvent.Type.LayoutRequest:
            self._login._encajar()
        elif tipo == QEvent.Type.Resize:
            # Resized by its contents (the layout, _encajar), not by the user dragging a border:
            # about the centre it had.
            antes = None
            if not event.spontaneous() and event.oldSize().isValid():  # type: ignore[attr-defined]  # a QResizeEvent here
                antes = QRect(self._login.geometry().topLeft(), event.oldSize())  # type: ignore[attr-defined]  # a QResizeEvent here
            self._login._encajar(antes)  # narrower, the wrapped texts need more lines
        return False


def _sin_letra(texto: str) -> str:
    """A control's text as read, without its Alt-letter's «&»."""
    return texto.replace("&&", "\0").replace("&", "").replace("\0", "&")
