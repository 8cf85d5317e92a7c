"""Long work that can be stopped and is remembered.

``cancelable``: the progress callback of a service's long work, which stops it (raises
``OperacionCancelada``) once the clerk pressed Cancelar; the work being one transaction,
nothing is saved.

Work that saves all or nothing (an import: one transaction) leaves a mark in the data folder
while it runs. A run cut short (the app killed, the machine off) leaves its mark behind, and
the next start of the app names it: «La importación de «X» del 27/11 a las 10:15 no terminó;
no se guardó nada». The clerk knows the file is not in.

A run holds a lock on its mark (released by the system when the process ends, however it
ends): a mark whose lock can be taken is an interrupted run; one still locked belongs to work
running now (the command line, beside the app), and is left alone.

``vigente``: long work asks the session's gate between batches, as it asks Cancelar
(services/acceso/puerta.py sets who answers, for the call the work runs under): a grant
withdrawn meanwhile stops it there with the gate's refusal, nothing saved."""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

from icsoe_desktop.domain.clock import Clock, hora_del_centro
from icsoe_desktop.domain.errors import OperacionCancelada

log = logging.getLogger(__name__)
CARPETA = "en_curso"
Progreso = Callable[[int, int], None]
Cancelado = Callable[[], bool]
Marcar = Callable[[str], AbstractContextManager[None]]  # ``EnCurso.marcar`` for one empresa
# What long work has done so far and what a stop leaves (for the audit of a stop), or how to
# say it (read only when the gate refuses).
Hecho = str | Callable[[], str]
# The gate's question for the work running in this thread (None: no session's gate, as on
# the command line): called with what the work has done so far, it raises the refusal.
Vigilancia = Callable[[Hecho], None]
_VIGILANCIA: contextvars.ContextVar[Vigilancia | None] = contextvars.ContextVar(
    "vigilancia", default=None
)
MSG_NADA_GUARDADO = "se deshizo; no se guardó nada"
# How often long work that reports each row asks the gate (a read of the catalog): between
# batches, not between rows; its last report (the work done) is always asked.
VIGENCIA_CADA_S = 0.25


def vigente(hecho: Hecho) -> None:
    """Ask the session's gate whether the work may go on; ``hecho``: what it did so far and
    what a stop leaves (for the audit of a stop). Raises the gate's refusal."""
    pregunta = _VIGILANCIA.get()
    if pregunta is not None:
        pregunta(hecho)


def vigilando() -> bool:
    """Whether this thread runs within a call of the session's gate (``vigilada``)."""
    return _VIGILANCIA.get() is not None


@contextlib.contextmanager
def vigilada(pregunta: Vigilancia) -> Iterator[None]:
    """Within the block, ``vigente`` asks ``pregunta`` (the gate of the call that runs it)."""
    token = _VIGILANCIA.set(pregunta)
    try:
        yield
    finally:
        _VIGILANCIA.reset(token)


def cancelable(
    progreso: Progreso | None,
    cancelado: Cancelado | None,
    que: str = "",
    deja: Callable[[], str] | None = None,
) -> Progreso:
    """``progreso`` that first raises OperacionCancelada once ``cancelado()`` is true, and the
    gate's refusal once the session may no longer work (``vigente``, at most every
    ``VIGENCIA_CADA_S`` and at the last report); ``que``: the work, as its mark names it;
    ``deja()``: what a stop leaves saved (None: nothing, the work is one transaction)."""

    def hecho() -> str:
        dejado = MSG_NADA_GUARDADO if deja is None else deja()
        return f"{que}: {dejado}" if que else dejado

    preguntado = -VIGENCIA_CADA_S

    def avance(hechos: int, total: int) -> None:
        nonlocal preguntado
        ahora = time.monotonic()
        if ahora - preguntado >= VIGENCIA_CADA_S or 0 < total <= hechos:
            vigente(hecho)
            preguntado = ahora
        if cancelado is not None and cancelado():
            raise OperacionCancelada
        if progreso is not None:
            progreso(hechos, total)

    return avance


def sin_marca(_que: str) -> AbstractContextManager[None]:
    """No mark (a service built without the data folder's ``EnCurso``)."""
    return contextlib.nullcontext()


@dataclass(frozen=True)
class Interrumpida:
    que: str  # «La importación de «movimientos.txt»»
    inicio: datetime  # naive UTC, the app's clock
    empresa: str

    def aviso(self) -> str:
        hora = hora_del_centro(self.inicio)
        return (
            f"{self.que} (empresa {self.empresa}) del {hora:%d/%m} a las {hora:%H:%M} no "
            "terminó; no se guardó nada. Vuelve a hacerla si la necesitas."
        )


if sys.platform == "win32":
    import msvcrt

    def _tomar(archivo: IO[bytes]) -> bool:
        archivo.seek(0)  # the lock covers the byte at the position: the first, for both sides
        try:
            msvcrt.locking(archivo.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

else:
    import fcntl

    def _tomar(archivo: IO[bytes]) -> bool:
        try:
            fcntl.flock(archivo.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True


class EnCurso:
    """The marks of ``data_dir``: ``marcar`` around the work, ``recoger`` once at start."""

    def __init__(self, data_dir: Path, clock: Clock) -> None:
        self._carpeta = Path(data_dir) / CARPETA
        self._clock = clock

    @contextlib.contextmanager
    def marcar(self, que: str, empresa: str) -> Iterator[None]:
        """While the block runs, its mark stays (and is gone when it ends, however it ends:
        done, refused, Cancelar). A mark that cannot be written does not stop the work."""
        marca = self._carpeta / f"{uuid.uuid4().hex}.json"
        datos = {"que": que, "inicio": self._clock().isoformat(), "empresa": empresa}
        archivo: IO[bytes] | None = None
        try:
            self._carpeta.mkdir(parents=True, exist_ok=True)
            archivo = open(marca, "w+b")  # noqa: SIM115  # held open (and locked) while it runs
            archivo.write(json.dumps(datos, ensure_ascii=False).encode("utf-8"))
            archivo.flush()
            _tomar(archivo)
        except OSError as exc:
            log.warning("No se pudo dejar la marca de «%s»: %s", que, exc)
        try:
            yield
        finally:
            if archivo is not None:
                archivo.close()
                with contextlib.suppress(OSError):
                    marca.unlink()

    def recoger(self) -> list[Interrumpida]:
        """The runs cut short since the last start, oldest first; their marks are removed
        (named once). A run still going (its mark locked) is not one of them."""
        if not self._carpeta.is_dir():
            return []
        encontradas: list[Interrumpida] = []
        for marca in sorted(self._carpeta.glob("*.json")):
            try:
                with open(marca, "r+b") as archivo:
                    if not _tomar(archivo):
                        continue  # its work runs now
                    datos = json.loads(archivo.read().decode("utf-8"))
                encontradas.append(
                    Interrumpida(
                        str(datos["que"]),
                        datetime.fromisoformat(str(datos["inicio"])),
                        str(datos["empresa"]),
                    )
                )
            except (OSError, ValueError, KeyError, TypeError) as exc:  # a damaged mark
                log.warning("Marca de trabajo en curso ilegible «%s»: %s", marca.name, exc)
            with contextlib.suppress(OSError):
                marca.unlink()
        return sorted(encontradas, key=lambda i: i.inicio)
