"""``Store.vigencia()`` (store/vigencia.py): the same while the movements are, whoever writes
the file; a commit of other tables keeps it (what the find box keeps stays usable); a write of
movements by another connection, or by another program, moves it; so does a file of another
history put in place, and a store whose file cannot be read."""

from __future__ import annotations

import shutil
from contextlib import closing
from datetime import date
from pathlib import Path

from icsoe_desktop.demo.movimientos import create_demo_movimientos
from icsoe_desktop.store import cifrado, plain
from icsoe_desktop.store.db import Store


def _otro_programa(path: Path, sql: str) -> None:
    with closing(cifrado.conectar(path, isolation_level=None)) as conn:
        plain.configure(conn)  # the functions the store's triggers call
        conn.execute(sql)


def test_it_moves_with_the_movements_and_only_with_them(tmp_path: Path) -> None:
    store = Store(tmp_path / "e.sqlite3")
    try:
        create_demo_movimientos(store, 20, date(2026, 11, 22))
        antes = store.vigencia()
        assert store.vigencia() == antes
        _otro_programa(store.path, "CREATE TABLE ajena (x)")
        _otro_programa(store.path, "INSERT INTO ajena VALUES (1)")
        assert store.vigencia() == antes  # other tables: what was read still holds

        _otro_programa(store.path, "UPDATE movimientos SET nombre = 'ANA' WHERE id = 3")
        despues = store.vigencia()
        assert despues != antes
        assert store.vigencia() == despues
        with store.engine.begin() as conn:  # this process's own pool: another connection too
            conn.exec_driver_sql("UPDATE movimientos SET deleted = 1 WHERE id = 4")
        assert store.vigencia() != despues
    finally:
        store.close()


def test_a_file_of_another_history_or_unreadable_is_never_the_same(tmp_path: Path) -> None:
    store = Store(tmp_path / "e.sqlite3")
    copia = tmp_path / "copia.sqlite3"
    try:
        create_demo_movimientos(store, 20, date(2026, 11, 22))
        with store.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        shutil.copyfile(store.path, copia)
        _otro_programa(copia, "UPDATE movimientos SET nombre = 'ANA' WHERE id = 3")
        antes = store.vigencia()

        store.close()  # as a restore does: the file replaced, the store opened again
        shutil.copyfile(copia, store.path)
        store.reopen()
        assert store.vigencia() != antes

        # Its connection closed (the store let go of the file): nothing kept holds meanwhile.
        ahora = store.vigencia()
        store.vigencia.cerrar()
        assert store.vigencia() != ahora
        assert not store.vigencia.de_fuera(store.cambios.anuncios)
    finally:
        store.close()


def test_another_programs_write_is_told_once_and_this_processs_not(tmp_path: Path) -> None:
    store = Store(tmp_path / "e.sqlite3")
    try:
        create_demo_movimientos(store, 20, date(2026, 11, 22))
        assert not store.vigencia.de_fuera(store.cambios.anuncios)  # the first look
        _otro_programa(store.path, "DELETE FROM movimientos WHERE id = 5")
        assert store.vigencia.de_fuera(store.cambios.anuncios)
        assert not store.vigencia.de_fuera(store.cambios.anuncios)
        with store.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE movimientos SET nombre = 'LUIS' WHERE id = 6")
        store.cambios.anunciar({"movimientos"})
        assert not store.vigencia.de_fuera(store.cambios.anuncios)
    finally:
        store.close()


def test_another_programs_write_of_any_kind_is_told_by_its_kind(tmp_path: Path) -> None:
    """The command line beside the app writes an evidence due day, then the informativa's
    clients, through stores of its own: the app's look names those kinds, once each; its own
    writes and a write rolled back name nothing."""
    from sqlalchemy import update

    from icsoe_desktop.domain.cambios import EVIDENCIAS, ICSOE
    from icsoe_desktop.store.models import Contratante, EvidenciaEntrega

    app = Store(tmp_path / "e.sqlite3")
    cli = Store(tmp_path / "e.sqlite3")
    try:

        def mirar() -> set[str]:
            return app.vigencia.clases_de_fuera(app.escritor.proceso)

        assert mirar() == set()  # the first look takes note
        with cli.session() as session:
            session.add(EvidenciaEntrega(contratante="AAA010101AAA", dia=20))
        assert mirar() == {EVIDENCIAS}
        assert mirar() == set()  # told once
        with app.session() as session:  # the app's own write: its windows heard it already
            session.add(EvidenciaEntrega(contratante="BBB010101BBB", dia=21))
        assert mirar() == set()
        try:
            with cli.session() as session:
                session.add(EvidenciaEntrega(contratante="CCC010101CCC", dia=22))
                session.flush()
                raise RuntimeError("the command line stopped mid-way")
        except RuntimeError:
            pass
        assert mirar() == set()  # rolled back: nothing was written
        otro = Store(tmp_path / "e.sqlite3")  # a writer the app never saw
        try:
            with otro.session() as session:  # a statement, not an object: counted the same
                session.execute(update(Contratante).values(nombre="Cliente"))
        finally:
            otro.close()
        assert mirar() == {ICSOE}
    finally:
        cli.close()
        app.close()
