"""The SISUB guides' table (migration 0050): a store of the revision before takes it empty, and
the sync's bookkeeping watches it at once (a guide written there waits to be sent); back at
0049 the table is gone and the other synced tables are watched as before."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from icsoe_desktop.store import sumas
from icsoe_desktop.store.db import Store
from tests.store.test_nomina_sincronizada import _downgrade

_GUIA = (
    "INSERT INTO sisub_guias (archivo, titulos, campos, nombre, sha256, leida_por, leida_at, "
    "uuid, created_at, updated_at, version, deleted) VALUES ('trabajadores', '[\"NSS\"]', "
    "'[\"nss\"]', 'guia.xls', '', 'admin', '2026-11-22 09:00:00.000000', "
    "'0b5e8a7c-1d2e-4f30-9a4b-5c6d7e8f9a0b', '2026-11-22 09:00:00.000000', "
    "'2026-11-22 09:00:00.000000', 1, 0)"
)


def _tablas(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        conn.close()


def _sin_enviar(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        return dict(conn.execute("SELECT table_name, rows FROM sync_unsent WHERE rows > 0"))
    finally:
        conn.close()


def test_the_guides_table_comes_watched_by_the_sync_and_goes_back(tmp_path: Path) -> None:
    path = tmp_path / "empresa.sqlite3"
    Store(path).close()
    _downgrade(path, "0049_evidencia_documento_datos")
    assert "sisub_guias" not in _tablas(path)

    Store(path).close()  # to head
    assert "sisub_guias" in _tablas(path)
    conn = sqlite3.connect(path)
    sumas.register(conn)
    with conn:
        conn.execute(_GUIA)
        sumado = conn.execute(
            "SELECT sum(rows) FROM sync_sums WHERE table_name = 'sisub_guias'"
        ).fetchone()
    conn.close()
    assert sumado == (1,)  # in the drift check's sums
    assert _sin_enviar(path) == {"sisub_guias": 1}  # sent at the next sync

    _downgrade(path, "0049_evidencia_documento_datos")
    assert "sisub_guias" not in _tablas(path)
    Store(path).close()  # up again: empty, as any new table
    assert _sin_enviar(path) == {}
