"""The company's schema on the sync server can be set only by a revision that exists: one of
the app's migrations, or a newer app's announced in the server's protocol a few migrations
ahead. Rows carry no more columns than the schema explains. The admin shows and resets a
company's schema from the server's command line. All through the real server."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import requests
from sqlalchemy import text

from icsoe_desktop.domain import sync_wire
from icsoe_desktop.services.sync.servicio import ACTUALIZAR
from icsoe_desktop.services.sync.transporte import SyncError
from icsoe_desktop.store.migrations import HEAD_REVISION
from icsoe_desktop.sync_server import esquemas
from tests.sync.conftest import EMPRESA, connect

ROOT = Path(__file__).resolve().parents[2]
NUEVA = f"{int(HEAD_REVISION[:4]) + 2:04d}_una_version_futura"


def headers(token: str, esquema: str | None, protocolo: str | None = "2") -> dict[str, str]:
    found = {"Authorization": f"Bearer {token}"}
    if protocolo is not None:
        found[sync_wire.PROTOCOL_HEADER] = protocolo
    if esquema is not None:
        found[sync_wire.SCHEMA_HEADER] = esquema
    return found


def registro(**extra: object) -> dict:
    data = {
        "registro": "Y5412345106",
        "rfc": EMPRESA,
        "razon_social": "Nóminas del Centro",
        "created_at": "2026-11-22T10:00:00",
        **extra,
    }
    return {
        "table": "registros_patronales",
        "uuid": str(uuid.uuid4()),
        "version": 1,
        "updated_at": "2026-11-22T10:00:00",
        "deleted": False,
        "base_seq": 0,
        "data": data,
    }


def push(server, token: str, esquema: str | None, *rows: dict) -> requests.Response:
    return requests.post(
        f"{server.url}/v1/push",
        json={"batch_id": uuid.uuid4().hex, "rows": list(rows)},
        headers=headers(token, esquema),
        timeout=30,
    )


def company_schema(server) -> str | None:
    with server.engine.connect() as conn:
        return conn.execute(text("SELECT esquema FROM empresas")).scalar_one()


def stored_rows(server) -> int:
    with server.engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM rows")).scalar_one()


def test_the_migration_list_is_the_desktops() -> None:
    assert esquemas.HEAD == HEAD_REVISION
    assert "0015_codes_correos_sin_codigo" in esquemas.REVISIONES


@pytest.mark.parametrize(
    ("esquema", "protocolo", "says"),
    [
        ("9999_bogus", "2", "está demasiado adelante del suyo"),
        ("0003_bogus", "2", "no es de ninguna versión de icsoe-desktop"),
        (NUEVA, None, "llega sin el protocolo 2"),
    ],
    ids=["muy_adelante", "inexistente", "nueva_sin_protocolo"],
)
def test_a_schema_the_server_does_not_accept_is_refused_and_pins_nothing(
    sync_server, esquema: str, protocolo: str | None, says: str
) -> None:
    token = sync_server.token()
    for method, path in (("GET", "/v1/estado"), ("GET", "/v1/pull"), ("POST", "/v1/push")):
        answer = requests.request(
            method,
            f"{sync_server.url}{path}",
            headers=headers(token, esquema, protocolo),
            data=b'{"batch_id": "x", "rows": []}' if method == "POST" else None,
            timeout=10,
        )
        assert answer.status_code == 422, (path, answer.text)
        body = answer.json()
        assert body["error"] == "esquema_desconocido"
        assert f"«{esquema}»" in body["mensaje"] and says in body["mensaje"]
        assert "no se pierde nada" in body["mensaje"]
    assert company_schema(sync_server) is None


def test_a_bogus_schema_never_tells_the_other_desktops_to_update(sync_server, desktops) -> None:
    a, b = desktops
    connect(a, sync_server.url, sync_server.token(nombre="A"))
    connect(b, sync_server.url, sync_server.token(nombre="B"))
    a.registros.save("Y5412345106", EMPRESA, "Nóminas del Centro", "admin")
    pending = a.sync.pending_count()
    a.sync.transporte.schema = "9999_bogus"
    with pytest.raises(SyncError) as info:
        a.sync.synchronize()
    assert "no acepta el esquema «9999_bogus»" in info.value.message
    assert a.sync.pending_count() == pending

    resultado = b.sync.synchronize()
    assert not resultado.actualizar and ACTUALIZAR not in resultado.texto
    assert company_schema(sync_server) == HEAD_REVISION

    del a.sync.transporte.schema  # the real one: what waited goes
    assert a.sync.synchronize().enviados == pending


def test_a_newer_app_a_few_migrations_ahead_is_taken_and_its_columns_bounded(
    sync_server,
) -> None:
    token = sync_server.token()
    nuevo = push(sync_server, token, NUEVA, registro(sucursal="Norte", zona="Bajío"))
    assert nuevo.status_code == 200, nuevo.text
    assert company_schema(sync_server) == NUEVA
    answer = requests.get(
        f"{sync_server.url}/v1/estado",
        headers=headers(sync_server.token(), HEAD_REVISION),
        timeout=10,
    )
    assert answer.headers[sync_wire.SCHEMA_HEADER] == NUEVA  # the desktops at head update

    extra = {f"columna_{i}": "x" for i in range(2001)}
    muchas = push(sync_server, token, NUEVA, registro(**extra))
    assert muchas.status_code == 422
    assert muchas.json()["error"] == "columnas_desconocidas"
    assert "trae 2,001 columnas que el servidor no conoce" in muchas.json()["mensaje"]
    assert f"se admiten hasta {esquemas.MAX_EXTRA_COLUMNAS}" in muchas.json()["mensaje"]

    pesada = push(sync_server, token, NUEVA, registro(notas="x" * (esquemas.MAX_EXTRA_BYTES + 1)))
    assert pesada.status_code == 422
    assert "bytes en columnas que el servidor no conoce (notas)" in pesada.json()["mensaje"]
    assert stored_rows(sync_server) == 1


def test_a_desktop_at_head_sends_only_the_heads_columns_and_an_older_one_a_few(
    sync_server,
) -> None:
    token = sync_server.token()
    assert push(sync_server, token, HEAD_REVISION, registro()).status_code == 200
    de_mas = push(sync_server, token, HEAD_REVISION, registro(sucursal="Norte"))
    assert de_mas.status_code == 422
    assert (
        f"columna(s) que el esquema {HEAD_REVISION} no tiene: sucursal"
        in (de_mas.json()["mensaje"])
    )
    # A column a later migration dropped may still come from an older desktop (another
    # registro: one registro patronal is one row on the server).
    viejo = registro(borrada="1", registro="Y5412345105")
    antiguo = push(sync_server, token, "0015_codes_correos_sin_codigo", viejo)
    assert antiguo.status_code == 200, antiguo.text
    extra = {f"columna_{i}": "x" for i in range(2001)}
    assert push(sync_server, token, None, registro(**extra)).status_code == 422
    assert stored_rows(sync_server) == 2
    assert company_schema(sync_server) == HEAD_REVISION


def admin(sync_server, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "icsoe_desktop.sync_server", "esquema", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8"},
        timeout=120,
    )


def test_the_admin_shows_and_resets_a_companys_schema(sync_server) -> None:
    assert push(sync_server, sync_server.token(), NUEVA, registro()).status_code == 200
    url = sync_server.database_url
    shown = admin(sync_server, "show", "--database-url", url)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.splitlines() == [
        f"Esquema del servidor: {HEAD_REVISION}",
        f"{EMPRESA}\t{NUEVA}\tmás reciente que el del servidor ({HEAD_REVISION})",
    ]
    reset = admin(sync_server, "reset", "--database-url", url, "--empresa", EMPRESA.lower())
    assert reset.returncode == 0, reset.stderr
    assert reset.stdout.strip() == (
        f"Esquema de {EMPRESA} restablecido (era {NUEVA}): el próximo escritorio que sincronice "
        "lo fija de nuevo."
    )
    assert company_schema(sync_server) is None
    answer = requests.get(
        f"{sync_server.url}/v1/estado",
        headers=headers(sync_server.token(), HEAD_REVISION),
        timeout=10,
    )
    assert answer.headers[sync_wire.SCHEMA_HEADER] == HEAD_REVISION
    assert admin(sync_server, "show", "--database-url", url, "--empresa", EMPRESA).stdout.endswith(
        f"{EMPRESA}\t{HEAD_REVISION}\tconocido\n"
    )
    otra = admin(sync_server, "reset", "--database-url", url, "--empresa", "XYZ010101AB1")
    assert otra.returncode == 2 and otra.stderr.strip() == "No existe la empresa XYZ010101AB1."
