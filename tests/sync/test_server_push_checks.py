"""A push batch's checks on a server with its real limits (8 MiB, 2,000 rows): a plain batch is
checked column by column over the whole batch, anything else row by row. Both must give the
same answers: the wrong row named with its reason, and every odd but valid value stored and
pulled back as it was sent."""

from __future__ import annotations

import uuid

import orjson
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from icsoe_desktop.sync_server import protocol
from icsoe_desktop.sync_server.models import SyncedRow
from tests.sync.conftest import SyncServer
from tests.sync.test_server import ODD_VALUES, call, push, row

SIZE = 300  # rows: more than a COPY's minimum (100), the rows written by COPY
WRONG = 250  # the row made wrong


def batch(size: int = SIZE) -> list[dict]:
    return [row(f"Y54{n:08d}") for n in range(size)]


def stored(server: SyncServer) -> int:
    with Session(server.engine) as session:
        return session.scalar(select(func.count()).select_from(SyncedRow))


def pull_all(server: SyncServer, token: str) -> dict[str, dict]:
    page = call(server, token, "GET", "/v1/pull", params={"since": 0, "limit": 5000}).json()
    return {r["uuid"]: r for r in page["rows"]}


ONLY = "sólo se admiten texto, números, verdadero/falso o null."
W = f"rows[{WRONG}]"
# (what row WRONG gets, the answer's error code, its «mensaje»)
WRONG_ROWS = [
    ({"data": {"razon_social": "x" * (protocol.MAX_TEXT + 1)}}, "solicitud_invalida", f"{W}.data.razon_social: {ONLY}"),
    ({"data": {"sbc": 2**63}}, "solicitud_invalida", f"{W}.data.sbc: {ONLY}"),
    ({"data": {"sbc": -(2**63)}}, "solicitud_invalida", f"{W}.data.sbc: {ONLY}"),
    ({"data": {"sbc": 2**64}}, "solicitud_invalida", f"{W}.data.sbc: {ONLY}"),
    ({"data": {"sbc": [1]}}, "solicitud_invalida", f"{W}.data.sbc: {ONLY}"),
    ({"data": {"registro": "con\u0000nulo"}}, "solicitud_invalida", f"{W}.data.registro: {ONLY}"),
    ({"data": {"registro": "media \ud800 letra"}}, "solicitud_invalida", f"{W}.data.registro: {ONLY}"),
    ({"data": {"": 1}}, "solicitud_invalida", f"{W}.data: nombre de campo inválido."),
    ({"data": {"k" * 65: 1}}, "solicitud_invalida", f"{W}.data: nombre de campo inválido."),
    ({"data": {"\u0000": 1}}, "solicitud_invalida", f"{W}.data: nombre de campo inválido."),
    (
        {"table": "idse_users", "data": {"usuario": "ana@empresa.com", "password_hash": "x"}},
        "campo_secreto",
        f"{W}.data.password_hash: este campo es secreto y nunca se sincroniza.",
    ),
    ({"table": "outbox"}, "tabla_desconocida", f"{W}.table: tabla desconocida."),
    ({"uuid": "123"}, "solicitud_invalida", f"{W}.uuid: UUID inválido."),
    ({"uuid": 123}, "solicitud_invalida", f"{W}.uuid: UUID inválido."),
    ({"version": 0}, "solicitud_invalida", f"{W}.version: se esperaba un entero entre 1 y 2147483647."),
    ({"version": True}, "solicitud_invalida", f"{W}.version: se esperaba un entero entre 1 y 2147483647."),
    ({"base_seq": -1}, "solicitud_invalida", f"{W}.base_seq: se esperaba un entero entre 0 y {2**62}."),
    ({"updated_at": "2026-11-31T10:00:00"}, "solicitud_invalida", f"{W}.updated_at: fecha ISO 8601 inválida."),
    ({"updated_at": "2026-11-23T10:00:00" + " " * 30}, "solicitud_invalida", f"{W}.updated_at: fecha ISO 8601 inválida."),
    ({"deleted": 0}, "solicitud_invalida", f"{W}.deleted: se esperaba verdadero o falso."),
    ({"data": None}, "solicitud_invalida", f"{W}.data debe ser un objeto."),
]  # fmt: skip


@pytest.mark.parametrize(("change", "code", "mensaje"), WRONG_ROWS)
def test_one_wrong_row_in_a_big_batch_is_named_with_its_reason(
    full_server, change, code, mensaje
) -> None:
    rows = batch()
    change = dict(change)
    if isinstance(change.get("data"), dict):  # one more value among the row's own
        change["data"] = {**rows[WRONG]["data"], **change["data"]}
    rows[WRONG].update(change)
    answer = push(full_server, full_server.token(), rows)
    assert answer.status_code == 422, answer.text
    assert (answer.json()["error"], answer.json()["mensaje"]) == (code, mensaje)
    assert stored(full_server) == 0


def test_a_row_repeated_in_a_big_batch_refuses_the_batch(full_server) -> None:
    rows = batch()
    rows[WRONG]["uuid"] = rows[10]["uuid"]
    answer = push(full_server, full_server.token(), rows)
    assert answer.status_code == 422
    assert answer.json()["mensaje"] == "El lote repite un renglón (misma tabla y UUID)."
    assert stored(full_server) == 0


def test_a_key_set_accepted_for_one_table_is_still_checked_for_another(full_server) -> None:
    token = full_server.token()
    keys = {"usuario": "ana@empresa.com", "password_hash": "no es secreto aquí"}
    # (lotes: a table whose rows hold no key the server keeps once, as these have none)
    accepted = [dict(r, table="lotes", data=dict(keys)) for r in batch()]
    assert push(full_server, token, accepted).status_code == 200
    refused = batch()
    refused[WRONG] = dict(refused[WRONG], table="idse_users", data=dict(keys))
    answer = push(full_server, token, refused)
    assert answer.status_code == 422
    assert answer.json()["error"] == "campo_secreto"
    assert stored(full_server) == SIZE


PLAIN_ODD = {k: v for k, v in ODD_VALUES.items() if type(v) is not float}


def test_a_big_batch_of_odd_texts_comes_back_as_it_was_sent(full_server) -> None:
    token = full_server.token()
    # (lotes: a table whose rows hold no key the server keeps once, as these have none)
    rows = [dict(r, table="lotes", data=dict(PLAIN_ODD, n=n)) for n, r in enumerate(batch())]
    answer = push(full_server, token, rows)
    assert answer.status_code == 200, answer.text
    results = answer.json()["results"]
    assert [r["seq"] for r in results] == list(range(1, SIZE + 1))
    assert [r["uuid"] for r in results] == [r["uuid"] for r in rows]
    assert {r["overwritten"] for r in results} == {None}
    pulled = pull_all(full_server, token)
    for sent in rows:
        back = pulled[sent["uuid"]]
        assert back["data"] == sent["data"]
        assert (back["version"], back["deleted"], back["updated_at"]) == (
            1,
            False,
            "2026-11-23T10:00:00",
        )


def test_unusual_valid_rows_in_a_big_batch_are_accepted_as_ever(full_server) -> None:
    token = full_server.token()
    rows = batch()
    upper = str(uuid.uuid4()).upper()
    rows[1]["uuid"] = upper  # stored in its canonical form
    rows[2]["updated_at"] = "2026-11-23T04:00:00-06:00"  # stored in UTC
    rows[3]["data"] = dict(ODD_VALUES)  # a float among them
    rows[4]["data"]["razon_social"] = "x" * protocol.MAX_TEXT  # the longest text allowed
    rows[5]["data"] = {"razon_social": "y" * 300_000, "rfc": "z" * 300_000}  # long together
    rows[6]["data"]["sbc"] = 2**63 - 1
    rows[7]["data"]["sbc"] = -(2**63) + 1
    del rows[8]["base_seq"]  # 0 when missing
    rows[9]["nota"] = "un campo que el servidor no conoce"  # ignored, as ever
    answer = push(full_server, token, rows)
    assert answer.status_code == 200, answer.text
    assert answer.json()["results"][1]["uuid"] == upper.lower()
    pulled = pull_all(full_server, token)
    assert len(pulled) == SIZE
    assert pulled[upper.lower()]["data"] == rows[1]["data"]
    assert pulled[rows[2]["uuid"]]["updated_at"] == "2026-11-23T10:00:00"
    for n in range(3, 10):
        assert pulled[rows[n]["uuid"]]["data"] == rows[n]["data"]
    assert type(pulled[rows[3]["uuid"]]["data"]["flotante_enorme"]) is float


def test_the_column_checks_and_the_row_checks_read_a_plain_batch_alike() -> None:
    rows = [dict(r, data=dict(PLAIN_ODD, n=n)) for n, r in enumerate(batch())]
    rows[7]["deleted"], rows[8]["base_seq"], rows[9]["version"] = True, 41, 3
    body = orjson.dumps({"batch_id": "lote", "rows": rows})
    columns = protocol.parse_push_body(body)
    # (``scan_text``: as for a body with a \u escape that could hide a bad text: row by row)
    by_row = protocol.parse_push(orjson.loads(body), scan_text=True)
    assert columns.data_json is not None and by_row.data_json is None  # the two ways taken
    assert columns.rows == by_row.rows
    assert [orjson.loads(text) for text in columns.data_json] == [r["data"] for r in rows]
