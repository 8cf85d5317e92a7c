"""Whether the movements changed since a value was read, asked of the store itself at each
question: the values kept from the movements (a find's counts and ids, the find box's copy in
memory, the columns' orders: services/movimientos/) are used only while it says the same.

Two reads, on a connection of its own that never writes: SQLite's ``PRAGMA data_version``
(another connection's commit changes it, this process's pooled connections or another
program's: the command line beside the open app), a few microseconds without touching the
file; and, only when it changed, the latest change ``movimientos_cambiados`` recorded and its
random number (migration 0033: the triggers record every writer's movements, a bulk insert
its own). So a commit of other tables (the audit log, the sync's bookkeeping) keeps what was
read, a write of movements by anyone is seen by the next question, whether or not it was
announced, and a file with another history (a restore) is never taken for the same.
A store without that record (its schema before 0033, opened read-only) changes with every
commit.

The other kinds of data (receipts, evidence, the informativa…) are told by the counts each
writer keeps of the kinds it wrote (``clases_cambiadas``, store/cambiados.py): ``clases_de_fuera``
reads the other writers' rows once ``data_version`` moved and names each kind whose count grew
or whose writer is new since its last look.

The connection is closed with the store's (``cerrar``: a restore needs the file closed) and
opened again by the next question once the store reopened (``abrir``); a new connection's ``data_version`` is not comparable with
the old one's, so its first reading counts as a change.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from icsoe_desktop.store import cifrado

if TYPE_CHECKING:
    import sqlite3

log = logging.getLogger(__name__)

_MARCA = "SELECT n, azar FROM movimientos_cambiados ORDER BY n DESC LIMIT 1"


class Vigencia:
    """``vigencia()``: a number that stays the same while the store's movements do."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._version: int | None = None  # data_version last read on ``_conn``
        self._marca: tuple[int, int] | None = None  # the latest recorded change then
        self._generacion = 0
        self._visto: tuple[int, int] | None = None  # (generation, announcements): ``de_fuera``
        self._cerrada = False  # with the store's connections: not opened again until ``abrir``
        # ``clases_de_fuera``: the other writers' counts it last read, and at which data_version.
        self._otras: dict[tuple[str, int], int] | None = None
        self._version_otras: int | None = None

    def __call__(self) -> int:
        with self._lock:
            if self._cerrada:  # the file about to be replaced, or let go of: nothing holds
                self._generacion += 1
                return self._generacion
            try:
                conn = self._abierta()
                version = conn.execute("PRAGMA data_version").fetchone()[0]
                if version == self._version:
                    return self._generacion
                marca = self._leer_marca(conn)
            except cifrado.Error:
                # The file cannot be read now (being replaced, or damaged): nothing kept holds.
                log.info("No se leyó la vigencia de %s", self._path, exc_info=True)
                self._cerrar()
                self._generacion += 1
                return self._generacion
            if marca is None or marca != self._marca or self._version is None:
                self._generacion += 1
            self._version, self._marca = version, marca
            return self._generacion

    def de_fuera(self, anuncios: int) -> bool:
        """Whether the movements changed since the last look without an announcement here
        (``anuncios``: this store's count of them): another program wrote them. The windows'
        wake-up; a write of this process seen before its announcement is told once more."""
        if self._cerrada:
            return False
        visto = self._visto
        self._visto = (self(), anuncios)
        return visto is not None and visto[0] != self._visto[0] and visto[1] == anuncios

    def clases_de_fuera(self, proceso: int) -> set[str]:
        """The kinds of data writers other than ``proceso`` (this store's number) committed
        since the last look: the windows' wake-up for what another program wrote. The first
        look (and the first after the file was let go of) only takes note."""
        with self._lock:
            if self._cerrada:
                self._otras = None
                return set()
            try:
                conn = self._abierta()
                version = conn.execute("PRAGMA data_version").fetchone()[0]
                if version == self._version_otras and self._otras is not None:
                    return set()
                filas = conn.execute(
                    "SELECT clase, proceso, n FROM clases_cambiadas WHERE proceso != ?",
                    (proceso,),
                ).fetchall()
            except cifrado.Error:
                log.info("No se leyó qué cambió en %s", self._path, exc_info=True)
                self._otras = None
                return set()
            antes, self._version_otras = self._otras, version
            self._otras = {(clase, otro): n for clase, otro, n in filas}
            if antes is None:
                return set()
            return {
                clase for (clase, otro), n in self._otras.items() if n > antes.get((clase, otro), 0)
            }

    def _abierta(self) -> sqlite3.Connection:
        if self._conn is None:
            # mode=rw: a missing file (a restore between its steps) is not created empty.
            uri = self._path.resolve().as_uri() + "?mode=rw"
            # A short wait: a file locked by another program's exclusive hold counts as
            # changed (the store's own reads then wait and say so).
            conn = cifrado.conectar(
                uri, timeout=0.1, isolation_level=None, check_same_thread=False, uri=True
            )
            conn.execute("PRAGMA query_only=ON")
            self._conn, self._version = conn, None
        return self._conn

    @staticmethod
    def _leer_marca(conn: sqlite3.Connection) -> tuple[int, int] | None:
        try:
            fila = conn.execute(_MARCA).fetchone()
        except cifrado.OperationalError as exc:
            if "no such table" not in str(exc):
                raise
            return None  # no record: every commit counts as a change
        return (0, 0) if fila is None else (int(fila[0]), int(fila[1]))

    def cerrar(self) -> None:
        """Its connection closed with the store's, and not opened again until ``abrir``."""
        with self._lock:
            self._cerrada = True
            self._cerrar()

    def abrir(self) -> None:
        """Its connection opened again by the next question (the store's file reopened)."""
        with self._lock:
            self._cerrada, self._visto, self._otras = False, None, None

    def _cerrar(self) -> None:
        self._version_otras = None  # a new connection's data_version starts anew
        if self._conn is not None:
            conn, self._conn = self._conn, None
            conn.close()
