"""Applying pulled rows to a real SQLite store: a row that does not fit the table is set apart
as an «invalido» conflict (never half-applied, never a crash), and the good rows still land."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from sqlalchemy import select

from icsoe_desktop.demo.movimientos import create_demo_movimientos
from icsoe_desktop.services.container import open_services
from icsoe_desktop.services.movimientos import Filtro, Orden
from icsoe_desktop.services.sync_rows import apply_remote, local_changes
from icsoe_desktop.store.models import SyncConflict

TODAY = date(2026, 11, 22)


def test_pulled_rows_that_do_not_fit_are_kept_apart_and_the_rest_land(
    services, tmp_path: Path, clock
) -> None:
    create_demo_movimientos(services.store, 5, TODAY)
    with services.store.session() as session:
        wire = [r for r in local_changes(session) if r["table"] == "movimientos"]
    good, bad_date, text_money, missing, number_curp = wire
    bad_date["data"]["fecha"] = "2026-02-30"
    text_money["data"]["sbc"] = "315.04"
    del missing["data"]["nss"]
    number_curp["data"]["curp"] = 12345
    for seq, row in enumerate(wire, start=1):
        row["seq"] = seq

    (tmp_path / "otro").mkdir()
    other = open_services(tmp_path / "otro", clock)
    try:
        with other.store.session() as session:
            report = apply_remote(session, wire, clock())
        assert (report.received, report.applied, report.conflicts) == (5, 1, 4)

        [row] = other.movimientos.page(Filtro(), Orden(), 0, 10)
        arrived = other.movimientos.movimiento(row[0])
        assert arrived.nss == good["data"]["nss"]
        assert arrived.fecha == date.fromisoformat(good["data"]["fecha"])
        with other.store.session() as session:
            kept = session.scalars(select(SyncConflict).order_by(SyncConflict.id)).all()
            assert [(c.row_uuid, c.kind) for c in kept] == [
                (row["uuid"], "invalido") for row in (bad_date, text_money, missing, number_curp)
            ]
            # The rejected version is kept whole, as it travelled: nothing is lost.
            assert json.loads(kept[0].loser)["data"]["fecha"] == "2026-02-30"
    finally:
        other.close()
