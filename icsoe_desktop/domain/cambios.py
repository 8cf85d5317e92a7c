"""What an operation changed: derived from what its sessions wrote, and said by the operation.

The store announces the kinds of data each unit of work wrote once it committed (store/
cambiados.py: the tables its session flushed), so a write that says nothing still wakes the
windows; every service operation that writes also announces the kinds it changed
(``@anuncia(ICSOE)``, ``store.cambios.anunciar({MOVIMIENTOS, LOTES})``), which covers what no
session flushed (rows written in bulk, another file). Within one operation (``operacion``: the
decorator, the services' gate) they are heard once, together, as it ends. Whoever shows data
listens (the GUI's change notifier, gui/kit/notificador.py) and reads again what it shows. A
caller never declares what another window must refresh.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Concatenate, ParamSpec, Protocol, TypeVar

log = logging.getLogger(__name__)

# The kinds of data a window may show. Names, not tables: a kind may span several tables.
MOVIMIENTOS = "movimientos"
LOTES = "lotes"
REGISTROS = "registros_patronales"
CERTIFICADOS = "certificados_imss"
CONFLICTOS = "conflictos"
ICSOE = "icsoe"  # contratistas, capturistas, informativas
EMPRESA = "empresa"  # the empresa's own RFC and razón social (Configuración inicial)
NOMINA = "nomina"  # the CFDI de nómina imported
EVIDENCIAS = "evidencias"  # the client's monthly evidence: documents attached, packs written
# What a sync that brought rows, a conflict settled or a restore may have changed.
TODO = frozenset(
    {MOVIMIENTOS, LOTES, REGISTROS, CERTIFICADOS, CONFLICTOS, ICSOE, EMPRESA, NOMINA, EVIDENCIAS}
)

Cambios = frozenset[str]
Oyente = Callable[[Cambios], None]


class Avisador:
    """The listeners of one store's (or one installation's) changes. ``anunciar`` may run in
    any thread: a listener that must act on another thread hands it over itself (the GUI's
    notifier emits a Qt signal, queued to the GUI thread)."""

    def __init__(self) -> None:
        self._oyentes: list[Oyente] = []
        self._lock = threading.Lock()
        # How many announcements there were: counted before any listener hears one, so that
        # what a listener reads at once (a window refreshed on the GUI thread) is never a
        # value kept from before the change (services/movimientos/hallados.py).
        self.anuncios = 0
        # Per thread: how deep in operations it is, and what they announced meanwhile.
        self._local = threading.local()

    @contextmanager
    def operacion(self) -> Iterator[None]:
        """What is announced in this thread until the block ends is heard once, together, as
        the outermost block ends (also when it raises: what committed before is told)."""
        local = self._local
        profundidad = getattr(local, "profundidad", 0)
        if profundidad == 0:
            local.juntos = set()
        local.profundidad = profundidad + 1
        try:
            yield
        finally:
            local.profundidad = profundidad
            if profundidad == 0:
                juntos, local.juntos = local.juntos, set()
                self.anunciar(juntos)

    def escuchar(self, oyente: Oyente) -> Callable[[], None]:
        """Call ``oyente(kinds)`` after each announcement; returns how to stop."""
        with self._lock:
            self._oyentes.append(oyente)

        def dejar() -> None:
            with self._lock:
                if oyente in self._oyentes:
                    self._oyentes.remove(oyente)

        return dejar

    def anunciar(self, cambios: Iterable[str]) -> None:
        kinds = frozenset(cambios)
        if not kinds:
            return
        if getattr(self._local, "profundidad", 0):
            self._local.juntos |= kinds  # heard as the operation ends
            return
        with self._lock:
            self.anuncios += 1
            oyentes = list(self._oyentes)
        for oyente in oyentes:
            try:
                oyente(kinds)
            except Exception:  # a listener's failure never undoes the committed operation
                log.exception("Falló un aviso de cambios (%s)", ", ".join(sorted(kinds)))


class _Almacen(Protocol):
    @property
    def cambios(self) -> Avisador: ...


class ConAlmacen(Protocol):
    """A service: it works on one store (``self._store``)."""

    @property
    def _store(self) -> _Almacen: ...


S = TypeVar("S", bound=ConAlmacen)
P = ParamSpec("P")
R = TypeVar("R")


def anuncia(
    *cambios: str,
) -> Callable[[Callable[Concatenate[S, P], R]], Callable[Concatenate[S, P], R]]:
    """The operation announces ``cambios`` on its service's store once it returned (its unit
    of work committed), with what its sessions wrote; a refusal announces nothing of its own."""

    def decorar(operacion: Callable[Concatenate[S, P], R]) -> Callable[Concatenate[S, P], R]:
        @functools.wraps(operacion)
        def anunciando(self: S, /, *args: P.args, **kwargs: P.kwargs) -> R:
            avisador = self._store.cambios
            with avisador.operacion():
                resultado = operacion(self, *args, **kwargs)
                avisador.anunciar(cambios)
            return resultado

        return anunciando

    return decorar
