"""Push batches as large as the server takes: the server announces its limits in /v1/estado,
the desktop sends batches that big (fewer round trips), and a server of an earlier version
(which announces none and takes 2,000 rows) still gets every row."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date

import pytest
import requests

from icsoe_desktop.demo.movimientos import create_demo_movimientos
from icsoe_desktop.services.movimientos.servicio import Filtro
from icsoe_desktop.sync_server.app import create_app
from tests.conftest import free_port
from tests.sync import pg
from tests.sync.conftest import SyncServer, connected


def test_estado_announces_the_largest_push_the_server_takes(sync_server) -> None:
    answer = requests.get(
        f"{sync_server.url}/v1/estado",
        headers={"Authorization": f"Bearer {sync_server.token()}"},
        timeout=10,
    )
    assert answer.status_code == 200
    # (the test server's own limits: tests/sync/conftest.py)
    assert answer.json()["max_renglones"] == 500
    assert answer.json()["max_bytes"] == 256 * 1024


def _without_limits(app):
    """The app answering /v1/estado as a server of an earlier version did: no limits in it."""

    async def older(scope, receive, send):
        if scope["type"] != "http" or scope["path"] != "/v1/estado":
            await app(scope, receive, send)
            return
        start: dict = {}
        parts: list[bytes] = []

        async def rewrite(message):
            if message["type"] == "http.response.start":
                start.update(message)
                return
            parts.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = json.loads(b"".join(parts))
            body.pop("max_renglones")
            body.pop("max_bytes")
            data = json.dumps(body).encode()
            headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
            headers.append((b"content-length", str(len(data)).encode()))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": data})

        await app(scope, receive, rewrite)

    return older


@pytest.fixture
def make_server(sync_database) -> Iterator:
    database_url, engine = sync_database
    runners = []

    def make(max_rows: int, old: bool = False) -> SyncServer:
        app = create_app(engine, max_body=8 * 1024 * 1024, max_rows=max_rows)
        port = free_port()
        runner = pg.ThreadServer(_without_limits(app) if old else app, port)
        runner.start()
        runners.append(runner)
        return SyncServer(f"http://127.0.0.1:{port}", database_url, engine)

    yield make
    for runner in runners:
        runner.stop()


def _batches(server: SyncServer) -> int:
    with server.engine.connect() as conn:
        return conn.exec_driver_sql("SELECT count(*) FROM batches").scalar_one()


@pytest.mark.parametrize(
    ("max_rows", "old", "movimientos", "batches"),
    [
        (10_000, False, 6_000, 2),  # the desktop's own limit: 5,000 rows a batch
        (1_500, False, 3_000, 3),  # the server's, smaller
        (2_000, True, 4_000, 3),  # an earlier server: the 2,000 rows every server takes
    ],
)
def test_push_batches_are_as_large_as_the_server_takes(
    make_server, desktops, max_rows: int, old: bool, movimientos: int, batches: int
) -> None:
    server = make_server(max_rows, old)
    a, b = connected(server, desktops)
    create_demo_movimientos(a.store, movimientos, date(2026, 11, 22))
    sent = a.sync.synchronize().enviados
    assert sent > movimientos  # the movements and their registros patronales
    assert _batches(server) == batches
    b.sync.synchronize()
    assert b.movimientos.count(Filtro()) == movimientos
    assert a.sync.status().pending == 0
