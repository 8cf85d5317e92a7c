"""Python's cyclic garbage collector, run on the GUI thread only.

The collector starts in whichever thread allocates when a generation's threshold is crossed:
with work in the thread pool (``operaciones``) or a sync's own threads, often one of those. A
window left in a reference cycle (an attribute holding the window itself, a closure over it)
is then destroyed there, and a QWidget destroyed outside the GUI thread edits Qt's widget
lists, timers and screens while the GUI thread uses them: memory freed twice or read after
being freed, and a crash later, somewhere unrelated. So the automatic collection is turned off
and a timer on the GUI thread applies Python's own generational thresholds instead.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QTimer
from shiboken6 import isValid

# Often enough that garbage made in a burst of work waits less than a second; rarely enough
# that an idle window costs nothing measurable (a tick that finds little to do returns at once).
INTERVALO_MS = 500

# While work runs in the pool, the young generations hold what it is still working on (a
# report's hundreds of thousands of rows, dead once it returns): scanning them here froze the
# windows a tenth of a second at each tick. Collections wait for the work to end, at most this.
APLAZAR_S = 30.0

_timer: QTimer | None = None
_aplazado_desde: float | None = None
_largos = 0  # objects in the oldest generation after the last full collection
_pendientes = 0  # objects moved into it since
_ocupado: Callable[[], int] | None = None  # how much work runs in the pool (operaciones.py)


def instalar(ocupado: Callable[[], int] | None = None) -> None:
    """Once a QApplication exists, from its thread (elsewhere nothing is done: the timer must
    live there); later calls only make sure the automatic collection stays off. ``ocupado``
    tells how much work runs in the pool: collections wait while there is some."""
    global _timer, _ocupado
    if ocupado is not None:
        _ocupado = ocupado
    app = QCoreApplication.instance()
    # The application's thread is the main one (run_gui, pytest-qt); asked without QThread,
    # whose first use costs the first window ~0.5 ms.
    if app is None or threading.current_thread() is not threading.main_thread():
        return
    gc.disable()
    if _timer is not None and isValid(_timer) and _timer.parent() is app:
        return
    _timer = QTimer(app)  # lives as long as the application
    _timer.setInterval(INTERVALO_MS)
    _timer.timeout.connect(recoger)
    _timer.start()


def recoger() -> int:
    """What Python's automatic collection would do now, here: the youngest generation once
    enough objects were allocated, an older one once enough younger collections ran. Returns
    the number of objects found unreachable."""
    global _pendientes
    umbral0, umbral1, umbral2 = gc.get_threshold()
    cuenta0, cuenta1, cuenta2 = gc.get_count()
    if cuenta0 <= umbral0 or _aplazar():
        return 0
    generacion = 0
    if cuenta1 > umbral1:
        generacion = 2 if cuenta2 > umbral2 and _todo_vale_la_pena() else 1
    if generacion == 1:
        _pendientes += len(gc.get_objects(1))  # what survives it goes to the oldest generation
    encontrados = gc.collect(generacion)
    if generacion == 2:
        _largos_y_pendientes(len(gc.get_objects(2)))
    return encontrados


def _todo_vale_la_pena() -> bool:
    """Python's own rule for a full collection: only once the objects that reached the oldest
    generation since the last one are a quarter of those it kept then. A full pass over a
    window's hundreds of thousands of objects froze it a quarter of a second."""
    return _pendientes > _largos // 4


def _largos_y_pendientes(largos: int) -> None:
    global _largos, _pendientes
    _largos, _pendientes = largos, 0


def _aplazar() -> bool:
    """True while work runs in the pool and the collection waited less than APLAZAR_S."""
    global _aplazado_desde
    if _ocupado is None or not _ocupado():
        _aplazado_desde = None
        return False
    ahora = time.monotonic()
    if _aplazado_desde is None:
        _aplazado_desde = ahora
    if ahora - _aplazado_desde < APLAZAR_S:
        return True
    _aplazado_desde = None
    return False
