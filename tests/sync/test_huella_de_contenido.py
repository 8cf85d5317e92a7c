"""One content fingerprint on both ends (``domain/contenido.py``): PostgreSQL's computes what
Python's does for any text a row may hold, and after the desktops sync every synced table's
content sums on each desktop are the server's (so the content check finds nothing where
nothing changed, and receives nothing again)."""

from __future__ import annotations

import hashlib
from datetime import date

import orjson
import pytest
from sqlalchemy import func, select, text

from icsoe_desktop.demo.movimientos import create_demo_movimientos
from icsoe_desktop.demo.nomina import create_demo_recibos
from icsoe_desktop.domain import contenido, sync_wire
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.sync import encode
from icsoe_desktop.services.sync.contenido import CHECKED_TABLES, ComparacionContenido
from icsoe_desktop.store.models import MovimientoRow, SyncRowState
from icsoe_desktop.store.sync_tables import SYNCED_TABLES, by_name
from icsoe_desktop.sync_server import contenido as servidor
from icsoe_desktop.sync_server.auth import authenticate
from tests.icsoe_helpers import enter_contratista
from tests.informativa_servicios import PERIODO, contrato_con_trabajadores
from tests.sync.conftest import EMPRESA, connected

VALUES = [
    {"razon_social": "Comercial Ñandú, S.A. de C.V.", "registro": "Y5612345106"},
    {"b": 'comillas " y \\ diagonal', "aa": "tab\tsalto\nretorno\r", "ccc": "\x01\x1f\x7f"},
    {"n": 0, "entero": -(2**62), "si": True, "no": False, "nulo": None, "vacio": ""},
    {"emoji": "😀 ümlaut €", "é": "clave no ASCII", "z": "último", "zz": "/ < > &"},
    {"inicio": ":dos puntos", "fin": "coma,", "medio": 'a":"b', "x": "", "y": ",", "w": ":"},
    {},
]


@pytest.mark.parametrize("data", VALUES)
@pytest.mark.parametrize("deleted", [False, True])
def test_postgresql_computes_the_fingerprint_python_does(sync_server, data, deleted) -> None:
    sql = text(f"SELECT {contenido.SQL.format(deleted=':deleted', data='CAST(:data AS json)')}")
    # The same content written another way (spaced, keys reversed, escapes) is the same.
    other = (
        "{"
        + ", ".join(
            f"{orjson.dumps(k).decode()} :  {orjson.dumps(v).decode()}"
            for k, v in reversed(list(data.items()))
        )
        + "}"
    )
    with sync_server.engine.connect() as conn:
        for written in (orjson.dumps(data).decode(), other):
            found = conn.execute(sql, {"deleted": deleted, "data": written}).scalar_one()
            assert found == contenido.huella(deleted, data)
    assert contenido.huella(deleted, {**data, "otra": None}) == contenido.huella(deleted, data)


def test_a_change_of_content_changes_the_fingerprint() -> None:
    base = {"razon_social": "Original", "registro": "Y5612345106"}
    assert contenido.huella(False, base) != contenido.huella(False, {**base, "rfc": "X"})
    assert contenido.huella(False, base) != contenido.huella(False, {**base, "razon_social": "o"})
    assert contenido.huella(False, base) != contenido.huella(True, base)
    assert contenido.huella(True, base) == contenido.huella(True, {})


def test_orjsons_text_gives_the_standard_librarys_fingerprint() -> None:
    """``huella`` writes the text with orjson where it can: the same fingerprint as the
    standard library's text (``texto``, which PostgreSQL's twin is checked against above),
    also for the values only ``texto`` writes (a fraction, a nested value, a huge integer)."""

    def reference(data: dict) -> int:
        hashed = ("f" + contenido.texto(data)).encode()
        return int.from_bytes(hashlib.md5(hashed).digest()[:8]) >> 4

    for data in [*VALUES, {"f": 1.5}, {"n": {"a": 1}}, {"g": 2**70}, {"a": None}]:
        assert contenido.huella(False, data) == reference(data), data
        kept = {k: data[k] for k in sorted(data, key=contenido.jsonb_order) if data[k] is not None}
        assert contenido.huella_ordenada(kept) == reference(data), data


def computed(services, table) -> dict[str, tuple[int, int]]:
    """uuid → (version, fingerprint) of each row of ``table`` that travels, hashed from the
    row as its push would carry it (no fingerprint kept with its state taken)."""
    with services.store.session() as session:
        return {
            row_uuid: (version, contenido.huella(deleted, data))
            for row_uuid, version, deleted, data in encode.contents(session, table)
        }


def kept(services, table) -> int:
    """How many rows of ``table`` have a fingerprint kept with their state that holds (the
    state clean, at the row's version)."""
    model = table.model
    with services.store.session() as session:
        return session.scalar(
            select(func.count())
            .select_from(model)
            .join(
                SyncRowState,
                (SyncRowState.table_name == table.name) & (SyncRowState.row_uuid == model.uuid),
            )
            .where(
                SyncRowState.huella.is_not(None),
                SyncRowState.dirty.is_(False),
                SyncRowState.version == model.version,
            )
        )


def test_after_a_sync_every_tables_content_is_the_servers_on_every_desktop(
    sync_server, desktops, tmp_path
) -> None:
    """And each row's fingerprint kept with its state (A's from its push's answers, B's
    from the pulled pages) is the one hashed from the row as it is stored, in every checked
    table that holds a row: apply stores exactly what the fingerprint describes."""
    a, b = connected(sync_server, desktops)
    create_demo_movimientos(a.store, 150, date(2026, 11, 22))
    create_demo_recibos(a.store, date(2026, 11, 2), 2, 5)
    rfc = enter_contratista(a, a.data_dir, tmp_path)
    uuid = a.informativas.crear(rfc, CLI_ACTOR, PERIODO)
    contrato_con_trabajadores(a, rfc, CLI_ACTOR, uuid, trabajadores=20)
    a.sync.synchronize()
    b.sync.synchronize()
    walked = []
    for services in (a, b):
        check = ComparacionContenido(services.store, None, None, None)  # only its rows read
        for table in CHECKED_TABLES:
            hashed = computed(services, table)
            assert check.fingerprints(table) == hashed, table.name
            with services.store.session() as session:
                summary = encode.fingerprint_summary(session, table)
            assert summary == (len(hashed), sum(h for _v, h in hashed.values())), table.name
            if hashed:
                walked.append(table.name)
                assert kept(services, table) == len(hashed), table.name
    assert {"movimientos", "icsoe_contrato_trabajadores", "nomina_recibos"} <= set(walked)
    for table in SYNCED_TABLES:  # (append-only ones too: all hashed, none kept)
        hashed = computed(a, table)
        with a.store.session() as session:
            summary = encode.fingerprint_summary(session, table)
        assert summary == (len(hashed), sum(h for _v, h in hashed.values())), table.name

    # An edit in the app: its fingerprint is hashed from the row, never the one kept from
    # before; once pushed, the one kept is the edit's.
    movimiento = next(iter(computed(b, by_name("movimientos"))))
    with b.store.session() as session:
        row = session.scalar(select(MovimientoRow).where(MovimientoRow.uuid == movimiento))
        row.nombre = "EDITADO EN LA APLICACION"
        session.commit()
    movimientos = by_name("movimientos")
    check = ComparacionContenido(b.store, None, None, None)
    before = check.fingerprints(movimientos)[movimiento]
    assert before == computed(b, movimientos)[movimiento]
    with b.store.session() as session:
        hashed = computed(b, movimientos)
        summary = encode.fingerprint_summary(session, movimientos)
    assert summary == (len(hashed), sum(h for _v, h in hashed.values()))
    b.sync.synchronize()
    assert check.fingerprints(movimientos) == computed(b, movimientos)
    assert check.fingerprints(movimientos)[movimiento] == before
    a.sync.synchronize()
    assert (
        ComparacionContenido(a.store, None, None, None).fingerprints(movimientos)[movimiento]
        == computed(a, movimientos)[movimiento]
        == before
    )
    caller = authenticate(sync_server.engine, f"Bearer {sync_server.token(nombre='C')}")
    theirs = servidor.tablas(sync_server.engine, caller)["tablas"]
    compared = []
    for services in (a, b):
        check = ComparacionContenido(services.store, None, None, None)  # only its rows read
        for table in CHECKED_TABLES:
            mine = check.fingerprints(table)
            if table.name in theirs or mine:
                compared.append(table.name)
                total = sum(h for _v, h in mine.values())
                assert not sync_wire.summary_differs(
                    theirs.get(table.name) or {}, len(mine), total
                ), table.name
    assert {"movimientos", "icsoe_contrato_trabajadores", "nomina_recibos"} <= set(compared)


def test_a_server_without_the_content_check_still_verifies(sync_database, desktops) -> None:
    """A server of an older version (no ``/v1/contenido``): the drift check alone, verified,
    and the content compared at the first sync with a server that has it."""
    from icsoe_desktop.sync_server.app import create_app
    from icsoe_desktop.sync_server.db import create_token
    from tests.conftest import free_port
    from tests.sync.conftest import _ThreadServer, connect

    _url, engine = sync_database
    app = create_app(engine)
    app.router.routes = [r for r in app.router.routes if getattr(r, "path", "") != "/v1/contenido"]
    port = free_port()
    runner = _ThreadServer(app, port)
    runner.start()
    try:
        a, _b = desktops
        connect(a, f"http://127.0.0.1:{port}", create_token(engine, EMPRESA, "A").token)
        a.registros.save("Y5612345106", EMPRESA, "Original", "e")
        result = a.sync.synchronize()
        assert a.sync.status().verified_at is not None, result.texto
        assert a.sync.estado.leer("contenido_at") == ""
    finally:
        runner.stop()
