"""Run service calls off the GUI thread (store opening, SMTP delivery) and get the result back
on it. Services stay Qt-free: they are plain callables here."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal, Slot

from icsoe_desktop.gui.kit.operaciones import en_segundo_plano

if TYPE_CHECKING:  # the progress dialogs are imported when used: not on the start-up path
    from PySide6.QtWidgets import QProgressDialog, QWidget

log = logging.getLogger(__name__)


run_in_background = en_segundo_plano


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
