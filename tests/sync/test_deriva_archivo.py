"""A desktop's file changed without the app (rows deleted by an administrator's SQL, content
changed under the same version, versions bumped) is not «verificado»: the next sync finds the
difference, receives the server's rows again, says what it found, and then verifies.

A deletion made in the app is not taken for one made outside it: it travels as a tombstone."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import select

from icsoe_desktop.demo.movimientos import create_demo_movimientos
from icsoe_desktop.domain import contenido
from icsoe_desktop.services.movimientos.servicio import Filtro
from icsoe_desktop.services.sync import encode
from icsoe_desktop.services.sync import intercambio as sync_module
from icsoe_desktop.services.sync.contenido import ComparacionContenido
from icsoe_desktop.store import cifrado, sumas
from icsoe_desktop.store.models import MovimientoRow, RegistroPatronal
from icsoe_desktop.store.sync_tables import by_name
from tests.sync.conftest import EMPRESA, connected

if TYPE_CHECKING:
    import sqlite3

ROWS = 600
ADMIN = "e"
LOGGER = "icsoe_desktop.services.sync"


@contextmanager
def outside_the_app(services) -> Iterator[sqlite3.Connection]:
    """A connection of an administrator's own to the desktop's file (its store closed
    meanwhile), with the function the store's triggers call: an SQL fix made by hand."""
    path = services.store.path
    services.store.engine.dispose()
    connection = cifrado.conectar(path, isolation_level=None)
    sumas.register(connection)
    try:
        with connection:
            yield connection
    finally:
        connection.close()


def synced_pair(sync_server, desktops, monkeypatch):
    monkeypatch.setattr(sync_module, "BATCH_ROWS", 300)  # the test server takes 500 at most
    monkeypatch.setattr(sync_module, "BATCH_BYTES", 200 * 1024)
    a, b = connected(sync_server, desktops)
    create_demo_movimientos(a.store, ROWS, date(2026, 11, 22))
    a.sync.synchronize()
    b.sync.synchronize()
    assert b.sync.status().verified_at is not None
    return a, b


def names(services) -> dict[str, str]:
    with services.store.session() as session:
        return {r.uuid: r.nombre for r in session.query(MovimientoRow)}


def test_rows_deleted_from_the_file_are_found_and_received_again(
    sync_server, desktops, monkeypatch, caplog
) -> None:
    a, b = synced_pair(sync_server, desktops, monkeypatch)
    with outside_the_app(b) as connection:
        connection.execute("DELETE FROM movimientos WHERE id % 30 = 0")
    assert b.movimientos.count(Filtro()) == ROWS - ROWS // 30

    with caplog.at_level(logging.WARNING, logger=LOGGER):
        b.sync.synchronize()

    assert b.movimientos.count(Filtro()) == a.movimientos.count(Filtro()) == ROWS
    assert names(b) == names(a)
    status = b.sync.status()
    assert status.verified_at is not None
    assert status.reparacion == (
        "Movimiento afiliatorio: 20 renglones faltaban en este equipo; "
        "recibidos de nuevo del servidor."
    )
    assert status.reparacion in caplog.messages
    assert b.sync.synchronize().enviados == 0  # nothing of the repair goes back as a change
    assert a.movimientos.count(Filtro()) == ROWS


def test_content_changed_under_the_same_version_is_found_and_received_again(
    sync_server, desktops, monkeypatch
) -> None:
    a, b = synced_pair(sync_server, desktops, monkeypatch)
    with outside_the_app(b) as connection:
        connection.execute("UPDATE movimientos SET nombre = 'CAMBIADO' WHERE id % 50 = 0")
        connection.execute("UPDATE movimientos SET deleted = 1 WHERE id = 7")
    # The content check hashes the changed rows as they are now, not by the fingerprint
    # kept from the pull (the others keep theirs).
    movimientos = by_name("movimientos")
    with b.store.session() as session:
        now = {
            u: (v, contenido.huella(d, data))
            for u, v, d, data in encode.contents(session, movimientos)
        }
    assert ComparacionContenido(b.store, None, None, None).fingerprints(movimientos) == now

    b.sync.synchronize()

    assert "CAMBIADO" not in names(b).values()
    assert names(b) == names(a)
    assert b.movimientos.count(Filtro()) == ROWS
    status = b.sync.status()
    assert status.verified_at is not None
    assert status.reparacion == (
        "Movimiento afiliatorio: 13 renglones cambiados fuera de la aplicación; "
        "recibidos de nuevo del servidor."
    )


def test_versions_bumped_in_the_file_are_found_and_received_again(
    sync_server, desktops, monkeypatch
) -> None:
    a, b = synced_pair(sync_server, desktops, monkeypatch)
    with outside_the_app(b) as connection:
        connection.execute(
            "UPDATE movimientos SET version = version + 5, nombre = 'OTRO' WHERE id % 40 = 0"
        )

    b.sync.synchronize()

    assert names(b) == names(a)
    with b.store.session() as session:
        assert {r.version for r in session.query(MovimientoRow)} == {1}
    status = b.sync.status()
    assert status.verified_at is not None
    assert status.reparacion == (
        "Movimiento afiliatorio: 15 renglones en otra versión; recibidos de nuevo del servidor."
    )


def test_deletions_in_the_app_travel_and_are_not_repaired(sync_server, desktops) -> None:
    """A registro patronal removed in the app (kept as removed, at a new version) and a row the
    app removes outright (its state dirty: a tombstone) are sent, not received again."""
    a, b = connected(sync_server, desktops)
    for n in range(30):
        b.registros.save(f"Y56{n:08d}", EMPRESA, "Original", ADMIN)
    b.sync.synchronize()
    a.sync.synchronize()
    b.registros.delete("Y5600000003", ADMIN)
    with b.store.session() as session:
        row = session.scalars(
            select(RegistroPatronal).where(RegistroPatronal.registro == "Y5600000004")
        ).one()
        session.delete(row)

    assert b.sync.synchronize().enviados >= 2
    a.sync.synchronize()

    status = b.sync.status()
    assert status.verified_at is not None
    assert status.reparacion == ""
    assert "Y5600000003" not in {r.registro for r in a.registros.listar()}
    assert "Y5600000004" not in {r.registro for r in b.registros.listar()}


def test_an_edit_made_elsewhere_to_the_same_version_number_is_not_taken_for_drift(
    sync_server, desktops, caplog
) -> None:
    """Two desktops edit one registro from the same version: both reach the next version
    number with different content. The one that reaches the server later wins; the other
    desktop receives it under the version number it already had, and that is the server's
    row, not a change made outside the app: nothing is repaired, and the sync verifies."""
    a, b = connected(sync_server, desktops)
    a.registros.save("Y5412345106", "ABC010101AB1", "Original", ADMIN)
    a.sync.synchronize()
    b.sync.synchronize()
    a.registros.save("Y5412345106", "ABC010101AB1", "Versión de A", ADMIN)
    b.registros.save("Y5412345106", "ABC010101AB1", "Versión de B", ADMIN)
    a.sync.synchronize()
    assert b.sync.synchronize().conflictos == 1

    with caplog.at_level(logging.WARNING, logger=LOGGER):
        a.sync.synchronize()

    assert [r.razon_social for r in a.registros.listar()] == ["Versión de B"]
    assert not [m for m in caplog.messages if m.startswith("Tablas distintas")]
    status = a.sync.status()
    assert status.verified_at is not None
    assert status.reparacion == ""
    assert a.sync.synchronize().enviados == 0
