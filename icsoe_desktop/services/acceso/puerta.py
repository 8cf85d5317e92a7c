"""The one gate of an empresa's services: every call, read or write, of a service built on the
open empresa's store asks the role matrix first (``Accion.CONSULTAR``) for the session's actor,
so a grant withdrawn or a user disabled since it signed in refuses the next search, page, count
or export exactly as it refuses the next write: audited, and the session ended (its listeners
close the windows: ``Permisos.al_terminar_sesion``). The services' own checks of what each
action needs (``Permisos.exigir``) stay as they are; this one adds no code to any method.

Long work is asked between its batches too (an export's rows, an import's lines: the call's
``en_curso.vigente``, as it asks Cancelar): a grant withdrawn while it runs stops it there, an
export without its file (written under a temporary name), an import rolled back, the session
ended; the stop is audited in the empresa's log (``trabajo_detenido``: what was called, what
it had done, why), once the work has unwound.

Only a session signed in through the GUI opens the gate (``abrir``): the command line acts as
the machine's operator, and ICSOE's entries name their own actor to each call.

The same wrapper is where a driver's error that escaped a service becomes the store's Spanish
``StoreError`` (``base_datos_ocupada``, ``base_datos_falla``…): no English driver text reaches
a window or the command line, whatever the service read it with.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator
from contextlib import AbstractContextManager
from types import GeneratorType
from typing import Any, TypeVar, cast

from sqlalchemy.exc import DBAPIError

from icsoe_desktop.domain.roles import Accion
from icsoe_desktop.services.acceso.permisos import TERMINAN_SESION, PermisoDenegado, Permisos
from icsoe_desktop.services.audit import AuditService
from icsoe_desktop.services.en_curso import Hecho, vigilada, vigilando
from icsoe_desktop.store import cifrado
from icsoe_desktop.store.db import Store, StoreError

T = TypeVar("T")
AUDIT_DETENIDO = "trabajo_detenido"
_MOTIVOS = {
    "empresa_sin_acceso": "se retiró al usuario el acceso a la empresa",
    "usuario_no_habilitado": "el usuario se deshabilitó",
}


class Puerta:
    def __init__(
        self,
        permisos: Callable[[], Permisos],
        store: Callable[[], Store],
        audit: Callable[[], AuditService] | None = None,
    ) -> None:
        self._permisos = permisos  # the open empresa's matrix, whichever empresa is open
        self._store = store  # and its store: what names a refusal of the database
        self._audit = audit  # and its log: where long work stopped by the gate is told
        self._sesion: str | None = None
        self._abierta = False
        # The refusal that ended the session: the calls still made under its closing windows
        # (a grid painting its rows) are refused the same, without a catalog read nor an audit
        # entry each.
        self._terminada: PermisoDenegado | None = None

    def abrir(self, actor: str | None) -> None:
        """A session signed in: from now every call is asked for ``actor``."""
        self._sesion, self._abierta, self._terminada = actor, True, None

    def cerrar(self) -> None:
        """The session ended (signed out, or ended by a refusal)."""
        self._sesion, self._abierta, self._terminada = None, False, None

    def comprobar(self, objetivo: str = "") -> None:
        """Refuse (audited, the session ended) when the session's actor may no longer work in
        the open empresa; ``objetivo``: what was called, for the audit."""
        if not self._abierta:
            return
        if (terminada := self._terminada) is not None:
            raise PermisoDenegado(terminada.code, terminada.message)
        try:
            self._permisos().exigir(self._sesion, Accion.CONSULTAR, objetivo)
        except PermisoDenegado as exc:
            if exc.code in TERMINAN_SESION:
                self._terminada = exc
            raise

    def trabajo(self, objetivo: str) -> _Trabajo:
        """The gate's question for the long work of one call (``en_curso.vigente``)."""
        return _Trabajo(self, objetivo)

    def detenido(self, trabajo: _Trabajo, exc: PermisoDenegado) -> None:
        """``trabajo`` stopped by the gate and unwound (its file gone, its transaction rolled
        back): audited in the log of the empresa it worked in, as the session's actor's."""
        if trabajo.audit is None or trabajo.hecho is None:
            return
        motivo = _MOTIVOS.get(exc.code, exc.message)
        trabajo.audit.anotar(
            trabajo.actor, AUDIT_DETENIDO, trabajo.objetivo, f"{trabajo.hecho}; {motivo}"
        )

    def operacion(self) -> AbstractContextManager[None]:
        """One call's announcements, on the open empresa's store (domain/cambios.py)."""
        return self._store().cambios.operacion()

    def vigilar(self, servicio: T) -> T:
        """``servicio`` with every public method behind the gate."""
        return cast(T, _Vigilado(servicio, self))

    def rechazo(self, exc: BaseException) -> StoreError:
        """A driver's error that escaped a service (a read outside ``Store.session``: a lock
        held past the busy timeout while another program writes), said in Spanish as the
        store says its refusals; the driver's text goes to the log only."""
        return self._store().rechazo(getattr(exc, "orig", None) or exc)


class _Trabajo:
    """One call's long work as the gate sees it: what it had done when the gate refused it,
    and where that is audited (the empresa's log as the work began: the session may have
    moved to another empresa by the time the stop is told)."""

    __slots__ = ("actor", "audit", "hecho", "objetivo", "puerta")

    def __init__(self, puerta: Puerta, objetivo: str) -> None:
        self.puerta, self.objetivo = puerta, objetivo
        self.actor: str | None = None
        self.audit: AuditService | None = None
        self.hecho: str | None = None

    def preguntar(self, hecho: Hecho) -> None:
        puerta = self.puerta
        if not puerta._abierta:
            return
        if self.audit is None and puerta._audit is not None:
            self.actor, self.audit = puerta._sesion, puerta._audit()
        try:
            puerta.comprobar(self.objetivo)
        except PermisoDenegado:
            self.hecho = hecho if isinstance(hecho, str) else hecho()
            raise


class _Vigilado:
    """A service whose public methods ask the gate before they run; its other attributes, and
    what is set on it, are the service's own."""

    __slots__ = ("_puerta", "_servicio")

    def __init__(self, servicio: object, puerta: Puerta) -> None:
        object.__setattr__(self, "_servicio", servicio)
        object.__setattr__(self, "_puerta", puerta)

    def __getattr__(self, name: str) -> Any:
        valor = getattr(self._servicio, name)
        if name.startswith("_") or not callable(valor) or isinstance(valor, type):
            return valor
        puerta, objetivo = self._puerta, f"{type(self._servicio).__name__}.{name}"

        def llamada(*args: Any, **kwargs: Any) -> Any:
            if vigilando():
                # Called by the work of another call of the gate: that call was asked, and
                # its work asks between batches (where a stop is told with what it had done).
                return valor(*args, **kwargs)
            puerta.comprobar(objetivo)
            trabajo = puerta.trabajo(objetivo)
            try:
                # What the call's writes and its service announce is heard once, as it ends.
                with puerta.operacion(), vigilada(trabajo.preguntar):
                    resultado = valor(*args, **kwargs)
            except (DBAPIError, cifrado.Error) as exc:
                raise puerta.rechazo(exc) from exc
            except PermisoDenegado as exc:
                puerta.detenido(trabajo, exc)
                raise
            if isinstance(resultado, GeneratorType):  # rows read as they are asked for
                return _traducido(resultado, puerta)
            return resultado

        return llamada

    def __setattr__(self, name: str, value: object) -> None:
        setattr(self._servicio, name, value)


def _traducido(filas: Generator[Any, Any, Any], puerta: Puerta) -> Iterator[Any]:
    try:
        yield from filas
    except (DBAPIError, cifrado.Error) as exc:
        raise puerta.rechazo(exc) from exc


__all__ = ["Puerta"]
