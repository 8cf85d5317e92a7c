"""The recount before a sync (services/sync/recuento.py) when the sums cannot be counted now:
a store whose audit log was altered, and one whose write another program holds. Neither is
trusted as «verificado» until its sums were counted from its rows."""

from __future__ import annotations

import logging
from contextlib import closing
from datetime import date

from icsoe_desktop.demo.movimientos import create_demo_movimientos
from icsoe_desktop.store import cifrado
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
    assert recuento.antes_de_sincronizar() is False  # nothing recorded: compared, recorded
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
