"""What ``movimientos_cambiados`` records of each write (migrations 0033 and 0034): a change
of the find box's copy's columns for the copy and the sortable columns' orders; a change of
only another column the grid sorts by for the orders alone (the copy skips it); a change of
no sortable column, nothing. A store of before 0034 is brought to it with its record, and
one opened as it is never has its orders trusted after a write."""

from __future__ import annotations

from contextlib import closing
from datetime import date
from pathlib import Path

from icsoe_desktop.demo.movimientos import create_demo_movimientos
from icsoe_desktop.store import cifrado, movimientos_espejo, plain
from icsoe_desktop.store.db import Store, make_engine, upgrade_file
from tests.store.test_pendientes import _downgrade

ANTES = "0033_movimientos_cambiados"


def _ultima(store: Store) -> int:
    with store.engine.connect() as conn:
        marca = movimientos_espejo.marca(conn)
    assert marca is not None
    return marca[0]


def _escribir(store: Store, sql: str) -> None:
    with store.engine.begin() as conn:
        conn.exec_driver_sql(sql)


def _cambiados(store: Store, desde: int, todos: bool) -> list[int] | None:
    with store.engine.connect() as conn:
        cambios = movimientos_espejo.cambiados(conn, desde, 100, todos)
    return None if cambios is None else cambios[2]


def test_each_write_is_recorded_for_whom_it_concerns(tmp_path: Path) -> None:
    store = Store(tmp_path / "icsoe.sqlite3")
    try:
        create_demo_movimientos(store, 30, date(2026, 11, 22))
        desde = _ultima(store)
        _escribir(
            store, "UPDATE movimientos SET salario = coalesce(salario, 0) + 1 WHERE id IN (1, 2)"
        )
        _escribir(store, "UPDATE movimientos SET lote_id = NULL, guia = 'G7' WHERE id = 3")
        _escribir(store, "UPDATE movimientos SET primer_apellido = 'ZZZ', sbc = 1 WHERE id = 4")
        _escribir(store, "UPDATE movimientos SET version = version + 1, uuid = uuid")
        _escribir(store, "UPDATE movimientos SET salario = salario WHERE id = 5")  # same value
        assert _cambiados(store, desde, todos=True) == [1, 2, 3, 4]
        assert _cambiados(store, desde, todos=False) == [4]  # the copy's columns
        with store.engine.connect() as conn:  # once each, the copy's change marked so
            filas = conn.exec_driver_sql(
                "SELECT movimiento_id, copia FROM movimientos_cambiados WHERE n > ?", (desde,)
            ).all()
        assert sorted(filas) == [(1, 0), (2, 0), (3, 0), (4, 1)]
    finally:
        store.close()


def test_a_store_of_before_is_brought_to_it_and_back(tmp_path: Path) -> None:
    path = tmp_path / "icsoe.sqlite3"
    upgrade_file(path, ANTES)
    disparadores = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE ?"
    with closing(cifrado.conectar(path)) as conn:
        antes = {n for (n,) in conn.execute(disparadores, ("movimientos_cambiados%",))}
    store = Store(path)  # the opening migrates it
    try:
        create_demo_movimientos(store, 10, date(2026, 11, 22))
        desde = _ultima(store)
        _escribir(store, "UPDATE movimientos SET umf = '999' WHERE id = 1")
        assert _cambiados(store, desde, todos=True) == [1]
        assert _cambiados(store, desde, todos=False) == []
    finally:
        store.close()
    with closing(cifrado.conectar(path)) as conn:
        ahora = {n for (n,) in conn.execute(disparadores, ("movimientos_cambiados%",))}
    assert ahora == antes | {"movimientos_cambiados_orden"}  # the trimming one kept

    _downgrade(path, ANTES)
    with closing(plain.connect(path)) as conn:  # (the sync triggers call the app)
        assert {n for (n,) in conn.execute(disparadores, ("movimientos_cambiados%",))} == antes
        columnas = [c[1] for c in conn.execute("PRAGMA table_info(movimientos_cambiados)")]
        assert "copia" not in columnas
        conn.execute("UPDATE movimientos SET umf = '998' WHERE id = 1")  # the orders' only
        conn.execute("UPDATE movimientos SET primer_apellido = 'ZZZ' WHERE id = 2")
        conn.commit()
    # Opened as it is (a store of before, read-only): the copy's changes still read; whether
    # another sortable column changed cannot be told, so the orders are not trusted after a
    # write (they are with none since).
    engine = make_engine(path)
    try:
        with engine.connect() as conn:
            cambios = movimientos_espejo.cambiados(conn, desde + 1, 100)
            assert cambios is not None and cambios[2] == [2]
            assert movimientos_espejo.cambiados(conn, desde + 1, 100, todos=True) is None
            ultima = cambios[0]
            assert movimientos_espejo.cambiados(conn, ultima, 100, todos=True) == (
                ultima,
                None,
                [],
            )
    finally:
        engine.dispose()
