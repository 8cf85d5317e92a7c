"""The SQLite store: engine with WAL + foreign keys, Alembic upgrade at start-up, sessions."""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.exc import DatabaseError, DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

from icsoe_desktop.domain.cambios import Avisador
from icsoe_desktop.domain.clock import Clock, utcnow
from icsoe_desktop.store import bulk_indexes, cambiados, cifrado, cifrar, pendientes, plain, sumas
from icsoe_desktop.store.migrations import HEAD_REVISION, MIGRATIONS_DIR
from icsoe_desktop.store.plain import StoreError as StoreError
from icsoe_desktop.store.sync_tables import sums_tables
from icsoe_desktop.store.tracking import CLOCK, tracked
from icsoe_desktop.store.vigencia import Vigencia

if TYPE_CHECKING:  # Alembic is imported only when a store is migrated
    import sqlite3

    from alembic.script import ScriptDirectory

log = logging.getLogger(__name__)


def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    plain.configure(dbapi_connection)  # WAL, foreign keys, busy timeout: as the plain sqlite3
    sumas.register(dbapi_connection)  # the sums' own hash, without plain's import on each call
    # The pool keeps its connections: their pages stay decrypted in memory (store/cifrado.py).
    dbapi_connection.execute(f"PRAGMA cache_size=-{cifrado.CACHE_KIB}")


def _query_only(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    dbapi_connection.execute("PRAGMA query_only=ON")


@contextmanager
def large_page_cache(connection: Connection, mib: int = 32) -> Iterator[None]:
    """A bigger page cache for one bulk write (sync pull, import). With 100,000+ movimientos the
    indexes no longer fit in SQLite's default 2 MiB and each insert goes back to the file: a
    third slower. The kept connections already have more (``cifrado.CACHE_KIB``): then only
    the statement journal changes."""
    previous = connection.exec_driver_sql("PRAGMA cache_size").scalar_one()
    if -int(previous) < mib * 1024:  # never smaller than the kept connections' own
        connection.exec_driver_sql(f"PRAGMA cache_size=-{mib * 1024}")
    # The counts triggers (movimientos_conteo) give each insert a statement journal; kept in
    # memory it costs ~0.9 s per 100,000 rows instead of ~2.9 s (bench/movimientos.py --insert).
    # It is one row's pages, dropped after each statement.
    temp_store = connection.exec_driver_sql("PRAGMA temp_store").scalar_one()
    _temp_store(connection, "MEMORY")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size={int(previous)}")
        _temp_store(connection, str(int(temp_store)))


@contextmanager
def small_page_cache(connection: Connection, kib: int = 2048) -> Iterator[None]:
    """SQLite's own page cache (2 MiB) for one job that reads or writes more than the kept
    connections' cache holds, once (signing a staffing firm's informativa: its 600,000 workers,
    some 100 MB of pages, read through twice; tens of MB of signature written): a full cache
    gives such a job no page back, yet holds its 64 MiB (``cifrado.CACHE_KIB``) beside the
    job's own peak. Lowering the size frees the pages beyond it at once; the kept size comes
    back after, refilled only by what reads next."""
    with _pragma_mientras(connection, "cache_size", -int(kib)):
        yield


@contextmanager
def rare_checkpoints(connection: Connection, pages: int = 16384) -> Iterator[None]:
    """Let the WAL grow to ``pages`` (64 MiB) before this connection's commits copy it into
    the database, for a series of bulk transactions (a sync pull's pages): each 5,000-row page
    writes more than the default 1,000 pages, so every commit checkpointed (two fsyncs, and
    the same index pages copied again at each page): about a quarter of a 100,000-row pull's
    commit time. The caller checkpoints once at the end (``checkpoint``) so no user's save
    pays for the backlog."""
    with _pragma_mientras(connection, "wal_autocheckpoint", int(pages)):
        yield


@contextmanager
def _pragma_mientras(connection: Connection, pragma: str, valor: int) -> Iterator[None]:
    """``PRAGMA pragma=valor`` on this connection for one job, its own value back after, even
    when the job fails."""
    previous = connection.exec_driver_sql(f"PRAGMA {pragma}").scalar_one()
    connection.exec_driver_sql(f"PRAGMA {pragma}={valor}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA {pragma}={int(previous)}")


def checkpoint(connection: Connection) -> None:
    """Copy the WAL into the database now, without waiting for readers (PASSIVE)."""
    connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").all()


def _temp_store(connection: Connection, value: str) -> None:
    """SQLite refuses the change inside a transaction once this connection opened its temp
    database (a TEMP table): then the write is only slower, not wrong."""
    try:
        connection.exec_driver_sql(f"PRAGMA temp_store={value}")
    except DBAPIError:
        log.debug("temp_store=%s no aplicado", value, exc_info=True)


# Every store's engine is made alike, so one dialect (and its cache of compiled SQL) serves them
# all: SQLAlchemy keys compiled statements by the dialect object, and each new engine (a store
# opened: the catalog, an empresa, a switch of empresa, a backup's check, a CLI command) would
# compile every statement again. Pinned SQLAlchemy's attributes; without them, no sharing.
_shared: tuple[object, object] | None = None
_shared_lock = threading.Lock()


def close_engine(engine: Engine) -> None:
    """Close the store's connections: those in the pool now, and one a thread still holds
    (background work finishing) the moment it gives it back. ``dispose`` alone leaves that one
    open in the pool it let go of until the collector frees that pool, which the app's own
    collector may not do for minutes: the file stays open, and a restore's swap refuses it."""
    pool = engine.pool
    engine.dispose()
    event.listen(pool, "checkin", _close_returned)  # the pool let go of only, not the new one


def _close_returned(_dbapi_connection: object, record: ConnectionPoolEntry) -> None:
    record.invalidate()


def make_engine(path: Path) -> Engine:
    global _shared
    # Each connection keyed (store/cifrado.py); as SQLAlchemy's own for a file, usable by the
    # pool from any thread.
    engine = create_engine(
        f"sqlite:///{path}",
        creator=lambda: cifrado.conectar(path, check_same_thread=False),
        module=cifrado.DRIVER,
    )
    event.listen(engine, "connect", _on_connect)
    if not hasattr(engine, "_compiled_cache") or not hasattr(engine.pool, "_dialect"):
        return engine
    with _shared_lock:
        if _shared is None:
            _shared = (engine.dialect, engine._compiled_cache)
        else:
            engine.dialect, engine._compiled_cache = _shared  # type: ignore[assignment]  # private, shared
            engine.pool._dialect = engine.dialect
    return engine


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        try:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except OperationalError:
            return None  # a new, empty file


def known_revision(script: ScriptDirectory, revision: str) -> bool:
    """Alembic raises (not returns None) for a revision it has no script for."""
    from alembic.util import CommandError

    try:
        return script.get_revision(revision) is not None
    except CommandError:
        return False


def upgrade(engine: Engine, target: str = "head") -> None:
    """Bring the schema to head (or to ``target``: the schema of an earlier version, which a
    restored backup is compared with). Alembic is imported only when there is something to do."""
    revision = current_revision(engine)
    if revision == (HEAD_REVISION if target == "head" else target):
        return
    from alembic import command
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if revision is not None and not known_revision(ScriptDirectory.from_config(config), revision):
        raise StoreError(
            "base_datos_mas_nueva",
            "La base de datos fue creada por una versión más reciente de la aplicación. "
            "Actualiza icsoe-desktop para abrirla.",
        )
    log.info("Actualizando el esquema de %s a %s", revision, HEAD_REVISION)
    with engine.connect() as conn:
        # Batch migrations rebuild a table (copy, drop, rename); with foreign keys on, dropping
        # the old table would delete its children (ON DELETE CASCADE). SQLite ignores this
        # pragma inside a transaction, so it is set before the upgrade's and checked after.
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        conn.commit()
        try:
            with conn.begin():
                config.attributes["connection"] = conn
                command.upgrade(config, target)
                if target == "head":
                    _sums_follow_the_models(conn)
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
                if broken:
                    log.error("Referencias rotas tras la migración: %s", broken[:20])
                    raise StoreError(
                        "migracion_fallida",
                        "No se pudo actualizar la base de datos: quedarían referencias rotas "
                        "entre sus tablas. Revisa el registro de la aplicación o pide ayuda a "
                        "soporte antes de seguir.",
                    )
        finally:
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")
            conn.commit()


def _sums_follow_the_models(conn: Connection) -> None:
    """The drift check's triggers watch every sent column of the models (store/sumas.py): a
    migration that adds a column to sync needs only add it."""
    added = sumas.add_triggers(plain.driver(conn), sums_tables())
    if added:
        log.info("Sumas de sincronización: columnas agregadas %s", added)


def upgrade_file(path: Path, target: str = "head") -> None:
    """Bring the store file at ``path`` (not open elsewhere) to head (or ``target``) and leave it
    one file, in rollback-journal mode: a restored backup before it replaces the store, the
    template."""
    engine = make_engine(path)
    try:
        upgrade(engine, target)
    finally:
        engine.dispose()
    with cifrado.conectar(path) as conn:
        conn.execute("PRAGMA journal_mode=DELETE")
    conn.close()


# What a restore (services/respaldo/restauracion.py) leaves beside a store while it replaces it: the
# checked copy of the backup, the marker naming the steps, the replaced store kept aside.
# Session info key: the store's ``verificar_constancia`` (None when no service set one).
VERIFICAR = "verificar_constancia"
RESTORE_CANDIDATE = ".restaurando"
RESTORE_MARKER = ".restauracion"
RESTORE_ASIDE = ".antes-de-restaurar-"


def restore_leftovers(path: Path) -> list[Path]:
    """A restore's files beside the store ``path`` (the asides of finished ones included)."""
    if not path.parent.is_dir():
        return []
    return sorted(
        p
        for p in path.parent.iterdir()
        if p.name in (path.name + RESTORE_CANDIDATE, path.name + RESTORE_MARKER)
        or p.name.startswith(path.name + RESTORE_ASIDE)
    )


def numero_de_archivo() -> int:
    """A random header number (``PRAGMA user_version``) that tells this file from a rebuilt
    copy of it (services/sync/identidad.py)."""
    return secrets.randbelow(2**31 - 1) + 1


def _drop_sync_bookkeeping(conn: Connection) -> None:
    """A store that is never synced (the catalog) keeps no sync sums nor unsent counts. Its
    migrations, shared with the empresas' stores, create their triggers and views; each
    connection parses them (~1 ms, twice the rest of the schema), and the login opens the
    catalog a few times before it answers. Its template comes without them
    (store/template.py): only a migration that creates them again has them dropped here."""
    driver = plain.driver(conn)
    sumas.drop_bookkeeping(driver)
    pendientes.drop_bookkeeping(driver)


def _sessionmaker(
    engine: Engine, synced: bool, escritor: cambiados.Escritor
) -> sessionmaker[Session]:
    """The store's sessions: they keep the kinds of data each commit wrote (store/
    cambiados.py) and count them as ``escritor``'s, and those of a synced store mark what they
    change for the sync (store/tracking.py); a session made elsewhere in the process is not
    tracked."""
    sessions = cambiados.seguidas(sessionmaker(engine, expire_on_commit=False), escritor)
    return tracked(sessions) if synced else sessions


class Store:
    """One SQLite file; ``session()`` gives a unit of work that commits or rolls back whole.
    ``synced``: an empresa's store, whose changes the sync sends; the catalog is never synced,
    so nothing in it is marked. ``cambios``: the services announce there what their operations
    changed in this store (domain/cambios.py). ``solo_lectura``: why the store may not change
    (its audit log was altered: services/empresas/bitacora.py); once open, every connection
    refuses writes (``query_only``) and a refused unit of work says this text."""

    def __init__(self, path: Path, synced: bool = True, solo_lectura: str = "") -> None:
        self.path = path
        self.synced = synced
        self.solo_lectura = solo_lectura
        self.cambios = Avisador()
        # Whether its movements changed, by whoever (store/vigencia.py): what is kept of them
        # is used only while it says the same.
        self.vigencia = Vigencia(path)
        # This store as a writer of the file: the kinds its sessions write are counted under
        # this number, which another program's look at the file tells from its own.
        self.escritor = cambiados.Escritor(secrets.randbits(62))
        # Background readers of this file, ended before its connections close (close, reopen).
        self._al_soltar: list[Callable[[], None]] = []
        self._al_reemplazar: list[Callable[[], None]] = []
        # What stamps a change (store/tracking.py): the services' clock, set when they open it.
        self.clock: Clock = utcnow
        # The constancia de firma's verification (its service's, set when they open it): rows
        # that arrive presentada are judged with it (``VERIFICAR`` in each session's info).
        self.verificar_constancia: Callable[[bytes], Any] | None = None
        if not path.exists() and (leftovers := restore_leftovers(path)):
            # A restore was interrupted here: its data is in those files, and an empty store in
            # its place would hide it. Opening the empresa (services.container) finishes or
            # undoes the restore first.
            log.error("Falta %s y quedan archivos de una restauración: %s", path, leftovers)
            raise StoreError(
                "restauracion_pendiente",
                f"No se abrió la base de datos «{path}»: no está, y junto a ella quedaron "
                f"archivos de una restauración interrumpida ({', '.join(p.name for p in leftovers)})"
                ". Abre esa empresa en icsoe-desktop para terminar o deshacer la restauración, o "
                "pide ayuda a soporte; no se creó una base de datos vacía.",
            )
        cifrar.al_abrir(path)  # a store of before encryption: encrypted once, here
        nuevo = not path.exists()
        plain.copy_template(path, synced)
        self.engine = make_engine(path)
        try:
            upgrade(self.engine)
            with self.engine.begin() as conn:
                bulk_indexes.restore(conn)  # after a crash in the middle of a big sync pull
                if not synced:
                    _drop_sync_bookkeeping(conn)
                elif nuevo:
                    # Its header number from birth: every row it will hold is written with
                    # the sums' triggers in place, which a file rebuilt by another program
                    # (``.dump``, which copies no header) cannot claim
                    # (services/sync/recuento.py trusts its sums at its first sync).
                    conn.exec_driver_sql(f"PRAGMA user_version = {numero_de_archivo()}")
        except DatabaseError as exc:
            close_engine(self.engine)
            log.exception("No se pudo abrir la base de datos %s", path)
            raise StoreError(
                "base_datos_danada",
                f"No se pudo abrir la base de datos «{path}». El archivo está dañado o no es una "
                "base de datos de icsoe-desktop.",
            ) from exc
        if solo_lectura:
            close_engine(self.engine)
            self.engine = self._engine()
        self._sessions = _sessionmaker(self.engine, self.synced, self.escritor)

    def _engine(self) -> Engine:
        engine = make_engine(self.path)
        if self.solo_lectura:
            event.listen(engine, "connect", _query_only)
        return engine

    def rechazo(self, exc: BaseException | None) -> StoreError:
        """What SQLite refused, in Spanish (``plain.rechazo_de_la_base``); in a store opened
        read-only, a write refused says why the store is read-only."""
        error = plain.rechazo_de_la_base(exc, self.path)
        if self.solo_lectura and error.code == "base_datos_solo_lectura":
            return StoreError("empresa_solo_lectura", self.solo_lectura)
        return error

    @contextmanager
    def session(self, immediate: bool = False) -> Iterator[Session]:
        """A unit of work SQLite refuses (a constraint, a lock held past the busy timeout, a full
        disk) is rolled back and raised as a Spanish ``StoreError`` (``plain.rechazo_de_la_base``).
        ``immediate``: take SQLite's write lock before the first read (BEGIN IMMEDIATE), for
        work that reads rows and then writes what it decided from them (the sync's apply and
        push-result steps). pysqlite otherwise begins only at the first write, so another
        connection could change those rows in between; with the lock, the user's saves wait
        (busy timeout) and run after, on what was written."""
        session = self._sessions()
        session.info[CLOCK] = self.clock
        session.info[VERIFICAR] = self.verificar_constancia
        try:
            if immediate:
                session.connection().exec_driver_sql("BEGIN IMMEDIATE")
            yield session
            session.commit()
        except DBAPIError as exc:
            session.rollback()
            raise self.rechazo(exc.orig) from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
            # What it committed, told once the connection is back (store/cambiados.py): a
            # write whose service says nothing still wakes the windows that show it.
            self.cambios.anunciar(session.info.pop(cambiados.CONFIRMADAS, ()))

    def reopen(self, solo_lectura: str | None = None) -> None:
        """After the file was replaced (Restaurar): new connections, on the new file;
        ``solo_lectura`` (when given) replaces the reason the store may not change ("": a
        checked file put in place, writable)."""
        self._soltar()
        self.vigencia.cerrar()
        close_engine(self.engine)
        for olvidar in self._al_reemplazar:
            olvidar()
        if solo_lectura is not None:
            self.solo_lectura = solo_lectura
        cifrar.al_abrir(self.path)  # a plain backup put in place
        self.engine = self._engine()
        upgrade(self.engine)
        self._sessions = _sessionmaker(self.engine, self.synced, self.escritor)
        self.vigencia.abrir()

    def al_soltar(self, terminar: Callable[[], None]) -> None:
        """``terminar`` ends a background reader of this store: called before its connections
        close, so no thread holds the file (Windows refuses to replace an open file)."""
        self._al_soltar.append(terminar)

    def al_reemplazar(self, olvidar: Callable[[], None]) -> None:
        """``olvidar`` drops what was kept beside the file from its contents (a copy of its
        find orders): called when the file was replaced (``reopen``), not when it closes."""
        self._al_reemplazar.append(olvidar)

    def _soltar(self) -> None:
        for terminar in self._al_soltar:
            terminar()

    def close(self) -> None:
        self._soltar()
        self.vigencia.cerrar()
        close_engine(self.engine)
