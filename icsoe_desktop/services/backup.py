"""Respaldar / Restaurar: a consistent copy of the store taken while the app runs (SQLite's online
backup API), and a checked restore that keeps the replaced store aside.

A backup holds the database only: the data keys of the certificates and the SMTP and sync
passwords stay in the OS keyring, so a copied backup opens no secret on another machine.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.services.audit import AuditService
from icsoe_desktop.services.files import atomic_write
from icsoe_desktop.store.db import Store, upgrade_file

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
PAGES_PER_STEP = 256  # 1 MiB with 4 KiB pages: the progress bar moves, writers are not held up
MAX_RESTARTS = 3  # a busy writer restarts a stepped copy; after this, one step (one snapshot)
BACKUP_SUFFIX = ".icsoe-respaldo"


class BackupError(DomainError):
    """A backup that cannot be written, or a file that cannot be restored."""


class _Restarted(Exception):
    pass


def _now_stamp() -> str:
    return datetime.now().strftime("%Y%m%d-%H%M%S")


def default_backup_name() -> str:
    return f"icsoe-respaldo-{_now_stamp()}{BACKUP_SUFFIX}"


def _copy(source: sqlite3.Connection, target: sqlite3.Connection, progress: Progress) -> None:
    """Pages in steps (the bar moves); when other connections keep writing and each write
    restarts the copy, fall back to one step: one read snapshot, consistent under WAL."""
    restarts = 0
    last_remaining: list[int] = []

    def step(_status: int, remaining: int, total: int) -> None:
        nonlocal restarts
        if last_remaining and remaining > last_remaining[-1]:
            restarts += 1
            if restarts > MAX_RESTARTS:
                raise _Restarted
        last_remaining.append(remaining)
        progress(total - remaining, total)

    try:
        source.backup(target, pages=PAGES_PER_STEP, progress=step)
    except _Restarted:
        log.info("Respaldo reiniciado %s veces por escrituras; se copia en un paso", restarts)
        source.backup(target, pages=-1)
        pages = target.execute("PRAGMA page_count").fetchone()[0]
        progress(pages, pages)


class BackupService:
    def __init__(self, store: Store, audit: AuditService) -> None:
        self._store = store
        self._audit = audit

    # --- Respaldar -----------------------------------------------------------------------------

    def backup(self, destination: Path, actor: str | None, progress: Progress | None = None) -> Path:
        """Write a consistent copy of the store to ``destination`` (whole or not at all)."""
        destination = Path(destination)
        if destination.resolve() == self._store.path.resolve():
            raise BackupError(
                "respaldo_sobre_base",
                "Elige otro archivo para el respaldo: ése es la base de datos en uso.",
            )
        if not destination.parent.is_dir():
            raise BackupError(
                "respaldo_sin_carpeta", f"No existe la carpeta «{destination.parent}»."
            )
        try:
            with atomic_write(destination) as partial:
                source = sqlite3.connect(self._store.path)
                try:
                    target = sqlite3.connect(partial)
                    try:
                        _copy(source, target, progress or (lambda _done, _total: None))
                        # One self-contained file: no -wal beside it when it is opened later.
                        target.execute("PRAGMA journal_mode=DELETE")
                    finally:
                        target.close()
                finally:
                    source.close()
        except (sqlite3.Error, OSError) as exc:
            log.exception("No se pudo escribir el respaldo %s", destination)
            raise BackupError(
                "respaldo_fallido",
                f"No se pudo escribir el respaldo en «{destination}». Revisa que haya espacio y "
                "permiso de escritura en esa carpeta.",
            ) from exc
        with self._store.session() as session:
            self._audit.record(session, actor, "respaldo_creado", destination.name)
        return destination

    # --- Restaurar -----------------------------------------------------------------------------

    def restore(self, source: Path, actor: str | None) -> Path:
        """Check ``source`` (a SQLite file, intact, of this app at a known schema revision,
        migrated when older), then put it in place of the store and reopen it. Returns where the
        replaced store was kept. Nothing is replaced when the file is refused."""
        source = Path(source)
        if not source.is_file():
            raise BackupError("respaldo_no_encontrado", f"No se encontró el archivo «{source}».")
        db_path = self._store.path
        candidate = db_path.with_name(db_path.name + ".restaurando")
        try:
            _copy_file(source, candidate)
            _check_candidate(candidate, source)
            upgrade_file(candidate)  # an older schema is brought up to date here
            aside = self._swap(candidate)
        finally:
            for leftover in (candidate, *_sidecars(candidate)):
                with contextlib.suppress(OSError):
                    leftover.unlink()
        with self._store.session() as session:
            self._audit.record(session, actor, "respaldo_restaurado", source.name, aside.name)
        return aside

    def _swap(self, candidate: Path) -> Path:
        """Close every connection, move the current store (and its WAL) aside, put the
        candidate in its place and reopen; on failure the current store goes back."""
        db_path = self._store.path
        aside = db_path.with_name(f"{db_path.name}.antes-de-restaurar-{_now_stamp()}")
        number = 1
        while aside.exists():
            number += 1
            aside = aside.with_name(f"{db_path.name}.antes-de-restaurar-{_now_stamp()}-{number}")
        self._store.engine.dispose()  # the last connection closed checkpoints the WAL
        moved: list[tuple[Path, Path]] = []
        try:
            for path, suffix in ((db_path, ""), *((s, s.name[-4:]) for s in _sidecars(db_path))):
                target = aside.with_name(aside.name + suffix)
                os.replace(path, target)
                moved.append((path, target))
            os.replace(candidate, db_path)
        except OSError as exc:
            for original, target in reversed(moved):
                with contextlib.suppress(OSError):
                    os.replace(target, original)
            self._store.reopen()
            log.exception("No se pudo reemplazar la base de datos por el respaldo")
            raise BackupError(
                "restauracion_fallida",
                "No se pudo reemplazar la base de datos (¿otra ventana o programa la tiene "
                "abierta?). Cierra las demás ventanas de icsoe-desktop e intenta de nuevo; la "
                "base de datos actual no cambió.",
            ) from exc
        self._store.reopen()
        return aside


def _sidecars(db_path: Path) -> list[Path]:
    return [
        p for p in (db_path.with_name(db_path.name + s) for s in ("-wal", "-shm")) if p.exists()
    ]


def _copy_file(source: Path, target: Path) -> None:
    import shutil

    try:
        shutil.copyfile(source, target)
    except OSError as exc:
        raise BackupError(
            "respaldo_ilegible", f"No se pudo leer el archivo «{source}»: {exc.strerror}."
        ) from exc


def _not_ours(source: Path) -> BackupError:
    return BackupError(
        "respaldo_ajeno",
        f"El archivo «{source.name}» no es un respaldo de icsoe-desktop. No se restauró nada.",
    )


def _check_candidate(candidate: Path, source: Path) -> None:
    """Refuse a file that is not SQLite, is damaged, or is not an icsoe-desktop store."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from icsoe_desktop.store.db import known_revision
    from icsoe_desktop.store.migrations import MIGRATIONS_DIR

    try:
        conn = sqlite3.connect(f"file:{candidate}?mode=ro", uri=True)
        try:
            problems = [row[0] for row in conn.execute("PRAGMA integrity_check(20)")]
            if problems != ["ok"]:
                log.error("Respaldo %s dañado: %s", source, problems)
                raise BackupError(
                    "respaldo_danado",
                    f"El respaldo «{source.name}» está dañado (falló la revisión de integridad). "
                    "No se restauró nada.",
                )
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
            if "alembic_version" not in tables or "outbox" not in tables:
                raise _not_ours(source)
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = None if row is None else row[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        log.warning("El archivo %s no se pudo leer como SQLite: %r", source, exc)
        raise BackupError(
            "respaldo_danado",
            f"El archivo «{source.name}» no es una base de datos de icsoe-desktop o está dañado. "
            "No se restauró nada.",
        ) from exc
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if revision is None or not known_revision(ScriptDirectory.from_config(config), revision):
        raise BackupError(
            "respaldo_version_desconocida",
            f"El respaldo «{source.name}» es de una versión más reciente de icsoe-desktop o de "
            "otro programa: actualiza la aplicación para restaurarlo. No se restauró nada.",
        )


__all__ = ["BackupError", "BackupService", "default_backup_name"]
