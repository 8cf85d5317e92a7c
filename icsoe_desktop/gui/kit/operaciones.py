"""Long work off the GUI thread, its outcome handed to callbacks on the GUI thread.

``en_segundo_plano(fn, al_terminar, al_fallar)`` is the bare runner (no dialog). ``ejecutar``
and ``ejecutar_con_barra`` add what a clerk sees: a window-modal progress dialog (busy, or a bar
with Cancelar), the ``DomainError`` shown in Spanish, and, when the work succeeds, what it
changed announced to every open window (``notificador``) before ``al_terminar`` runs. No call
waits: the caller returns at once and the GUI's own event loop runs meanwhile, so nothing here
nests an event loop. Services stay Qt-free: the work is a plain callable.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

if TYPE_CHECKING:  # the dialogs are imported when used: not on the start-up path
    from PySide6.QtWidgets import QProgressDialog, QWidget

    from icsoe_desktop.domain.errors import DomainError
    from icsoe_desktop.services.container import Services

log = logging.getLogger(__name__)
T = TypeVar("T")
Progreso = Callable[[int, int], None]
Cancelado = Callable[[], bool]


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


def en_segundo_plano(
    fn: Callable[[], T],
    al_terminar: Callable[[T], None],
    al_fallar: Callable[[BaseException], None],
    dueno: QObject | None = None,
) -> None:
    """Run ``fn`` in the thread pool; its result or exception comes back to a callback, unless
    ``dueno`` (the widget the callback updates) was destroyed meanwhile (its window closed)."""
    job = _Job(fn)
    job.setAutoDelete(False)

    def finish(callback: Callable[[Any], None], value: Any) -> None:
        try:
            if dueno is None or _vivo(dueno):
                callback(value)
        finally:  # counted until its callback returned (a message box it shows was answered)
            _running.pop(job, None)

    relay = _Relay(lambda value: finish(al_terminar, value), lambda exc: finish(al_fallar, exc))
    _running[job] = relay
    job.signals.done.connect(relay.done)
    job.signals.failed.connect(relay.failed)
    QThreadPool.globalInstance().start(job)


def _vivo(obj: QObject) -> bool:
    from shiboken6 import isValid

    return isValid(obj)


def en_curso() -> int:
    """Background jobs not reported yet, or whose callback still runs (tests wait for 0)."""
    return len(_running)


def inesperado(exc: BaseException) -> None:
    """An error no service words: the app's error hook logs it and says so in Spanish."""
    sys.excepthook(type(exc), exc, exc.__traceback__)


class Operacion(Generic[T]):
    """One run of ``ejecutar``: ``dialogo`` while it runs, ``terminada`` once it reported."""

    def __init__(
        self,
        parent: QWidget | None,
        dialogo: QProgressDialog,
        titulo: str,
        services: Services | None,
        cambia: Iterable[str] | Callable[[T], Iterable[str]],
        al_terminar: Callable[[T], None] | None,
        al_fallar: Callable[[DomainError], None] | None,
        al_cancelar: Callable[[], None] | None = None,
    ) -> None:
        self.parent, self.dialogo, self.titulo = parent, dialogo, titulo
        self._services, self._cambia = services, cambia
        self._al_terminar, self._al_fallar = al_terminar, al_fallar
        self._al_cancelar = al_cancelar
        self.terminada = False

    def _cerrar(self) -> bool:
        """Close the dialog; False when the window that started the work is gone."""
        self.terminada = True
        if _vivo(self.dialogo):
            self.dialogo.close()
            self.dialogo.deleteLater()
        return self.parent is None or _vivo(self.parent)

    def _soltar(self) -> None:
        """Forget the callbacks once reported: they may hold a window that is closed next."""
        self._al_terminar = self._al_fallar = self._al_cancelar = None

    def _exito(self, value: T) -> None:
        al_terminar = self._al_terminar
        self._soltar()
        abierta = self._cerrar()
        if self._services is not None:  # the data changed, whether its window is open or not
            from icsoe_desktop.gui.kit.notificador import anunciar

            cambios = self._cambia(value) if callable(self._cambia) else self._cambia
            anunciar(self._services, cambios)  # the windows behind show it before any message
        if abierta and al_terminar is not None:
            al_terminar(value)

    def _fallo(self, exc: BaseException) -> None:
        from icsoe_desktop.domain.errors import DomainError
        from icsoe_desktop.services.excel import ExportCancelled

        al_fallar, al_cancelar = self._al_fallar, self._al_cancelar
        self._soltar()
        if not self._cerrar():
            log.error("Operación terminada con su ventana ya cerrada", exc_info=exc)
            return
        if isinstance(exc, ExportCancelled) and al_cancelar is not None:
            al_cancelar()  # Cancelar pressed: the work left nothing behind
        elif not isinstance(exc, DomainError):
            inesperado(exc)
        elif al_fallar is not None:
            al_fallar(exc)
        else:
            from icsoe_desktop.gui import msgbox

            msgbox.warning(self.parent, exc.message, self.titulo)


def _dialogo(parent: QWidget | None, texto: str, titulo: str, cancelar: str) -> QProgressDialog:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QProgressDialog

    dialog = QProgressDialog(texto, cancelar, 0, 0, parent)
    dialog.setObjectName("progressDialog")
    dialog.setWindowTitle(titulo)
    if not cancelar:
        dialog.setCancelButton(None)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)  # one operation at a time
    return dialog


def ejecutar(
    parent: QWidget | None,
    texto: str,
    trabajo: Callable[[], T],
    al_terminar: Callable[[T], None] | None = None,
    *,
    services: Services | None = None,
    cambia: Iterable[str] | Callable[[T], Iterable[str]] = (),
    al_fallar: Callable[[DomainError], None] | None = None,
    titulo: str = "Espera un momento",
) -> Operacion[T]:
    """Run ``trabajo`` behind a busy dialog (shown after 300 ms: short work shows none).

    On success the kinds in ``cambia`` (or ``cambia(result)``) are announced on ``services``'
    notifier, then ``al_terminar(result)`` runs. A ``DomainError`` goes to ``al_fallar`` (by
    default a warning with its Spanish message, titled ``titulo``); any other error to the
    app's error hook."""
    dialog = _dialogo(parent, texto, titulo, "")
    dialog.setMinimumDuration(300)
    dialog.setValue(0)  # starts the 300 ms wait: the one the constructor started is Qt's 4 s
    operacion = Operacion(parent, dialog, titulo, services, cambia, al_terminar, al_fallar)
    en_segundo_plano(trabajo, operacion._exito, operacion._fallo)
    return operacion


class _ProgressRelay(QObject):
    """Lives in the GUI thread: ``moved`` emitted by the worker reaches ``_on_moved`` queued."""

    moved = Signal(int, int)

    def __init__(self, dialog: QProgressDialog) -> None:
        super().__init__(dialog)
        self._dialog = dialog
        self.moved.connect(self._on_moved)

    @Slot(int, int)
    def _on_moved(self, done: int, total: int) -> None:
        if total > 0:
            self._dialog.setMaximum(total)
            self._dialog.setValue(min(done, total))


def ejecutar_con_barra(
    parent: QWidget | None,
    texto: str,
    trabajo: Callable[[Progreso, Cancelado], T],
    al_terminar: Callable[[T], None] | None = None,
    *,
    cancelable: bool = True,
    services: Services | None = None,
    cambia: Iterable[str] | Callable[[T], Iterable[str]] = (),
    al_fallar: Callable[[DomainError], None] | None = None,
    al_cancelar: Callable[[], None] | None = None,
    titulo: str = "Espera un momento",
) -> Operacion[T]:
    """As ``ejecutar``, behind a progress bar shown at once (with Cancelar when
    ``cancelable``: the work raises ``ExportCancelled``, and ``al_cancelar`` runs). ``trabajo(progreso, cancelado)`` runs in the worker thread:
    ``progreso(done, total)`` moves the bar, ``cancelado()`` tells it Cancelar was pressed."""
    dialog = _dialogo(parent, texto, titulo, "Cancelar" if cancelable else "")
    dialog.setMinimumSize(420, 110)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setMinimumDuration(0)
    stop = threading.Event()
    dialog.canceled.connect(stop.set)
    relay = _ProgressRelay(dialog)
    dialog.show()
    moved = relay.moved.emit
    operacion = Operacion(
        parent, dialog, titulo, services, cambia, al_terminar, al_fallar, al_cancelar
    )
    en_segundo_plano(lambda: trabajo(moved, stop.is_set), operacion._exito, operacion._fallo)
    return operacion
