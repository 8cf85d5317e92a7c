"""Clocks that cannot lie: two desktops whose clocks are a day ahead and a day behind, and one
whose clock is set back in the middle of a session. The later edit, the one that reaches the
server later, wins on every desktop whatever each clock says; the other is kept in Conflictos.
Through the real server on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import FakeClock
from tests.sync.conftest import EMPRESA, connect

REGISTRO = "Y5412345106"
NOW = datetime(2026, 11, 22, 9, 0, 0)
DAY = timedelta(days=1)


@pytest.fixture
def skewed(tmp_path: Path) -> Iterator[tuple[object, FakeClock, object, FakeClock]]:
    """Desktop A with its clock a day ahead, B with its clock a day behind."""
    from icsoe_desktop.services.container import open_services

    opened = []
    for name, offset in (("adelantado", DAY), ("atrasado", -DAY)):
        folder = tmp_path / name
        folder.mkdir()
        clock = FakeClock(NOW + offset)
        opened.append((open_services(folder, clock), clock))
    (a, a_clock), (b, b_clock) = opened
    yield a, a_clock, b, b_clock
    a.close()
    b.close()


def razon(services) -> str:
    (row,) = services.registros.listar()
    return row.razon_social


def stamps(sync_server) -> list[datetime]:
    """The server's stamp of the registro, after each sync that changed it."""
    from icsoe_desktop.sync_server.models import SyncedRow

    with sync_server.engine.connect() as conn:
        return list(
            conn.execute(
                select(SyncedRow.updated_at).where(SyncedRow.tabla == "registros_patronales")
            ).scalars()
        )


@pytest.mark.parametrize("last", ["adelantado", "atrasado"])
def test_the_edit_that_reaches_the_server_later_wins_whatever_each_clock_says(
    sync_server, skewed, last: str
) -> None:
    a, a_clock, b, b_clock = skewed
    token = sync_server.token()
    for desktop in (a, b):
        connect(desktop, sync_server.url, token)
    a.registros.save(REGISTRO, EMPRESA, "Original", "admin")
    a.sync.synchronize()
    b.sync.synchronize()
    (original,) = stamps(sync_server)

    # Both edit offline, B an hour after A (by the real time both clocks keep running).
    a.registros.save(REGISTRO, EMPRESA, "Versión del adelantado", "admin")
    for clock in (a_clock, b_clock):
        clock.advance(hours=1)
    b.registros.save(REGISTRO, EMPRESA, "Versión del atrasado", "admin")
    first, second = (b, a) if last == "adelantado" else (a, b)
    first.sync.synchronize()
    assert second.sync.synchronize().conflictos == 1
    first.sync.synchronize()

    won = f"Versión del {last}"
    lost = "Versión del atrasado" if last == "adelantado" else "Versión del adelantado"
    assert razon(a) == razon(b) == won
    for desktop in (a, b):
        (conflict,) = desktop.conflictos.conflicts()
        assert conflict.actual["data"]["razon_social"] == won
        assert conflict.otra["data"]["razon_social"] == lost
    # The version that stands is stamped after the one it replaced, even from the clock a day
    # behind.
    (now,) = stamps(sync_server)
    assert now > original


def test_a_clock_set_back_mid_session_neither_loses_its_edits_nor_wins_by_it(
    sync_server, skewed
) -> None:
    a, a_clock, b, _b_clock = skewed
    token = sync_server.token()
    for desktop in (a, b):
        connect(desktop, sync_server.url, token)
    a.registros.save(REGISTRO, EMPRESA, "Original", "admin")
    a.sync.synchronize()
    b.sync.synchronize()
    (before,) = stamps(sync_server)

    a_clock.advance(days=-3)  # someone sets A's clock back mid-session
    a.registros.save(REGISTRO, EMPRESA, "Después del cambio de hora", "admin")
    assert a.sync.synchronize().conflictos == 0
    b.sync.synchronize()
    assert razon(b) == "Después del cambio de hora"  # not taken for an older edit
    (after,) = stamps(sync_server)
    assert after > before

    # B edits next and reaches the server first; A, still set back, edits after and syncs
    # last: A's edit stands on both, B's is kept in Conflictos.
    b.registros.save(REGISTRO, EMPRESA, "Versión de B", "admin")
    b.sync.synchronize()
    a.registros.save(REGISTRO, EMPRESA, "Versión de A, con el reloj atrasado", "admin")
    assert a.sync.synchronize().conflictos == 1
    b.sync.synchronize()
    assert razon(a) == razon(b) == "Versión de A, con el reloj atrasado"
    assert [c.otra["data"]["razon_social"] for c in b.conflictos.conflicts()] == ["Versión de B"]
    (last,) = stamps(sync_server)
    assert last > after
