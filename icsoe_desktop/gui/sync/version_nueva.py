"""«Hay una versión nueva (X.Y.Z)» in the main window's status bar, with «Instalar»: asked of
the empresa's sync server after each sync that ended well (the automatic one, «Sincronizar
ahora»). Never modal; a server that cannot be asked (an older server) shows nothing.

On the Windows installation the new version is downloaded in the background first (stopped
while a sync runs, resumed after it) and offered only once its SHA-256 and its publisher's signature passed
(services/sync/actualizacion.py); a version refused shows an administrator a short notice
and nobody else anything. From the source code the announcement is offered as it comes.
«Instalar» checks the installer again, starts it silently and quits the app (the installer
opens it again when it ends)."""

from __future__ import annotations

import logging
from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QStatusBar, QWidget

from icsoe_desktop.domain.roles import Accion
from icsoe_desktop.gui.kit.operaciones import (
    Cancelado,
    ejecutar_con_barra,
    en_segundo_plano,
    en_segundo_plano_detenible,
)
from icsoe_desktop.gui.kit.permisos import reflejar

if TYPE_CHECKING:
    from pathlib import Path

    from icsoe_desktop.gui.sync.barra import SyncRunner
    from icsoe_desktop.services.container import Services
    from icsoe_desktop.services.sync.actualizacion import VersionNueva

log = logging.getLogger(__name__)


class AvisoVersionNueva(QObject):
    """``instalada`` is emitted once the installer runs: the window quits the app."""

    instalada = Signal()

    def __init__(
        self,
        services: Services,
        usuario: str | None,
        status_bar: QStatusBar,
        runner: SyncRunner | None = None,
    ) -> None:
        super().__init__(status_bar)
        self._services = services
        self._usuario = usuario
        self._status_bar = status_bar
        self._runner = runner  # a download stops while it syncs
        self._buscando = False
        self._preparando: VersionNueva | None = None
        self.nueva: VersionNueva | None = None  # offered
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
            "Revisa la versión nueva del servidor de la empresa (que sea la que éste anunció, "
            "firmada por el editor), la instala y vuelve a abrir icsoe-desktop. Tus datos no "
            "se tocan."
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
        if nueva is None:
            self._quitar()
            return
        if not self._services.actualizacion.revisar_antes:
            self._ofrecer(nueva)
            return
        if nueva in (self.nueva, self._preparando):
            return  # offered already (checked again at «Instalar»), or on its way
        self._quitar()
        self._preparando = nueva  # the one to offer: an older job's result is let go
        en_segundo_plano_detenible(
            partial(self._preparar, nueva),
            partial(self._preparada, nueva),
            partial(self._no_preparada, nueva),
            self.widget,
        )

    def _preparar(self, nueva: VersionNueva, cancelado: Cancelado) -> Path:
        return self._services.actualizacion.preparar(
            nueva, pausa=self._sincronizando, cancelado=cancelado
        )

    def _sincronizando(self) -> bool:
        return self._runner is not None and self._runner.running

    def _preparada(self, nueva: VersionNueva, _instalador: Any) -> None:
        if nueva != self._preparando:
            return  # the server announced another one meanwhile: that one is on its way
        self._preparando = None
        self._ofrecer(nueva)

    def _no_preparada(self, nueva: VersionNueva, exc: BaseException) -> None:
        from icsoe_desktop.services.sync.actualizacion import VersionRechazada

        if nueva != self._preparando:
            return
        self._preparando = None
        if not isinstance(exc, VersionRechazada):
            log.info("No se pudo preparar la versión nueva: %s", exc)  # tried after next sync
            return
        # Who administers the installation (and its sync) is the one who can act on it.
        if not self._services.permisos.puede(self._usuario, Accion.SINCRONIZACION):
            return
        self.label.setText(exc.aviso)
        self.label.setToolTip(exc.message)
        self.instalar.hide()
        self._mostrar()

    def _ofrecer(self, nueva: VersionNueva) -> None:
        self.nueva = nueva
        self.label.setText(nueva.texto)
        self.label.setToolTip("")
        # Greyed, with the reason, for a role that may not install (the role matrix).
        reflejar(self.instalar, self._services.permisos, self._usuario, Accion.ACTUALIZAR)
        self.instalar.show()
        self._mostrar()

    def _mostrar(self) -> None:
        self._status_bar.addWidget(self.widget)
        self.widget.show()

    def _quitar(self) -> None:
        self.nueva = None
        self._status_bar.removeWidget(self.widget)

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
            f"Preparando la versión {nueva.version} de icsoe-desktop…",
            lambda progreso, _cancelado: actualizacion.instalar(
                nueva, self._usuario, progreso, reabrir=True
            ),
            lambda _bitacora: self.instalada.emit(),
            cancelable=False,
            titulo="Versión nueva",
            al_fallar=self._no_instalada,
        )

    def _no_instalada(self, exc: Any) -> None:
        from icsoe_desktop.gui.kit import msgbox

        msgbox.warning(self._status_bar.window(), exc.message, "Versión nueva")
        # The kept file failed its check again: offered only once downloaded and checked anew.
        if exc.code != "solo_windows":
            self._quitar()
