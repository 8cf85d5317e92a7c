"""A push's rows are written as JSON by SQLite itself (``json_object``): byte for byte what
encoding them in Python gives, on a real store with every kind of synced row and the values
that differ most between the two (quotes, backslashes, control characters, accents, nulls,
booleans, a timestamp with a fraction and one not stored as SQLAlchemy stores it)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from icsoe_desktop.demo.movimientos import create_demo_movimientos
from icsoe_desktop.domain import contenido
from icsoe_desktop.services.sync.contenido import CHECKED_TABLES
from icsoe_desktop.services.sync.encode import contents, encoded_changes, fingerprints
from icsoe_desktop.store.models import SyncConflict
from tests.services.movimientos_data import REGISTRO_A, load_known

TRICKY = 'MUÑOZ "EL \\ GÜERO"\n\t\x01 €/'


def test_rows_encoded_by_sqlite_are_the_bytes_python_encodes(
    services, tmp_path: Path, clock
) -> None:
    create_demo_movimientos(services.store, 30, date(2026, 11, 22))
    load_known(services, tmp_path)  # registros, movimientos, audit
    pendientes = services.lotes.pendientes(REGISTRO_A)
    services.lotes.generar(REGISTRO_A, [p.id for p in pendientes], tmp_path, "ana@empresa.com")
    with services.store.session() as session:
        session.add(
            SyncConflict(
                table_name="registros_patronales",
                row_uuid="3f0b6c2e-8a1d-4c59-9d3e-2b7f0a4c5e61",
                kind="cambio",
                detected_at=clock(),
                loser=json.dumps({"seq": 4, "data": {"razon_social": TRICKY}}),
            )
        )
    with services.store.session() as session:
        driver = session.connection().connection.driver_connection
        ids = [r[0] for r in driver.execute("SELECT id FROM movimientos ORDER BY id LIMIT 4")]
        driver.execute("UPDATE movimientos SET nombre = ? WHERE id = ?", (TRICKY, ids[0]))
        driver.execute(
            "UPDATE movimientos SET created_at = '2026-11-22 10:00:00.123456' WHERE id = ?",
            (ids[1],),
        )
        # Written by another tool: a form SQLAlchemy reads, but SQLite's JSON does not rewrite.
        driver.execute(
            "UPDATE movimientos SET created_at = '2026-11-22T08:00:00' WHERE id = ?", (ids[2],)
        )

    with services.store.session() as session:
        in_sql = list(encoded_changes(session))
        in_python = list(encoded_changes(session, in_sql=False))
    assert in_sql == in_python

    rows = [json.loads(row) for row in in_sql]
    assert {r["table"] for r in rows} >= {
        "registros_patronales",
        "movimientos",
        "lotes",
        "lote_movimientos",
        "audit_log",
        "sync_conflicts",
    }
    movimientos = [r for r in rows if r["table"] == "movimientos"]
    assert movimientos[0]["data"]["nombre"] == TRICKY
    assert movimientos[1]["data"]["created_at"] == "2026-11-22T10:00:00.123456"
    assert movimientos[2]["data"]["created_at"] == "2026-11-22T08:00:00"
    assert movimientos[3]["data"]["created_at"].endswith("T00:00:00")  # no fraction when zero
    assert all(r["deleted"] is False for r in rows)
    # A movement of a lote names it by its UUID (local ids differ per desktop).
    lote_uuids = {r["uuid"] for r in rows if r["table"] == "lotes"}
    links = [r["data"] for r in rows if r["table"] == "lote_movimientos"]
    assert links and {link["lote_id"] for link in links} <= lote_uuids

    # The content check's fingerprints are those of the data a push carries (the dates as
    # they travel, texts that need escapes, a fraction where a text goes, a removed row).
    with services.store.session() as session:
        driver = session.connection().connection.driver_connection
        driver.execute(
            "UPDATE movimientos SET salario = NULL, nombre = ? WHERE id = ?",
            (':dos, "puntos",', ids[0]),
        )
        driver.execute("UPDATE movimientos SET deleted = 1 WHERE id = ?", (ids[3],))
        driver.execute("UPDATE registros_patronales SET razon_social = 12.5")
    with services.store.session() as session:
        for table in CHECKED_TABLES:
            expected = [
                (row_uuid, version, contenido.huella(deleted, data))
                for row_uuid, version, deleted, data in contents(session, table)
            ]
            assert list(fingerprints(session, table)) == expected, table.name
