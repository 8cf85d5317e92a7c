"""What an operation changed, said by the operation itself.

Every service operation that writes data announces the kinds it changed on its store
(``store.cambios.anunciar({MOVIMIENTOS, LOTES})``) once its unit of work committed; whoever
shows data listens (the GUI's change notifier, gui/kit/notificador.py) and reads again what
it shows. A caller never declares what another window must refresh.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable, Iterable
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
    of work committed); a refusal announces nothing."""

    def decorar(operacion: Callable[Concatenate[S, P], R]) -> Callable[Concatenate[S, P], R]:
        @functools.wraps(operacion)
        def anunciando(self: S, /, *args: P.args, **kwargs: P.kwargs) -> R:
            resultado = operacion(self, *args, **kwargs)
            self._store.cambios.anunciar(cambios)
            return resultado

        return anunciando

    return decorar
