"""Sync while others write: a row changed on the server between two pages of one pull, and a
user's save made while the sync applies a pull (real server on PostgreSQL, real SQLite stores)."""

from __future__ import annotations

import threading

from sqlalchemy import event, func, select

from icsoe_desktop.store.models import SyncPending
from tests.sync.conftest import EMPRESA, connected
from tests.sync.test_sync import registros

REGISTROS = ("Y5412345106", "NO191919191", "B1234567105")


def three_registros(sync_server, desktops) -> tuple[object, object]:
    """A makes three registros patronales and syncs; B will pull them two rows a page."""
    a, b = connected(sync_server, desktops)
    b.sync.synchronize()  # B's own changes (its settings' audit entries) go first
    for registro in REGISTROS:
        a.registros.save(registro, EMPRESA, f"Alta {registro}", "ana@empresa.com")
    a.sync.synchronize()
    b.sync.intercambio.pull_rows = 2  # the first registros arrive on page 1, the rest later
    return a, b


def once_after_first_page(action) -> object:
    """A progress callback that runs ``action`` once, between the first pulled page and the
    next (B sends nothing, so any progress above 0 is the pull's)."""
    done = []

    def progress(received: int, _total: int) -> None:
        if received and not done:
            done.append(True)
            action()

    return progress


def test_a_row_edited_between_two_pages_of_a_pull_ends_up_current(sync_server, desktops) -> None:
    a, b = three_registros(sync_server, desktops)

    def a_edits_a_row_of_page_1() -> None:
        a.registros.save(REGISTROS[0], EMPRESA, "Editado en A", "ana@empresa.com")
        a.sync.synchronize()

    b.sync.synchronize(once_after_first_page(a_edits_a_row_of_page_1))
    assert registros(b)[REGISTROS[0]] == "Editado en A"
    assert b.conflictos.conflicts() == []  # not a «duplicado» of itself
    # Nothing left to repair later: B is equal to A now and after another round.
    b.sync.synchronize()
    assert registros(b) == registros(a)
    assert b.sync.pending_count() == 0


def test_a_row_deleted_between_two_pages_of_a_pull_is_deleted(sync_server, desktops) -> None:
    a, b = three_registros(sync_server, desktops)

    def a_deletes_a_row_of_page_1() -> None:
        a.registros.delete(REGISTROS[0], "ana@empresa.com")
        a.sync.synchronize()

    result = b.sync.synchronize(once_after_first_page(a_deletes_a_row_of_page_1))  # no crash
    assert result.conflictos == 0
    assert set(registros(b)) == set(registros(a)) == set(REGISTROS[1:])
    assert b.conflictos.conflicts() == []


def test_a_save_made_while_a_pull_is_applied_is_not_lost(sync_server, desktops) -> None:
    a, b = connected(sync_server, desktops)
    a.registros.save(REGISTROS[0], EMPRESA, "Original", "ana@empresa.com")
    a.registros.save(REGISTROS[1], EMPRESA, "Otro", "ana@empresa.com")
    a.sync.synchronize()
    b.sync.synchronize()
    a.registros.save(REGISTROS[1], EMPRESA, "Cambio de A", "ana@empresa.com")
    a.sync.synchronize()

    # B's user saves that same registro just as B's sync is about to write the pulled change:
    # the save runs in another thread (the GUI's), given a second to finish before the sync
    # goes on.
    sync_thread = threading.current_thread()
    saves: list[threading.Thread] = []

    def user_saves() -> None:
        b.registros.save(REGISTROS[1], EMPRESA, "Guardado en B", "beto@empresa.com")

    def before_write(_conn, _cursor, statement: str, *_args) -> None:
        if (
            threading.current_thread() is sync_thread
            and not saves
            and statement.lstrip().upper().startswith(("UPDATE", "INSERT"))
            and "registros_patronales" in statement
        ):
            saves.append(threading.Thread(target=user_saves))
            saves[0].start()
            saves[0].join(timeout=1)

    event.listen(b.store.engine, "before_cursor_execute", before_write)
    try:
        b.sync.synchronize()
    finally:
        event.remove(b.store.engine, "before_cursor_execute", before_write)
    assert saves, "the sync never wrote a registro"
    saves[0].join(timeout=30)
    assert not saves[0].is_alive()

    # The save is on B, waiting to be sent (not overwritten, not marked as sent)…
    assert registros(b) == {REGISTROS[0]: "Original", REGISTROS[1]: "Guardado en B"}
    assert b.sync.pending_count() > 0
    # …and reaches A.
    b.sync.synchronize()
    a.sync.synchronize()
    assert (
        registros(a)
        == registros(b)
        == {
            REGISTROS[0]: "Original",
            REGISTROS[1]: "Guardado en B",
        }
    )


def test_rows_pulled_before_their_parent_arrive_with_it(sync_server, desktops, tmp_path) -> None:
    from icsoe_desktop.services.movimientos.servicio import Filtro, Orden
    from icsoe_desktop.store.models import Lote
    from tests.services.movimientos_data import REGISTRO_A, load_known

    a, b = connected(sync_server, desktops)
    b.sync.synchronize()
    load_known(a, tmp_path)
    pendientes = a.lotes.pendientes(REGISTRO_A)
    a.lotes.generar(REGISTRO_A, [p.id for p in pendientes], tmp_path, "ana@empresa.com")
    a.sync.synchronize()
    # The lote changes after its movements were sent: on the server it now comes after them,
    # so B, pulling two rows a page, receives movements that name a lote it does not have yet.
    with a.store.session() as session:
        session.scalars(select(Lote)).one().archivo = "renombrado.txt"
    a.sync.synchronize()

    b.sync.intercambio.pull_rows = 2
    result = b.sync.synchronize()
    assert result.conflictos == 0 and b.conflictos.conflicts() == []
    rows_a = a.movimientos.pagina(Filtro(), Orden(), 0, 100)
    assert [r[1:] for r in b.movimientos.pagina(Filtro(), Orden(), 0, 100)] == [
        r[1:] for r in rows_a
    ]
    [lote] = b.lotes.lotes()
    assert [d.nss for d in b.lotes.detalle(lote.id)] == [p.nss for p in pendientes]
    with b.store.session() as session:
        assert session.scalars(select(Lote.archivo)).all() == ["renombrado.txt"]
        assert session.scalar(select(func.count()).select_from(SyncPending)) == 0
