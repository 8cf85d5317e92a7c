"""A real PostgreSQL for the sync tests: one throwaway cluster per session (initdb + pg_ctl on
127.0.0.1), one database per test cloned from a migrated template, and the real sync server
(uvicorn in a thread, or a subprocess that a test may kill).

PostgreSQL comes from Debian (`.ci/run` installs it). Without it these tests FAIL, saying so.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from icsoe_desktop.domain.roles import CLI_ACTOR
from tests.conftest import free_port
from tests.gui.conftest import modals  # noqa: F401 - the GUI tests of sync live here too
from tests.sync import pg

EMPRESA = "ABC010101AB1"
OTRA_EMPRESA = "XYZ020202CD3"


@dataclass
class PgCluster:
    port: int
    counter: itertools.count

    def url(self, database: str) -> str:
        return pg.url(self.port, database)

    def admin(self, sql: str) -> None:
        pg.admin(self.port, sql)

    def new_database(self) -> str:
        name = f"sync_test_{next(self.counter)}"
        self.admin(f"CREATE DATABASE {name} TEMPLATE sync_template")
        return self.url(name)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PgCluster]:
    try:
        port, stop = pg.start_cluster()
    except pg.ClusterError as exc:
        pytest.fail(str(exc), pytrace=False)  # a failure, never a skip: CI must install it
    cluster = PgCluster(port, itertools.count(1))
    try:
        cluster.admin("CREATE DATABASE sync_template")
        from icsoe_desktop.sync_server import db

        engine = db.make_engine(cluster.url("sync_template"))
        db.upgrade(engine)
        engine.dispose()  # a template must have no open connection to be cloned
        yield cluster
    finally:
        stop()


@dataclass
class SyncServer:
    url: str
    database_url: str
    engine: object

    def token(self, empresa: str = EMPRESA, nombre: str = "Escritorio nómina 1") -> str:
        from icsoe_desktop.sync_server.db import create_token

        return create_token(self.engine, empresa, nombre).token


_ThreadServer = pg.ThreadServer


@pytest.fixture
def sync_database(postgres: PgCluster) -> Iterator[tuple[str, object]]:
    from icsoe_desktop.sync_server.db import make_engine

    url = postgres.new_database()
    engine = make_engine(url)
    yield url, engine
    engine.dispose()


@pytest.fixture
def sync_server(sync_database) -> Iterator[SyncServer]:
    """The real server app on uvicorn, in a thread, over a fresh PostgreSQL database."""
    from icsoe_desktop.sync_server.app import create_app

    database_url, engine = sync_database
    port = free_port()
    runner = _ThreadServer(create_app(engine, max_body=256 * 1024, max_rows=500), port)
    runner.start()
    yield SyncServer(f"http://127.0.0.1:{port}", database_url, engine)
    runner.stop()


@pytest.fixture
def full_server(sync_database) -> Iterator[SyncServer]:
    """The server app with its default limits (a request of 8 MiB), on uvicorn in a thread."""
    from icsoe_desktop.sync_server.app import create_app

    database_url, engine = sync_database
    port = free_port()
    runner = _ThreadServer(create_app(engine), port)
    runner.start()
    yield SyncServer(f"http://127.0.0.1:{port}", database_url, engine)
    runner.stop()


@pytest.fixture
def server_process(sync_database, tmp_path: Path) -> Iterator[pg.ServerProcess]:
    database_url, _engine = sync_database
    proc = pg.ServerProcess(database_url, free_port(), tmp_path / "server.log", preloaded=True)
    yield proc
    proc.kill()


@pytest.fixture
def desktops(tmp_path: Path, clock) -> Iterator[tuple[object, object]]:
    """Two desktops of one company: two data dirs, two SQLite stores, two sets of services."""
    from icsoe_desktop.services.container import open_services

    opened = []
    for name in ("escritorio_a", "escritorio_b"):
        folder = tmp_path / name
        folder.mkdir()
        opened.append(open_services(folder, clock))
    yield opened[0], opened[1]
    for services in opened:
        services.close()


def connect(services, server_url: str, token: str, interval: int = 0) -> None:
    services.sync.configure(server_url, token, True, interval, CLI_ACTOR)


@pytest.fixture
def escritorio(sync_server: SyncServer, desktops):
    """Desktop A connected to the server (the update tests)."""
    a, _ = desktops
    connect(a, sync_server.url, sync_server.token())
    return a


def connected(sync_server: SyncServer, desktops) -> tuple[object, object]:
    """Desktops A and B, each with its own token of the company."""
    a, b = desktops
    connect(a, sync_server.url, sync_server.token(nombre="A"))
    connect(b, sync_server.url, sync_server.token(nombre="B"))
    return a, b


def both_holding_movimientos(sync_server: SyncServer, desktops, monkeypatch, rows: int):
    """Desktops A and B connected, ``rows`` demo movimientos made on A and synced to both, in
    batches the test server takes (500 rows at most)."""
    from icsoe_desktop.demo.movimientos import create_demo_movimientos
    from icsoe_desktop.services.sync import intercambio

    monkeypatch.setattr(intercambio, "BATCH_ROWS", 300)
    monkeypatch.setattr(intercambio, "BATCH_BYTES", 200 * 1024)
    a, b = connected(sync_server, desktops)
    create_demo_movimientos(a.store, rows, date(2026, 11, 22))
    a.sync.synchronize()
    b.sync.synchronize()
    return a, b


def sharing_registros(sync_server: SyncServer, desktops) -> tuple[object, object]:
    """Desktops A and B connected, with the movement data set's registros patronales made on A
    and already synced to B (so only what each test adds afterwards can collide)."""
    from tests.services.movimientos_data import add_registros

    a, b = connected(sync_server, desktops)
    add_registros(a)
    a.sync.synchronize()
    b.sync.synchronize()
    return a, b


def import_rows(services, rows: list[dict[str, str]], path: Path) -> None:
    """Import movements as a clerk would: a CSV with the grid's headers."""
    from tests.services.movimientos_data import write_csv

    services.importador.import_file(write_csv(path, rows), "t")
