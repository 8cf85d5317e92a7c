"""Every store of an installation encrypted with the key kept in the OS keyring: what a thief of
the data folder or of a backup finds in the files, and what the app does when the key is gone."""

from __future__ import annotations

import shutil
import subprocess
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from icsoe_desktop.demo.movimientos import create_demo_movimientos
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.paths import CATALOGO_FILE
from icsoe_desktop.services import llave_almacen
from icsoe_desktop.services.container import open_services
from icsoe_desktop.services.llave_almacen import LlaveAlmacenFaltante
from icsoe_desktop.services.secrets import SecretsService
from icsoe_desktop.store import cifrado
from tests.llaves import cuenta

TODAY = date(2026, 11, 22)


def _una_persona(services) -> list[bytes]:
    """The NSS, CURP and name of one worker the store holds."""
    with services.store.engine.connect() as conn:
        nss, curp, nombre = conn.execute(
            text("SELECT nss, curp, nombre FROM movimientos ORDER BY id LIMIT 1")
        ).one()
    return [nss.encode(), curp.encode(), nombre.encode()]


def _archivos(path: Path) -> list[Path]:
    return [p for p in (path, path.with_name(path.name + "-wal")) if p.exists()]


def test_the_store_its_wal_and_a_backup_hold_no_nss_curp_or_name(services, tmp_path) -> None:
    create_demo_movimientos(services.store, 300, TODAY)
    persona = _una_persona(services)
    respaldo = services.backup.backup(tmp_path / "r.icsoe-respaldo", actor=CLI_ACTOR)
    wal = services.store.path.with_name(services.store.path.name + "-wal")
    assert wal.exists() and wal.stat().st_size > 0  # its pages written there are checked too

    for archivo in [*_archivos(services.store.path), respaldo, services.catalogo.path]:
        contenido = archivo.read_bytes()
        assert not contenido.startswith(cifrado.CABECERA_PLANA), archivo
        for dato in persona:
            assert dato not in contenido, (archivo, dato)
    assert b"ADMIN" not in services.catalogo.path.read_bytes().upper()  # its users' names
    # And the app reads them back.
    assert _una_persona(services) == persona


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="needs the sqlite3 program")
def test_the_sqlite3_program_says_it_is_not_a_database(services) -> None:
    create_demo_movimientos(services.store, 20, TODAY)
    for path in (services.store.path, services.catalogo.path):
        salida = subprocess.run(
            ["sqlite3", str(path), "SELECT count(*) FROM sqlite_master"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert salida.returncode != 0
        assert "file is not a database" in salida.stderr


def test_the_key_is_in_the_keyring_and_one_per_installation(services, data_dir) -> None:
    llave = bytes.fromhex(
        SecretsService().get(llave_almacen.KEYRING_SCOPE, cuenta(llave_almacen.CUENTA)) or ""
    )
    assert len(llave) == 32
    assert cifrado.llave_instalacion() == llave
    services.close()
    again = open_services(data_dir)  # the same key read back: the stores open
    try:
        assert cifrado.llave_instalacion() == llave
        assert again.store.path.is_file()
    finally:
        again.close()


def test_without_the_key_in_the_keyring_nothing_opens_and_it_says_why(services, data_dir) -> None:
    services.close()
    SecretsService().delete(llave_almacen.KEYRING_SCOPE, cuenta(llave_almacen.CUENTA))
    with pytest.raises(LlaveAlmacenFaltante) as error:
        open_services(data_dir)
    assert "llave con la que se cifraron las bases de datos" in error.value.message
    assert "código de recuperación" in error.value.message
    assert (data_dir / CATALOGO_FILE).is_file()  # nothing made anew over it


def test_a_garbled_keyring_entry_is_refused_and_no_key_is_made(services, data_dir) -> None:
    services.close()
    SecretsService().set(
        llave_almacen.KEYRING_SCOPE, cuenta(llave_almacen.CUENTA), "no es una llave"
    )
    with pytest.raises(LlaveAlmacenFaltante) as error:
        open_services(data_dir)
    assert "no trae una llave de icsoe-desktop" in error.value.message
    secreto = SecretsService().get(llave_almacen.KEYRING_SCOPE, cuenta(llave_almacen.CUENTA))
    assert secreto == "no es una llave"


def test_another_key_does_not_open_the_store(services, data_dir) -> None:
    path = services.store.path
    services.close()
    with (
        closing(cifrado.conectar(path, llave=bytes(32))) as conn,
        pytest.raises(cifrado.DatabaseError, match="file is not a database"),
    ):
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()


def test_without_an_os_keyring_the_stores_stay_readable_in_clear(
    data_dir, clock, monkeypatch
) -> None:
    import keyring.core

    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    keyring.core._keyring_backend = None
    services = open_services(data_dir, clock)
    try:
        create_demo_movimientos(services.store, 10, TODAY)
        assert cifrado.llave_instalacion() is None
        assert cifrado.es_plano(services.store.path)
        assert cifrado.es_plano(services.catalogo.path)
    finally:
        services.close()
