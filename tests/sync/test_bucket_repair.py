"""A desktop whose copy drifted from the server (a row kept at an older version with nothing
pending) finds it at its next sync and receives again only the rows of that row's bucket of
uuids, not the whole table; afterwards it is verified."""

from __future__ import annotations

import logging

from sqlalchemy import select, text

from icsoe_desktop.domain import sync_wire
from icsoe_desktop.store.models import RegistroPatronal
from icsoe_desktop.store.tracking import APPLYING_REMOTE
from tests.sync.conftest import EMPRESA, connected

ADMIN = "e"
ROWS = 150


def test_a_drifted_row_is_found_and_only_its_bucket_is_pulled_again(
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
        f"Tabla registros_patronales: 1 cubetas distintas del servidor, "
        f"{len(same_bucket)} renglones recibidos de nuevo"
    ]
    assert len(same_bucket) < ROWS // 10  # its bucket's rows, not the table's
    assert b.sync.status().verified_at is not None
