"""Two versions of the app syncing with one company: a desktop of an older version (its own
process, its movimientos without a column the newer one has) never erases that column's values,
and is told to update; a desktop whose protocol the server does not speak is refused with a
message it shows, never a 500."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import requests
from sqlalchemy import select, text

from icsoe_desktop.demo.movimientos import create_demo_movimientos
from icsoe_desktop.domain import sync_wire
from icsoe_desktop.services.container import open_services
from icsoe_desktop.services.sync.servicio import ACTUALIZAR
from icsoe_desktop.services.sync.transporte import SyncError
from icsoe_desktop.store.migrations import HEAD_REVISION
from icsoe_desktop.store.models import MovimientoRow
from tests.sync.conftest import connect
from tests.sync.old_desktop import COLUMN, OLD_SCHEMA

ROOT = Path(__file__).resolve().parents[2]


def old_desktop(folder: Path, *args: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "tests.sync.old_desktop", str(folder), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def movimiento(services, row_uuid: str) -> tuple[str, str]:
    with services.store.session() as session:
        row = session.scalar(select(MovimientoRow).where(MovimientoRow.uuid == row_uuid))
        return row.nombre, getattr(row, COLUMN)


def test_an_older_desktop_never_erases_a_column_it_does_not_know(
    sync_server, tmp_path: Path, clock
) -> None:
    folders = {name: tmp_path / name for name in ("nuevo", "antiguo", "otro_nuevo")}
    for folder in folders.values():
        folder.mkdir()
    nuevo = open_services(folders["nuevo"], clock)
    antiguo = open_services(folders["antiguo"], clock)  # only to set it up: it runs apart
    try:
        connect(nuevo, sync_server.url, sync_server.token(nombre="Nuevo"))
        connect(antiguo, sync_server.url, sync_server.token(nombre="Antiguo"))
    finally:
        antiguo.close()
    try:
        # The newer desktop fills the column the older one does not have.
        create_demo_movimientos(nuevo.store, 3, date(2026, 11, 22))
        with nuevo.store.session() as session:
            row = session.scalars(select(MovimientoRow).order_by(MovimientoRow.id)).first()
            setattr(row, COLUMN, "EMP-7")
            row_uuid = row.uuid
        assert not nuevo.sync.synchronize().actualizar  # the newest version here

        # The older desktop pulls it, is told to update, and edits the row anyway.
        pulled = old_desktop(folders["antiguo"], "sync")
        assert pulled["actualizar"] and ACTUALIZAR in pulled["texto"]
        edited = old_desktop(folders["antiguo"], "renombrar", row_uuid, "EDITADO EN EL ANTIGUO")
        assert edited["actualizar"]

        # The server kept the column's value under the older desktop's edit …
        with sync_server.engine.connect() as conn:
            data = conn.execute(
                text("SELECT data FROM rows WHERE tabla = 'movimientos' AND uuid = :u"),
                {"u": row_uuid},
            ).scalar_one()
            newest = conn.execute(text("SELECT esquema FROM empresas")).scalar_one()
        assert (data["nombre"], data[COLUMN]) == ("EDITADO EN EL ANTIGUO", "EMP-7")
        assert newest == HEAD_REVISION and sync_wire.newer_schema(newest, OLD_SCHEMA)

        # … so the newer desktop gets the edit and keeps its value, and one joining later has
        # both.
        nuevo.sync.synchronize()
        assert movimiento(nuevo, row_uuid) == ("EDITADO EN EL ANTIGUO", "EMP-7")
        otro = open_services(folders["otro_nuevo"], clock)
        try:
            connect(otro, sync_server.url, sync_server.token(nombre="Otro nuevo"))
            otro.sync.synchronize()
            assert movimiento(otro, row_uuid) == ("EDITADO EN EL ANTIGUO", "EMP-7")
        finally:
            otro.close()
    finally:
        nuevo.close()


@pytest.mark.parametrize(
    ("protocolo", "says"),
    [("99", "actualice el servidor"), ("0", "Actualiza icsoe-desktop"), ("dos", "Actualiza")],
)
def test_a_protocol_the_server_does_not_speak_is_refused_in_spanish(
    sync_server, protocolo: str, says: str
) -> None:
    token = sync_server.token()
    for method, path in (("GET", "/v1/estado"), ("GET", "/v1/pull"), ("POST", "/v1/push")):
        answer = requests.request(
            method,
            f"{sync_server.url}{path}",
            headers={"Authorization": f"Bearer {token}", sync_wire.PROTOCOL_HEADER: protocolo},
            data=b'{"batch_id": "x", "rows": []}' if method == "POST" else None,
            timeout=10,
        )
        assert answer.status_code == 426, (path, answer.text)
        body = answer.json()
        assert body["error"] == "protocolo_no_soportado" and says in body["mensaje"]
        assert "no se pierde nada" in body["mensaje"]


def test_a_desktop_that_names_no_protocol_is_still_answered(sync_server) -> None:
    """Desktops installed before versions were sent (protocol 1) keep syncing."""
    answer = requests.get(
        f"{sync_server.url}/v1/pull",
        params={"since": 0},
        headers={"Authorization": f"Bearer {sync_server.token()}"},
        timeout=10,
    )
    assert answer.status_code == 200 and answer.json()["rows"] == []


def test_a_schema_that_is_not_a_revision_is_refused(sync_server) -> None:
    answer = requests.get(
        f"{sync_server.url}/v1/estado",
        headers={
            "Authorization": f"Bearer {sync_server.token()}",
            sync_wire.SCHEMA_HEADER: "'; DROP TABLE rows; --",
        },
        timeout=10,
    )
    assert answer.status_code == 422 and "revisión del esquema" in answer.json()["mensaje"]


def test_a_desktop_refused_for_its_protocol_shows_why_and_keeps_its_changes(
    sync_server, desktops
) -> None:
    a, _b = desktops
    connect(a, sync_server.url, sync_server.token())
    a.registros.save("Y5412345106", "ABC010101AB1", "Nóminas del Centro", "admin")
    pending = a.sync.pending_count()
    a.sync.transporte.protocol = 99  # a desktop newer than the server
    with pytest.raises(SyncError) as info:
        a.sync.synchronize()
    assert info.value.code == "protocolo_no_soportado" and not info.value.offline
    assert "Pide al administrador que actualice el servidor" in info.value.message
    with pytest.raises(SyncError) as info:
        a.sync.test_connection()
    assert "actualice el servidor" in info.value.message
    assert a.sync.pending_count() == pending
    del a.sync.transporte.protocol  # the version the server speaks: what waited goes
    assert a.sync.synchronize().enviados == pending
