"""Rows inserted into a desktop's file outside the app with an NSS whose check digit is wrong:
the server refuses each with the domain's Spanish message, stores none, and no other desktop
receives them. The desktop that pushed them keeps them, each as a conflict saying why, and is
told; sending them again renews those conflicts instead of adding more."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from icsoe_desktop.demo.movimientos import create_demo_movimientos
from icsoe_desktop.domain.identifiers import nss_ok
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.sync.rechazados import REFUSED_BY_SERVER
from icsoe_desktop.store.models import MovimientoRow
from icsoe_desktop.sync_server.models import SyncedRow
from tests.sync.conftest import both_holding_movimientos, connected
from tests.sync.test_deriva_archivo import outside_the_app

ROWS = 200
WRONG = 100
# A new uuid in SQL, in the canonical form the server takes.
NEW_UUID = (
    "lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-7' || "
    "substr(lower(hex(randomblob(2))), 2) || '-a' || substr(lower(hex(randomblob(2))), 2) || "
    "'-' || lower(hex(randomblob(6)))"
)


def insert_wrong_nss(services, count: int) -> None:
    """``count`` copies of existing movimientos, each with a new uuid and its NSS's check digit
    changed, inserted with plain SQL (as a script or a DB browser would)."""
    with outside_the_app(services) as connection:
        columns = [
            row[1]
            for row in connection.execute("PRAGMA table_info(movimientos)")
            if row[1] not in ("id", "uuid", "nss")
        ]
        listed = ", ".join(columns)
        connection.execute(
            f"INSERT INTO movimientos (uuid, nss, {listed}) SELECT {NEW_UUID}, "
            "substr(nss, 1, 10) || ((CAST(substr(nss, 11, 1) AS INTEGER) + 1) % 10), "
            f"{listed} FROM movimientos ORDER BY id LIMIT ?",
            (count,),
        )


def nss_of(services) -> list[str]:
    with services.store.session() as session:
        return list(session.scalars(select(MovimientoRow.nss)))


def stored(sync_server) -> int:
    with Session(sync_server.engine) as session:
        return session.scalar(
            select(func.count()).select_from(SyncedRow).where(SyncedRow.tabla == "movimientos")
        )


def test_rows_with_a_wrong_nss_are_refused_by_the_server_and_reach_no_desktop(
    sync_server, desktops, monkeypatch
) -> None:
    a, b = both_holding_movimientos(sync_server, desktops, monkeypatch, ROWS)
    insert_wrong_nss(a, WRONG)
    assert sum(not nss_ok(n) for n in nss_of(a)) == WRONG

    result = a.sync.synchronize()

    assert result.enviados == 0
    assert result.conflictos == WRONG
    assert f"Hay {WRONG} conflictos: revísalos" in result.texto
    assert stored(sync_server) == ROWS
    b.sync.synchronize()
    assert len(nss_of(b)) == ROWS
    assert all(map(nss_ok, nss_of(b)))
    conflicts = a.conflictos.conflicts()
    assert len(conflicts) == WRONG
    assert {c.kind for c in conflicts} == {REFUSED_BY_SERVER}
    wrong = {n for n in nss_of(a) if not nss_ok(n)}
    assert {c.otra["motivo"] for c in conflicts} == {
        f"El NSS {n} no es válido: su dígito verificador no corresponde." for n in wrong
    }
    assert {c.actual["data"]["nss"] for c in conflicts if c.actual} == wrong

    # Sent again at the next sync (still to correct), refused again: the same conflicts.
    again = a.sync.synchronize()
    assert again.conflictos == 0
    assert a.sync.status().pending == WRONG
    assert len(a.conflictos.conflicts()) == WRONG
    # «Resolver todos así» with the other version only closes them: there is none.
    assert a.conflictos.resolve_all("otra", CLI_ACTOR) == WRONG
    assert sum(not nss_ok(n) for n in nss_of(a)) == WRONG
    assert stored(sync_server) == ROWS


def test_the_conflictos_window_says_the_server_refused_the_row_and_why(
    qtbot, sync_server, desktops
) -> None:
    from PySide6.QtCore import Qt

    from icsoe_desktop.gui.sync.conflictos import ConflictosDialog
    from tests.sync.test_gui_sincronizacion import ADMIN, _administrador

    a, _b = connected(sync_server, desktops)
    create_demo_movimientos(a.store, 10, date(2026, 11, 22))
    a.sync.synchronize()
    insert_wrong_nss(a, 1)
    a.sync.synchronize()
    (wrong,) = [n for n in nss_of(a) if not nss_ok(n)]
    _administrador(a)

    window = ConflictosDialog(a, ADMIN)
    qtbot.addWidget(window)
    window.show()

    assert window.model.rowCount() == 1
    shown = {
        window.model.data(window.model.index(0, column), Qt.ItemDataRole.DisplayRole)
        for column in range(window.model.columnCount())
    }
    assert "Rechazado por el servidor" in shown
    assert window.otra.toPlainText() == (
        f"Rechazado por el servidor: El NSS {wrong} no es válido: su dígito verificador no "
        "corresponde."
    )
    assert f"NSS: {wrong}" in window.actual.toPlainText()
