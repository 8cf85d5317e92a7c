"""Sync in the main window: the status-bar text («Sincronizado hh:mm», «Sin conexión», «N cambios
por enviar»), the timer of the automatic sync, and one background runner shared with the
Sincronización dialog (a sync never runs twice at once)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QLabel, QStatusBar

from icsoe_desktop.gui.worker import run_in_background

if TYPE_CHECKING:
    from icsoe_desktop.services.container import Services

log = logging.getLogger(__name__)
STATUS_REFRESH_MS = 30_000


class SyncRunner(QObject):
    """Runs ``services.sync.synchronize`` off the GUI thread; progress arrives as a signal."""

    progressed = Signal(int, int)
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
        run_in_background(lambda: self._services.sync.synchronize(emit), self._finish, self._finish)
        return True

    def _finish(self, outcome: Any) -> None:
        self.running = False
        if isinstance(outcome, BaseException):
            from icsoe_desktop.domain.errors import DomainError

            if not isinstance(outcome, DomainError):
                log.error("Error inesperado al sincronizar", exc_info=outcome)
        self.finished.emit(outcome)


class SyncStatus(QObject):
    """The status-bar label and the automatic sync timer of the main window."""

    def __init__(self, services: Services, status_bar: QStatusBar) -> None:
        super().__init__(status_bar)
        self._services = services
        self.runner = SyncRunner(services, self)
        self.label = QLabel("")
        self.label.setObjectName("sincronizacionLabel")
        status_bar.addPermanentWidget(self.label)
        self.auto_timer = QTimer(self)
        self.auto_timer.setObjectName("sincronizacionTimer")
        self.auto_timer.timeout.connect(self.sync_now)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setInterval(STATUS_REFRESH_MS)
        self._refresh_timer.timeout.connect(self.refresh)
        self._refresh_timer.start()
        self.runner.progressed.connect(self._on_progress)
        self.runner.finished.connect(self._on_finished)
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
        try:
            self.label.setText(self._services.sync.status().text)
        except Exception:  # the status bar must never break the window
            log.exception("No se pudo leer el estado de la sincronización")

    @Slot()
    def sync_now(self) -> None:
        if self._services.sync.is_configured() and self.runner.start():
            self.label.setText("Sincronizando…")

    @Slot(int, int)
    def _on_progress(self, done: int, total: int) -> None:
        self.label.setText(f"Sincronizando… {done} de {total}")

    @Slot(object)
    def _on_finished(self, _outcome: object) -> None:
        self.refresh()
