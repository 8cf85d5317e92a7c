"""The recount before a sync (services/sync/recuento.py): a new store's sums trusted at its
first sync, a file without the app's header number counted from its rows; and when the sums
cannot be counted now, a store whose audit log was altered, and one whose write another program
holds. Neither is trusted as «verificado» until its sums were counted from its rows."""

from __future__ import annotations

import logging
from contextlib import closing
from datetime import date

from icsoe_desktop.demo.movimientos import create_demo_movimientos
from icsoe_desktop.store import cifrado
from icsoe_desktop.store import recuento as recuento_filas
from icsoe_desktop.store.sync_tables import sums_tables
from tests.base_bloqueada import espera_corta


def _otro_encabezado(path) -> None:
    """The file's header number changed, as a copy rebuilt by another program has its own."""
    with closing(cifrado.conectar(path)) as conn:
        numero = conn.execute("PRAGMA user_version").fetchone()[0]
        conn.execute(f"PRAGMA user_version = {numero + 1}")


def test_a_file_not_the_recorded_one_is_recounted_only_once_its_write_is_free(
    services, monkeypatch, caplog
) -> None:
    create_demo_movimientos(services.store, 40, date(2026, 11, 22))
    recuento = services.sync.recuento
    assert recuento.antes_de_sincronizar() is False  # a new store: trusted, recorded
    _otro_encabezado(services.store.path)
    espera_corta(services.store, monkeypatch)  # its next connections wait briefly for the lock
    otro = cifrado.conectar(services.store.path, isolation_level=None)
    try:
        otro.execute("BEGIN IMMEDIATE")  # another program's long write
        with caplog.at_level(logging.WARNING):
            assert recuento.antes_de_sincronizar() is None  # not counted: not trusted yet
        assert "Sumas sin recontar (base de datos ocupada)" in caplog.text
    finally:
        otro.close()
    # Free again: counted from the rows (they agree), and the file recorded as this one.
    assert recuento.antes_de_sincronizar() is False
    assert recuento.antes_de_sincronizar() is False


def test_a_store_whose_audit_log_was_altered_is_never_recounted(services) -> None:
    recuento = services.sync.recuento
    services.store.solo_lectura = "bitácora alterada"
    assert recuento.antes_de_sincronizar() is None


def _sumas_distintas(services) -> dict[str, tuple[int, int]]:
    """Per synced table whose kept sums are not what a full recount of its rows gives."""
    with services.store.session() as session:
        return recuento_filas.differing(session.connection(), sums_tables())


def _encabezado(path, numero: int) -> None:
    with closing(cifrado.conectar(path)) as conn:
        conn.execute(f"PRAGMA user_version = {numero}")


def test_a_new_store_s_sums_are_trusted_at_its_first_sync_and_are_its_rows(services) -> None:
    """Rows made before sync was set up (a bulk import, a save): the first sync trusts the
    sums the triggers kept, and they are exactly what a full recount of the rows gives."""
    create_demo_movimientos(services.store, 300, date(2026, 11, 22))
    services.registros.save("Y5600000001", "ABC010101AB1", "Original", "e")
    with closing(cifrado.conectar(services.store.path)) as conn:  # numbered as it was created
        assert conn.execute("PRAGMA user_version").fetchone()[0] != 0
    assert services.sync.recuento.antes_de_sincronizar() is False
    assert _sumas_distintas(services) == {}


def test_a_file_without_the_app_s_header_number_is_counted_from_its_rows(services) -> None:
    """A file another program rebuilt (``.dump`` copies no header number) whose sums say
    more than its rows: at its first sync they are counted again from the rows."""
    create_demo_movimientos(services.store, 40, date(2026, 11, 22))
    with services.store.session() as session:
        session.connection().exec_driver_sql(
            "UPDATE sync_sums SET rows = rows + 1 WHERE table_name = 'movimientos'"
        )
    _encabezado(services.store.path, 0)
    assert _sumas_distintas(services) != {}
    assert services.sync.recuento.antes_de_sincronizar() is True
    assert _sumas_distintas(services) == {}
