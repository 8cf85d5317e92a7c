"""Upgrade: a data dir of one company (schema 0010, data in every table) becomes the first
empresa of the catalog with nothing lost, and its users still sign in."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from alembic import command
from alembic.config import Config

from icsoe_desktop.domain import passwords
from icsoe_desktop.paths import DATABASE_FILE
from icsoe_desktop.services.empresas.servicio import CATALOGO_FILE
from icsoe_desktop.store import cifrado
from icsoe_desktop.store.db import make_engine
from icsoe_desktop.store.migrations import MIGRATIONS_DIR

if TYPE_CHECKING:
    pass

PREVIOUS = "0010_perf_grid"
PASSWORD = "Contrasena#2026"
RFC = "ABC010101AB1"


def _value(column: str, kind: str, row: int) -> object:
    kind = kind.upper()
    if column in ("deleted", "revoked") or kind == "BOOLEAN":
        return 0
    if "DATETIME" in kind:
        return f"2026-01-0{row} 10:00:00.000000"
    if kind == "DATE":
        return f"2026-01-0{row}"
    if "INT" in kind:
        return row
    if kind in ("FLOAT", "REAL") or kind.startswith("NUMERIC"):
        return 1.5 * row
    if kind == "BLOB":
        return b"datos"
    size = int(kind.split("(")[1].rstrip(")")) if "(" in kind else 40
    return f"{column}{row}"[:size]


def _fill_every_table(path: Path) -> None:
    """Two rows in every table that has none (foreign keys point at row 1 or 2)."""
    conn = cifrado.conectar(path)
    conn.execute("PRAGMA foreign_keys=OFF")
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
            "AND name != 'alembic_version'"
        )
    ]
    for table in tables:
        if conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]:
            continue
        columns = conn.execute(f'PRAGMA table_info("{table}")').fetchall()
        names = ", ".join(f'"{c[1]}"' for c in columns)
        marks = ", ".join("?" for _ in columns)
        for row in (1, 2):
            values = [_value(c[1], c[2], row) for c in columns]
            conn.execute(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', values)
    conn.commit()
    conn.close()


def _legacy_store(data_dir: Path) -> Path:
    """A store as the previous version leaves it: schema 0010, a real user with a real scrypt
    hash (an administrator), the empresa of its Configuración inicial, a row in every table."""
    path = data_dir / DATABASE_FILE
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    engine = make_engine(path)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, PREVIOUS)
    engine.dispose()
    conn = cifrado.conectar(path)
    conn.execute(
        "INSERT INTO idse_users (uuid, usuario, nombre, primer_apellido, segundo_apellido, "
        "password_hash, habilitado, aviso_aceptado_at, administrador, version, created_at, updated_at, "
        "deleted) VALUES ('u-1', 'claudia@despacho.mx', 'Claudia', 'Ruiz', '', ?, 1, "
        "'2026-01-01 00:00:00.000000', 1, 1, '2026-01-01 00:00:00.000000', '2026-01-01 00:00:00.000000', 0)",
        (passwords.hash_password(PASSWORD),),
    )
    conn.execute(
        "INSERT INTO empresa (rfc, razon_social, pasos_omitidos, updated_at) "
        "VALUES (?, 'Constructora Norte SA de CV', '', '2026-01-01 00:00:00.000000')",
        (RFC,),
    )
    conn.commit()
    conn.close()
    _fill_every_table(path)
    return path


def _snapshot(path: Path) -> dict[str, list[dict[str, object]]]:
    """Every row of every table, by column name: a column a later migration adds is not a
    change to the rows that were there."""
    conn = cifrado.conectar(path)
    conn.row_factory = cifrado.Row
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
            "AND name != 'alembic_version'"
        )
    ]
    rows = {t: [dict(r) for r in conn.execute(f'SELECT * FROM "{t}"')] for t in tables}
    conn.close()
    return rows


def _as_of(rows: list[dict[str, object]], columns: list[str]) -> list[tuple]:
    """The rows with only ``columns`` (the ones the older schema had), in a stable order."""
    return sorted((tuple(row[c] for c in columns) for row in rows), key=repr)


@pytest.mark.slow
def test_the_one_company_store_becomes_the_first_empresa_with_nothing_lost(data_dir) -> None:
    from icsoe_desktop.services.container import open_services

    legacy = _legacy_store(data_dir)
    before = _snapshot(legacy)
    assert before and all(before.values()), "every table of the old schema has data"

    services = open_services(data_dir)
    try:
        empresas = services.empresas.listar()
        assert [(e.rfc, e.razon_social, e.archivo) for e in empresas] == [
            (RFC, "Constructora Norte SA de CV", DATABASE_FILE)
        ]
        assert services.empresa == empresas[0]
        assert services.store.path == legacy
        assert empresas[0].solo_consulta  # sólo consulta works as it did before
        # The user signs in against the catalog with the password of before, and may open it.
        signed = services.accounts.authenticate("claudia@despacho.mx", PASSWORD)
        assert signed.usuario == "claudia@despacho.mx"
        assert services.accesos.puede_abrir(signed.usuario, empresas[0].id)
        assert [u.usuario for u in services.accounts.listar() if u.administrador] == [
            "claudia@despacho.mx"
        ]
        # The registros patronales and movimientos of before are the open empresa's.
        assert len(services.registros.listar()) == 2
        assert services.movimientos.resumen() is not None
    finally:
        services.close()

    after = _snapshot(legacy)
    for table, rows in before.items():
        columns = list(rows[0])
        kept = set(_as_of(after[table], columns))
        assert set(_as_of(rows, columns)) <= kept, f"rows lost in {table}"
    audit = list(before["audit_log"][0])
    # The sign-in went to the catalog's audit log.
    # (after them, the entry from which the chain is keyed: services/container.py)
    conservadas = [e for e in after["audit_log"] if e["action"] != "bitacora_con_llave"]
    assert _as_of(conservadas, audit) == _as_of(before["audit_log"], audit)
    assert after["audit_log"][-1]["action"] == "bitacora_con_llave"
    assert after["empresas"] == [] and after["empresa_accesos"] == []
    # The catalog has the users (with their hashes) and one grant each.
    with cifrado.conectar(data_dir / CATALOGO_FILE) as conn:
        hashes = dict(conn.execute("SELECT usuario, password_hash FROM idse_users"))
        grants = conn.execute("SELECT count(*) FROM empresa_accesos").fetchone()[0]
        actions = [r[0] for r in conn.execute("SELECT action FROM audit_log ORDER BY id")]
    conn.close()
    old_users = {r["usuario"] for r in before["idse_users"]}
    assert set(hashes) == old_users
    assert grants == len(old_users)
    assert actions[0] == "empresa_primera" and "inicio_sesion" in actions


@pytest.mark.slow
def test_the_upgrade_runs_once_and_a_second_start_changes_nothing(data_dir) -> None:
    from icsoe_desktop.services.container import open_services

    _legacy_store(data_dir)
    open_services(data_dir).close()
    catalog_before = _snapshot(data_dir / CATALOGO_FILE)
    open_services(data_dir).close()
    assert _snapshot(data_dir / CATALOGO_FILE) == catalog_before


def test_a_new_data_dir_starts_with_one_empresa_not_set_up(data_dir) -> None:
    from icsoe_desktop.services.container import open_services

    services = open_services(data_dir)
    try:
        [empresa] = services.empresas.listar()
        assert (empresa.rfc, empresa.nombre, empresa.archivo) == (
            "",
            "Empresa sin configurar",
            DATABASE_FILE,
        )
        assert (data_dir / CATALOGO_FILE).is_file() and (data_dir / DATABASE_FILE).is_file()
    finally:
        services.close()


def test_a_catalog_of_before_solo_consulta_keeps_it_for_its_first_empresa_only(data_dir) -> None:
    """A catalog made before the sólo consulta flag (schema 0012) with two empresas: the data
    dir's own keeps sólo consulta, the other one waits for an administrator."""
    from alembic import command
    from alembic.config import Config

    from icsoe_desktop.services.container import open_services
    from icsoe_desktop.services.empresas.servicio import CLI_ACTOR
    from icsoe_desktop.store.db import make_engine
    from icsoe_desktop.store.migrations import MIGRATIONS_DIR

    services = open_services(data_dir)
    services.empresas.crear("DDD040404DD4", "Distribuidora Cuatro SA de CV", CLI_ACTOR)
    services.close()
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    engine = make_engine(data_dir / CATALOGO_FILE)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0012_p18grid_orden_cubre")
    engine.dispose()

    services = open_services(data_dir)  # upgrades the catalog again
    try:
        flags = {e.archivo: e.solo_consulta for e in services.empresas.listar()}
        assert flags == {DATABASE_FILE: True, "empresas/DDD040404DD4/icsoe.sqlite3": False}
    finally:
        services.close()
