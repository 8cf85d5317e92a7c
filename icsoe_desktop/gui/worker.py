"""Run service calls off the GUI thread (store opening, SMTP delivery) and get the result back
on it. Services stay Qt-free: they are plain callables here."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

if TYPE_CHECKING:  # the progress dialogs are imported when used: not on the start-up path
    from PySide6.QtWidgets import QProgressDialog, QWidget

log = logging.getLogger(__name__)


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Relay(QObject):
    """Lives in the GUI thread: signals from a pool thread reach its slots queued, so callbacks
    always run on the GUI thread. (Avoids touching the ``Qt`` namespace, which costs ~40 ms to
    load, on the start-up path.)"""

    def __init__(
        self, on_done: Callable[[Any], None], on_error: Callable[[BaseException], None]
    ) -> None:
        super().__init__()
        self._on_done = on_done
        self._on_error = on_error

    @Slot(object)
    def done(self, value: Any) -> None:
        self._on_done(value)

    @Slot(object)
    def failed(self, exc: BaseException) -> None:
        self._on_error(exc)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any]) -> None:
        super().__init__()
        self.fn = fn
        self.signals = _Signals()

    def run(self) -> None:
        try:
            result = self.fn()
        except BaseException as exc:  # handed to the GUI thread, which decides what to show
            self.signals.failed.emit(exc)
        else:
            self.signals.done.emit(result)


_running: dict[_Job, _Relay] = {}  # keep jobs and relays alive until they report


def run_in_background(
    fn: Callable[[], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[BaseException], None],
) -> None:
    job = _Job(fn)
    job.setAutoDelete(False)

    def finish(callback: Callable[[Any], None], value: Any) -> None:
        _running.pop(job, None)
        callback(value)

    relay = _Relay(lambda value: finish(on_done, value), lambda exc: finish(on_error, exc))
    _running[job] = relay
    job.signals.done.connect(relay.done)
    job.signals.failed.connect(relay.failed)
    QThreadPool.globalInstance().start(job)


def run_with_progress(parent: QWidget | None, text: str, fn: Callable[[], Any]) -> Any:
    """Run ``fn`` in the background while a busy progress dialog keeps the window alive; return
    its result or re-raise its exception here, on the GUI thread."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QProgressDialog

    dialog = QProgressDialog(text, "", 0, 0, parent)
    dialog.setObjectName("progressDialog")
    dialog.setWindowTitle("Espera un momento")
    dialog.setCancelButton(None)
    dialog.setMinimumDuration(300)
    dialog.setValue(0)  # starts the 300 ms wait: the one the constructor started is Qt's 4 s
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    return _wait_behind(dialog, fn)


def _wait_behind(dialog: QProgressDialog, fn: Callable[[], Any]) -> Any:
    """Run ``fn`` in the background, keep the GUI alive in a local event loop behind ``dialog``
    until it reports, close the dialog; return the result or re-raise the error here."""
    from PySide6.QtCore import QEventLoop

    loop = QEventLoop()
    outcome: dict[str, Any] = {}

    def done(value: Any) -> None:
        outcome["value"] = value
        loop.quit()

    def failed(exc: BaseException) -> None:
        outcome["error"] = exc
        loop.quit()

    run_in_background(fn, done, failed)
    if not outcome:
        loop.exec()
    dialog.close()
    dialog.deleteLater()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


class _ProgressRelay(QObject):
    """Lives in the GUI thread: ``moved`` emitted by the worker reaches ``_on_moved`` queued."""

    moved = Signal(int, int)

    def __init__(self, dialog: QProgressDialog) -> None:
        super().__init__()
        self._dialog = dialog
        self.moved.connect(self._on_moved)

    @Slot(int, int)
    def _on_moved(self, done: int, total: int) -> None:
        if total > 0:
            self._dialog.setMaximum(total)
            self._dialog.setValue(min(done, total))


def run_with_progress_bar(
    parent: QWidget | None,
    text: str,
    fn: Callable[[Callable[[int, int], None], Callable[[], bool]], Any],
    cancellable: bool = True,
    title: str = "Espera un momento",
) -> Any:
    """Run ``fn(progress, cancelled)`` in the background behind a progress bar (with Cancelar
    when ``cancellable``); return its result or re-raise its exception here, on the GUI thread.
    ``progress(done, total)`` may be called from the worker thread; ``cancelled()`` tells the
    worker the user pressed Cancelar."""
    import threading

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QProgressDialog

    dialog = QProgressDialog(text, "Cancelar" if cancellable else "", 0, 0, parent)
    dialog.setObjectName("progressDialog")
    dialog.setWindowTitle(title)
    if not cancellable:
        dialog.setCancelButton(None)
    dialog.setMinimumSize(420, 110)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setMinimumDuration(0)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    stop = threading.Event()
    dialog.canceled.connect(stop.set)
    relay = _ProgressRelay(dialog)
    dialog.show()
    return _wait_behind(dialog, lambda: fn(relay.moved.emit, stop.is_set))
