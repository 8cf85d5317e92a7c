"""A desktop installed again with the company's token that imports the same file again: every
row takes the server's identity (nothing sent twice); only the rows that really differ are
conflicts, on that desktop only. Through the real server on PostgreSQL."""

from __future__ import annotations

from sqlalchemy import func, select

from icsoe_desktop.services.movimientos.servicio import Filtro
from icsoe_desktop.store.models import MovimientoRow
from tests.services.movimientos_data import add_registros, known_rows, nss
from tests.sync.conftest import connect, import_rows

N = 60


def same_file() -> list[dict[str, str]]:
    """The CONTPAQi file both installations import: N movements."""
    base = known_rows()
    return [{**base[i % len(base)], "NSS": nss(100 + i)} for i in range(N)]


def server_rows(sync_server, tabla: str) -> int:
    from icsoe_desktop.sync_server.models import SyncedRow

    with sync_server.engine.connect() as conn:
        return conn.execute(
            select(func.count()).select_from(SyncedRow).where(SyncedRow.tabla == tabla)
        ).scalar_one()


def reinstalled(sync_server, desktops, tmp_path, differing: list[int], more: int = 0):
    """A syncs the file; B, the same equipo installed again with the same token, captures the
    registros again and imports the same file with the salaries of the movements
    ``differing`` typed otherwise and ``more`` movements added."""
    a, b = desktops
    token = sync_server.token(nombre="Nómina")
    connect(a, sync_server.url, token)
    add_registros(a)
    import_rows(a, same_file(), tmp_path / "a.csv")
    a.sync.synchronize()
    assert server_rows(sync_server, "movimientos") == N
    connect(b, sync_server.url, token)
    add_registros(b)
    again = same_file()
    for i in differing:
        again[i] = {**again[i], "SBC": "999.99", "Salario": "999.99"}
    again += [{**again[0], "NSS": nss(900 + i)} for i in range(more)]
    import_rows(b, again, tmp_path / "b.csv")
    return a, b, again


def test_a_reinstalled_desktop_adopts_its_rows_and_keeps_only_real_differences_to_itself(
    sync_server, desktops, tmp_path
) -> None:
    a, b, again = reinstalled(sync_server, desktops, tmp_path, [7], more=1)

    result = b.sync.synchronize()

    conflicts = b.conflictos.conflicts()
    assert result.conflictos == len(conflicts) == 1
    (conflict,) = conflicts
    assert (conflict.kind, conflict.renglon) == ("recapturado", again[7]["NSS"])
    # The server's version stands, as on every desktop; this equipo's own is the other one
    # (in centavos).
    assert conflict.actual["data"]["sbc"] != 99999
    assert conflict.otra["data"]["sbc"] == 99999
    # Only the new movement was sent; the other 60 took the server's identity.
    assert server_rows(sync_server, "movimientos") == N + 1
    assert server_rows(sync_server, "registros_patronales") == 2
    assert b.movimientos.count(Filtro()) == N + 1
    with b.store.session() as session:
        local = set(session.scalars(select(MovimientoRow.uuid)))
    with a.store.session() as session:
        on_a = set(session.scalars(select(MovimientoRow.uuid)))
    assert len(on_a & local) == N
    assert b.sync.pending_count() == 0
    # The drift check finds B's file and the server alike: nothing repaired.
    status = b.sync.status()
    assert status.verified_at is not None and status.reparacion == ""
    assert b.sync.synchronize().conflictos == 0

    # A hears of nothing but the new movement.
    assert a.sync.synchronize().conflictos == 0 and a.conflictos.conflicts() == []
    assert a.movimientos.count(Filtro()) == N + 1
    assert sbcs(a) == sbcs(b)


def sbcs(services) -> dict[str, int]:
    with services.store.session() as session:
        return dict(session.execute(select(MovimientoRow.nss, MovimientoRow.sbc)).all())


def test_resolver_todos_asi_asks_with_the_count_and_deshacer_puts_them_back(
    qtbot, modals, sync_server, desktops, tmp_path
) -> None:
    from icsoe_desktop.gui.sync.conflictos import TITLE, ConflictosDialog
    from tests.gui.helpers import sin_letra
    from tests.sync.test_gui_sincronizacion import ADMIN, _administrador, press

    differing = [2, 11, 40]
    a, b, again = reinstalled(sync_server, desktops, tmp_path, differing)
    b.sync.synchronize()
    servers = sbcs(b)
    assert servers == sbcs(a) and 99999 not in servers.values()
    _administrador(b)
    window = ConflictosDialog(b, ADMIN)
    qtbot.addWidget(window)
    window.show()
    assert window.model.rowCount() == 3
    kinds = {window.model.data(window.model.index(row, 2)) for row in range(3)}
    assert kinds == {"Capturado otra vez en este equipo"}
    assert sin_letra(window.todos_otra.text()) == "Conservar la otra en todos (3)"
    assert not window.deshacer.isEnabled()

    # Cancelled: nothing changes.
    modals.answer("Cancelar")
    seen = press(qtbot, modals, window.todos_otra)
    assert seen.text.startswith("¿Conservar la otra versión (la que no quedó) en los 3 conflictos?")
    assert seen.buttons == ("Resolver todos", "Cancelar")
    assert window.model.rowCount() == 3 and sbcs(b) == servers

    # This equipo's own salaries kept in all three.
    modals.answer("Resolver todos")
    press(qtbot, modals, window.todos_otra)
    qtbot.waitUntil(lambda: len(modals.messages) >= 3)
    assert modals.messages[-1].text.startswith("Se resolvieron 3 conflictos.")
    assert window.model.rowCount() == 0
    mine = sbcs(b)
    assert {mine[again[i]["NSS"]] for i in differing} == {99999}
    assert window.deshacer.isEnabled() and sin_letra(window.deshacer.text()) == "Deshacer (3)"

    # Undone: the server's salaries and the three conflicts are back.
    seen = press(qtbot, modals, window.deshacer)
    assert (seen.title, seen.text) == (
        TITLE,
        "Se deshizo: 3 conflictos vuelven a estar por revisar.",
    )
    assert window.model.rowCount() == 3 and sbcs(b) == servers
    assert not window.deshacer.isEnabled()

    # Kept this time, and a sync closes the window for undoing.
    modals.answer("Resolver todos")
    press(qtbot, modals, window.todos_otra)
    qtbot.waitUntil(lambda: window.model.rowCount() == 0)
    b.sync.synchronize()
    assert b.sync.status().reparacion == ""  # the undo left the drift sums right
    seen = press(qtbot, modals, window.deshacer)
    assert seen.text.startswith("Ya no se puede deshacer: hubo una sincronización")
    assert not window.deshacer.isEnabled()
    assert a.sync.synchronize().conflictos == 0
    assert sbcs(a) == sbcs(b) == mine
    window.grab().save(str(tmp_path / "conflictos.png"))
