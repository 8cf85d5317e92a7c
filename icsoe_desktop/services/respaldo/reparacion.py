"""``reparar``: the open empresa's store checked (``PRAGMA integrity_check``); a damaged one
replaced by a new file holding every row that still reads (``store/rescate.py``), the damaged
file kept aside as a restore keeps the replaced store (``restauracion.py``); the kept counts
counted again from the rows (``store/recuento.py``: in a rescued file, the states of rows it
lost stop counting); with sync, what the server holds and the file lost received again. Said
in Spanish: how many rows came from where."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from icsoe_desktop.domain.cambios import TODO
from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.domain.roles import Accion
from icsoe_desktop.domain.texts import plural
from icsoe_desktop.services.acceso.permisos import Permisos
from icsoe_desktop.services.audit import AuditService
from icsoe_desktop.services.respaldo import restauracion
from icsoe_desktop.store import recuento, rescate
from icsoe_desktop.store.db import Store
from icsoe_desktop.store.sync_tables import sums_tables

log = logging.getLogger(__name__)


class ReparacionError(DomainError):
    pass


_MSG_FALLIDA = (
    "No se pudo rescatar la base de datos «{nombre}» (ni su esquema se lee, o el archivo está "
    "abierto en otro programa); no cambió nada. Restaura un respaldo o pide ayuda a soporte."
)


@dataclass(frozen=True)
class Reparacion:
    problemas: tuple[str, ...]  # what integrity_check found (none: the file was whole)
    rescate: rescate.Rescate | None  # the rows copied into the new file, when it was damaged
    aparte: Path | None  # where the damaged file was kept
    perdidos: int  # rows the recount found missing from the file (their sync states)
    sincronizacion: str = ""  # the sync's own words, when it ran

    @property
    def texto(self) -> str:
        if self.rescate is None:
            parts = ["La base de datos está íntegra; se volvieron a contar sus sumas."]
        else:
            parts = [
                f"La base de datos estaba dañada ({plural(len(self.problemas), 'problema')}). "
                f"Se rescataron del archivo {plural(self.rescate.total_copiados, 'renglón', 'renglones')}"
                " legibles"
                + (
                    f"; no se pudieron leer {self.rescate.total_perdidos}"
                    if self.rescate.total_perdidos
                    else ""
                )
                + f". El archivo dañado quedó en «{self.aparte}».",
            ]
            if self.rescate.incompletas:
                parts.append(
                    "Estas tablas sólo se pudieron leer hasta su primera parte dañada: "
                    f"{', '.join(self.rescate.incompletas)}."
                )
        if self.perdidos:
            parts.append(
                f"Faltan en este equipo {plural(self.perdidos, 'renglón', 'renglones')} que ya "
                "estaban sincronizados: "
                + (
                    "la sincronización los recibe de nuevo del servidor."
                    if self.sincronizacion.startswith("Sincronización terminada")
                    else "sincroniza para recibirlos de nuevo del servidor."
                )
            )
        if self.sincronizacion:
            parts.append(self.sincronizacion)
        return " ".join(parts)


class ReparacionService:
    def __init__(
        self,
        store: Store,
        audit: AuditService,
        permisos: Permisos,
        sincronizar: Callable[[], str] | None = None,
    ) -> None:
        """``sincronizar``: a sync with the empresa's server (its result in Spanish; "" when
        sync is not configured)."""
        self._store = store
        self._audit = audit
        self._permisos = permisos
        self._sincronizar = sincronizar

    def reparar(self, actor: str | None) -> Reparacion:
        self._permisos.exigir(actor, Accion.RESTAURAR, "reparar")
        if self._store.solo_lectura:  # its audit log was altered: nothing is written to it
            raise ReparacionError("empresa_solo_lectura", self._store.solo_lectura)
        db_path = self._store.path
        self._store.close()
        problemas = tuple(rescate.revisar(db_path))
        found = aparte = None
        try:
            if problemas:
                found, aparte = self._rescatar(db_path, actor)
        finally:
            self._reabrir(db_path)
        with self._store.session(immediate=True) as session:
            # A rescued file's states without a row may be rows it lost: they stop counting.
            contado = recuento.recount(session.connection(), sums_tables(), bool(problemas))
            self._audit.record(
                session,
                actor,
                "base_reparada",
                db_path.name,
                f"{len(problemas)} problemas; "
                + (f"{found.total_copiados} renglones rescatados" if found else "íntegra"),
            )
        self._store.cambios.anunciar(TODO)  # rows rescued or not: every window reads again
        sincronizacion = self._sincronizar() if self._sincronizar else ""
        return Reparacion(problemas, found, aparte, contado.perdidos, sincronizacion)

    def _reabrir(self, db_path: Path) -> None:
        """The store opened again (the rescued file, or the one that could not be rescued)."""
        try:
            self._store.reopen()
        except (sqlite3.Error, SQLAlchemyError) as exc:
            log.exception("No se pudo abrir de nuevo %s", db_path)
            raise ReparacionError(
                "reparacion_fallida", _MSG_FALLIDA.format(nombre=db_path.name)
            ) from exc

    def _rescatar(self, db_path: Path, actor: str | None) -> tuple[rescate.Rescate, Path]:
        candidate = restauracion.candidate_of(db_path)
        restauracion.remove_candidate(db_path)
        try:
            found = rescate.rescatar(db_path, candidate)
            aparte = restauracion.replace_store(
                db_path, candidate, "reparacion", actor, lambda: None
            )
        except (sqlite3.Error, OSError, restauracion.SwapError) as exc:
            log.exception("No se pudo reparar %s", db_path)
            raise ReparacionError(
                "reparacion_fallida", _MSG_FALLIDA.format(nombre=db_path.name)
            ) from exc
        finally:
            restauracion.remove_candidate(db_path)
        restauracion.finish(db_path)
        return found, aparte


__all__ = ["Reparacion", "ReparacionError", "ReparacionService"]
