"""«Hay una versión nueva (X.Y.Z)» in the main window's status bar, with «Instalar»: asked of
the empresa's sync server after each sync that ended well (the automatic one, «Sincronizar
ahora»). Never modal; a server that cannot be asked (an older server) shows nothing.

«Instalar» downloads the installer behind a progress bar, checks its SHA-256, starts it
silently and quits the app (the installer opens it again when it ends)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QStatusBar, QWidget

from icsoe_desktop.domain.roles import Accion
from icsoe_desktop.gui.kit.operaciones import ejecutar_con_barra, en_segundo_plano
from icsoe_desktop.gui.kit.permisos import reflejar

if TYPE_CHECKING:
    from icsoe_desktop.services.container import Services
    from icsoe_desktop.services.sync.actualizacion import VersionNueva

log = logging.getLogger(__name__)


class AvisoVersionNueva(QObject):
    """``instalada`` is emitted once the installer runs: the window quits the app."""

    instalada = Signal()

    def __init__(self, services: Services, usuario: str | None, status_bar: QStatusBar) -> None:
        super().__init__(status_bar)
        self._services = services
        self._usuario = usuario
        self._status_bar = status_bar
        self._buscando = False
        self.nueva: VersionNueva | None = None
        # In the status bar only while there is a new version: a hidden widget there still
        # makes the bar taller (QStatusBar counts its height), which the window's tables lose.
        self.widget = QWidget(status_bar)
        self.widget.setObjectName("versionNuevaAviso")
        layout = QHBoxLayout(self.widget)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel("")
        self.label.setObjectName("versionNuevaLabel")
        self.instalar = QPushButton("Instalar")
        self.instalar.setObjectName("instalarVersionButton")
        self.instalar.setToolTip(
            "Descarga la versión nueva del servidor de la empresa, revisa que sea la que éste "
            "anunció, la instala y vuelve a abrir icsoe-desktop. Tus datos no se tocan."
        )
        self.instalar.clicked.connect(self._instalar)
        layout.addWidget(self.label)
        layout.addWidget(self.instalar)
        self.widget.hide()

    @Slot(object)
    def tras_sincronizar(self, outcome: object) -> None:
        if not isinstance(outcome, BaseException):
            self.buscar()

    @Slot()
    def buscar(self) -> None:
        """Ask the server in the background (once at a time)."""
        if self._buscando or not self._services.sync.is_configured():
            return
        self._buscando = True
        en_segundo_plano(
            self._services.actualizacion.buscar, self._encontrada, self._fallo, self.widget
        )

    def _encontrada(self, nueva: Any) -> None:
        self._buscando = False
        self.nueva = nueva
        if nueva is None:
            self._status_bar.removeWidget(self.widget)
            return
        self.label.setText(nueva.texto)
        # Greyed, with the reason, for a role that may not install (the role matrix).
        reflejar(self.instalar, self._services.permisos, self._usuario, Accion.ACTUALIZAR)
        self._status_bar.addWidget(self.widget)
        self.widget.show()

    def _fallo(self, exc: BaseException) -> None:
        self._buscando = False
        # A notice, never an error: the sync's own status says when the server is away.
        log.info("No se pudo buscar una versión nueva: %s", exc)

    @Slot()
    def _instalar(self) -> None:
        nueva = self.nueva
        if nueva is None:
            return
        actualizacion = self._services.actualizacion
        ejecutar_con_barra(
            self._status_bar.window(),
            f"Descargando la versión {nueva.version} de icsoe-desktop…",
            lambda progreso, _cancelado: actualizacion.instalar(
                nueva, self._usuario, progreso, reabrir=True
            ),
            lambda _bitacora: self.instalada.emit(),
            cancelable=False,
            titulo="Versión nueva",
        )
