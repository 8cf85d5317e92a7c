"""Eight desktop processes edit and delete the same registros patronales at once against the real
server on PostgreSQL; after quiet sync rounds every desktop equals the server, table by table."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from icsoe_desktop.domain.sync_wire import encode_value
from icsoe_desktop.services.container import open_services
from icsoe_desktop.store.sync_tables import SYNCED_TABLES
from tests import preloaded
from tests.sync.conftest import EMPRESA, connect
from tests.sync.desktop_worker import SHARED

DESKTOPS = 8
BUSY_SECONDS = 2  # eight processes on two cores: a sync round or more each, all overlapping


def local_tables(services) -> dict[str, dict[str, Any]]:
    """Every synced row of a desktop as the server stores it: uuid → (version, deleted, data),
    foreign keys as the parent's UUID."""
    out: dict[str, dict[str, Any]] = {}
    with services.store.session() as session:
        for table in SYNCED_TABLES:
            model = table.model
            parents = {
                col: dict(session.execute(select(parent.id, parent.uuid)).all())
                for col, parent in table.foreign_keys.items()
            }
            rows = {}
            for obj in session.scalars(select(model)):
                data = {}
                for name in table.columns:
                    value = getattr(obj, name)
                    if name in parents and value is not None:
                        value = parents[name][value]
                    data[name] = encode_value(value)
                version = 1 if table.append_only else obj.version
                deleted = False if table.append_only else obj.deleted
                rows[obj.uuid] = (version, deleted, data)
            out[table.name] = rows
    return out


def server_tables(engine) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {t.name: {} for t in SYNCED_TABLES}
    with engine.connect() as conn:
        for tabla, row_uuid, version, deleted, data in conn.execute(
            text("SELECT tabla, uuid, version, deleted, data FROM rows")
        ):
            out[tabla][row_uuid] = (version, deleted, data)
    return out


@pytest.mark.slow
@pytest.mark.end2end
def test_eight_desktop_processes_converge_with_the_server(sync_server, tmp_path: Path) -> None:
    folders = [tmp_path / f"escritorio_{i}" for i in range(DESKTOPS)]
    for i, folder in enumerate(folders):
        folder.mkdir()
        services = open_services(folder)
        connect(services, sync_server.url, sync_server.token(nombre=f"E{i}"))
        if i == 0:  # the shared registros exist everywhere before the edits start
            for registro in SHARED:
                services.registros.save(registro, EMPRESA, "Inicial", "e0")
        services.sync.synchronize()
        services.close()

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    workers = [
        preloaded.start(
            [sys.executable, "-m", "tests.sync.desktop_worker", str(f), str(i), str(BUSY_SECONDS)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for i, f in enumerate(folders)
    ]
    reports = []
    deadline = time.monotonic() + 60  # the edits last BUSY_SECONDS; a hung desktop fails
    for worker in workers:
        out, err = worker.communicate(timeout=max(1.0, deadline - time.monotonic()))
        assert worker.returncode == 0, err
        reports.append(json.loads(out))
    # They did overlap: shared rows changed and removed, every desktop synced meanwhile.
    assert all(r["sincronizaciones"] >= 1 for r in reports), reports
    assert sum(r["cambios"] for r in reports) > DESKTOPS and sum(r["bajas"] for r in reports)

    desktops = [open_services(folder) for folder in folders]
    try:
        for _round in range(3):  # quiet rounds: everyone pushes, then everyone pulls
            for services in desktops:
                services.sync.synchronize()
        expected = server_tables(sync_server.engine)
        assert len(expected["registros_patronales"]) > len(SHARED)
        for i, services in enumerate(desktops):
            assert services.sync.pending_count() == 0
            assert services.sync.status().verified_at is not None  # its own check agrees
            local = local_tables(services)
            for table in SYNCED_TABLES:
                assert local[table.name] == expected[table.name], (i, table.name)
    finally:
        for services in desktops:
            services.close()
