"""The board's counts per client and month (store/evidencia_conteo.py) stay what counting the
receipts again says, whatever changes them: receipts written, a client changed, a receipt
deleted (its flag, or its row), paid in another month, substituted and no longer, its XML kept
or forgotten; and a store of the revision before is counted as it is upgraded."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from icsoe_desktop.demo.nomina import create_demo_recibos
from icsoe_desktop.store import cifrado, evidencia_conteo, sumas
from icsoe_desktop.store.db import Store
from tests.store.test_nomina_sincronizada import _downgrade

if TYPE_CHECKING:
    import sqlite3


def _conteo(conn: sqlite3.Connection) -> dict[tuple[str, str], tuple[int, int]]:
    return {
        (c, m): (n, x)
        for c, m, n, x in conn.execute("SELECT * FROM evidencia_conteo WHERE recibos > 0")
    }


def _contado_de_nuevo(conn: sqlite3.Connection) -> dict[tuple[str, str], tuple[int, int]]:
    conn.execute("SAVEPOINT otra_vez")
    evidencia_conteo.recontar(conn)
    contado = _conteo(conn)
    conn.execute("ROLLBACK TO otra_vez")
    conn.execute("RELEASE otra_vez")
    return contado


def _store(tmp_path: Path) -> tuple[Path, int]:
    path = tmp_path / "empresa.sqlite3"
    store = Store(path)
    try:
        hechos = create_demo_recibos(store, date(2026, 9, 21), 3, 6)
    finally:
        store.close()
    return path, hechos


def _abrir(path: Path) -> sqlite3.Connection:
    conn = cifrado.conectar(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    sumas.register(conn)  # the sync's triggers run on the rows written here
    return conn


def test_every_change_keeps_the_counts_as_counting_again_says(tmp_path: Path) -> None:
    path, hechos = _store(tmp_path)
    conn = _abrir(path)
    try:
        uuids = [u for (u,) in conn.execute("SELECT uuid FROM nomina_recibos ORDER BY id")]
        assert len(uuids) == hechos == 18
        antes = _conteo(conn)
        assert antes and antes == _contado_de_nuevo(conn)
        assert {m for _, m in antes} == {"2026-09", "2026-10"}
        assert sum(x for _, x in antes.values()) == 0  # no XML kept yet
        cambios = (
            ("INSERT INTO nomina_xml (uuid) VALUES (?)", uuids[0]),
            ("INSERT INTO nomina_xml (uuid) VALUES (?)", uuids[1]),
            ("UPDATE nomina_recibos SET deleted = 1 WHERE uuid = ?", uuids[2]),
            ("UPDATE nomina_recibos SET deleted = 0 WHERE uuid = ?", uuids[2]),
            ("UPDATE nomina_recibos SET fecha_pago = '2026-11-02' WHERE uuid = ?", uuids[0]),
            (
                "UPDATE nomina_subcontrataciones SET rfc = 'XYZ010101AB1' WHERE recibo_id = "
                "(SELECT id FROM nomina_recibos WHERE uuid = ?)",
                uuids[3],
            ),
            (
                "INSERT INTO nomina_sustituidos (uuid, por, created_at, updated_at, version, "
                "deleted) VALUES (?, 'otro', '2026-10-01', '2026-10-01', 1, 0)",
                uuids[1],
            ),
            ("DELETE FROM nomina_sustituidos WHERE uuid = ?", uuids[1]),
            (
                "INSERT INTO nomina_sustituidos (uuid, por, created_at, updated_at, version, "
                "deleted) VALUES (?, 'otro', '2026-10-01', '2026-10-01', 1, 0)",
                uuids[4],
            ),
            ("DELETE FROM nomina_recibos WHERE uuid = ?", uuids[5]),
            (
                "DELETE FROM nomina_subcontrataciones WHERE recibo_id = "
                "(SELECT id FROM nomina_recibos WHERE uuid = ?)",
                uuids[6],
            ),
            ("DELETE FROM nomina_xml WHERE uuid = ?", uuids[1]),
        )
        for sql, uuid in cambios:
            conn.execute("BEGIN")
            conn.execute(sql, (uuid,))
            conn.execute("COMMIT")
            assert _conteo(conn) == _contado_de_nuevo(conn), sql
        despues = _conteo(conn)
        assert despues != antes
        assert any(m == "2026-11" for _, m in despues)
        assert any(c == "XYZ010101AB1" for c, _ in despues)
        assert sum(x for _, x in despues.values()) >= 1  # the first receipt's XML
    finally:
        conn.close()


def test_a_store_before_the_counts_is_counted_as_it_is_upgraded(tmp_path: Path) -> None:
    path, _ = _store(tmp_path)
    conn = _abrir(path)
    contado = _conteo(conn)
    un_recibo = conn.execute("SELECT uuid FROM nomina_recibos LIMIT 1").fetchone()[0]
    conn.close()
    _downgrade(path, "0047_sisub_contratos_presentados")
    # The archive beside it keeps one receipt's XML: the upgrade reads it.
    archivo = path.parent / "evidencias" / f"{path.stem}.sqlite3"
    archivo.parent.mkdir()
    with cifrado.conectar(archivo) as arch:
        arch.execute("CREATE TABLE recibos (timbre TEXT PRIMARY KEY, sha256 TEXT NOT NULL)")
        arch.execute("INSERT INTO recibos VALUES (?, 'x')", (un_recibo,))
    arch.close()
    Store(path).close()  # to head again
    conn = _abrir(path)
    try:
        nuevo = _conteo(conn)
        assert {k: n for k, (n, _) in nuevo.items()} == {k: n for k, (n, _) in contado.items()}
        assert sum(x for _, x in nuevo.values()) >= 1
        assert conn.execute("SELECT uuid FROM nomina_xml").fetchall() == [(un_recibo,)]
    finally:
        conn.close()


def test_a_store_written_without_its_triggers_is_counted_again(tmp_path: Path) -> None:
    """Counts that say nothing of the rows (a file rebuilt from a damaged one, rows written by
    hand) are written again by the store's recount, as the other kept counts are."""
    from icsoe_desktop.store import recuento
    from icsoe_desktop.store.sync_tables import sums_tables

    path, _ = _store(tmp_path)
    conn = _abrir(path)
    contado = _conteo(conn)
    conn.execute("UPDATE evidencia_conteo SET recibos = recibos + 7, con_xml = 3")
    conn.execute("INSERT INTO evidencia_conteo VALUES ('ZZZ010101AB1', '2026-01', 5, 0)")
    assert _conteo(conn) != contado
    conn.close()
    store = Store(path)
    try:
        with store.session() as session:
            recuento.recount(session.connection(), sums_tables())
    finally:
        store.close()
    conn = _abrir(path)
    try:
        assert _conteo(conn) == contado
    finally:
        conn.close()
