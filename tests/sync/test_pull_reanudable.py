"""A desktop's first sync of a busy company comes in pages the clerk can watch («Recibidos 10 de
93»: the server counts what is coming), and a sync cut off mid-way (the server gone) goes on
where it stopped at the next one: no page pulled twice, none lost. Real server process on
PostgreSQL, real SQLite stores."""

from __future__ import annotations

from datetime import date

import pytest

from icsoe_desktop.demo.movimientos import create_demo_movimientos
from icsoe_desktop.services.sync.transporte import SyncError
from icsoe_desktop.store.models import SyncState
from icsoe_desktop.sync_server.db import create_token
from tests.sync.conftest import EMPRESA, connect
from tests.sync.test_convergence import local_tables, server_tables

PAGE = 10


def held(tables: dict[str, dict]) -> int:
    return sum(len(rows) for rows in tables.values())


@pytest.fixture
def busy_company(server_process, sync_database, desktops):
    """A has made 60 movimientos (and their registros), all on the server; B is new and will
    pull ``PAGE`` rows a page."""
    _url, engine = sync_database
    server_process.start()
    a, b = desktops
    for services, name in ((a, "A"), (b, "B")):
        connect(services, server_process.url, create_token(engine, EMPRESA, name).token)
    create_demo_movimientos(a.store, 60, date(2026, 11, 22))
    a.sync.synchronize()
    b.sync.intercambio.pull_rows = PAGE
    return server_process, engine, b


@pytest.mark.end2end
def test_a_first_sync_says_how_many_rows_came_of_how_many(busy_company) -> None:
    _server, engine, b = busy_company
    total = held(server_tables(engine))
    avisos: list[str] = []
    result = b.sync.synchronize(aviso=avisos.append)
    pages = range(PAGE, total, PAGE)
    assert avisos == [f"Recibidos {n} de {total}" for n in pages] + [
        f"Recibidos {total} de {total}"
    ]
    assert result.recibidos == total
    assert local_tables(b) == server_tables(engine)


@pytest.mark.end2end
def test_a_pull_commits_a_few_pages_at_a_time_and_another_reader_sees_whole_ones(
    busy_company,
) -> None:
    """What another window reads while a first sync runs: nothing half-written, the rows of
    whole transactions (two pages each here), the cursor with them."""
    _server, engine, b = busy_company
    b.sync.intercambio.commit_rows = 2 * PAGE
    b.sync.intercambio.commit_seconds = 3600  # by rows only: a slow machine commits sooner
    total = held(server_tables(engine))
    seen: list[tuple[int, int]] = []

    def watch(_texto: str) -> None:
        with b.store.session() as session:
            cursor = session.get(SyncState, "cursor")
        seen.append((held(local_tables(b)), int(cursor.value) if cursor else 0))

    b.sync.synchronize(aviso=watch)
    rows = [n for n, _cursor in seen]
    assert rows == sorted(rows) and rows[-1] == total
    # Committed two pages at a time: the reader sees 0, 20, 20, 40, 40…, never one page alone.
    assert rows[:4] == [0, 2 * PAGE, 2 * PAGE, 4 * PAGE]
    assert all(n % (2 * PAGE) == 0 for n in rows[:-1])
    # The cursor travels with its rows: 0 while none is there, then past them.
    assert seen[0][1] == 0 and all(c > 0 for n, c in seen if n)
    assert local_tables(b) == server_tables(engine)


@pytest.mark.end2end
def test_a_first_sync_cut_off_goes_on_where_it_stopped(busy_company) -> None:
    server, engine, b = busy_company
    total = held(server_tables(engine))
    assert total > 3 * PAGE
    first: list[str] = []

    def server_gone(texto: str) -> None:
        first.append(texto)
        if len(first) == 1:  # after the first page: the later ones never arrive
            server.kill()

    with pytest.raises(SyncError) as raised:
        b.sync.synchronize(aviso=server_gone)
    assert raised.value.offline
    kept = held(local_tables(b))
    # (the page fetched while the first was applied may have come too)
    assert kept in (PAGE, 2 * PAGE)
    assert first[-1] == f"Recibidos {kept} de {total}"

    server.start()
    second: list[str] = []
    result = b.sync.synchronize(aviso=second.append)
    assert second[0] == f"Recibidos {kept + PAGE} de {total}"  # counted on, not from 0
    assert second[-1] == f"Recibidos {total} de {total}"
    assert result.recibidos == total - kept  # no row pulled twice
    assert local_tables(b) == server_tables(engine)  # none lost
    # The next sync of the company is an ordinary one: nothing to watch, nothing to receive.
    again: list[str] = []
    assert b.sync.synchronize(aviso=again.append).recibidos == 0
    assert again == []
