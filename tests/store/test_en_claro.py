"""No company data left in clear in a migrated data folder (store/en_claro.py): the store a
restore of a version before encryption kept aside and a rescued copy beside the stores end
encrypted in place at the next opening, their rows intact and read with the installation's
key, also when the opening that encrypts them is killed (a real process, SIGKILL) at any step;
a backup kept in the folder is left as it is and --self-check names it «en claro»."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest

from icsoe_desktop.demo.movimientos import create_demo_movimientos
from icsoe_desktop.self_check import check_en_claro
from icsoe_desktop.services.catalogos.codigos_postales import CATALOGO_FILE as SEPOMEX
from icsoe_desktop.services.container import open_services
from icsoe_desktop.services.respaldo import restauracion
from icsoe_desktop.store import cifrado, cifrar, en_claro
from tests import preloaded
from tests.en_claro import copia_en_claro

TODAY = date(2026, 11, 22)
FILAS = 25
ASIDE = "icsoe.sqlite3.antes-de-restaurar-20260301-101500"


def _migrada(data_dir: Path) -> Path:
    """A data folder opened (its stores encrypted) with FILAS movements; its store."""
    services = open_services(data_dir)
    try:
        create_demo_movimientos(services.store, FILAS, TODAY)
        return services.store.path
    finally:
        services.close()


def _movimientos(path: Path, llave: cifrado.Llave = cifrado.INSTALACION) -> int:
    with closing(cifrado.conectar(path, llave=llave)) as conn:
        return int(conn.execute("SELECT count(*) FROM movimientos").fetchone()[0])


def _restos(data_dir: Path) -> list[str]:
    return sorted(
        p.name
        for p in data_dir.rglob("*")
        if p.name.endswith((cifrar.CIFRANDO, cifrar.PLANO, cifrar.PLANTILLA))
    )


def test_plain_asides_and_copies_end_encrypted_and_self_check_names_a_plain_backup(
    data_dir: Path,
) -> None:
    store = _migrada(data_dir)
    (data_dir / "empresas").mkdir(exist_ok=True)
    aparte = copia_en_claro(store, data_dir / ASIDE)
    rescatada = copia_en_claro(store, data_dir / "empresas" / "EDE0101018A2-rescatada.sqlite3")
    respaldo = copia_en_claro(store, data_dir / "icsoe-respaldo-20250101.icsoe-respaldo")
    sepomex = copia_en_claro(store, data_dir / SEPOMEX)  # public: stays as it is
    carpeta = data_dir / "copia-de-la-carpeta.zip"  # the folder zipped before encryption
    with zipfile.ZipFile(carpeta, "w") as archivo:
        archivo.writestr("datos/settings.toml", "")
        archivo.write(sepomex, "datos/icsoe.sqlite3")
    cifrada = data_dir / "otra.zip"  # a .zip of encrypted stores only: nothing to say
    with zipfile.ZipFile(cifrada, "w") as archivo:
        archivo.write(store, "icsoe.sqlite3")
    danada = data_dir / "icsoe-vieja.sqlite3"  # SQLite's header, then nothing that reads
    danada.write_bytes(cifrado.CABECERA_PLANA + bytes(4080))
    assert all(cifrado.es_plano(p) for p in (aparte, rescatada, respaldo, sepomex, danada))
    assert _movimientos(aparte, llave=None) == FILAS

    services = open_services(data_dir)  # the next opening
    services.close()

    for archivo in (aparte, rescatada):
        assert not cifrado.es_plano(archivo), archivo
        assert _movimientos(archivo) == FILAS  # its rows, with this installation's key
        contenido = archivo.read_bytes()
        assert b"movimientos" not in contenido and b"CREATE TABLE" not in contenido
    assert cifrado.es_plano(respaldo) and cifrado.es_plano(sepomex) and cifrado.es_plano(danada)
    assert _restos(data_dir) == []
    assert en_claro.cifrar_restos(data_dir) == []  # nothing left to do

    resultado = check_en_claro(data_dir)
    assert not resultado.ok
    assert resultado.detail.startswith(
        f"en claro: «{carpeta.name}», «{respaldo.name}» (respaldos hechos antes del cifrado de "
        "las bases de datos"
    )
    assert "Haz un respaldo nuevo (Archivo › Respaldar), que va cifrado" in resultado.detail
    assert f"sin cifrar: «{danada.name}»" in resultado.detail
    assert ASIDE not in resultado.detail and SEPOMEX not in resultado.detail
    assert cifrada.name not in resultado.detail

    for archivo in (respaldo, danada, carpeta):
        archivo.unlink()
    assert check_en_claro(data_dir).ok


def _matar_en(paso: str, data_dir: Path) -> None:
    """An opening of the installation (the command line) stopped where the encryption of a
    file finished ``paso`` (store/cifrar.py's pause point), and killed there."""
    env = dict(os.environ, **{cifrar.PAUSA_ENV: paso})
    proceso = preloaded.start(
        [sys.executable, "-m", "icsoe_desktop", "--data-dir", str(data_dir), "correo"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        leidas = []
        for linea in proceso.stderr:
            leidas.append(linea)
            if linea.strip() == f"{cifrar.PAUSA_ENV}={paso}":
                break
        else:
            pytest.fail(f"el proceso terminó sin llegar a {paso}: {''.join(leidas)}")
        proceso.kill()  # SIGKILL: no cleanup, as a power cut or the task manager
    finally:
        proceso.wait(timeout=60)
        proceso.stderr.close()
        proceso.stdout.close()
    assert proceso.returncode == (1 if sys.platform == "win32" else -9)


@pytest.mark.end2end
def test_an_opening_killed_while_it_encrypts_an_aside_loses_nothing(data_dir: Path) -> None:
    store = _migrada(data_dir)
    aparte = data_dir / ASIDE
    for paso in cifrar.PASOS:
        aparte.unlink(missing_ok=True)
        copia_en_claro(store, aparte)

        _matar_en(paso, data_dir)

        # Plain and whole before the swap, encrypted and whole after: never neither.
        plano = cifrado.es_plano(aparte)
        assert plano is (paso != "reemplazada"), paso
        assert _movimientos(aparte, llave=None if plano else cifrado.INSTALACION) == FILAS
        services = open_services(data_dir)  # the next opening finishes
        services.close()
        assert not cifrado.es_plano(aparte), paso
        assert _movimientos(aparte) == FILAS
        assert _restos(data_dir) == [], paso


def test_a_plain_aside_that_shares_its_bytes_with_the_store_is_left_to_its_restore(
    data_dir: Path,
) -> None:
    """An earlier version's restore stopped after it linked the store aside (two names, one
    file): encrypting one name in place would overwrite the other's bytes. Both stay whole;
    the empresa's opening undoes that restore first, then its store is encrypted."""
    store = _migrada(data_dir)
    plano = copia_en_claro(store, data_dir / "plano.sqlite3")
    os.replace(plano, store)  # a store of before encryption
    aparte = data_dir / ASIDE
    os.link(store, aparte)

    assert en_claro.cifrar_restos(data_dir) == []

    assert cifrado.es_plano(store) and cifrado.es_plano(aparte)
    assert _movimientos(store, llave=None) == _movimientos(aparte, llave=None) == FILAS
    assert en_claro.sin_cifrar(data_dir) == sorted([aparte, store])

    # That restore's marker and candidate: the opening undoes it, then encrypts the store.
    candidato = restauracion.candidate_of(store)
    copia_en_claro(store, candidato)
    restauracion.marker_of(store).write_text(
        json.dumps({"respaldo": "lunes.icsoe-respaldo", "aparte": ASIDE, "revertida": False}),
        encoding="utf-8",
    )
    services = open_services(data_dir)
    try:
        (aviso,) = services.avisos
        assert "se interrumpió antes de reemplazar la base de datos" in aviso
    finally:
        services.close()
    assert not aparte.exists() and not candidato.exists()
    assert not cifrado.es_plano(store)
    assert _movimientos(store) == FILAS
    assert en_claro.sin_cifrar(data_dir) == []
