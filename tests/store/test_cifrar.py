"""A store in clear (made before encryption) encrypted in place at its first opening with a key:
checked, swapped in, the plain file gone; killed at any moment, the store is the plain one or
the encrypted one, whole."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from icsoe_desktop.store import cifrado, cifrar
from icsoe_desktop.store.db import Store

LLAVE = bytes(range(32))
NSS = b"12345678901"
CURP = b"PEGJ800101HDFRRN09"
NOMBRE = b"JUANA PEREZ GARCIA"


@pytest.fixture
def con_llave():
    cifrado.usar_llave(lambda: LLAVE)
    yield LLAVE
    cifrado.usar_llave(None)


def _plana(path: Path, filas: int = 200, relleno: int = 0) -> None:
    """A plain store with rows in its file and in its WAL, and a ``user_version``."""
    with closing(cifrado.conectar(path, llave=None)) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE personas (nss TEXT, curp TEXT, nombre TEXT, relleno BLOB)")
        conn.execute("CREATE INDEX personas_nss ON personas (nss)")
        conn.executemany(
            "INSERT INTO personas VALUES (?, ?, ?, ?)",
            [(NSS.decode(), CURP.decode(), NOMBRE.decode(), os.urandom(relleno))] * filas,
        )
        conn.execute("PRAGMA user_version = 7")
        conn.commit()
        conn.execute("PRAGMA wal_autocheckpoint = 0")
        conn.execute("INSERT INTO personas VALUES ('99999999999', 'X', 'SOLO EN EL WAL', NULL)")
        conn.commit()
        assert path.with_name(path.name + "-wal").stat().st_size > 0
        conn.close()


def _filas(path: Path) -> tuple[int, int, str]:
    with closing(cifrado.conectar(path)) as conn:
        return (
            conn.execute("SELECT count(*) FROM personas").fetchone()[0],
            conn.execute("PRAGMA user_version").fetchone()[0],
            conn.execute("SELECT nombre FROM personas ORDER BY rowid DESC LIMIT 1").fetchone()[0],
        )


def _junto(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name))


def test_a_plain_store_is_encrypted_whole_at_its_opening(tmp_path, con_llave) -> None:
    path = tmp_path / "e.sqlite3"
    _plana(path)
    antes = _filas(path)

    assert cifrar.cifrar(path)

    assert not cifrado.es_plano(path)
    assert _filas(path) == antes == (201, 7, "SOLO EN EL WAL")
    assert _junto(path) == ["e.sqlite3"]  # no WAL in clear, no copy, no plain file left
    contenido = path.read_bytes()
    for dato in (NSS, CURP, NOMBRE, b"SOLO EN EL WAL"):
        assert dato not in contenido
    with (
        closing(cifrado.conectar(path, llave=None)) as sin_llave,
        pytest.raises(cifrado.DatabaseError),
    ):
        sin_llave.execute("SELECT count(*) FROM personas")
    assert not cifrar.cifrar(path)  # once only


def test_the_store_opening_encrypts_an_old_store_and_migrates_it(tmp_path, con_llave) -> None:
    path = tmp_path / "vieja.sqlite3"
    cifrado.usar_llave(None)
    Store(path).close()  # made in clear, as before encryption
    assert cifrado.es_plano(path)
    cifrado.usar_llave(lambda: LLAVE)

    store = Store(path)
    try:
        assert not cifrado.es_plano(path)
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        store.close()


def test_without_a_key_it_stays_in_clear(tmp_path) -> None:
    path = tmp_path / "e.sqlite3"
    _plana(path)
    assert not cifrar.cifrar(path)
    assert cifrado.es_plano(path)


def test_a_store_held_open_elsewhere_waits_for_a_later_opening(tmp_path, con_llave) -> None:
    path = tmp_path / "e.sqlite3"
    _plana(path)
    with closing(cifrado.conectar(path, llave=None)) as otra:
        otra.execute("BEGIN IMMEDIATE")
        assert not cifrar.cifrar(path)
        assert cifrado.es_plano(path)
        otra.rollback()
    assert cifrar.cifrar(path)
    assert _filas(path)[0] == 201


def test_a_damaged_plain_store_is_left_as_it_was(tmp_path, con_llave) -> None:
    path = tmp_path / "e.sqlite3"
    _plana(path, filas=3000)
    with closing(cifrado.conectar(path, llave=None)) as conn:
        conn.execute("PRAGMA journal_mode=DELETE")
    conn.close()
    with open(path, "r+b") as archivo:  # pages of the table overwritten, the header kept
        archivo.seek(4096 * 3)
        archivo.write(b"\xff" * 4096 * 4)
    antes = path.read_bytes()

    cifrar.al_abrir(path)  # logged; the opening goes on and says what is wrong, as always

    assert path.read_bytes() == antes
    assert _junto(path) == ["e.sqlite3"]


def test_a_new_store_from_the_template_is_encrypted(tmp_path, con_llave) -> None:
    store = Store(tmp_path / "nueva.sqlite3")
    store.close()
    assert not cifrado.es_plano(tmp_path / "nueva.sqlite3")


_HIJO = (
    "import sys; from pathlib import Path; from icsoe_desktop.store import cifrado, cifrar; "
    "llave = bytes.fromhex(sys.argv[2]); cifrado.usar_llave(lambda: llave); "
    "cifrar.cifrar(Path(sys.argv[1]))"
)


def _matar_cuando(path: Path, aparece: str) -> bool:
    """A real process encrypting ``path``, killed (as Windows kills: no signal to catch) the
    moment the file ``aparece`` is beside it; whether it was killed before it finished."""
    marca = path.with_name(path.name + aparece)
    proc = subprocess.Popen(
        [sys.executable, "-c", _HIJO, str(path), LLAVE.hex()],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    limite = time.monotonic() + 60
    try:
        while proc.poll() is None and time.monotonic() < limite:
            if marca.exists() and (aparece != cifrar.CIFRANDO or marca.stat().st_size > 0):
                proc.kill()
                break
    finally:
        proc.kill()
        _, err = proc.communicate()
    assert proc.returncode is not None
    if proc.returncode == 0:
        return False
    assert b"Traceback" not in err, err
    return True


@pytest.mark.parametrize("aparece", [cifrar.CIFRANDO, cifrar.PLANO])
def test_killed_while_encrypting_the_store_is_whole_then_encrypted(
    tmp_path, con_llave, aparece
) -> None:
    """Killed while the copy is made, or between the swap and the plain file's overwriting:
    the store's name holds every row, and the next opening finishes the work."""
    matado = 0
    for vuelta in range(6):
        path = tmp_path / f"e{vuelta}.sqlite3"
        _plana(path, filas=4000, relleno=4000)  # ~16 MB: the copy takes a while
        if not _matar_cuando(path, aparece):
            continue
        matado += 1
        assert path.is_file()
        assert _filas(path) == (4001, 7, "SOLO EN EL WAL")  # the plain store, or the encrypted

        cifrar.cifrar(path)

        assert not cifrado.es_plano(path)
        assert _filas(path) == (4001, 7, "SOLO EN EL WAL")
        assert _junto(path) == [path.name]
        assert NOMBRE not in path.read_bytes()
    assert matado, "the process always finished before it could be killed"
