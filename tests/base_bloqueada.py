"""The store's SQLite file locked by another connection, as another program's long write holds
it: every read of the store then meets SQLite's own «database is locked» (a real
``cifrado.OperationalError``, not a stand-in), after a short busy timeout instead of the app's
ten seconds so that a test does not wait."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing, contextmanager
from typing import Any

from icsoe_desktop.store import cifrado, plain

ESPERA_MS = 100


def espera_corta(store: Any, monkeypatch: Any) -> None:
    """``store``'s next connections wait ``ESPERA_MS`` for a lock held elsewhere, not the
    app's ten seconds; the ones it holds are let go of."""
    monkeypatch.setattr(
        plain,
        "PRAGMAS",
        tuple(f"PRAGMA busy_timeout={ESPERA_MS}" if "busy_timeout" in p else p
              for p in plain.PRAGMAS),
    )  # fmt: skip
    store.engine.dispose()


@contextmanager
def base_bloqueada(store: Any, monkeypatch: Any) -> Iterator[None]:
    """Within it, ``store``'s file is held by an exclusive lock of another connection."""
    espera_corta(store, monkeypatch)
    # The connection that watches for changes (store/vigencia.py) let go of too, until the end:
    # meanwhile nothing kept is taken as current.
    store.vigencia.cerrar()
    # It waits for its lock as another program would: a find's background read (a thread of
    # the lowest priority, slow to end on a busy machine) may still hold a read snapshot.
    otra = cifrado.conectar(store.path, isolation_level=None, timeout=60)
    try:
        otra.execute("PRAGMA locking_mode=EXCLUSIVE")
        otra.execute("BEGIN EXCLUSIVE")
        with closing(cifrado.conectar(store.path, timeout=0)) as prueba:  # it holds: SQLite says so
            try:
                prueba.execute("SELECT 1 FROM sqlite_master").fetchall()
            except cifrado.OperationalError as exc:
                assert "database is locked" in str(exc)
            else:
                raise AssertionError("el archivo no quedó bloqueado")
        yield
    finally:
        otra.close()  # rolled back, the lock released
        store.vigencia.abrir()
