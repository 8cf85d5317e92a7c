"""What the sync benches set up alike: a throwaway PostgreSQL cluster with one migrated database,
the sync server as deployed (``serve``, its own process) and desktops connected to it, each with
a token of its own. All on 127.0.0.1; the cluster and server themselves are tests/sync/pg.py's.

    url, engine, stop = pg.start_database()   # stop(): the engine closed, the cluster removed
    server = pg.start_server(url, tmp / "server.log")
    desktop = pg.connect_desktop(tmp / "a", server.url, engine, "Escritorio a")
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.sync import pg as cluster

EMPRESA = "ABC010101AB1"
free_port = cluster.free_port


def isolate(tmp: Path) -> None:
    """Tokens in the test suite's keyring, kept in ``tmp`` (no system keyring needed); a
    desktop's process started from here inherits it."""
    os.environ.setdefault("PYTHON_KEYRING_BACKEND", "tests.keyring_de_prueba.KeyringDePrueba")
    os.environ.setdefault("XDG_DATA_HOME", str(tmp / "xdg"))


def start_database(name: str = "bench") -> tuple[str, Any, Callable[[], None]]:
    """A throwaway cluster with database ``name`` migrated to the server's schema: its URL, an
    engine on it, and what closes the engine and removes the cluster."""
    from icsoe_desktop.sync_server import db

    port, stop_cluster = cluster.start_cluster()
    engine = None

    def stop() -> None:
        if engine is not None:
            engine.dispose()
        stop_cluster()

    try:
        cluster.admin(port, f"CREATE DATABASE {name}")
        url = cluster.url(port, name)
        engine = db.make_engine(url)
        db.upgrade(engine)
    except BaseException:
        stop()
        raise
    return url, engine, stop


def start_server(url: str, log: Path, workers: int | None = None) -> cluster.ServerProcess:
    """The server as deployed: ``serve`` in its own process (``--workers`` when given)."""
    server = cluster.ServerProcess(url, free_port(), log)
    if workers is not None:
        server.options = ["--workers", str(workers)]
    server.start()
    return server


def connect_desktop(
    folder: Path, server_url: str, engine: Any, nombre: str, empresa: str = EMPRESA
) -> Any:
    """A desktop's services over a new store in ``folder``, syncing with the server under a
    token of its own of ``empresa``."""
    from icsoe_desktop.domain.roles import CLI_ACTOR
    from icsoe_desktop.services.container import open_services
    from icsoe_desktop.sync_server import db

    folder.mkdir(parents=True)
    services = open_services(folder)
    try:
        token = db.create_token(engine, empresa, nombre).token
        services.sync.configure(server_url, token, True, 0, CLI_ACTOR)
    except BaseException:
        services.close()
        raise
    return services
