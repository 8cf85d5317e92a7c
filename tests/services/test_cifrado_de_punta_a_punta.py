"""An installation of before encryption, from end to end (also under Windows: tests/services runs
with the Windows CPython under Wine, installer/windows_wine.py): its stores, an STPS acuse and a
backup in clear; the OS keyring arrives and the next opening encrypts them; a backup of the
encrypted store restored over later changes, then the old plain backup."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import keyring.core
import pytest
from sqlalchemy import text

from icsoe_desktop.demo.movimientos import create_demo_movimientos
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services import acuses_stps
from icsoe_desktop.services.container import open_services
from icsoe_desktop.store import cifrado, sellado
from tests.icsoe_helpers import pdf_bytes

TODAY = date(2026, 11, 22)
SIN_LLAVERO = "keyring.backends.fail.Keyring"
LLAVERO = "tests.keyring_de_prueba.KeyringDePrueba"


def _llavero(monkeypatch: pytest.MonkeyPatch, backend: str) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", backend)
    keyring.core._keyring_backend = None  # picked again from the environment


def _personas(services) -> list[tuple[str, str, str]]:
    with services.store.engine.connect() as conn:
        filas = conn.execute(
            text("SELECT nss, curp, nombre FROM movimientos WHERE deleted = 0 ORDER BY id")
        ).all()
    return [tuple(f) for f in filas]


def _en_claro(archivos: list[Path], persona: tuple[str, str, str]) -> list[str]:
    """The files where the NSS, the CURP or the name of ``persona`` can be read."""
    return [
        p.name
        for p in archivos
        if p.is_file() and any(dato.encode() in p.read_bytes() for dato in persona)
    ]


def _carpeta(data_dir: Path) -> list[Path]:
    return [p for p in data_dir.rglob("*") if p.is_file() and "keyring" not in p.name]


def test_a_plain_installation_is_encrypted_backed_up_and_restored(
    data_dir, clock, tmp_path, monkeypatch
) -> None:
    _llavero(monkeypatch, SIN_LLAVERO)
    plana = open_services(data_dir, clock)
    try:
        create_demo_movimientos(plana.store, 200, TODAY)
        assert cifrado.es_plano(plana.store.path) and cifrado.es_plano(plana.catalogo.path)
        antes = _personas(plana)
        persona = antes[0]
        acuse = plana.carpeta / acuses_stps.CARPETA / "acuse.pdf"
        acuse.parent.mkdir()
        acuse.write_bytes(pdf_bytes(" ".join(persona)))
        respaldo_plano = plana.backup.backup(tmp_path / "plano.icsoe-respaldo", actor=CLI_ACTOR)
        assert _en_claro([plana.store.path, acuse, respaldo_plano], persona) != []
    finally:
        plana.close()

    # The OS keyring arrives: the next opening encrypts the stores and seals the acuse.
    _llavero(monkeypatch, LLAVERO)
    cifrada = open_services(data_dir, clock)
    try:
        assert cifrado.llave_instalacion() is not None
        assert not cifrado.es_plano(cifrada.store.path)
        assert not cifrado.es_plano(cifrada.catalogo.path)
        assert _personas(cifrada) == antes
        assert _en_claro(_carpeta(data_dir), persona) == []
        assert acuse.read_bytes().startswith(sellado.MAGIA)
        assert acuses_stps.leer(acuse).startswith(b"%PDF")
        assert not [p.name for p in _carpeta(data_dir) if p.suffix in (".plano", ".cifrando")]

        respaldo = cifrada.backup.backup(tmp_path / "cifrado.icsoe-respaldo", actor=CLI_ACTOR)
        assert _en_claro([respaldo], persona) == []
        with cifrada.store.engine.begin() as conn:
            conn.execute(text("UPDATE movimientos SET deleted = 1 WHERE id <= 50"))
        assert len(_personas(cifrada)) == len(antes) - 50

        cifrada.backup.restore(respaldo, actor=CLI_ACTOR)
        assert _personas(cifrada) == antes
        assert not cifrado.es_plano(cifrada.store.path)

        # The backup of before encryption: restored, and the store encrypted again.
        with cifrada.store.engine.begin() as conn:
            conn.execute(text("UPDATE movimientos SET deleted = 1 WHERE id <= 10"))
        cifrada.backup.restore(respaldo_plano, actor=CLI_ACTOR)
        assert _personas(cifrada) == antes
        assert not cifrado.es_plano(cifrada.store.path)
        assert _en_claro(_carpeta(data_dir), persona) == []  # the store, what it set aside
    finally:
        cifrada.close()
    otra_vez = open_services(data_dir, clock)
    try:
        assert _personas(otra_vez) == antes
    finally:
        otra_vez.close()
