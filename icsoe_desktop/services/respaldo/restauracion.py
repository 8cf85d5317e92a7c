"""Putting a checked backup in place of an empresa's store so that a crash at any instant leaves
the old store or the restored one, whole; and, at the next opening, finishing or undoing a
restore that was interrupted.

The steps, each named for the pause point below:

1. ``candidato_listo``: the backup is copied beside the store (``<store>.restaurando``),
   checked and migrated (services/respaldo/backup.py). The store is untouched.
2. ``marca_escrita``: a marker (``<store>.restauracion``, written whole) names the backup, the
   aside and who restores.
3. ``base_cerrada``: the store is closed and left as one file (rollback journal, no WAL); this
   fails while another window or program has it open, and nothing is replaced.
4. ``copia_aparte``: the aside (``<store>.antes-de-restaurar-FECHA``) is a hard link to the store
   (a copy where the disk has no links).
5. ``reemplazada``: ``os.replace(candidate, store)``, one atomic rename: the store is the
   restored one from here on.
6. ``terminada``: the caller's work on the restored store (the users it brings, the audit) is
   done; then the marker is removed.

At the next opening (``revisar``): a marker with the candidate still there (steps 2-4) means the
store was never replaced: the candidate and the aside go, the store is as it was. A marker
without the candidate (5-6) means the restored store is in place: the caller finishes step 6.
A candidate without a marker (1) is removed. A store missing beside an aside (a restore of an
earlier version moved the store aside before moving the backup in) gets the aside back. In every
case the user is told (``Interrumpida.texto``); the Store never creates an empty store beside a
restore's files (store/db.py).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from icsoe_desktop.files import write_bytes_atomic
from icsoe_desktop.store import cifrado, cifrar
from icsoe_desktop.store.db import RESTORE_ASIDE, RESTORE_CANDIDATE, RESTORE_MARKER

log = logging.getLogger(__name__)

PASOS = (
    "candidato_listo",
    "marca_escrita",
    "base_cerrada",
    "copia_aparte",
    "reemplazada",
    "terminada",
)
# Tests only (tests/services/test_restore_kill.py): with ICSOE_PAUSA_RESTAURAR=<step>, a restore
# writes «ICSOE_PAUSA_RESTAURAR=<step>» to stderr when that step is done and waits there, so a
# test can kill the process at that point. Unset, nothing happens.
PAUSA_ENV = "ICSOE_PAUSA_RESTAURAR"
CLOSE_TRIES = 50  # × 0.1 s: a connection of another thread of this app may be finishing


def pausa(paso: str) -> None:
    if os.environ.get(PAUSA_ENV) != paso:
        return
    sys.stderr.write(f"{PAUSA_ENV}={paso}\n")
    sys.stderr.flush()
    while True:
        time.sleep(60)


class SwapError(Exception):
    """The store could not be replaced; it is as it was."""


def candidate_of(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + RESTORE_CANDIDATE)


def marker_of(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + RESTORE_MARKER)


def _aside_name(db_path: Path) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = db_path.with_name(f"{db_path.name}{RESTORE_ASIDE}{stamp}")
    number = 1
    while aside.exists():
        number += 1
        aside = db_path.with_name(f"{db_path.name}{RESTORE_ASIDE}{stamp}-{number}")
    return aside


def _sidecars(path: Path) -> list[Path]:
    return [path.with_name(path.name + s) for s in ("-wal", "-shm", "-journal")]


def _remove(*paths: Path) -> None:
    for path in paths:
        for each in (path, *_sidecars(path)):
            with contextlib.suppress(OSError):
                each.unlink()


def _sync_folder(folder: Path) -> None:
    """The renames in ``folder`` on disk (POSIX; Windows has no directory handle for it)."""
    if os.name == "nt":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError:  # the renames are done; only their durability waits for the OS
        log.warning("No se pudo sincronizar la carpeta %s", folder, exc_info=True)


def _write_marker(db_path: Path, data: dict[str, object]) -> None:
    write_bytes_atomic(marker_of(db_path), json.dumps(data, ensure_ascii=False).encode("utf-8"))
    _sync_folder(db_path.parent)


def _one_file(db_path: Path) -> None:
    """Leave the store as one self-contained file (WAL copied in, rollback journal). SQLite
    refuses while any other connection is open: retried for a moment, for a thread of this app
    finishing its work; another program keeping it open makes the restore stop here."""
    for attempt in range(CLOSE_TRIES):
        try:
            conn = cifrado.conectar(db_path, timeout=0)
            try:
                mode = conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
            finally:
                conn.close()
            if mode == "delete":
                return
        except cifrado.OperationalError:
            if attempt == CLOSE_TRIES - 1:
                raise
        time.sleep(0.1)
    raise SwapError("la base de datos sigue abierta en otra conexión")


def _keep_aside(db_path: Path, aside: Path) -> None:
    try:
        os.link(db_path, aside)  # instant, whatever the size
    except OSError:
        log.info("Sin enlaces en %s: se copia la base de datos a un lado", db_path.parent)
        shutil.copyfile(db_path, aside)
        with open(aside, "rb+") as copy:
            os.fsync(copy.fileno())


def replace_store(
    db_path: Path, candidate: Path, source_name: str, actor: str | None, close: Callable[[], None]
) -> Path:
    """Steps 2-5: the checked ``candidate`` takes the place of the store at ``db_path``; returns
    the aside. ``close`` closes this process's connections to the store. On failure (SwapError)
    the store is as it was; the caller removes the candidate and reopens the store."""
    aside = _aside_name(db_path)
    _write_marker(
        db_path, {"respaldo": source_name, "aparte": aside.name, "actor": actor, "revertida": False}
    )
    pausa("marca_escrita")
    try:
        close()
        _one_file(db_path)
        pausa("base_cerrada")
        _keep_aside(db_path, aside)
        pausa("copia_aparte")
        os.replace(candidate, db_path)
    except (OSError, cifrado.Error, SwapError) as exc:
        # The marker first: without it, no later opening takes the store for a restored one.
        with contextlib.suppress(OSError):
            marker_of(db_path).unlink()
        _remove(aside)
        log.exception("No se pudo poner el respaldo en lugar de %s", db_path)
        raise SwapError(str(exc)) from exc
    _sync_folder(db_path.parent)
    pausa("reemplazada")
    return aside


def remove_candidate(db_path: Path) -> None:
    """The checked copy, once put in place or refused (and what its encryption, killed, left
    beside it: store/cifrar.py)."""
    candidate = candidate_of(db_path)
    cifrar.limpiar(candidate)
    _remove(candidate)


def finish(db_path: Path) -> None:
    """Step 6 done (or an interrupted restore dealt with and reported): the marker goes."""
    with contextlib.suppress(FileNotFoundError):
        marker_of(db_path).unlink()
    _sync_folder(db_path.parent)


# --- at the next opening ---------------------------------------------------------------------


@dataclass(frozen=True)
class Interrumpida:
    """A restore found interrupted. ``completada``: the restored store is in place and the
    caller finishes step 6 (then ``finish``); otherwise the old store is in place again."""

    completada: bool
    respaldo: str  # the backup's file name ("" when unknown)
    aparte: Path | None
    actor: str | None

    @property
    def texto(self) -> str:
        if self.completada:
            return (
                f"La restauración del respaldo «{self.respaldo}» se interrumpió después de "
                "reemplazar la base de datos; se terminó al abrir la empresa. La base de datos "
                f"anterior quedó en «{self.aparte}»."
            )
        if self.aparte is not None:
            return (
                "Una restauración se interrumpió cuando la base de datos estaba a un lado "
                f"(«{self.aparte.name}»): se volvió a poner en su lugar y no se restauró nada."
            )
        de = f"del respaldo «{self.respaldo}»" if self.respaldo else "de un respaldo"
        return (
            f"La restauración {de} se interrumpió antes de reemplazar la base de datos: la base "
            "de datos quedó como estaba y no se restauró nada."
        )


def _read_marker(db_path: Path) -> dict[str, object] | None:
    try:
        data = json.loads(marker_of(db_path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        log.exception("Marca de restauración ilegible junto a %s", db_path)
        return {}
    return data if isinstance(data, dict) else {}


def _latest_aside(db_path: Path) -> Path | None:
    """The newest store kept aside by a restore (its name carries the time)."""
    asides = [
        p
        for p in db_path.parent.glob(f"{db_path.name}{RESTORE_ASIDE}*")
        # Not what an encryption of the aside left beside it (store/cifrar.py).
        if not p.name.endswith(("-wal", "-shm", "-journal", cifrar.CIFRANDO, cifrar.PLANO))
    ]
    return max(asides, key=lambda p: p.name) if asides else None


def revisar(db_path: Path) -> Interrumpida | None:
    """Before the store at ``db_path`` is opened: undo an interrupted restore that had not
    replaced it, or report one that had (the caller finishes it). None: nothing was pending."""
    marker = _read_marker(db_path)
    candidate = candidate_of(db_path)
    cifrar.limpiar(candidate)  # a backup in clear being encrypted when the app stopped
    if marker is not None and db_path.exists():
        respaldo, actor = str(marker.get("respaldo") or ""), marker.get("actor")
        aside = db_path.with_name(str(marker["aparte"])) if marker.get("aparte") else None
        actor = actor if isinstance(actor, str) else None
        if candidate.exists() or marker.get("revertida"):
            # Never replaced: the store is the old one. Say so before removing anything, so an
            # interruption now is undone again, never taken for a finished restore.
            _write_marker(db_path, {**marker, "revertida": True})
            _remove(candidate)
            if aside is not None and aside.exists():
                _remove(aside)
            log.warning("Restauración interrumpida antes del reemplazo: se deshizo (%s)", db_path)
            return Interrumpida(False, respaldo, None, actor)
        log.warning("Restauración interrumpida después del reemplazo: se termina (%s)", db_path)
        return Interrumpida(True, respaldo, aside, actor)
    if not db_path.exists():
        aside = _latest_aside(db_path)
        if aside is None:
            return None  # a new store, or a restore's candidate alone: the Store says so
        for suffix in ("-wal", "-shm"):  # a WAL moved aside with it comes back with it
            with contextlib.suppress(FileNotFoundError):
                os.replace(
                    aside.with_name(aside.name + suffix), db_path.with_name(db_path.name + suffix)
                )
        os.replace(aside, db_path)
        _sync_folder(db_path.parent)
        _remove(candidate)
        log.warning("Restauración interrumpida sin base de datos: %s volvió a su lugar", aside)
        return Interrumpida(False, str((marker or {}).get("respaldo") or ""), aside, None)
    if candidate.exists():
        _remove(candidate)  # the copy of a backup being checked when the app stopped
        log.warning("Se quitó %s, de una restauración interrumpida", candidate)
        return Interrumpida(False, "", None, None)
    return None


__all__ = [
    "PASOS",
    "PAUSA_ENV",
    "Interrumpida",
    "SwapError",
    "candidate_of",
    "finish",
    "marker_of",
    "pausa",
    "remove_candidate",
    "replace_store",
    "revisar",
]
