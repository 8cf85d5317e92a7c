"""What changed, heard by every open window.

The services announce what each operation changed (domain/cambios.py: ``@anuncia(ICSOE)`` or
``store.cambios.anunciar(...)``, once its unit of work committed); the open empresa's store
passes them to ``Services.cambios``, which this module's notifier hears and re-emits as a Qt
signal, on the GUI thread (queued there when the operation ran in the pool). Each window
subscribes to the kinds it shows (``suscribir``) and reads them again itself: no window
declares what another must refresh, and a window never polls. Another program's writes to the
open empresa's movements (the command line beside the app) are announced too: the notifier
asks the services every MIRAR ms whether the store changed without an announcement
(``Services.mirar_fuera``, store/vigencia.py: microseconds); what a window reads is current
either way, this only wakes it.

There is one notifier per ``Services`` (per open installation): windows built on other services
(another test, a closed installation) never hear of this one's changes. A window that is hidden
when the change comes refreshes when it shows again, once, however many changes came meanwhile.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable, Iterable
from types import MethodType
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer, Signal, Slot

from icsoe_desktop.domain.cambios import Cambios

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from icsoe_desktop.services.container import Services


# How often another program's writes are looked for (ms).
MIRAR = 2_000


class Notificador(QObject):
    """``cambiaron(kinds)``: what the services announced. Emitted in the thread of the
    operation; the subscriptions live on the GUI thread, so Qt runs them there (at once when
    the operation ran on it, queued otherwise: before the operation's own result arrives)."""

    cambiaron = Signal(object)

    def anunciar(self, cambios: Cambios) -> None:
        self.cambiaron.emit(cambios)


_por_services: weakref.WeakKeyDictionary[Services, Notificador] = weakref.WeakKeyDictionary()
# Every notifier, held until its timer (on the GUI thread) sees its services gone: a notifier
# freed with its services would be freed on whichever thread dropped them last (a pool thread,
# the collector there), and a QObject with a running timer cannot be destroyed off its thread.
_vivos: set[Notificador] = set()


def notificador(services: Services) -> Notificador:
    """The one notifier of these services (made on first use, on the GUI thread)."""
    found = _por_services.get(services)
    if found is None:
        found = _por_services[services] = Notificador()
        _vivos.add(found)
        services.cambios.escuchar(found.anunciar)
        _mirar_fuera(found, weakref.ref(services))
    return found


def _mirar_fuera(notificador: Notificador, services: weakref.ref[Services]) -> None:
    timer = QTimer(notificador)
    timer.setInterval(MIRAR)

    def mirar() -> None:
        found = services()
        if found is None:
            timer.stop()
            _vivos.discard(notificador)
            notificador.deleteLater()
            return
        try:
            found.mirar_fuera()
        except Exception:  # only a wake-up: the next question reads the store anyway
            log.warning("No se revisó si otro programa cambió los datos", exc_info=True)

    timer.timeout.connect(mirar)
    timer.start()
    mirar()  # the first look: what another program writes from here on wakes the windows


class _Suscripcion(QObject):
    """Lives as a child of its widget: when the widget goes, so does the connection. It holds
    the widget and its method weakly: a dialog closed is freed at once, not kept by a cycle
    until the garbage collector runs."""

    _widget: weakref.ref[QWidget] | None = None  # events may reach the filter during teardown

    def __init__(
        self,
        widget: QWidget,
        services: Services,
        kinds: Iterable[str] | None,
        refrescar: Callable[[Cambios], None],
    ) -> None:
        super().__init__(widget)
        if not isinstance(refrescar, MethodType):
            raise TypeError("suscribir: refrescar debe ser un método de la ventana")
        self._widget = weakref.ref(widget)
        self._kinds = None if kinds is None else frozenset(kinds)
        self._refrescar = weakref.WeakMethod(refrescar)
        self._pendientes: set[str] = set()  # changes heard while the widget was hidden
        notificador(services).cambiaron.connect(self._on_cambio)
        widget.installEventFilter(self)

    def _llamar(self, cambios: Cambios) -> None:
        refrescar = self._refrescar()
        if refrescar is not None:
            refrescar(cambios)

    @Slot(object)
    def _on_cambio(self, cambios: Cambios) -> None:
        relevant = cambios if self._kinds is None else cambios & self._kinds
        if not relevant:
            return
        widget = self._widget() if self._widget is not None else None
        if widget is None:
            return
        if widget.isVisible():
            self._llamar(frozenset(relevant))
        else:
            self._pendientes |= relevant

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.Show
            and self._pendientes
            and self._widget is not None
            and watched is self._widget()
        ):
            cambios, self._pendientes = frozenset(self._pendientes), set()
            self._llamar(cambios)  # before it paints: never a moment of the old data
        return False

    def pendiente(self) -> bool:
        return bool(self._pendientes)

    def pendiente_de(self, kinds: Iterable[str]) -> None:
        """Read ``kinds`` when the widget next shows (a tab whose lists wait for it)."""
        self._pendientes |= set(kinds)

    def olvidar(self) -> None:
        """The widget read everything itself (a new search): what was pending is shown."""
        self._pendientes.clear()


def suscribir(
    widget: QWidget,
    services: Services,
    kinds: Iterable[str] | None,
    refrescar: Callable[[Cambios], None],
) -> _Suscripcion:
    """Call ``refrescar(kinds that changed)`` after each announcement naming one of ``kinds``
    (``None``: any kind), at once while ``widget`` shows, else when it shows again.
    ``refrescar`` is a method of the window (held weakly), not a lambda."""
    return _Suscripcion(widget, services, kinds, refrescar)
