"""The receipts' tables as sync needs them (migration 0040): a store of the revision before,
with receipts, their children and a substitution, keeps every one of them through the upgrade
and back; the children are written from each receipt's ``detalle``, whatever wrote the row."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from alembic import command
from alembic.config import Config

from icsoe_desktop.demo.nomina import create_demo_recibos
from icsoe_desktop.store import cifrado, sumas
from icsoe_desktop.store.db import Store, make_engine
from icsoe_desktop.store.migrations import MIGRATIONS_DIR

if TYPE_CHECKING:
    import sqlite3

_HIJAS = (
    "SELECT lower(r.{llave}), h.tipo, h.gravado, h.exento FROM nomina_percepciones h "
    "JOIN nomina_recibos r ON r.id = h.recibo_id ORDER BY 1, 2",
    "SELECT lower(r.{llave}), h.rfc, h.porcentaje FROM nomina_subcontrataciones h "
    "JOIN nomina_recibos r ON r.id = h.recibo_id ORDER BY 1, 2",
    "SELECT lower(r.{llave}), h.n, h.dias, h.tipo, h.importe FROM nomina_incapacidades h "
    "JOIN nomina_recibos r ON r.id = h.recibo_id ORDER BY 1, 2",
)


def _downgrade(path: Path, target: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    engine = make_engine(path)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, target)
    engine.dispose()


def _conectar(path: Path) -> sqlite3.Connection:
    conn = cifrado.conectar(path)
    sumas.register(conn)  # the sync's triggers run on the rows written here
    return conn


def _leer(path: Path, llave: str) -> tuple[list[tuple[object, ...]], ...]:
    conn = _conectar(path)
    try:
        hijas = [conn.execute(q.format(llave=llave)).fetchall() for q in _HIJAS]
        recibos = f"SELECT lower({llave}), nss, sbc, fecha FROM nomina_recibos ORDER BY 1"
        return (*hijas, conn.execute(recibos).fetchall())
    finally:
        conn.close()


def test_receipts_and_their_children_survive_the_upgrade_and_back(tmp_path: Path) -> None:
    path = tmp_path / "empresa.sqlite3"
    store = Store(path)
    try:
        hechos = create_demo_recibos(store, date(2026, 1, 5), 2, 5)
    finally:
        store.close()
    conn = _conectar(path)
    with conn:  # an incapacidad, which the demo receipts lack, through the same trigger
        conn.execute(
            "INSERT INTO nomina_recibos (uuid, created_at, updated_at, version, deleted, cfdi, "
            "fecha, fecha_pago, fecha_inicial, fecha_final, dias_pagados, tipo_nomina, "
            "periodicidad, nss, curp, rfc, nombre, registro_patronal, sbc, sdi, total, "
            "total_percepciones, total_deducciones, total_otros_pagos, no_certificado, "
            "sello_sat, detalle) SELECT 'aaaaaaaa-0000-4000-8000-000000000001', created_at, "
            "updated_at, 1, 0, cfdi, fecha, fecha_pago, fecha_inicial, fecha_final, "
            "dias_pagados, tipo_nomina, periodicidad, nss, curp, rfc, nombre, "
            "registro_patronal, sbc, sdi, total, total_percepciones, total_deducciones, "
            "total_otros_pagos, no_certificado, sello_sat, "
            """'{"p":[["001",100,0]],"i":[[3000,"02",0],[2000,"01",500]]}' """
            "FROM nomina_recibos LIMIT 1"
        )
        conn.execute(
            "INSERT INTO nomina_sustituidos (uuid, por, created_at, updated_at, version, "
            "deleted) VALUES ('bbbbbbbb-0000-4000-8000-000000000002', "
            "'aaaaaaaa-0000-4000-8000-000000000001', '2026-01-12 00:00:00.000000', "
            "'2026-01-12 00:00:00.000000', 1, 0)"
        )
    conn.close()
    antes = _leer(path, "uuid")
    assert len(antes[-1]) == hechos + 1 and len(antes[2]) == 2  # the incapacidades, in order
    assert antes[1] and antes[0]

    _downgrade(path, "0039_sisub")
    assert _leer(path, "timbre") == antes
    conn = _conectar(path)
    assert conn.execute("SELECT timbre, por FROM nomina_sustituidos").fetchall() == [
        ("BBBBBBBB-0000-4000-8000-000000000002", "AAAAAAAA-0000-4000-8000-000000000001")
    ]
    conn.close()

    Store(path).close()  # to head again
    assert _leer(path, "uuid") == antes
    conn = _conectar(path)
    try:
        assert conn.execute("SELECT uuid, por, deleted FROM nomina_sustituidos").fetchall() == [
            ("bbbbbbbb-0000-4000-8000-000000000002", "aaaaaaaa-0000-4000-8000-000000000001", 0)
        ]
        # A receipt's created_at is its CFDI's date: the same wherever it was imported.
        assert conn.execute(
            "SELECT count(*) FROM nomina_recibos WHERE created_at != fecha"
        ).fetchone() == (0,)
    finally:
        conn.close()


def test_a_detalle_that_is_not_what_the_import_writes_never_stops_the_write(
    tmp_path: Path,
) -> None:
    """A row another desktop sent with a broken detalle is stored; its children are what can
    be read of it."""
    path = tmp_path / "empresa.sqlite3"
    store = Store(path)
    try:
        create_demo_recibos(store, date(2026, 1, 5), 1, 1)
    finally:
        store.close()
    conn = _conectar(path)
    copia = (
        "INSERT INTO nomina_recibos (uuid, created_at, updated_at, version, deleted, cfdi, "
        "fecha, fecha_pago, fecha_inicial, fecha_final, dias_pagados, tipo_nomina, "
        "periodicidad, nss, curp, rfc, nombre, registro_patronal, sbc, sdi, total, "
        "total_percepciones, total_deducciones, total_otros_pagos, no_certificado, sello_sat, "
        "detalle) SELECT ?, created_at, updated_at, 1, 0, cfdi, fecha, fecha_pago, "
        "fecha_inicial, fecha_final, dias_pagados, tipo_nomina, periodicidad, nss, curp, rfc, "
        "nombre, registro_patronal, sbc, sdi, total, total_percepciones, total_deducciones, "
        "total_otros_pagos, no_certificado, sello_sat, ? FROM nomina_recibos LIMIT 1"
    )
    rotos = ("no es json", '{"s": "ABC"}', '{"s": [["X", null], ["Y", 5], ["Y", 6]]}', "[1]")
    with conn:
        for n, detalle in enumerate(rotos):
            conn.execute(copia, (f"CCCCCCCC-0000-4000-8000-00000000000{n}", detalle))
    assert conn.execute("SELECT count(*) FROM nomina_recibos").fetchone() == (1 + len(rotos),)
    assert conn.execute(
        "SELECT h.rfc, h.porcentaje FROM nomina_subcontrataciones h JOIN nomina_recibos r "
        "ON r.id = h.recibo_id WHERE r.uuid LIKE 'CCCCCCCC%'"
    ).fetchall() == [("Y", 5)]
    conn.close()
