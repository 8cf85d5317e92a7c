"""The sync server's HTTP API on a real PostgreSQL: authentication, company isolation,
idempotent pushes, and 4xx (never 500) for garbage, wrong types and oversized bodies."""

from __future__ import annotations

import json
import uuid

import pytest
import requests
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from icsoe_desktop.domain import contenido, sync_tree, sync_wire
from icsoe_desktop.domain.row_ids import new_uuid
from icsoe_desktop.sync_server.__main__ import main as server_main
from icsoe_desktop.sync_server.models import SyncedRow
from tests.sync.conftest import EMPRESA, OTRA_EMPRESA


def row(registro: str = "Y5412345106", version: int = 1, base_seq: int = 0, **extra) -> dict:
    return {
        "table": "registros_patronales",
        "uuid": extra.pop("uuid", str(uuid.uuid4())),
        "version": version,
        "updated_at": "2026-11-23T10:00:00",
        "deleted": False,
        "base_seq": base_seq,
        "data": {"registro": registro, "rfc": EMPRESA, "razon_social": "Nóminas del Centro"},
        **extra,
    }


def call(server, token: str | None, method: str, path: str, **kwargs) -> requests.Response:
    headers = kwargs.pop("headers", {})
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return requests.request(method, server.url + path, headers=headers, timeout=10, **kwargs)


def push(server, token: str, rows: list[dict], batch_id: str | None = None) -> requests.Response:
    body = {"batch_id": batch_id or uuid.uuid4().hex, "rows": rows}
    return call(server, token, "POST", "/v1/push", json=body)


def test_every_request_needs_a_valid_token(sync_server) -> None:
    token = sync_server.token()
    for bad in (None, "", "no-es-un-token", token + "x"):
        answer = call(sync_server, bad, "GET", "/v1/estado")
        assert answer.status_code == 401
        assert answer.json()["error"] == "token_invalido"
    answer = call(sync_server, token, "GET", "/v1/estado")
    assert answer.status_code == 200
    assert answer.json()["empresa"] == EMPRESA


def test_token_create_command_prints_a_token_stored_only_as_a_hash(sync_server, capsys) -> None:
    assert (
        server_main(
            [
                "token",
                "create",
                "--database-url",
                sync_server.database_url,
                "--empresa",
                EMPRESA,
                "--nombre",
                "Escritorio nómina 2",
            ]
        )
        == 0
    )
    token = capsys.readouterr().out.strip().splitlines()[-1]
    answer = call(sync_server, token, "GET", "/v1/estado")
    assert answer.json()["escritorio"] == "Escritorio nómina 2"
    with sync_server.engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT token_hash FROM tokens").scalars().all()
    assert token not in stored and len(stored) == 1

    assert server_main(["token", "revoke", "--database-url", sync_server.database_url, "1"]) == 0
    assert call(sync_server, token, "GET", "/v1/estado").status_code == 401


def test_a_batch_sent_twice_changes_nothing(sync_server) -> None:
    token = sync_server.token()
    rows = [row("Y5412345106"), row("NO191919191")]
    first = push(sync_server, token, rows, batch_id="lote-1")
    again = push(sync_server, token, rows, batch_id="lote-1")
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    # The same rows under a new batch id (a retry after a lost answer) are not new either.
    third = push(sync_server, token, rows)
    assert [r["seq"] for r in third.json()["results"]] == [1, 2]
    pulled = call(sync_server, token, "GET", "/v1/pull", params={"since": 0}).json()
    assert [r["seq"] for r in pulled["rows"]] == [1, 2]
    with Session(sync_server.engine) as session:
        assert session.scalar(select(func.count()).select_from(SyncedRow)) == 2


def test_a_page_pulled_column_by_column_holds_the_same_rows(sync_server) -> None:
    token = sync_server.token()
    older = row("NO191919191")
    older["data"].pop("razon_social")  # a desktop version that sent one column less
    rows = [row("Y5412345106"), older, row("Y5412345107", deleted=True)]
    assert push(sync_server, token, rows).status_code == 200
    params = {"since": 0, "limit": 2}
    by_rows = call(sync_server, token, "GET", "/v1/pull", params=params).json()
    by_columns = call(
        sync_server, token, "GET", "/v1/pull", params={**params, "formato": "columnas"}
    ).json()
    assert by_columns["rows"] == [] and len(by_columns["grupos"]) == 2  # two sets of columns
    assert {k: by_columns[k] for k in ("cursor", "remaining")} == {"cursor": 2, "remaining": 1}
    assert {k: by_rows[k] for k in ("cursor", "remaining")} == {"cursor": 2, "remaining": 1}
    page = sync_wire.read_pull_page(by_columns, 0)
    unfolded = [r for group in page["grupos"] for r in sync_wire.group_rows(group)]
    assert sorted(unfolded, key=lambda r: r["seq"]) == by_rows["rows"]
    assert [r["data"] for r in by_rows["rows"]] == [rows[0]["data"], older["data"]]


def test_a_row_already_here_inside_a_batchs_uuid_range_is_found(sync_server) -> None:
    """A batch's rows are first looked for as one range of uuids (new rows made one after
    another have increasing ones); a row of the range the server holds already (sent before
    by this desktop or another) is still found: answered as it is, not written twice."""
    token = sync_server.token()
    lowest, middle, highest = sorted(new_uuid() for _ in range(3))
    assert push(sync_server, token, [row("Y5412345106", uuid=middle)]).status_code == 200
    batch = [row("NO191919191", uuid=lowest), row("Y5412345106", uuid=middle)]
    batch.append(row("B1234567105", uuid=highest))
    results = push(sync_server, token, batch).json()["results"]
    assert [(r["uuid"], r["seq"]) for r in results] == [(lowest, 2), (middle, 1), (highest, 3)]
    with Session(sync_server.engine) as session:
        assert session.scalar(select(func.count()).select_from(SyncedRow)) == 3


def test_a_company_never_reads_another_companys_rows(sync_server) -> None:
    mine, theirs = sync_server.token(EMPRESA), sync_server.token(OTRA_EMPRESA, "Otra empresa")
    shared_uuid = str(uuid.uuid4())
    assert push(sync_server, mine, [row(uuid=shared_uuid)]).status_code == 200
    pulled = call(sync_server, theirs, "GET", "/v1/pull", params={"since": 0}).json()
    assert pulled == {"rows": [], "cursor": 0, "remaining": 0}
    # The same UUID pushed by the other company is its own row; it changes nothing of ours.
    other = row("XX999999999", uuid=shared_uuid)
    assert push(sync_server, theirs, [other]).json()["results"][0]["overwritten"] is None
    ours = call(sync_server, mine, "GET", "/v1/pull", params={"since": 0}).json()["rows"]
    assert [r["data"]["registro"] for r in ours] == ["Y5412345106"]


def test_overwriting_an_unseen_version_returns_it(sync_server) -> None:
    token = sync_server.token()
    first = row("Y5412345106")
    push(sync_server, token, [first])
    seen = dict(first, version=2, base_seq=1, data=dict(first["data"], razon_social="A"))
    assert push(sync_server, token, [seen]).json()["results"][0]["overwritten"] is None
    # Another desktop still at base_seq 1 overwrites version 2 (seq 2), which it never saw.
    unseen = dict(first, version=2, base_seq=1, data=dict(first["data"], razon_social="B"))
    result = push(sync_server, token, [unseen]).json()["results"][0]
    assert result["seq"] == 3
    assert result["overwritten"]["data"]["razon_social"] == "A"


# Values as a desktop could send them, and the odd ones: each must come back from a pull as it
# was pushed (the server keeps ``data`` as JSON text and sends that text back).
ODD_VALUES = {
    "registro": 'Año «Ñ» "entre comillas" \\ barra\ninvertida\t\u0001 😀',
    "entero": 2**63 - 1,
    "negativo": -(2**63) + 1,
    "flotante_enorme": 1e20,  # a float, not an integer past 64 bits: accepted, as ever
    "flotante": -0.125,
    "nulo": None,
    "verdadero": True,
    "vacio": "",
}


def test_pulled_data_is_exactly_what_was_pushed(sync_server) -> None:
    token = sync_server.token()
    pushed = row(data=dict(ODD_VALUES))
    assert push(sync_server, token, [pushed]).status_code == 200
    page = call(sync_server, token, "GET", "/v1/pull", params={"since": "0"}).json()
    [pulled] = page["rows"]
    assert pulled["data"] == ODD_VALUES
    assert type(pulled["data"]["flotante_enorme"]) is float
    assert (pulled["uuid"], pulled["version"], pulled["deleted"]) == (pushed["uuid"], 1, False)
    assert pulled["updated_at"] == "2026-11-23T10:00:00"


GARBAGE = [
    (b"{no es json", 400, "json_invalido"),
    (b"\xff\xfe\x00garbage", 400, "json_invalido"),
    (b'{"batch_id": "x", "rows": [NaN]}', 400, "json_invalido"),
    (b"[]", 422, "solicitud_invalida"),
    (b'{"batch_id": "x", "rows": {}}', 422, "solicitud_invalida"),
    (b'{"batch_id": "con espacios", "rows": []}', 422, "solicitud_invalida"),
    (b'{"batch_id": 7, "rows": []}', 422, "solicitud_invalida"),
]


@pytest.mark.parametrize(("body", "status", "code"), GARBAGE)
def test_garbage_gets_a_4xx_with_a_reason(sync_server, body, status, code) -> None:
    answer = call(
        sync_server,
        sync_server.token(),
        "POST",
        "/v1/push",
        data=body,
        headers={"Content-Type": "application/json"},
    )
    assert answer.status_code == status
    assert answer.json()["error"] == code
    assert answer.json()["mensaje"] and answer.json()["message"]


WRONG_ROWS = [
    ({"table": "no_existe"}, "tabla_desconocida"),
    ({"table": 5}, "tabla_desconocida"),
    ({"uuid": "123"}, "solicitud_invalida"),
    ({"version": "1"}, "solicitud_invalida"),
    ({"version": 2**40}, "solicitud_invalida"),
    ({"version": True}, "solicitud_invalida"),
    ({"updated_at": "ayer"}, "solicitud_invalida"),
    ({"deleted": "no"}, "solicitud_invalida"),
    ({"base_seq": -1}, "solicitud_invalida"),
    ({"data": []}, "solicitud_invalida"),
    ({"data": {"registro": {"anidado": 1}}}, "solicitud_invalida"),
    ({"data": {"registro": "con\u0000nulo"}}, "solicitud_invalida"),
    ({"data": {"registro": 2**70}}, "solicitud_invalida"),
    ({"data": {"registro": 2**64}}, "solicitud_invalida"),
    ({"data": {"registro": -(2**63)}}, "solicitud_invalida"),
]


@pytest.mark.parametrize(("change", "code"), WRONG_ROWS)
def test_wrong_types_and_unknown_tables_get_422(sync_server, change, code) -> None:
    answer = push(sync_server, sync_server.token(), [{**row(), **change}])
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"] == code


# Word for word as the server answered before the wire format moved to domain/sync_wire.py and
# the table registry to domain/sync_registry.py: the desktop shows «mensaje», an operator reads
# «message». A local-only table is as unknown to the server as a made-up one.
MALFORMED_FIELDS = [
    (
        {"updated_at": "2026-11-31T10:00:00"},
        "solicitud_invalida",
        "rows[0].updated_at: fecha ISO 8601 inválida.",
        "rows[0].updated_at: bad ISO date.",
    ),
    (
        {"version": "1"},
        "solicitud_invalida",
        "rows[0].version: se esperaba un entero entre 1 y 2147483647.",
        "rows[0].version: expected an integer between 1 and 2147483647.",
    ),
    (
        {"data": {"registro": ["Y5412345106"]}},
        "solicitud_invalida",
        "rows[0].data.registro: sólo se admiten texto, números, verdadero/falso o null.",
        "rows[0].data.registro: only strings, numbers, booleans or null are accepted.",
    ),
    (
        {"table": "outbox"},
        "tabla_desconocida",
        "rows[0].table: tabla desconocida.",
        "rows[0].table: unknown table.",
    ),
    (
        {"table": "certificados_imss", "data": {"secreto_sellado": "AAAA"}},
        "campo_secreto",
        "rows[0].data.secreto_sellado: este campo es secreto y nunca se sincroniza.",
        "rows[0].data.secreto_sellado: this field is secret and is never synced.",
    ),
]


@pytest.mark.parametrize(("change", "code", "mensaje", "message"), MALFORMED_FIELDS)
def test_a_malformed_field_gets_the_same_answer_as_before(
    sync_server, change, code, mensaje, message
) -> None:
    answer = push(sync_server, sync_server.token(), [{**row(), **change}])
    assert answer.status_code == 422, answer.text
    assert answer.json() == {"error": code, "mensaje": mensaje, "message": message}


def test_a_local_only_table_cannot_be_pulled(sync_server) -> None:
    pulled = call(sync_server, sync_server.token(), "GET", "/v1/pull", params={"tabla": "outbox"})
    assert pulled.status_code == 422
    assert pulled.json() == {
        "error": "tabla_desconocida",
        "mensaje": "tabla: tabla desconocida.",
        "message": "tabla: unknown table.",
    }


def test_secrets_are_refused_even_if_a_client_sent_them(sync_server) -> None:
    user = {
        "table": "idse_users",
        "uuid": str(uuid.uuid4()),
        "version": 1,
        "updated_at": "2026-11-23T10:00:00",
        "deleted": False,
        "data": {"usuario": "ana@empresa.com", "password_hash": "scrypt$..."},
    }
    answer = push(sync_server, sync_server.token(), [user])
    assert answer.status_code == 422
    assert answer.json()["error"] == "campo_secreto"


def test_oversized_bodies_and_batches_get_413(sync_server) -> None:
    token = sync_server.token()
    big = row()
    big["data"]["razon_social"] = "x" * (300 * 1024)  # the test server allows 256 KiB
    answer = push(sync_server, token, [big])
    assert answer.status_code == 413
    assert answer.json()["error"] == "solicitud_demasiado_grande"

    # Chunked upload without Content-Length: refused while reading, not after.
    def chunks():
        yield b'{"batch_id": "x", "rows": ['
        for _ in range(400):
            yield b" " * 1024
        yield b"]}"

    answer = call(sync_server, token, "POST", "/v1/push", data=chunks())
    assert answer.status_code == 413

    many = [row(f"Y54{n:08d}") for n in range(501)]  # the test server allows 500 rows
    answer = push(sync_server, token, many)
    assert answer.status_code == 413
    assert answer.json()["error"] == "lote_demasiado_grande"


def test_pull_parameters_and_unknown_paths_are_4xx(sync_server) -> None:
    token = sync_server.token()
    for params in (
        {"since": "-1"},
        {"since": "abc"},
        {"limit": "0"},
        {"limit": "999999"},
        {"formato": "csv"},
    ):
        assert call(sync_server, token, "GET", "/v1/pull", params=params).status_code == 422
    # Digits that are not ASCII: «²» made int() fail (a 500); full-width and Arabic-Indic
    # digits were read as numbers. Only 0-9 is a number here.
    for raw in ("%C2%B2", "%EF%BC%91%EF%BC%90", "%D9%A1%D9%A0", "1%C2%B2"):
        for name in ("since", "limit"):
            answer = call(sync_server, token, "GET", f"/v1/pull?{name}={raw}")
            assert answer.status_code == 422, (name, raw, answer.text)
            assert answer.json()["error"] == "solicitud_invalida"
    assert call(sync_server, token, "GET", "/v1/nada").status_code == 404
    assert call(sync_server, token, "DELETE", "/v1/push").status_code == 405
    answer = call(sync_server, token, "GET", "/v1/pull", params={"since": "0", "limit": "10"})
    assert json.loads(answer.text) == {"rows": [], "cursor": 0, "remaining": 0}


def test_server_migrations_match_its_models(sync_server) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from icsoe_desktop.sync_server.models import ServerBase

    with sync_server.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), ServerBase.metadata) == []


def test_the_server_also_runs_on_sqlite_for_a_single_office(tmp_path) -> None:
    from icsoe_desktop.sync_server import db
    from icsoe_desktop.sync_server.app import create_app
    from tests.conftest import free_port
    from tests.sync.conftest import _ThreadServer

    engine = db.make_engine(f"sqlite:///{tmp_path / 'oficina.sqlite3'}")
    port = free_port()
    runner = _ThreadServer(create_app(engine), port)
    try:
        db.upgrade(engine)
        token = db.create_token(engine, EMPRESA, "Oficina").token
        runner.start()
        base = f"http://127.0.0.1:{port}"
        headers = {"Authorization": f"Bearer {token}"}
        body = {"batch_id": "b1", "rows": [row()]}
        assert requests.post(f"{base}/v1/push", json=body, headers=headers).status_code == 200
        pulled = requests.get(f"{base}/v1/pull", params={"since": 0}, headers=headers).json()
        assert [r["seq"] for r in pulled["rows"]] == [1]
        _content_is_summed_from_the_rows(base, headers, body["rows"])
    finally:
        runner.stop()
        engine.dispose()


def _content_is_summed_from_the_rows(base: str, headers: dict, rows: list[dict]) -> None:
    """``/v1/contenido`` per table, per bucket and per row: the fingerprints of the rows
    pushed (``domain/contenido.py``), as a desktop computes them."""
    prints = {r["uuid"]: contenido.huella(r["deleted"], r["data"]) for r in rows}
    url = f"{base}/v1/contenido"
    tablas = requests.get(url, headers=headers).json()["tablas"]
    assert tablas["registros_patronales"] == sync_wire.table_summary(
        len(rows), sum(prints.values())
    )
    table = {"tabla": "registros_patronales"}
    cubetas = requests.get(url, params=table, headers=headers).json()["cubetas"]
    assert sum(c["renglones"] for c in cubetas.values()) == len(rows)
    chosen = sync_wire.bucket_of(rows[0]["uuid"])
    listed = requests.get(url, params={**table, "cubetas": str(chosen)}, headers=headers).json()
    # Random uuids: another row may share the bucket (30 rows in 4,096 buckets), in any order.
    same = {
        r["uuid"]: (r["version"], str(prints[r["uuid"]]))
        for r in rows
        if sync_wire.bucket_of(r["uuid"]) == chosen
    }
    assert rows[0]["uuid"] in same
    found = zip(listed["uuid"], listed["version"], listed["huella"], strict=True)
    assert {u: (v, h) for u, v, h in found} == same
    assert len(listed["uuid"]) == len(same)
    for params, starts in (
        ({"cubetas": "1"}, "cubetas: números separados por comas, con tabla."),
        ({**table, "cubetas": "-1"}, "cubetas: números separados por comas, con tabla."),
        ({**table, "cubetas": "4096"}, "cubetas: menores que 4096."),
        ({"tabla": "usuarios"}, "tabla: tabla desconocida."),
    ):
        refused = requests.get(url, params=params, headers=headers)
        assert refused.status_code == 422
        assert refused.json()["mensaje"] == starts
    assert requests.get(url).status_code == 401


def test_the_content_of_the_rows_is_summed_for_the_desktops(sync_server) -> None:
    token = sync_server.token()
    rows = [row(f"Y54{n:08d}") for n in range(30)]
    rows[3]["data"]["razon_social"] = 'Con "comillas" y ñ'
    # One row shares the first row's bucket: a bucket's listing holds every row in it.
    bucket = sync_wire.bucket_of(rows[0]["uuid"])
    rows[-1]["uuid"] = next(
        u for u in (str(uuid.uuid4()) for _ in range(1_000_000)) if sync_wire.bucket_of(u) == bucket
    )
    assert push(sync_server, token, rows).status_code == 200
    _content_is_summed_from_the_rows(sync_server.url, {"Authorization": f"Bearer {token}"}, rows)


def test_a_desktop_that_saw_past_the_last_sequence_starts_the_next_epoch(sync_server) -> None:
    """``POST /v1/epoca``: a claim at or below the company's last sequence changes nothing; one
    past it gives the next epoch (another history) and numbers from past it; a claim that is
    not a sequence is refused in Spanish, and none without a token."""
    token = sync_server.token()
    assert push(sync_server, token, [row(f"Y54{n:08d}") for n in range(3)]).status_code == 200

    def summary() -> dict:
        return call(sync_server, token, "GET", "/v1/resumen").json()

    before = summary()
    assert before["ultimo"] == before["cursor"] == 3
    same = call(sync_server, token, "POST", "/v1/epoca", json={"visto": 3}).json()
    assert same["historia"] == before["historia"] == summary()["historia"]
    moved = call(sync_server, token, "POST", "/v1/epoca", json={"visto": 40}).json()
    after = summary()
    assert moved["historia"] == after["historia"] != before["historia"]
    assert after["cursor"] == 40
    assert push(sync_server, token, [row("Y5400000099")]).json()["cursor"] == 41
    for bad in ({"visto": True}, {"visto": "40"}, {"visto": 0}, {"visto": 2**60}, {}, []):
        refused = call(sync_server, token, "POST", "/v1/epoca", json=bad)
        assert refused.status_code == 422
        assert refused.json()["mensaje"].startswith("visto: se esperaba un entero entre 1 y ")
    assert call(sync_server, None, "POST", "/v1/epoca", json={"visto": 50}).status_code == 401
    assert summary()["cursor"] == 41


def test_a_mistyped_server_command_is_answered_in_spanish(capsys) -> None:
    for argv, reason in (
        (["serve", "--max-rows", "muchos"], "argumento --max-rows: valor no válido: 'muchos'"),
        ([], "faltan estos argumentos: comando"),
        (["token"], "faltan estos argumentos"),
    ):
        with pytest.raises(SystemExit) as exit_:
            server_main(argv)
        assert exit_.value.code == 2
        err = capsys.readouterr().err
        assert err.startswith("uso: python -m icsoe_desktop.sync_server") and reason in err, err


def test_the_uuids_tree_is_summed_and_listed_below_a_bucket_and_bad_nodes_are_refused(
    sync_server,
) -> None:
    """A repair's finer levels: the 16 children of a node summed from the rows as the desktop
    sums its own, the rows under a node listed; a node that is not a uuid's end, refused in
    Spanish."""
    token = sync_server.token()
    rows = [row(f"Y54{n:08d}") for n in range(40)]
    assert push(sync_server, token, rows).status_code == 200
    node = rows[0]["uuid"][-3:]
    under = {r["uuid"]: 1 for r in rows if r["uuid"].endswith(node)}

    summed = call(
        sync_server,
        token,
        "GET",
        "/v1/resumen",
        params={"tabla": "registros_patronales", "sufijos": node},
    ).json()["sufijos"]
    listed = call(
        sync_server,
        token,
        "GET",
        "/v1/versiones",
        params={"tabla": "registros_patronales", "sufijos": rows[0]["uuid"][-5:]},
    ).json()
    refused = call(
        sync_server,
        token,
        "GET",
        "/v1/resumen",
        params={"tabla": "registros_patronales", "sufijos": "XYZ"},
    )

    expected = sync_tree.children_sums(under.items(), [node])
    assert {c: (s["renglones"], int(s["suma"])) for c, s in summed.items()} == expected
    assert listed["uuid"] == [rows[0]["uuid"]] and listed["version"] == [1]
    assert refused.status_code == 422
    assert refused.json()["mensaje"].startswith("sufijos: finales de uuid")
