"""The server's data at rest: `llave-respaldo`, `respaldar` and `restaurar` as IT runs them,
on the real PostgreSQL. A desktop's movements synced (names and NSS in clear in `rows.data`),
dumped encrypted (none of them in the file's bytes), restored into an empty database with
every row equal; a dump with another key, cut short or altered is refused, nothing changed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from icsoe_desktop.sync_server.__main__ import main
from icsoe_desktop.sync_server.db import make_engine
from tests.services.movimientos_data import load_known, nss
from tests.sync.conftest import connect

pytestmark = [pytest.mark.slow, pytest.mark.end2end]
REPO = Path(__file__).resolve().parents[2]


def _servidor(*args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "icsoe_desktop.sync_server", *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=180,
        env=dict(os.environ, PYTHONPATH=str(REPO), PYTHONIOENCODING="utf-8"),
        check=False,
    )


def _filas(url: str) -> list[tuple[object, ...]]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return [
                tuple(fila)
                for fila in conn.execute(
                    text(
                        "SELECT r.id, e.rfc, r.tabla, r.uuid, r.seq, r.version, r.deleted, "
                        "r.data::text FROM rows r JOIN empresas e ON e.id = r.empresa_id "
                        "ORDER BY r.id"
                    )
                )
            ]
    finally:
        engine.dispose()


def _tablas(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return int(
                conn.execute(
                    text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
                ).scalar_one()
            )
    finally:
        engine.dispose()


def test_an_encrypted_dump_holds_no_clear_data_and_restores_every_row(
    sync_server, desktops, postgres, tmp_path, capsys
) -> None:
    escritorio, _ = desktops
    connect(escritorio, sync_server.url, sync_server.token())
    load_known(escritorio, tmp_path)
    escritorio.sync.synchronize()
    filas = _filas(sync_server.database_url)
    assert any(nss(1) in str(f[-1]) and "CLAUDIA" in str(f[-1]) for f in filas)  # in clear

    llave, respaldo = tmp_path / "ti" / "servidor.llave", tmp_path / "servidor.respaldo"
    llave.parent.mkdir()
    creada = _servidor("llave-respaldo", llave)
    assert creada.returncode == 0, creada.stderr
    assert "Guárdala fuera del servidor" in creada.stdout
    assert llave.stat().st_mode & 0o077 == 0  # readable by IT's user only
    otra = _servidor("llave-respaldo", llave)
    assert (otra.returncode, "no se reemplaza" in otra.stderr) == (2, True)

    hecho = _servidor("respaldar", "--database-url", sync_server.database_url, "--llave", llave,
                      respaldo)  # fmt: skip
    assert hecho.returncode == 0, hecho.stderr
    assert f"Respaldo cifrado guardado en {respaldo}" in hecho.stdout
    datos = respaldo.read_bytes()
    assert not list(tmp_path.glob("*.parcial"))
    for claro in (nss(1), nss(5), "CLAUDIA", "LOPEZ", "RAMOS", "EMPRESA DEMO"):
        for codificado in (claro.encode("utf-8"), claro.encode("utf-16-le")):
            assert codificado not in datos

    # Into an empty database: every row as it was, the schema this version's.
    postgres.admin("CREATE DATABASE restaurada")
    destino = postgres.url("restaurada")
    vuelto = _servidor("restaurar", "--database-url", destino, "--llave", llave, respaldo)
    assert vuelto.returncode == 0, vuelto.stderr
    assert "restaurado" in vuelto.stdout
    assert _filas(destino) == filas
    # Again over it: refused without --reemplazar, done with it.
    ocupada = main(["restaurar", "--database-url", destino, "--llave", str(llave), str(respaldo)])
    assert (ocupada, "ya tiene las tablas del servidor" in capsys.readouterr().err) == (2, True)
    assert main(["restaurar", "--database-url", destino, "--llave", str(llave), str(respaldo),
                 "--reemplazar"]) == 0  # fmt: skip
    assert _filas(destino) == filas

    # Refused before anything reaches the database: another key, a file cut short or altered,
    # not a dump at all.
    postgres.admin("CREATE DATABASE vacia")
    vacia = postgres.url("vacia")
    ajena = tmp_path / "ajena.llave"
    assert main(["llave-respaldo", str(ajena)]) == 0
    cortado, alterado, ajeno = (tmp_path / n for n in ("cortado", "alterado", "ajeno"))
    cortado.write_bytes(datos[: len(datos) // 2])
    cambiado = bytearray(datos)
    cambiado[len(datos) // 2] ^= 1
    alterado.write_bytes(bytes(cambiado))
    ajeno.write_bytes(b"PGDMP" + b"\0" * 100)
    for archivo, con, dice in (
        (respaldo, ajena, "se cifró con otra llave"),
        (cortado, llave, "está incompleto"),
        (alterado, llave, "está alterado o dañado"),
        (ajeno, llave, "no es un respaldo cifrado del servidor"),
    ):
        codigo = main(["restaurar", "--database-url", vacia, "--llave", str(con), str(archivo)])
        err = capsys.readouterr().err
        assert (codigo, dice in err, "No se cambió nada." in err) == (2, True, True), err
    assert _tablas(vacia) == 0
    sin_llave = main(
        ["restaurar", "--database-url", vacia, "--llave", str(respaldo), str(respaldo)]
    )
    assert sin_llave == 2 and "no es una llave de respaldo" in capsys.readouterr().err
