"""A desktop whose copy drifted from the server (rows kept at an older version, or gone, with
nothing pending) finds it at its next sync and receives again only the rows that differ, not
their buckets of uuids nor the table; afterwards it is verified. A push committing while a
desktop checks is never taken for drift."""

from __future__ import annotations

import logging
from datetime import date

import pytest
from sqlalchemy import delete, select, text

from icsoe_desktop.demo.movimientos import create_demo_movimientos
from icsoe_desktop.domain import sync_tree, sync_wire
from icsoe_desktop.services.movimientos.servicio import Filtro
from icsoe_desktop.services.sync import intercambio as sync_module
from icsoe_desktop.store.models import MovimientoRow, RegistroPatronal, SyncRowState
from icsoe_desktop.store.tracking import APPLYING_REMOTE
from icsoe_desktop.sync_server.rutas import deriva as server_app
from tests.sync.conftest import EMPRESA, connected

ADMIN = "e"
ROWS = 150


def test_a_drifted_row_is_found_and_only_it_is_received_again(
    sync_server, desktops, caplog
) -> None:
    a, b = connected(sync_server, desktops)
    for n in range(ROWS):
        a.registros.save(f"Y54{n:08d}", EMPRESA, "Original", ADMIN)
    a.sync.synchronize()
    b.sync.synchronize()
    a.registros.save("Y5400000007", EMPRESA, "Nuevo", ADMIN)
    a.sync.synchronize()
    b.sync.synchronize()
    # B noted the new version as received but kept the old copy, with nothing pending.
    with b.store.session() as session:
        session.info[APPLYING_REMOTE] = True
        row = session.scalar(
            select(RegistroPatronal).where(RegistroPatronal.registro == "Y5400000007")
        )
        row.razon_social, row.version = "Original", 1
        drifted = row.uuid
    with sync_server.engine.connect() as conn:
        on_server = conn.execute(
            text("SELECT uuid FROM rows WHERE tabla = 'registros_patronales'")
        ).scalars()
        same_bucket = [
            u for u in on_server if sync_wire.bucket_of(u) == sync_wire.bucket_of(drifted)
        ]

    with caplog.at_level(logging.WARNING, logger="icsoe_desktop.services.sync"):
        b.sync.synchronize()

    assert {r.registro: r.razon_social for r in b.registros.listar()}["Y5400000007"] == "Nuevo"
    repairs = [r.getMessage() for r in caplog.records if "recibidos de nuevo" in r.getMessage()]
    assert repairs == [
        "Tabla registros_patronales: 1 cubetas distintas del servidor, "
        "1 renglones recibidos de nuevo",
        "Registro patronal: 1 renglón en otra versión; recibidos de nuevo del servidor.",
    ]
    assert same_bucket  # its bucket's other rows stayed where they were
    assert b.sync.status().verified_at is not None


@pytest.mark.parametrize("servidor", ["arbol", "arbol_hasta_un_renglon", "sin_arbol"])
def test_rows_drifted_across_many_buckets_are_the_only_ones_received_again(
    sync_server, desktops, caplog, monkeypatch, servidor
) -> None:
    """Movimientos spread over hundreds of buckets: each drifted one (an older version, or
    its row gone from this desktop) is received again, and no other; whether the server
    splits the buckets down the uuids' tree (down to single rows when every node is split),
    or, an older server, lists every row of them."""
    if servidor != "arbol":  # (every bucket here holds a few rows: each is split, or tried)
        monkeypatch.setattr(sync_tree, "LEAF", 0)
    if servidor == "sin_arbol":  # it ignores «sufijos», as a server before the tree did
        monkeypatch.setattr(server_app, "parse_nodes", lambda _params, _table: None)
    monkeypatch.setattr(sync_module, "BATCH_ROWS", 300)  # the test server takes 500 at most
    monkeypatch.setattr(sync_module, "BATCH_BYTES", 200 * 1024)  # and 256 KiB
    a, b = connected(sync_server, desktops)
    create_demo_movimientos(a.store, 3000, date(2026, 11, 22))
    a.sync.synchronize()
    b.sync.synchronize()
    with b.store.session() as session:
        session.info[APPLYING_REMOTE] = True
        rows = session.scalars(select(MovimientoRow).order_by(MovimientoRow.id)).all()
        older = rows[::41]  # kept at an older version than the state and the server say
        for row in older:
            row.version = 7
        gone = rows[5::97]  # removed without a trace (row and state)
        for row in gone:
            session.delete(row)
            session.execute(delete(SyncRowState).where(SyncRowState.row_uuid == row.uuid))
    diverged = len({r.uuid for r in (*older, *gone)})
    with b.store.session() as session:
        buckets = {sync_wire.bucket_of(r.uuid) for r in (*older, *gone)}
    assert len(buckets) > 80

    with caplog.at_level(logging.WARNING, logger="icsoe_desktop.services.sync"):
        b.sync.synchronize()

    repairs = [r.getMessage() for r in caplog.records if "recibidos de nuevo" in r.getMessage()]
    assert repairs == [
        f"Tabla movimientos: {len(buckets)} cubetas distintas del servidor, "
        f"{diverged} renglones recibidos de nuevo",
        f"Movimiento afiliatorio: {len(gone)} renglones faltaban en este equipo, "
        f"{diverged - len(gone)} renglones en otra versión; recibidos de nuevo del servidor.",
    ]
    assert b.sync.status().verified_at is not None
    assert b.movimientos.count(Filtro()) == a.movimientos.count(Filtro()) == 3000


@pytest.mark.parametrize("sums_with_pages", [True, False])
def test_a_push_committing_during_a_check_is_not_taken_for_drift(
    sync_server, desktops, caplog, sums_with_pages: bool
) -> None:
    """Another desktop's push lands between this desktop's pull and its check. The sums the
    pull's last page carried are those of the pull's cursor: compared there, repairing
    nothing; the change comes with the next sync. From a server that sends no sums with its
    pages, the check asks for them, finds the company moved on, catches up and compares at
    the same cursor, repairing nothing."""
    a, b = connected(sync_server, desktops)
    for n in range(20):
        a.registros.save(f"Y55{n:08d}", EMPRESA, "Original", ADMIN)
    a.sync.synchronize()
    b.sync.synchronize()
    if not sums_with_pages:
        call = b.sync.transporte.call

        def as_a_server_without_them(http, method: str, url: str, **kwargs):
            answer = call(http, method, url, **kwargs)
            if url.endswith("/v1/pull"):
                answer.pop("resumen", None)
            return answer

        b.sync.transporte.call = as_a_server_without_them
    read_view = b.sync.verificacion._local_view
    pushed = []

    def view_then_a_push():
        view = read_view()
        if not pushed:
            a.registros.save("Y5500000003", EMPRESA, "Cambiado", ADMIN)
            pushed.append(a.sync.synchronize().enviados)
        return view

    b.sync.verificacion._local_view = view_then_a_push
    with caplog.at_level(logging.WARNING, logger="icsoe_desktop.services.sync"):
        b.sync.synchronize()
        if sums_with_pages:
            assert b.sync.synchronize().recibidos >= 1

    assert pushed and pushed[0] >= 1  # (the change and its audit entry)
    assert not [r for r in caplog.records if "distintas" in r.getMessage()]
    assert b.sync.status().verified_at is not None
    assert {r.registro: r.razon_social for r in b.registros.listar()}["Y5500000003"] == "Cambiado"
