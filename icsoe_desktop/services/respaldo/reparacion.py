"""``reparar``: the empresa's store checked (``PRAGMA integrity_check``); a damaged one
replaced by a new file holding every row that still reads (``store/rescate.py``: a copy of the
app's migrated template, or of the file's own schema when it reads at an older revision), the
damaged file kept aside as a restore keeps the replaced store (``restauracion.py``); the kept
counts counted again from the rows (``store/recuento.py``: in a rescued file, the states of rows
it lost stop counting); with sync, what the server holds and the file lost received again.
Said in Spanish: how many rows came from where, and what did not read.

The file is read with the standard library's sqlite3 only, never through the store's opening:
a file whose damage is in what the opening reads (its schema revision, the empresa's row, its
audit chain) is rescued before the empresa opens (``rescatar_archivo``, the command line's
``reparar``), or, open read-only, by the service itself."""

from __future__ import annotations

import logging
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
from icsoe_desktop.store import cifrado, plain, recuento, rescate
from icsoe_desktop.store.db import Store
from icsoe_desktop.store.migrations import HEAD_REVISION
from icsoe_desktop.store.sync_tables import by_name, sums_tables

log = logging.getLogger(__name__)


class ReparacionError(DomainError):
    pass


_MSG_FALLIDA = (
    "No se pudo rescatar la base de datos «{nombre}» (ni su esquema se lee, o el archivo está "
    "abierto en otro programa); no cambió nada. Restaura un respaldo o pide ayuda a soporte."
)
_MSG_NO_ES_SQLITE = (
    "El archivo «{nombre}» no es una base de datos de SQLite ({como}): no hay renglones que "
    "rescatar y no cambió nada. Restaura un respaldo (Archivo › Restaurar) o pide ayuda a "
    "soporte."
)


@dataclass(frozen=True)
class ArchivoRevisado:
    """A store's file checked (``rescatar_archivo``) and, damaged, replaced by its readable
    rows."""

    problemas: tuple[str, ...] = ()  # what integrity_check found (none: the file was whole)
    rescate: rescate.Rescate | None = None  # the rows copied into the new file
    aparte: Path | None = None  # where the damaged file was kept


def rescatar_archivo(db_path: Path, actor: str | None) -> ArchivoRevisado:
    """The store's file checked and, damaged, replaced by a new one with every row that
    reads. Needs no opening of the store: the empresa's store must be closed. A file that is
    not SQLite's, or whose schema does not read, is left as it is (a Spanish
    ``ReparacionError``)."""
    _exigir_sqlite(db_path)
    problemas = tuple(rescate.revisar(db_path))
    if not problemas:
        return ArchivoRevisado()
    found, aparte = _rescatar(db_path, actor)
    return ArchivoRevisado(problemas, found, aparte)


def _exigir_sqlite(db_path: Path) -> None:
    try:
        if rescate.es_sqlite(db_path):
            return
        vacio = db_path.stat().st_size == 0
    except OSError as exc:
        log.exception("No se pudo leer %s", db_path)
        raise ReparacionError(
            "reparacion_fallida", _MSG_FALLIDA.format(nombre=db_path.name)
        ) from exc
    como = "está vacío" if vacio else "no empieza como una; puede estar cortado o ser otro archivo"
    raise ReparacionError(
        "no_es_base_de_datos", _MSG_NO_ES_SQLITE.format(nombre=db_path.name, como=como)
    )


def _rescatar(db_path: Path, actor: str | None) -> tuple[rescate.Rescate, Path]:
    candidate = restauracion.candidate_of(db_path)
    restauracion.remove_candidate(db_path)
    # The template, unless the file reads at another revision: then its own schema, migrated
    # as it opens.
    plantilla = plain.template()
    if plantilla is not None and rescate.revision(db_path) not in (None, HEAD_REVISION):
        plantilla = None
    try:
        found = rescate.rescatar(db_path, candidate, plantilla)
        aparte = restauracion.replace_store(db_path, candidate, "reparacion", actor, lambda: None)
    except (cifrado.Error, OSError, restauracion.SwapError) as exc:
        log.exception("No se pudo reparar %s", db_path)
        raise ReparacionError(
            "reparacion_fallida", _MSG_FALLIDA.format(nombre=db_path.name)
        ) from exc
    finally:
        restauracion.remove_candidate(db_path)
    restauracion.finish(db_path)
    return found, aparte


@dataclass(frozen=True)
class Reparacion:
    problemas: tuple[str, ...]  # what integrity_check found (none: the file was whole)
    rescate: rescate.Rescate | None  # the rows copied into the new file, when it was damaged
    aparte: Path | None  # where the damaged file was kept
    perdidos: int  # rows the recount found missing from the file (their sync states)
    sincronizacion: str = ""  # the sync's own words, when it ran
    solo_lectura: str = ""  # why the rescued store opened read-only (its audit chain)

    @property
    def texto(self) -> str:
        if self.rescate is None:
            parts = ["La base de datos está íntegra; se volvieron a contar sus sumas."]
        else:
            parts = [_rescatado(self.problemas, self.rescate, self.aparte)]
        if self.solo_lectura:
            parts.append(self.solo_lectura)
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


def _titulo(tabla: str) -> str:
    """A table as the clerk reads it (the title the conflicts show; else its own name)."""
    synced = by_name(tabla)
    return (synced.spec.titulo if synced is not None else "") or tabla


def _rescatado(problemas: tuple[str, ...], found: rescate.Rescate, aparte: Path | None) -> str:
    """What the rescue copied, and what it could not read, table by table."""
    perdidos = {t: n for t, n in found.perdidos.items() if n and t != rescate.VERSION_TABLE}
    texto = (
        f"La base de datos estaba dañada ({plural(len(problemas), 'problema')}). "
        f"Se rescataron del archivo {plural(found.total_copiados, 'renglón', 'renglones')} "
        "legibles"
        + (
            f"; no se pudieron leer {sum(perdidos.values())} ("
            + ", ".join(f"{_titulo(tabla)}: {n}" for tabla, n in perdidos.items())
            + ")"
            if perdidos
            else ""
        )
        + f". El archivo dañado quedó en «{aparte}»."
    )
    if found.incompletas:
        texto += (
            " Estas tablas sólo se pudieron leer hasta su primera parte dañada: "
            f"{', '.join(_titulo(tabla) for tabla in found.incompletas)}."
        )
    if "empresa" in found.incompletas or found.perdidos.get("empresa"):
        texto += (
            " Los datos de la empresa (RFC y razón social) no se pudieron leer: vuelve a "
            "capturarlos en la Configuración inicial."
        )
    if found.version_de_plantilla:
        texto += (
            " La versión de su esquema no se pudo leer: se tomó la de esta versión de la "
            f"aplicación ({found.version_de_plantilla})."
        )
    return texto


class ReparacionService:
    def __init__(
        self,
        store: Store,
        audit: AuditService,
        permisos: Permisos,
        sincronizar: Callable[[], str] | None = None,
        tras_rescate: Callable[[Path, str | None], str] | None = None,
    ) -> None:
        """``sincronizar``: a sync with the empresa's server (its result in Spanish; "" when
        sync is not configured). ``tras_rescate``: once a damaged file was replaced, its audit
        chain taken as the empresa's (the reason the store stays read-only, "" when it is
        whole)."""
        self._store = store
        self._audit = audit
        self._permisos = permisos
        self._sincronizar = sincronizar
        self._tras_rescate = tras_rescate

    def reparar(self, actor: str | None, previo: ArchivoRevisado | None = None) -> Reparacion:
        """``previo``: the file already checked (and rescued) before the empresa opened
        (``rescatar_archivo``): only its recount and sync are left."""
        self._permisos.exigir(actor, Accion.RESTAURAR, "reparar")
        db_path = self._store.path
        if previo is None:
            previo = self._rescatar_abierta(db_path, actor)
        problemas, found, aparte = previo.problemas, previo.rescate, previo.aparte
        if self._store.solo_lectura:  # its audit chain altered: nothing is written to it
            if found is None:
                raise ReparacionError("empresa_solo_lectura", self._store.solo_lectura)
            return Reparacion(problemas, found, aparte, 0, solo_lectura=self._store.solo_lectura)
        with self._store.session(immediate=True) as session:
            # A rescued file's states without a row may be rows it lost: they stop counting.
            contado = recuento.recount(session.connection(), sums_tables(), bool(problemas))
            self._audit.record(
                session,
                actor,
                "base_reparada",
                db_path.name,
                f"{plural(len(problemas), 'problema')}; "
                + (
                    f"{plural(found.total_copiados, 'renglón rescatado', 'renglones rescatados')}"
                    if found
                    else "íntegra"
                ),
            )
        self._store.cambios.anunciar(TODO)  # rows rescued or not: every window reads again
        sincronizacion = self._sincronizar() if self._sincronizar else ""
        return Reparacion(problemas, found, aparte, contado.perdidos, sincronizacion)

    def _rescatar_abierta(self, db_path: Path, actor: str | None) -> ArchivoRevisado:
        """The open store's file checked and, damaged, rescued, then opened again. One opened
        read-only (its audit chain did not read as recorded) is repaired only when damaged."""
        problemas = tuple(rescate.revisar(db_path))
        if self._store.solo_lectura and not problemas:
            raise ReparacionError("empresa_solo_lectura", self._store.solo_lectura)
        if not problemas:
            return ArchivoRevisado()
        self._store.close()
        solo_lectura = None
        try:
            found, aparte = _rescatar(db_path, actor)
            solo_lectura = self._tras_rescate(db_path, actor) if self._tras_rescate else ""
        finally:
            self._reabrir(db_path, solo_lectura)
        return ArchivoRevisado(problemas, found, aparte)

    def _reabrir(self, db_path: Path, solo_lectura: str | None) -> None:
        """The store opened again (the rescued file, or the one that could not be rescued)."""
        try:
            self._store.reopen(solo_lectura)
        except (cifrado.Error, SQLAlchemyError) as exc:
            log.exception("No se pudo abrir de nuevo %s", db_path)
            raise ReparacionError(
                "reparacion_fallida", _MSG_FALLIDA.format(nombre=db_path.name)
            ) from exc


__all__ = [
    "ArchivoRevisado",
    "Reparacion",
    "ReparacionError",
    "ReparacionService",
    "rescatar_archivo",
]
