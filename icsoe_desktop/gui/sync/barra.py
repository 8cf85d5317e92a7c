"""Sync in the main window: the status-bar text («Sincronizado hh:mm», «Sin conexión», «N cambios
por enviar»), the timer of the automatic sync, and one background runner shared with the
Sincronización dialog (a sync never runs twice at once).

The text counts what waits to be sent, which may be every movement after a big import: it is read
in the background, never on the GUI thread, and only when something changed (an announcement of
the notifier, a sync's end, the settings saved), never on a timer. A sync that brought rows
announces every kind of data, so each open window reads what it shows again. A read the
database refuses (busy with another program's write, a driver's error) puts the app's Spanish
message in the label, with «Reintentar» beside it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QLabel, QPushButton, QStatusBar

from icsoe_desktop.gui.kit.notificador import notificador
from icsoe_desktop.gui.kit.operaciones import REINTENTABLES, en_segundo_plano

if TYPE_CHECKING:
    from icsoe_desktop.services.container import Services

log = logging.getLogger(__name__)


class SyncRunner(QObject):
    """Runs ``services.sync.synchronize`` off the GUI thread; progress arrives as signals: the
    counts, and what the clerk reads of them («Recibidos 12,000 de 32,000»)."""

    progressed = Signal(int, int)
    avanzo = Signal(str)
    finished = Signal(object)  # SyncResult, or the exception that ended the sync

    def __init__(self, services: Services, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self.running = False

    def start(self) -> bool:
        """False when a sync is already running (the caller waits for ``finished``)."""
        if self.running:
            return False
        self.running = True
        # Emitted from the pool thread; Qt queues it to this object's (the GUI) thread.
        emit: Callable[[int, int], None] = self.progressed.emit
        say: Callable[[str], None] = self.avanzo.emit
        en_segundo_plano(
            lambda: self._services.sync.synchronize(emit, say), self._finish, self._finish
        )
        return True

    def _finish(self, outcome: Any) -> None:
        self.running = False
        if isinstance(outcome, BaseException):
            from icsoe_desktop.domain.errors import DomainError

            if not isinstance(outcome, DomainError):
                log.error("Error inesperado al sincronizar", exc_info=outcome)
        self.finished.emit(outcome)


class BarraSincronizacion(QObject):
    """The status-bar label and the automatic sync timer of the main window."""

    def __init__(self, services: Services, status_bar: QStatusBar) -> None:
        super().__init__(status_bar)
        self._services = services
        self.runner = SyncRunner(services, self)
        self.label = QLabel("")
        self.label.setObjectName("sincronizacionLabel")
        status_bar.addPermanentWidget(self.label)
        self.reintentar = QPushButton("Reintentar")  # shown after a refused read only
        self.reintentar.setObjectName("sincronizacionReintentar")
        self.reintentar.setFlat(True)
        self.reintentar.hide()
        self.reintentar.clicked.connect(self.refresh)
        status_bar.addPermanentWidget(self.reintentar)
        self.auto_timer = QTimer(self)
        self.auto_timer.setObjectName("sincronizacionTimer")
        self.auto_timer.timeout.connect(self.sync_now)
        # After a sync that found no server (or a busy one): tries again sooner than the
        # interval, waiting longer each time and a random part of it (transporte.py).
        self.reintento = QTimer(self)
        self.reintento.setObjectName("sincronizacionReintento")
        self.reintento.setSingleShot(True)
        self.reintento.timeout.connect(self.sync_now)
        self.fallos = 0  # automatic syncs failed in a row for want of the server
        self._leyendo = False  # a read of the status is under way
        self._otra_vez = False  # something changed meanwhile: read once more when it ends
        self.runner.avanzo.connect(self._on_avance)
        self.runner.finished.connect(self._on_finished)
        # Any change of data may add rows to send: the count is read again (in the background).
        notificador(services).cambiaron.connect(self._on_cambios)
        self.apply_settings()

    def apply_settings(self) -> None:
        """(Re)arm the automatic sync after the settings changed."""
        minutes = self._services.sync.settings.interval_min
        if minutes > 0 and self._services.sync.is_configured():
            self.auto_timer.start(minutes * 60_000)
        else:
            self.auto_timer.stop()
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        """Read the status in the background; the label changes when it arrives. Reads asked
        for meanwhile become one more read, after this one."""
        if self._leyendo:
            self._otra_vez = True
            return
        self._leyendo, self._otra_vez = True, False
        en_segundo_plano(self._services.sync.status, self._leido, self._no_leido, self.label)

    def leyendo(self) -> bool:
        return self._leyendo

    def _leido(self, status: Any) -> None:
        self._leyendo = False
        self.reintentar.hide()
        self.label.setToolTip("")
        if not self.runner.running:  # «Sincronizando…» stays until the sync ends
            self.label.setText(status.texto)
        if self._otra_vez:
            self.refresh()

    def _no_leido(self, exc: BaseException) -> None:
        from icsoe_desktop.domain.errors import DomainError
        from icsoe_desktop.gui.kit.sesion import fin_de_sesion

        self._leyendo = False
        # The status bar must never break the window (the store may be closing: a switch).
        log.error("No se pudo leer el estado de la sincronización", exc_info=exc)
        if isinstance(exc, DomainError) and not fin_de_sesion(exc) and not self.runner.running:
            self.label.setText(exc.message)
            self.label.setToolTip(exc.message)  # whole, where the bar cuts it
            self.reintentar.setVisible(exc.code in REINTENTABLES)
        if self._otra_vez:
            self.refresh()

    @Slot(object)
    def _on_cambios(self, _cambios: object) -> None:
        self.refresh()

    def detener(self) -> None:
        """The window is leaving: no automatic sync after it (its services may be closed, or
        be another empresa's by then)."""
        self.auto_timer.stop()
        self.reintento.stop()

    @Slot()
    def sync_now(self) -> None:
        if self._services.sync.is_configured() and self.runner.start():
            self.label.setText("Sincronizando…")

    @Slot(str)
    def _on_avance(self, texto: str) -> None:
        self.label.setText(f"Sincronizando… {texto}")

    @Slot(object)
    def _on_finished(self, outcome: object) -> None:
        from icsoe_desktop.services.sync.transporte import SyncError, espera_reintento

        if isinstance(outcome, SyncError) and outcome.offline:
            self.fallos += 1
            espera_ms = int(espera_reintento(self.fallos, outcome.retry_after) * 1000)
            if self.auto_timer.isActive() and espera_ms < self.auto_timer.interval():
                self.reintento.start(espera_ms)
        elif not isinstance(outcome, BaseException):
            self.fallos = 0
            self.reintento.stop()
        self.refresh()
