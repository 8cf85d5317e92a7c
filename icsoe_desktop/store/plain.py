"""The store through the standard library's sqlite3 alone, for what runs before SQLAlchemy is
imported: the login window answers Continuar with it while SQLAlchemy, the models and the
other services (~0.45 s of imports) load in the background (bench/startup.py).

Here: the settings every connection gets (the engine in db.py applies the same), the new store
copied from the migrated template, the schema revision, datetimes as SQLAlchemy stores them,
and the catalog's audit entries."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, cast

from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.store import cifrado
from icsoe_desktop.store.migrations import MIGRATIONS_DIR

if TYPE_CHECKING:
    import sqlite3

    from sqlalchemy import Connection

log = logging.getLogger(__name__)

PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    # A save waits this long for the sync's write (one pulled page) instead of failing.
    "PRAGMA busy_timeout=10000",
    "PRAGMA synchronous=NORMAL",
)
SYNC_HASH = "sync_hash"  # sync_hash.HASH_FUNCTION, named here: loaded on its first call
AUDIT_LINK = "bitacora_eslabon"  # bitacora.ESLABON, named here for the same reason


class StoreError(DomainError):
    """The database file cannot be used (damaged, newer app, read-only, disk full), or refused
    a unit of work."""


MSG_OCUPADA = (
    "La base de datos está ocupada por otra ventana o programa y no se guardó nada. Espera un "
    "momento e intenta de nuevo."
)
MSG_DISCO_LLENO = (
    "No se guardó nada: el disco donde está la base de datos «{nombre}» está lleno. Libera "
    "espacio e intenta de nuevo."
)
MSG_SOLO_LECTURA = (
    "No se guardó nada: la base de datos «{nombre}» no admite cambios (archivo o carpeta de "
    "sólo lectura). Revisa los permisos de la carpeta de datos."
)
MSG_RECHAZADO = (
    "La base de datos rechazó el cambio porque dejaría datos incompletos, repetidos o sin la "
    "referencia que necesitan; no se guardó nada. Actualiza la ventana e intenta de nuevo; si "
    "se repite, pide ayuda a soporte (el detalle quedó en el registro de la aplicación)."
)
MSG_FALLA = (
    "No se pudo leer o guardar en la base de datos «{nombre}»; no se guardó nada. Intenta de "
    "nuevo; si se repite, pide ayuda a soporte (el detalle quedó en el registro de la "
    "aplicación)."
)


def rechazo_de_la_base(exc: BaseException | None, path: Path) -> StoreError:
    """What SQLite refused in a unit of work (``exc``: sqlite3's error), said in Spanish: a raw
    driver error never reaches a window or the command line (the original goes to the log)."""
    log.warning("La base de datos %s rechazó una operación", path, exc_info=exc)
    text_ = str(exc).lower()
    nombre = path.name
    if isinstance(exc, cifrado.IntegrityError):
        return StoreError("cambio_rechazado", MSG_RECHAZADO)
    if "locked" in text_ or "busy" in text_:
        return StoreError("base_datos_ocupada", MSG_OCUPADA)
    if "full" in text_:
        return StoreError("disco_lleno", MSG_DISCO_LLENO.format(nombre=nombre))
    if "readonly" in text_ or "read-only" in text_:
        return StoreError("base_datos_solo_lectura", MSG_SOLO_LECTURA.format(nombre=nombre))
    return StoreError("base_datos_falla", MSG_FALLA.format(nombre=nombre))


# SQLAlchemy's DateTime on SQLite: text, always with microseconds (text order = time order).
DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


def configure(connection: sqlite3.Connection) -> None:
    for pragma in PRAGMAS:
        connection.execute(pragma)
    register_functions(connection)


def register_functions(connection: sqlite3.Connection) -> None:
    """The functions the store's triggers call; a connection without them cannot write the
    rows those triggers watch."""
    # The sync sums' triggers call it on every write of a synced row. Registered here by name
    # only: its module loads hashlib (OpenSSL), which the login does not need; the engine's
    # connections (db.py) get the function itself (sumas.register).
    connection.create_function(SYNC_HASH, 2, _sync_hash, deterministic=True)
    # The audit log's chain (domain/bitacora.py): its trigger links each entry inserted, with
    # the audit key of the data folder this store is in.
    connection.create_function(AUDIT_LINK, 7, _enlazador(connection), deterministic=True)


def _sync_hash(row_uuid: str, version: int) -> int:
    from icsoe_desktop.store.sync_hash import row_hash

    return row_hash(row_uuid, version)


# The installation's audit key: given by the services (services/llave_bitacora.py, which reads
# it from the OS keyring on its first call); without one, links are the keyless ones of the
# chains made before the key (a store handled outside the app: tests, tools).
_llave_bitacora: Callable[[], bytes | None] | None = None
_bitacora_por_carpeta: dict[str, Callable[[], bytes | None]] = {}


def usar_llave_bitacora(
    proveedor: Callable[[], bytes | None] | None, carpeta: str | Path | None = None
) -> None:
    """Every audit link written or checked by this process from now on is keyed by what
    ``proveedor`` returns; ``carpeta``: the data folder it is the key of (each has its own),
    whose stores keep it after another folder is opened (as store/cifrado.py's keys)."""
    global _llave_bitacora
    _llave_bitacora = proveedor
    if proveedor is None:
        _bitacora_por_carpeta.clear()
    elif carpeta is not None:
        _bitacora_por_carpeta[cifrado.carpeta_normal(carpeta)] = proveedor


def llave_bitacora(path: str | Path | None = None) -> bytes | None:
    """The audit key of the data folder holding ``path`` (by default, the folder opened last;
    None: none given). The provider may raise its Spanish DomainError (the key is not in the
    keyring): then nothing is linked and the write is refused."""
    proveedor = cifrado.proveedor_de(_bitacora_por_carpeta, _llave_bitacora, path)
    return None if proveedor is None else proveedor()


def _enlazador(connection: sqlite3.Connection) -> Callable[..., str]:
    fila = connection.execute("PRAGMA database_list").fetchone()
    path = fila[2] if fila and fila[2] else None

    def enlazar(*fields: str | None) -> str:
        from icsoe_desktop.domain.bitacora import eslabon

        return eslabon(*fields, llave=llave_bitacora(path))

    return enlazar


# The migrated templates shipped with the app (store/template.py): an empresa's store, and the
# catalog's (never synced: without the sync's bookkeeping triggers, store/db.py).
TEMPLATES = {True: "template.sqlite3", False: "template-catalogo.sqlite3"}


def drop_triggers_and_views(connection: sqlite3.Connection, prefix: str) -> None:
    """Drops the triggers and views whose name starts with ``prefix`` (``_`` matches itself)."""
    pattern = prefix.replace("_", "\\_") + "%"
    for kind, name in connection.execute(
        "SELECT type, name FROM sqlite_master WHERE type IN ('trigger', 'view') "
        "AND name LIKE ? ESCAPE '\\' ORDER BY type = 'view'",
        (pattern,),
    ).fetchall():
        connection.execute(f'DROP {kind.upper()} IF EXISTS "{name}"')


def template(synced: bool = True) -> Path | None:
    """The migrated template shipped with the app (None: not in this installation)."""
    path = MIGRATIONS_DIR / TEMPLATES[synced]
    return path if path.is_file() else None


def copy_template(path: Path, synced: bool = True) -> None:
    """A new store starts as a copy of the migrated template shipped with the app (no Alembic,
    no migrations: store/template.py). Only for a file that does not exist yet."""
    template_ = template(synced)
    if path.exists() or template_ is None or not path.parent.is_dir():
        return
    from icsoe_desktop.store.cifrar import copiar_plantilla

    try:
        copiar_plantilla(template_, path)  # encrypted with the installation's key
        log.info("Base de datos nueva %s, creada desde la plantilla migrada", path)
    except (OSError, cifrado.Error):  # then the migrations build it, as without a template
        log.warning("No se pudo copiar la plantilla de la base de datos", exc_info=True)
        path.unlink(missing_ok=True)


def connect(path: Path) -> sqlite3.Connection:
    """A connection in autocommit: callers BEGIN themselves."""
    connection = cifrado.conectar(path, isolation_level=None)
    try:
        configure(connection)
    except BaseException:
        connection.close()
        raise
    return connection


def revision(path: Path) -> str | None:
    """The schema revision of the file (None: no file, not a store, or damaged)."""
    if not path.is_file():
        return None  # and no empty file is created: the full opening builds the store
    try:
        with closing(connect(path)) as connection:
            return revision_of(connection)
    except cifrado.Error:
        return None


def revision_of(connection: sqlite3.Connection) -> str | None:
    row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    return row[0] if row else None


def has_rows(connection: sqlite3.Connection, table: str) -> bool:
    return connection.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone() is not None


@contextmanager
def write_transaction(path: Path) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE: what is read inside cannot change before the writes that follow it;
    committed whole or rolled back whole; what SQLite refuses is a Spanish ``StoreError``."""
    try:
        with closing(connect(path)) as connection:
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield connection
            except BaseException:
                connection.rollback()
                raise
            connection.commit()
    except cifrado.Error as exc:
        raise rechazo_de_la_base(exc, path) from exc


def to_text(value: datetime | None) -> str | None:
    return None if value is None else value.strftime(DATETIME_FORMAT)


def from_text(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def add_audit(
    connection: sqlite3.Connection,
    at: datetime,
    actor: str,
    action: str,
    target: str = "",
    detail: str = "",
) -> None:
    """An ``audit_log`` entry of the catalog (services/audit.py writes the others through the
    ORM). The catalog is never synced: nothing is marked for the sync."""
    from icsoe_desktop.domain.row_ids import new_uuid  # not before the first write (start-up)

    connection.execute(
        "INSERT INTO audit_log (uuid, at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?, ?)",
        (new_uuid(), to_text(at), actor, action, target, detail),
    )


def driver(conn: Connection) -> sqlite3.Connection:
    """The sqlite3 connection under an engine's ``conn`` (the bookkeeping's SQL runs on it)."""
    raw = conn.connection.driver_connection
    assert raw is not None  # a connection in use always has its driver's
    return cast("sqlite3.Connection", raw)
