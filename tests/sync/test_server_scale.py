"""The sync server run as a company with many desktops needs it: several worker processes,
503 with Retry-After (never a 500) when every database connection is busy, one migration when
several processes start on a fresh database, and old answered batches forgotten safely."""

from __future__ import annotations

import json
import threading
import time
import uuid
from datetime import timedelta
from types import SimpleNamespace

import pytest
import requests
from alembic.script import ScriptDirectory
from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from icsoe_desktop.domain.clock import utcnow
from icsoe_desktop.sync_server import db, esquemas
from icsoe_desktop.sync_server.app import create_app
from icsoe_desktop.sync_server.models import PushBatch, SyncedRow
from tests.conftest import free_port
from tests.sync import pg
from tests.sync.conftest import EMPRESA
from tests.sync.test_server import ODD_VALUES, call, push, row


@pytest.mark.end2end
def test_serve_with_several_workers(server_process, sync_database) -> None:
    _url, engine = sync_database
    token = db.create_token(engine, EMPRESA, "A").token
    server_process.options = ["--workers", "2"]
    server_process.start()
    try:
        for n in range(6):  # a few requests: they reach one worker or the other
            assert push(server_process, token, [row(f"Y54{n:08d}")]).status_code == 200
        pulled = call(server_process, token, "GET", "/v1/pull", params={"since": 0}).json()
        assert [r["seq"] for r in pulled["rows"]] == [1, 2, 3, 4, 5, 6]
    finally:
        server_process.stop()
    assert server_process.log.read_text().count("Started server process") == 2


def test_a_server_with_every_connection_busy_answers_503_with_retry_after(
    sync_database, tmp_path
) -> None:
    from icsoe_desktop.services.container import open_services
    from icsoe_desktop.services.sync.transporte import SyncError, espera_reintento
    from tests.sync.conftest import connect

    url, _engine = sync_database
    engine = db.make_engine(url, pool_size=1, pool_timeout=0.5)
    token = db.create_token(engine, EMPRESA, "A").token
    runner = pg.ThreadServer(create_app(engine), free_port())
    runner.start()
    held = [engine.connect() for _ in range(3)]  # every connection of pool_size 1 (3 ×)
    try:
        answer = requests.get(
            f"http://127.0.0.1:{runner.server.config.port}/v1/estado",
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        assert answer.status_code == 503
        assert answer.headers["Retry-After"] == "5"
        assert answer.json()["error"] == "servidor_ocupado"
        # A desktop's sync meanwhile: «Sin conexión», and its next try waits what the server
        # asked, at least.
        (tmp_path / "a").mkdir()
        desktop = open_services(tmp_path / "a")
        try:
            connect(desktop, f"http://127.0.0.1:{runner.server.config.port}", token)
            with pytest.raises(SyncError) as raised:
                desktop.sync.synchronize()
        finally:
            desktop.close()
        assert raised.value.offline and raised.value.retry_after == 5
        assert all(espera_reintento(1, raised.value.retry_after) >= 5 for _ in range(20))
    finally:
        for conn in held:
            conn.close()
        runner.stop()
        engine.dispose()


def test_several_processes_starting_on_a_fresh_database_migrate_once(postgres) -> None:
    postgres.admin("CREATE DATABASE sync_fresh")
    engines = [db.make_engine(postgres.url("sync_fresh")) for _ in range(3)]
    errors: list[BaseException] = []
    start = threading.Barrier(len(engines))

    def migrate(engine) -> None:
        start.wait()
        try:
            db.upgrade(engine)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=migrate, args=(e,)) for e in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    try:
        assert errors == []
        with engines[0].connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).all() == [
                (ScriptDirectory(str(db.MIGRATIONS_DIR)).get_current_head(),)
            ]
    finally:
        for engine in engines:
            engine.dispose()


def test_rows_stored_before_migration_0003_keep_their_data(postgres) -> None:
    """0003 turned rows.data from JSONB into json: a row a server stored before comes back
    from a pull as it was, and is the overwritten version when a desktop that never saw it
    writes over it."""
    from alembic import command
    from alembic.config import Config

    postgres.admin("CREATE DATABASE sync_antes_0003")
    engine = db.make_engine(postgres.url("sync_antes_0003"))
    config = Config()
    config.set_main_option("script_location", str(db.MIGRATIONS_DIR))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0002_lotes_antiguos")
    token = db.create_token(engine, EMPRESA, "Antes").token
    old = row(data=dict(ODD_VALUES))
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO rows (empresa_id, tabla, uuid, seq, version, updated_at, deleted, "
                "data, token_id) SELECT empresa_id, :tabla, :uuid, 1, 1, '2026-11-23 10:00', "
                "false, CAST(:data AS jsonb), id FROM tokens"
            ),
            {"tabla": old["table"], "uuid": old["uuid"], "data": json.dumps(old["data"])},
        )
        conn.execute(text("UPDATE empresas SET last_seq = 1"))
    db.upgrade(engine)
    runner = pg.ThreadServer(create_app(engine), free_port())
    runner.start()
    server = SimpleNamespace(url=f"http://127.0.0.1:{runner.server.config.port}")
    try:
        pulled = call(server, token, "GET", "/v1/pull", params={"since": 0}).json()
        assert [r["data"] for r in pulled["rows"]] == [ODD_VALUES]
        unseen = dict(old, version=2, base_seq=0, data={"registro": "Y5412345106"})
        answer = push(server, token, [unseen]).json()["results"][0]
        assert answer["seq"] == 2
        assert answer["overwritten"]["data"] == ODD_VALUES
    finally:
        runner.stop()
        engine.dispose()


def test_old_answered_batches_are_forgotten_and_a_late_retry_changes_nothing(
    sync_server,
) -> None:
    token = sync_server.token()
    engine = sync_server.engine
    old_id, sent = uuid.uuid4().hex, row()
    assert push(sync_server, token, [sent], batch_id=old_id).status_code == 200
    with Session(engine) as session, session.begin():
        session.execute(
            update(PushBatch)
            .where(PushBatch.batch_id == old_id)
            .values(created_at=utcnow() - timedelta(days=db.BATCH_DAYS + 1))
        )
    assert db.prune_batches(engine) == 1
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(PushBatch)) == 0
        # A desktop retrying that batch a week later: nothing is written twice.
        again = push(sync_server, token, [sent], batch_id=old_id).json()
        assert again["results"][0]["seq"] == 1 and again["results"][0]["overwritten"] is None
        assert session.scalar(select(func.count()).select_from(SyncedRow)) == 1


@pytest.mark.end2end
def test_a_big_push_being_parsed_and_applied_does_not_hold_other_requests(
    server_process, sync_database
) -> None:
    """A body near the 8 MiB limit (5,000 rows of 20 fields each) pushed
    to the real `serve` process: /v1/estado keeps answering while the body is parsed and while
    the push waits for its sequence numbers (the company's row held by another transaction),
    and the push then lands whole."""
    _url, engine = sync_database
    token = db.create_token(engine, EMPRESA, "A").token
    server_process.start()
    # As many fields as the server takes that it does not know (an older or newer app's).
    fields = {f"c{n}": f"{n:02d}" * 38 for n in range(esquemas.MAX_EXTRA_COLUMNAS)}
    rows = [row(f"Y54{n:08d}") for n in range(5000)]
    for item in rows:
        # An escaped emoji (a surrogate pair) makes the server check every text and key too.
        item["data"] = {**item["data"], "razon_social": "Nóminas \U0001f600", **fields}
    body = json.dumps({"batch_id": uuid.uuid4().hex, "rows": rows}, separators=(",", ":"))
    assert 7 * 2**20 < len(body) < 8 * 2**20
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    answers: list[int] = []

    def estado() -> float:
        start = time.perf_counter()
        answer = requests.get(f"{server_process.url}/v1/estado", headers=headers, timeout=30)
        assert answer.status_code == 200
        return time.perf_counter() - start

    def waiting_for_lock() -> bool:
        with engine.connect() as conn:
            return bool(
                conn.scalar(
                    text(
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                        "AND query ILIKE '%UPDATE empresas%'"
                    )
                )
            )

    held = engine.connect()  # another transaction holds the company's row meanwhile
    try:
        held.begin()
        held.execute(text("SELECT last_seq FROM empresas FOR UPDATE"))
        sender = threading.Thread(
            target=lambda: answers.append(
                requests.post(
                    f"{server_process.url}/v1/push", data=body, headers=headers, timeout=120
                ).status_code
            )
        )
        start = time.perf_counter()
        sender.start()
        while_parsed: list[float] = []
        while not waiting_for_lock():  # sent, parsed, read: at the allocation
            assert time.perf_counter() - start < 60 and sender.is_alive()
            while_parsed.append(estado())
        parse_window = time.perf_counter() - start
        while_applied = [estado() for _ in range(5)]
        assert sender.is_alive() and answers == []  # the push is still waiting
    finally:
        held.rollback()
        held.close()
    sender.join(timeout=60)
    assert answers == [200]
    # What other desktops notice: their requests keep being answered while the big push is
    # read and while it waits for the company's row (how long each takes is bench/'s). How
    # many fit in the read depends on the machine's pace, not on the server: each was answered.
    assert while_parsed, parse_window
    assert len(while_applied) == 5
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(SyncedRow)) == 5000
