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
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from PySide6.QtCore import QObject, Signal, Slot

from icsoe_desktop.gui.kit import recolector
from icsoe_desktop.gui.kit.modal import devolver_foco, ventanas_abiertas

if TYPE_CHECKING:  # the dialogs are imported when used: not on the start-up path
    # So is the pools' class: the first window (application.py imports this module) starts
    # no pool, and building the class costs it ~1 M instructions (bench/startup.py).
    from PySide6.QtCore import QThreadPool
    from PySide6.QtWidgets import QProgressDialog, QWidget

    from icsoe_desktop.domain.errors import DomainError

log = logging.getLogger(__name__)
T = TypeVar("T")
Progreso = Callable[[int, int], None]
# The pool has as many threads as cores (two, on many an office machine): what a clerk waits
# for (a sort's first page) goes ahead of queued work that only fills in behind it.
PRIORIDAD_ESPERADA = 10
# The refusals of the database that the same work may get past a moment later (store/plain.py):
# told with «Reintentar».
REINTENTABLES = frozenset({"base_datos_ocupada", "base_datos_falla"})
Cancelado = Callable[[], bool]
INTERCAMBIO_S = 0.001


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)
    moved = Signal(int, int)


class _Relay(QObject):
    """Lives in the GUI thread: signals from a pool thread reach its slots queued, so callbacks
    always run on the GUI thread. (Avoids touching the ``Qt`` namespace, which costs ~40 ms to
    load, on the start-up path.)"""

    def __init__(
        self,
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
        on_moved: Progreso | None,
    ) -> None:
        super().__init__()
        self._on_done = on_done
        self._on_error = on_error
        self._on_moved = on_moved

    def soltar(self) -> None:
        """Reported: the callbacks go (they hold the caller's window)."""
        self._on_done = self._on_error = _nada
        self._on_moved = None

    @Slot(object)
    def done(self, value: Any) -> None:
        self._on_done(value)

    @Slot(object)
    def failed(self, exc: BaseException) -> None:
        self._on_error(exc)

    @Slot(int, int)
    def moved(self, done: int, total: int) -> None:
        if self._on_moved is not None:
            self._on_moved(done, total)


class _Job:
    """What a pool thread runs; created, kept and freed on the GUI thread (``_running``, then
    ``_reported``), where its ``signals`` live."""

    def __init__(self, fn: Callable[[Progreso], Any], parar: threading.Event) -> None:
        self.fn = fn
        self.parar = parar  # set when the app quits: work that can stop, stops (Cancelar)
        self.signals = _Signals()
        self.salio = threading.Event()  # its pool thread holds it no more

    def run(self) -> None:
        try:
            result = self.fn(self.signals.moved.emit)
        except BaseException as exc:  # handed to the GUI thread, which decides what to show
            self.signals.failed.emit(exc)
        else:
            self.signals.done.emit(result)


def _en_el_pool(job: weakref.ref[_Job], salio: threading.Event) -> Callable[[], None]:
    """The callable the pool runs and then drops, on its own thread: it holds the job only
    weakly, so that dropping it never frees the job (nor its signals, a QObject of the GUI
    thread) there. (A QRunnable handed to QThreadPool.start stays owned by Qt unless it
    deletes itself on its thread: kept, every job and its result would pile up for good.)"""

    def run() -> None:
        trabajo = job()
        try:
            if trabajo is not None:
                trabajo.run()
        finally:
            del trabajo  # before salio: from then on the GUI thread may free the job
            salio.set()

    return run


_running: dict[_Job, _Relay] = {}  # keep jobs and relays alive until they report
# Reported, kept until their pool thread let go of the job and their relay's slot returned:
# freeing a job's signals while its thread still emits, or a relay inside its own slot, frees
# memory Qt is still using (a crash, later and elsewhere).
_reported: list[tuple[_Job, _Relay]] = []


def en_segundo_plano(
    fn: Callable[[], T],
    al_terminar: Callable[[T], None],
    al_fallar: Callable[[BaseException], None],
    dueno: QObject | None = None,
    *,
    prioridad: int = 0,
) -> None:
    """Run ``fn`` in the thread pool; its result or exception comes back to a callback, unless
    ``dueno`` (the widget the callback updates) was destroyed meanwhile (its window closed).
    Work waiting for a thread starts by ``prioridad``, highest first (PRIORIDAD_ESPERADA: what
    a clerk waits for, before what fills in behind)."""
    _lanzar(lambda _progreso: fn(), al_terminar, al_fallar, dueno, prioridad=prioridad)


def en_segundo_plano_detenible(
    fn: Callable[[Cancelado], T],
    al_terminar: Callable[[T], None],
    al_fallar: Callable[[BaseException], None],
    dueno: QObject | None = None,
) -> None:
    """As ``en_segundo_plano`` for long work nobody waits for (a download): in a pool of its
    own, one at a time, so that it never holds a thread the windows' work waits for.
    ``fn(cancelado)`` looks at ``cancelado()``, true once the app quits, to stop early
    (OperacionCancelada)."""
    parar = threading.Event()
    _lanzar(
        lambda _progreso: fn(parar.is_set),
        al_terminar,
        al_fallar,
        dueno,
        parar=parar,
        pool=_pool_largo(),
    )


_largo: list[QThreadPool] = []


def _pool_largo() -> QThreadPool:
    from PySide6.QtCore import QThreadPool

    if not _largo:
        pool = QThreadPool()
        pool.setMaxThreadCount(1)
        _largo.append(pool)
    return _largo[0]


def esperar_pools(espera_ms: int) -> bool:
    """Wait for both pools (the windows' and the long work's), at most ``espera_ms`` each."""
    from PySide6.QtCore import QThreadPool

    return all(pool.waitForDone(espera_ms) for pool in [QThreadPool.globalInstance(), *_largo])


def _lanzar(
    fn: Callable[[Progreso], T],
    al_terminar: Callable[[T], None],
    al_fallar: Callable[[BaseException], None],
    dueno: QObject | None,
    al_avanzar: Progreso | None = None,
    parar: threading.Event | None = None,
    prioridad: int = 0,
    pool: QThreadPool | None = None,
) -> None:
    """``fn(progreso)`` in the pool (the global one unless ``pool``); ``progreso(done,
    total)`` reaches ``al_avanzar`` queued; ``parar`` is what ``fn`` looks at to stop early
    (set when the app quits)."""
    from PySide6.QtCore import QThreadPool

    # Python code is about to run in a pool thread: from now on the cyclic garbage collector
    # must not start there and free a window in it (recolector.py).
    recolector.instalar(en_curso)
    # Each call of the GUI thread into Qt lets go of the interpreter and waits for it back: a
    # pool thread running Python keeps it up to the switch interval (5 ms by default) each time.
    sys.setswitchinterval(INTERCAMBIO_S)
    job = _Job(fn, parar or threading.Event())

    def finish(callback: Callable[[Any], None], value: Any) -> None:
        try:
            if dueno is None or _vivo(dueno):
                callback(value)
        finally:  # counted until its callback returned (a message box it shows was answered)
            relay = _running.pop(job, None)
            if relay is not None:
                relay.soltar()
                _reported.append((job, relay))
                _soltar_luego()

    relay = _Relay(
        lambda value: finish(al_terminar, value),
        lambda exc: finish(al_fallar, exc),
        al_avanzar,
    )
    _running[job] = relay
    job.signals.done.connect(relay.done)
    job.signals.failed.connect(relay.failed)
    if al_avanzar is not None:
        job.signals.moved.connect(relay.moved)
    (pool or QThreadPool.globalInstance()).start(
        _en_el_pool(weakref.ref(job), job.salio), prioridad
    )


def _nada(_value: object) -> None:
    pass


def _soltar_luego() -> None:
    from PySide6.QtCore import QTimer

    QTimer.singleShot(0, _soltar_reportados)


def _soltar_reportados() -> None:
    """Free the reported jobs whose thread left run(); the others on a later turn."""
    quedan = [(job, relay) for job, relay in _reported if not job.salio.is_set()]
    _reported[:] = quedan
    if quedan:
        _soltar_luego()


def al_salir(espera_ms: int = 5_000) -> bool:
    """The app quits: ask the running work that can stop to stop (a bar's Cancelar), wait for
    the pool (at most ``espera_ms``) and free what reported. True when no work is left running:
    then nothing of ours runs while the interpreter ends."""
    for job in _running:
        job.parar.set()
    terminado = esperar_pools(espera_ms)
    if terminado:  # their callbacks would find their windows closed: none runs
        _running.clear()
        _reported.clear()
    return terminado


def _vivo(obj: QObject) -> bool:
    from shiboken6 import isValid

    return isValid(obj)


def en_curso() -> int:
    """Background jobs not reported yet, or whose callback still runs (tests wait for 0)."""
    return len(_running)


def inesperado(exc: BaseException) -> None:
    """An error no service words: the app's error hook logs it and says so in Spanish."""
    sys.excepthook(type(exc), exc, exc.__traceback__)


def lectura_fallida(
    parent: QWidget, titulo: str, reintentar: Callable[[], None]
) -> Callable[[BaseException], None]:
    """For ``en_segundo_plano``: a read a window makes in the background that failed. The
    database's refusal (busy, a driver's error) is its Spanish message with «Reintentar»; a
    session ended is told by the application; another ``DomainError`` is its message; any
    other error goes to the error hook."""

    def fallo(exc: BaseException) -> None:
        from icsoe_desktop.domain.errors import DomainError
        from icsoe_desktop.gui.kit import msgbox
        from icsoe_desktop.gui.kit.sesion import fin_de_sesion

        if not isinstance(exc, DomainError):
            inesperado(exc)
        elif fin_de_sesion(exc) or not parent.isVisible():
            return
        elif exc.code not in REINTENTABLES:
            msgbox.warning(parent, exc.message, titulo)
        elif msgbox.question(parent, exc.message, yes="Reintentar", no="Cerrar", title=titulo):
            reintentar()

    return fallo


class Operacion(Generic[T]):
    """One run of ``ejecutar``: ``dialogo`` while it runs, ``terminada`` once it reported."""

    def __init__(
        self,
        parent: QWidget | None,
        dialogo: QProgressDialog,
        titulo: str,
        al_terminar: Callable[[T], None] | None,
        al_fallar: Callable[[DomainError], None] | None,
        al_cancelar: Callable[[], None] | None = None,
    ) -> None:
        self.parent, self.dialogo, self.titulo = parent, dialogo, titulo
        self._al_terminar, self._al_fallar = al_terminar, al_fallar
        self._al_cancelar = al_cancelar
        self.terminada = False
        # The same work again, for «Reintentar» when the database did not answer.
        self.reintentar: Callable[[], object] | None = None

    def _cerrar(self) -> bool:
        """Close the dialog; False when the window that started the work is gone."""
        self.terminada = True
        if _vivo(self.dialogo):
            tenia_el_teclado = self.dialogo.isActiveWindow()
            abiertas = ventanas_abiertas()
            self.dialogo.close()
            self.dialogo.deleteLater()
            if tenia_el_teclado and self.parent is not None and _vivo(self.parent):
                # The bar closing leaves the keyboard nowhere: back to the window it is over.
                devolver_foco(self.parent.window(), abiertas)
        return self.parent is None or _vivo(self.parent)

    def _avanzar(self, done: int, total: int) -> None:
        if total > 0 and _vivo(self.dialogo):  # its window may have closed meanwhile
            self.dialogo.setMaximum(total)
            self.dialogo.setValue(min(done, total))

    def _soltar(self) -> None:
        """Forget the callbacks once reported: they may hold a window that is closed next."""
        self._al_terminar = self._al_fallar = self._al_cancelar = None

    def _exito(self, value: T) -> None:
        al_terminar = self._al_terminar
        self._soltar()
        abierta = self._cerrar()
        if abierta and al_terminar is not None:
            al_terminar(value)

    def _fallo(self, exc: BaseException) -> None:
        from icsoe_desktop.domain.errors import DomainError, OperacionCancelada

        al_fallar, al_cancelar, reintentar = self._al_fallar, self._al_cancelar, self.reintentar
        self._soltar()
        self.reintentar = None
        if not self._cerrar():
            log.error("Operación terminada con su ventana ya cerrada", exc_info=exc)
            return
        if isinstance(exc, OperacionCancelada):
            if al_cancelar is not None:
                al_cancelar()  # Cancelar pressed: the work left nothing behind
        elif not isinstance(exc, DomainError):
            inesperado(exc)
        elif al_fallar is not None:
            al_fallar(exc)
        else:
            from icsoe_desktop.gui.kit import msgbox

            if exc.code in REINTENTABLES and reintentar is not None:
                # The database busy (another program writing) or a driver's error: nothing
                # was saved, and the same work may go through a moment later.
                if msgbox.question(
                    self.parent, exc.message, yes="Reintentar", no="Cerrar", title=self.titulo
                ):
                    reintentar()
                return
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
    al_fallar: Callable[[DomainError], None] | None = None,
    titulo: str = "Espera un momento",
) -> Operacion[T]:
    """Run ``trabajo`` behind a busy dialog (shown after 300 ms: short work shows none).

    On success ``al_terminar(result)`` runs (what the work changed, its service announced:
    gui/kit/notificador.py). A ``DomainError`` goes to ``al_fallar`` (by
    default a warning with its Spanish message, titled ``titulo``); any other error to the
    app's error hook."""
    dialog = _dialogo(parent, texto, titulo, "")
    dialog.setMinimumDuration(300)
    dialog.setValue(0)  # starts the 300 ms wait: the one the constructor started is Qt's 4 s
    operacion = Operacion(parent, dialog, titulo, al_terminar, al_fallar)
    operacion.reintentar = lambda: ejecutar(
        parent, texto, trabajo, al_terminar, al_fallar=al_fallar, titulo=titulo
    )
    en_segundo_plano(trabajo, operacion._exito, operacion._fallo)
    return operacion


def ejecutar_con_barra(
    parent: QWidget | None,
    texto: str,
    trabajo: Callable[[Progreso, Cancelado], T],
    al_terminar: Callable[[T], None] | None = None,
    *,
    cancelable: bool = True,
    al_fallar: Callable[[DomainError], None] | None = None,
    al_cancelar: Callable[[], None] | None = None,
    titulo: str = "Espera un momento",
) -> Operacion[T]:
    """As ``ejecutar``, behind a progress bar shown at once (with Cancelar when
    ``cancelable``: the work raises ``OperacionCancelada``, and ``al_cancelar`` runs).
    ``trabajo(progreso, cancelado)`` runs in the worker thread: ``progreso(done, total)`` moves
    the bar, ``cancelado()`` tells it Cancelar was pressed (or the app quits)."""
    dialog = _dialogo(parent, texto, titulo, "Cancelar" if cancelable else "")
    dialog.setMinimumSize(420, 110)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setMinimumDuration(0)
    stop = threading.Event()
    dialog.canceled.connect(stop.set)
    dialog.show()
    operacion = Operacion(parent, dialog, titulo, al_terminar, al_fallar, al_cancelar)
    operacion.reintentar = lambda: ejecutar_con_barra(
        parent,
        texto,
        trabajo,
        al_terminar,
        cancelable=cancelable,
        al_fallar=al_fallar,
        al_cancelar=al_cancelar,
        titulo=titulo,
    )
    _lanzar(
        lambda progreso: trabajo(progreso, stop.is_set),
        operacion._exito,
        operacion._fallo,
        None,
        operacion._avanzar,
        stop,  # the app quitting stops it as Cancelar does
    )
    return operacion
