"""The SISUB's PDFs as sync needs them (migration 0045): a store of the revision before, with an
escritura and a contract's PDF kept, keeps both through the upgrade (each with a uuid of its
own, waiting to be sent) and back."""

from __future__ import annotations

import re
from pathlib import Path

from icsoe_desktop.store import cifrado, sumas
from icsoe_desktop.store.db import Store
from tests.store.test_nomina_sincronizada import _downgrade

_COLUMNAS = "id, contratista_id, contrato, nombre, sha256, datos, adjuntado_at"
_FILAS = [
    (1, 1, "", "escritura.pdf", "a" * 64, b"%PDF-1.4 escritura", "2026-05-02 10:00:00.000000"),
    (
        2,
        1,
        "0b5e8a7c-1d2e-4f30-9a4b-5c6d7e8f9a0b",
        "contrato.pdf",
        "b" * 64,
        b"%PDF-1.4 contrato",
        "2026-05-03 11:00:00.000000",
    ),
]
_UUID4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def _leer(path: Path, columnas: str = _COLUMNAS) -> list[tuple[object, ...]]:
    conn = cifrado.conectar(path)
    try:
        return conn.execute(f"SELECT {columnas} FROM sisub_pdfs ORDER BY id").fetchall()
    finally:
        conn.close()


def test_the_pdfs_kept_survive_the_upgrade_and_wait_to_be_sent(tmp_path: Path) -> None:
    path = tmp_path / "empresa.sqlite3"
    Store(path).close()
    _downgrade(path, "0044_recibos_por_fecha_pago")
    conn = cifrado.conectar(path)
    sumas.register(conn)
    with conn:
        conn.execute(
            "INSERT INTO icsoe_contratistas (id, rfc, nombre, persona, no_certificado, correo, "
            "celular, telefono_fijo, codigo_postal, colonia, calle, numero_exterior, "
            "numero_interior, municipio, entidad, acuse_archivo, acuse_nombre, uuid, created_at, "
            "updated_at, version, deleted) VALUES (1, 'SME010101AB1', 'Servicios, S.A.', "
            "'moral', '', '', '', '', '', '', '', '', '', '', '', '', '', "
            "'5d1c0a9e-2b3f-4c5d-8e6f-7a8b9c0d1e2f', '2026-05-01 00:00:00.000000', "
            "'2026-05-01 00:00:00.000000', 1, 0)"
        )
        conn.executemany(
            f"INSERT INTO sisub_pdfs ({_COLUMNAS}) VALUES (?, ?, ?, ?, ?, ?, ?)", _FILAS
        )
    conn.close()

    Store(path).close()  # to head
    assert _leer(path) == _FILAS
    sincronizadas = _leer(path, "uuid, created_at, version, deleted")
    assert all(_UUID4.fullmatch(u) for u, *_ in sincronizadas)
    assert len({u for u, *_ in sincronizadas}) == 2
    assert [fila[1:] for fila in sincronizadas] == [
        ("2026-05-02 10:00:00.000000", 1, 0),
        ("2026-05-03 11:00:00.000000", 1, 0),
    ]
    conn = cifrado.conectar(path)
    try:  # no sync state yet: both are sent at the next sync
        assert conn.execute(
            "SELECT count(*) FROM sisub_pdfs p JOIN sync_row_state s ON s.row_uuid = p.uuid"
        ).fetchone() == (0,)
        assert conn.execute(
            "SELECT rows FROM sync_unsent WHERE table_name = 'sisub_pdfs'"
        ).fetchone() == (2,)
    finally:
        conn.close()

    _downgrade(path, "0044_recibos_por_fecha_pago")
    assert _leer(path) == _FILAS
