"""The sync wire format both ends share: every synced column's values come back from the wire as
they went, a value of the wrong type is refused, and what the server writes the desktop reads."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import pytest

from icsoe_desktop.domain import sync_wire
from icsoe_desktop.store.sync_tables import SYNCED_TABLES

# Values a column of each kind holds, edges included (None is null for every kind).
SAMPLES: dict[str, list[Any]] = {
    "texto": ["", "Nóminas del Centro, S.A. de C.V.", "ñ€😀", "x" * 1000],
    "entero": [0, 1, -1, 2**31 - 1, 2**53 + 1],
    "booleano": [True, False],
    "fecha": [date(2026, 11, 23), date(1, 1, 1), date(9999, 12, 31)],
    "fecha_hora": [datetime(2026, 11, 23, 10, 0), datetime(2026, 2, 28, 23, 59, 59, 999999)],
    "bytes": [b"", bytes(range(256)), b"\x30\x82" * 2000],
}
# What a column's Python type must be for its codec (a Numeric column would fall into TEXT).
PYTHON_TYPES = {
    "texto": str,
    "entero": int,
    "booleano": bool,
    "fecha": date,
    "fecha_hora": datetime,
    "bytes": bytes,
}
WRONG: dict[str, list[Any]] = {
    "texto": [1, True, 1.5],
    "entero": ["1", True, 1.5],
    "booleano": [1, 0, "true"],
    "fecha": ["23/11/2026", "2026-13-01"],
    "fecha_hora": ["ayer", "2026-11-23T25:00"],
    "bytes": ["no es base64!", "YQ"],
}

COLUMNS = [
    (f"{table.name}.{name}", column, table.codecs[name])
    for table in SYNCED_TABLES
    for name, column in table.columns.items()
]


def through_the_wire(value: Any) -> Any:
    return json.loads(json.dumps(value))


@pytest.mark.parametrize(("where", "column", "codec"), COLUMNS, ids=[c[0] for c in COLUMNS])
def test_every_synced_column_comes_back_as_it_went(where, column, codec) -> None:
    python_type = column.type.python_type
    assert python_type is PYTHON_TYPES[codec.kind], f"{where}: no codec for {column.type}"
    for value in SAMPLES[codec.kind]:
        sent = through_the_wire(codec.encode(value))
        assert sent == sync_wire.encode_value(value)  # the conflicts view encodes the same way
        back = codec.decode(sent)
        assert back == value and type(back) is type(value), where
    assert sync_wire.encode_value(None) is None


def test_the_codecs_cover_every_kind_of_synced_column() -> None:
    assert {codec.kind for _where, _column, codec in COLUMNS} == set(PYTHON_TYPES)


@pytest.mark.parametrize("codec", sync_wire.CODECS, ids=lambda c: c.kind)
def test_a_value_of_the_wrong_type_is_refused(codec) -> None:
    for raw in WRONG[codec.kind]:
        with pytest.raises((TypeError, ValueError)):
            codec.decode(raw)


def test_a_datetime_with_an_offset_keeps_its_wall_time() -> None:
    # As the desktop always read it: the offset is dropped, not converted.
    assert sync_wire.DATETIME.decode("2026-11-23T10:00:00-06:00") == datetime(2026, 11, 23, 10)


def test_what_the_server_writes_the_desktop_reads() -> None:
    lost = sync_wire.version(2, datetime(2026, 11, 23, 10), False, {"registro": "Y5412345106"})
    result = sync_wire.push_result("registros_patronales", "u-1", 3, 8, sync_wire.conflict(7, lost))
    answer = through_the_wire(sync_wire.push_answer([result], 8))
    assert sync_wire.read_push_answer(answer) == {"results": [result], "cursor": 8}
    assert answer["results"][0]["overwritten"] == {
        "seq": 7,
        "version": 2,
        "updated_at": "2026-11-23T10:00:00",
        "deleted": False,
        "data": {"registro": "Y5412345106"},
    }
    # Who wrote the version lost and who pushed: the two desktops its conflict is listed on.
    # An answer that names neither (an older server) reads as before.
    result = dict(result, overwritten=sync_wire.sobrescrita(7, lost, 4))
    answer = through_the_wire({**sync_wire.push_answer([result], 8), "equipo": 5})
    read = sync_wire.read_push_answer(answer)
    assert (read["equipo"], read["results"][0]["overwritten"]["autor"]) == (5, 4)
    assert "autor" not in sync_wire.sobrescrita(7, lost, None)
    assert "equipo" not in sync_wire.read_push_answer({**answer, "equipo": "5"})

    # The server's row-wise page (old desktops) still names the lost version of a row.
    row = sync_wire.pulled_row("registros_patronales", "u-1", 8, lost)
    assert sync_wire.loser(through_the_wire(row)) == {"seq": 8, **lost}
    # This desktop reads pages column by column, as the server writes them.
    grupo = {
        "table": "registros_patronales",
        "uuid": ["u-1"],
        "seq": [8],
        "version": [2],
        "updated_at": ["2026-11-23T10:00:00"],
        "deleted": [False],
        "columns": ["registro"],
        "values": [["Y5412345106"]],
    }
    page = through_the_wire(sync_wire.pull_page([], 8, 0, [grupo]))
    assert sync_wire.read_pull_page(page, 0) == {
        "rows": [],
        "cursor": 8,
        "remaining": 0,
        "grupos": [grupo],
    }
    # An empty last page may leave the cursor out: the one asked from stands.
    assert sync_wire.read_pull_page({"grupos": [], "remaining": 0}, 5)["cursor"] == 5
    # A page of rows only comes from a server older than this desktop: refused.
    with pytest.raises(sync_wire.WireError):
        sync_wire.read_pull_page({"rows": [row], "cursor": 8, "remaining": 0}, 0)

    summary = sync_wire.table_summary(1, sync_wire.row_hash("u-1", 3))
    resumen = through_the_wire(sync_wire.resumen(8, {"registros_patronales": summary}))
    assert sync_wire.read_resumen(resumen)["cursor"] == 8
    theirs = resumen["tablas"]["registros_patronales"]
    assert not sync_wire.summary_differs(theirs, 1, sync_wire.row_hash("u-1", 3))
    assert sync_wire.summary_differs(theirs, 1, sync_wire.row_hash("u-1", 4))
    assert sync_wire.summary_differs({}, 1, 0) and not sync_wire.summary_differs({}, 0, 0)


def test_a_push_batch_is_the_json_the_server_expects() -> None:
    row = sync_wire.push_row(
        "registros_patronales", "u-1", 1, datetime(2026, 11, 23, 10), False, 0, {"rfc": "Ñ"}
    )
    body = json.loads(sync_wire.push_body("lote-1", [json.dumps(row).encode()]))
    assert body == {"batch_id": "lote-1", "rows": [{**row, "updated_at": "2026-11-23T10:00:00"}]}


@pytest.mark.parametrize(
    ("read", "answer"),
    [
        (sync_wire.read_push_answer, {"results": {}, "cursor": 1}),
        (sync_wire.read_push_answer, {"results": []}),
        (sync_wire.read_push_answer, {"results": [["movimientos", "u-1", 1, 8]], "cursor": 8}),
        (sync_wire.read_push_answer, {"results": [{"table": "movimientos"}], "cursor": 8}),
        (sync_wire.read_resumen, {"tablas": [], "cursor": 1}),
        (sync_wire.read_resumen, {"tablas": {}, "cursor": "1"}),
    ],
)
def test_an_answer_of_the_wrong_shape_is_refused(read, answer) -> None:
    with pytest.raises(sync_wire.WireError):
        read(answer)


def test_a_pull_page_of_the_wrong_shape_is_refused() -> None:
    grupo = {
        "table": "registros_patronales",
        "uuid": ["u-1", "u-2"],
        "seq": [1, 2],
        "version": [1, 1],
        "updated_at": ["2026-11-23T10:00:00", "2026-11-23T10:00:00"],
        "deleted": [False, False],
        "columns": ["registro"],
        "values": [["Y5412345106", "Y5412345107"]],
    }
    for page, since in (
        ({"grupos": {}, "cursor": 1, "remaining": 0}, 0),
        ({"grupos": [], "cursor": 1}, 0),  # a sync reads «remaining» for its progress
        ({"grupos": [], "cursor": "1", "remaining": 0}, 0),
        ({"grupos": [], "remaining": 0}, None),  # a repair must be told the cursor
        # A list shorter than the group's uuids would put a value in another row.
        ({"grupos": [{**grupo, "seq": [1]}], "cursor": 2, "remaining": 0}, 0),
        ({"grupos": [{**grupo, "values": [["Y5412345106"]]}], "cursor": 2, "remaining": 0}, 0),
        ({"grupos": [{**grupo, "deleted": [0, 0]}], "cursor": 2, "remaining": 0}, 0),
    ):
        with pytest.raises(sync_wire.WireError):
            sync_wire.read_pull_page(page, since)
    assert sync_wire.read_pull_page({"grupos": [grupo], "cursor": 2, "remaining": 0}, 0)
    # A repair reads no «remaining».
    assert sync_wire.read_pull_page({"grupos": [], "cursor": 3}, None)["cursor"] == 3


def _stored(table: str, row_uuid: str, seq: int, deleted: bool, data: dict[str, Any]) -> tuple:
    """A row as the server reads it: (table, uuid, seq, version, updated_at, deleted, data)."""
    return (table, row_uuid, seq, 2, datetime(2026, 11, 23, 10, seq), deleted, data)


def test_rows_pulled_column_by_column_are_the_same_rows() -> None:
    stored = [
        _stored("registros_patronales", "r-1", 1, False, {"registro": "Y5412345106", "n": 1}),
        _stored("movimientos", "m-1", 2, False, {"nss": "12345678901", "fecha": "2026-11-23"}),
        _stored("registros_patronales", "r-2", 3, False, {"registro": "Y5412345107", "n": 2}),
        # another set of columns (an older desktop's row), and a tombstone without data
        _stored("movimientos", "m-2", 4, False, {"nss": "12345678902"}),
        _stored("movimientos", "m-3", 5, True, {}),
        _stored("movimientos", "m-4", 6, False, {"nss": "12345678904", "fecha": None}),
    ]
    groups = sync_wire.pulled_groups(stored)
    page = through_the_wire(sync_wire.pull_page([], 6, 0, groups))
    read = sync_wire.read_pull_page(page, 0)
    assert sync_wire.page_size(read) == 6
    # One group per table and set of columns, each in the rows' order.
    assert [(g["table"], g["columns"], g["seq"]) for g in read["grupos"]] == [
        ("registros_patronales", ["registro", "n"], [1, 3]),
        ("movimientos", ["nss", "fecha"], [2, 6]),
        ("movimientos", ["nss"], [4]),
        ("movimientos", [], [5]),
    ]
    rows = sorted(
        (row for group in read["grupos"] for row in sync_wire.group_rows(group)),
        key=lambda row: row["seq"],
    )
    assert rows == [
        sync_wire.pulled_row(t, u, seq, sync_wire.version(v, at, deleted, data))
        for t, u, seq, v, at, deleted, data in stored
    ]


def test_a_pulled_group_of_the_wrong_shape_is_refused() -> None:
    (good,) = through_the_wire(
        sync_wire.pulled_groups(
            [_stored("movimientos", "m-1", 1, False, {"nss": "1", "fecha": "2026-11-23"})]
        )
    )
    assert sync_wire.read_pull_page({"rows": [], "cursor": 1, "remaining": 0, "grupos": [good]}, 0)
    for bad in (
        {**good, "seq": [1, 2]},  # a list longer than the uuids: values would shift rows
        {**good, "values": [["1"]]},  # fewer value lists than columns
        {**good, "values": [["1"], []]},  # a column shorter than the rows
        {**good, "columns": ["nss", "nss"]},
        {**good, "columns": ["nss", 1]},
        {**good, "seq": ["1"]},
        {**good, "deleted": [0]},  # a number is not a boolean here
        {**good, "version": [True]},
        {**good, "uuid": "m-1"},
        {k: v for k, v in good.items() if k != "updated_at"},
        {**good, "table": None},
        [good],
    ):
        page = {"rows": [], "cursor": 1, "remaining": 0, "grupos": [bad]}
        with pytest.raises(sync_wire.WireError):
            sync_wire.read_pull_page(page, 0)
    with pytest.raises(sync_wire.WireError):
        sync_wire.read_pull_page({"rows": [], "cursor": 1, "remaining": 0, "grupos": {}}, 0)
