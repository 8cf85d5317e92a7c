"""Unique values moved among rows on one desktop (a registro patronal renumbered and its old
number taken by another, two registros swapping numbers, three in a rotation) arrive on another
desktop in one pull, whatever the order of the page's rows: it converges to the server's rows
with no conflict and its drift check finds nothing."""

from __future__ import annotations

import logging

from sqlalchemy import select

from icsoe_desktop.store.models import RegistroPatronal
from tests.sync.conftest import EMPRESA, connected
from tests.sync.test_convergence import local_tables, server_tables

ADMIN = "admin"
LOGGER = "icsoe_desktop.services.sync"
X, Y, Z, LIBRE = "Y5400000001", "Y5400000002", "Y5400000003", "Y5499999999"


def renumber(services, old: str, new: str, razon_social: str | None = None) -> None:
    """A registro's number changed on this desktop, in a save of its own (as each
    correction is made), its razón social too when given."""
    with services.store.session() as session:
        row = session.scalars(
            select(RegistroPatronal).where(RegistroPatronal.registro == old)
        ).one()
        row.registro = new
        if razon_social is not None:
            row.razon_social = razon_social


def numbers(services) -> dict[str, str]:
    return {r.registro: r.razon_social for r in services.registros.listar()}


def start(sync_server, desktops, *registros: str):
    a, b = connected(sync_server, desktops)
    for registro in registros:
        a.registros.save(registro, EMPRESA, f"Patrón {registro}", ADMIN)
    a.sync.synchronize()
    b.sync.synchronize()
    return a, b


def assert_converged(sync_server, a, b, caplog) -> None:
    """B took A's changes in one pull: no conflict, its rows are the server's, and its drift
    check (run by the sync) found nothing to repair."""
    a.sync.synchronize()
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        result = b.sync.synchronize()
    assert result.conflictos == 0
    assert b.conflictos.conflicts() == []
    assert not [m for m in caplog.messages if m.startswith("Tablas distintas")]
    status = b.sync.status()
    assert status.verified_at is not None and status.reparacion == ""
    expected = server_tables(sync_server.engine)
    for desktop in (a, b):
        local = local_tables(desktop)
        for name in ("registros_patronales", "certificados_imss"):
            assert local[name] == expected[name], name
    assert numbers(a) == numbers(b)
    assert b.sync.synchronize().enviados == 0


def test_a_renumbered_registro_whose_old_number_another_takes_arrives(
    sync_server, desktops, caplog
) -> None:
    """X becomes a free number, Z takes X and a new registro takes Z; X's registro is edited
    again afterwards: the server sends it after the one that took its number. A syncs after
    each step (its server sequences in that order), B only at the end."""
    a, b = start(sync_server, desktops, X, Z)
    renumber(a, X, LIBRE)
    a.sync.synchronize()
    renumber(a, Z, X)
    a.registros.save(Z, EMPRESA, "Alta nueva", ADMIN)
    a.sync.synchronize()
    a.registros.save(LIBRE, EMPRESA, "Antes X", ADMIN)

    assert_converged(sync_server, a, b, caplog)
    assert numbers(b) == {LIBRE: "Antes X", X: f"Patrón {Z}", Z: "Alta nueva"}


def test_two_registros_that_swap_numbers_arrive(sync_server, desktops, caplog) -> None:
    a, b = start(sync_server, desktops, X, Y)
    renumber(a, X, LIBRE)
    renumber(a, Y, X)
    renumber(a, LIBRE, Y)

    assert_converged(sync_server, a, b, caplog)
    assert numbers(b) == {X: f"Patrón {Y}", Y: f"Patrón {X}"}


def test_three_registros_that_rotate_numbers_arrive(sync_server, desktops, caplog) -> None:
    a, b = start(sync_server, desktops, X, Y, Z)
    renumber(a, X, LIBRE)
    renumber(a, Z, X)
    renumber(a, Y, Z)
    renumber(a, LIBRE, Y, "Antes X")

    assert_converged(sync_server, a, b, caplog)
    assert numbers(b) == {X: f"Patrón {Z}", Y: "Antes X", Z: f"Patrón {Y}"}
