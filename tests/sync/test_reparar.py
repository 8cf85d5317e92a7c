"""``reparar`` on a desktop whose file lost five leaf pages of movimientos (zeroed, as a bad disk
sector leaves them): every row that still reads is rescued into a new file, the damaged one is
kept aside, the sums are counted again, and the sync receives from the server the rows the
damaged pages held; the clerk reads how many came from where."""

from __future__ import annotations

from datetime import date

import pytest

from icsoe_desktop.demo.movimientos import create_demo_movimientos
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.acceso.permisos import PermisoDenegado
from icsoe_desktop.services.container import open_services
from icsoe_desktop.services.movimientos.servicio import Filtro
from icsoe_desktop.services.respaldo.reparacion import ReparacionError
from icsoe_desktop.store import rescate
from icsoe_desktop.store.models import MovimientoRow
from icsoe_desktop.store.plain import StoreError
from tests.paginas_danadas import zero_leaf_pages
from tests.sync.conftest import both_holding_movimientos, connected

ROWS = 3000
ZEROED = 5


def rows(services) -> int:
    with services.store.session() as session:
        return session.query(MovimientoRow).count()


def test_reparar_rescues_every_readable_row_and_the_sync_brings_back_the_rest(
    sync_server, desktops, monkeypatch
) -> None:
    a, b = both_holding_movimientos(sync_server, desktops, monkeypatch, ROWS)
    path = b.store.path
    b.store.close()
    lost = zero_leaf_pages(path, "movimientos", ZEROED)
    assert lost > 0
    assert rescate.revisar(path)  # damaged

    # Its copy, as ``reparar`` makes it: every row but the zeroed pages'.
    copia = rescate.rescatar(path, path.with_name("copia.sqlite3"))
    assert copia.copiados["movimientos"] == ROWS - lost
    assert copia.perdidos["movimientos"] == lost

    result = b.reparacion.reparar(CLI_ACTOR)

    assert rescate.revisar(path) == []
    assert result.aparte is not None and result.aparte.is_file()
    assert rows(b) == b.movimientos.count(Filtro()) == a.movimientos.count(Filtro()) == ROWS
    texto = result.texto
    assert texto.startswith("La base de datos estaba dañada (")
    assert f"no se pudieron leer {lost} (Movimiento afiliatorio: {lost})." in texto
    assert f"Faltan en este equipo {lost} renglones que ya estaban sincronizados" in texto
    assert f"Movimiento afiliatorio: {lost} renglones faltaban en este equipo" in texto
    assert b.sync.status().verified_at is not None
    assert (
        b.sync.synchronize().texto == "Sincronización terminada: 0 cambios enviados, 0 recibidos."
    )
    assert a.sync.synchronize().conflictos == 0  # (it receives the repair's audit entry)
    assert rows(a) == ROWS


def test_a_store_that_no_longer_opens_is_rescued_and_receives_what_it_lost(
    sync_server, desktops, clock, monkeypatch
) -> None:
    """Its schema revision's page zeroed too: the empresa does not open, ``reparar`` reads the
    file without opening it, and the sync brings back the rows the damaged pages held."""
    _a, b = both_holding_movimientos(sync_server, desktops, monkeypatch, ROWS)
    path, data_dir = b.store.path, b.data_dir
    b.close()
    lost = zero_leaf_pages(path, "movimientos", ZEROED)
    assert zero_leaf_pages(path, "alembic_version", 1) == 1
    with pytest.raises(StoreError):
        open_services(data_dir, clock).close()

    repaired = open_services(data_dir, clock, reparar=CLI_ACTOR)
    try:
        texto = repaired.reparacion.reparar(CLI_ACTOR, repaired.rescatado).texto

        assert f"no se pudieron leer {lost} (Movimiento afiliatorio: {lost})." in texto
        assert "La versión de su esquema no se pudo leer" in texto
        assert (
            f"Faltan en este equipo {lost} renglones que ya estaban sincronizados: la "
            "sincronización los recibe de nuevo del servidor." in texto
        )
        assert repaired.movimientos.count(Filtro()) == ROWS
        assert repaired.sync.synchronize().texto == (
            "Sincronización terminada: 0 cambios enviados, 0 recibidos."
        )
    finally:
        repaired.close()


def test_reparar_a_whole_store_only_recounts(services) -> None:
    create_demo_movimientos(services.store, 50, date(2026, 11, 22))

    result = services.reparacion.reparar(CLI_ACTOR)

    assert result.texto == "La base de datos está íntegra; se volvieron a contar sus sumas."
    assert result.aparte is None
    assert services.movimientos.count(Filtro()) == 50


def test_only_an_administrator_repairs(services) -> None:
    """An IDSE user (any actor but an administrator or the command line) is refused, audited,
    and the store is not touched."""
    path = services.store.path
    before = path.stat().st_ino

    with pytest.raises(PermisoDenegado) as refused:
        services.reparacion.reparar("ana.lopez@empresa.com")

    assert "restaurar un respaldo" in refused.value.message
    denied = [r for r in services.audit_instalacion.recent() if r.action == "permiso_denegado"]
    assert [(r.target, "reparar" in r.detail) for r in denied] == [("RESTAURAR", True)]
    assert path.stat().st_ino == before


def test_reparar_a_whole_synced_store_keeps_its_tombstones(sync_server, desktops) -> None:
    """A row removed in the app and synced leaves a state without a row: a whole store's
    repair does not take it for a lost row (nothing to receive, nothing said)."""
    a, _b = connected(sync_server, desktops)
    create_demo_movimientos(a.store, 30, date(2026, 11, 22))
    a.sync.synchronize()
    with a.store.session() as session:
        session.delete(session.query(MovimientoRow).first())
    a.sync.synchronize()

    result = a.reparacion.reparar(CLI_ACTOR)

    assert result.perdidos == 0
    assert result.texto == (
        "La base de datos está íntegra; se volvieron a contar sus sumas. Sincronización "
        "terminada: 1 cambio enviado, 0 recibidos."  # (the repair's audit entry)
    )


def test_a_store_whose_schema_does_not_read_is_left_as_it_was(services) -> None:
    create_demo_movimientos(services.store, 20, date(2026, 11, 22))
    path = services.store.path
    services.store.close()
    with open(path, "r+b") as file:
        file.write(bytes(4096))  # the header and the schema's first page
    damaged = path.read_bytes()

    with pytest.raises(ReparacionError) as failed:
        services.reparacion.reparar(CLI_ACTOR)

    assert failed.value.code == "reparacion_fallida"
    assert failed.value.message.startswith("No se pudo rescatar la base de datos «icsoe.sqlite3»")
    assert path.read_bytes() == damaged
