"""A backup keyed from the recovery code (services/respaldo/llave.py): restored on a fresh
installation (its own data folder and keyring) with the code of the one that made it, a wrong
code refused with nothing replaced, no worker's data nor the code in the file, and the backups
of before (in clear, or in the installation's key) restored as they were."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from icsoe_desktop.demo.movimientos import create_demo_movimientos
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services import recuperacion_almacen
from icsoe_desktop.services.container import open_services
from icsoe_desktop.services.movimientos.servicio import Filtro
from icsoe_desktop.services.respaldo import llave as llave_respaldo
from icsoe_desktop.services.respaldo.backup import (
    MSG_CODIGO_INCORRECTO,
    BackupError,
    RespaldoPideCodigo,
)
from icsoe_desktop.services.secrets import SecretsService
from icsoe_desktop.store import cifrado
from tests import preloaded, respaldos
from tests.conftest import build_isolated
from tests.en_claro import copia_en_claro
from tests.services.movimientos_data import REGISTRO_A, RFC
from tests.services.test_accounts import ANA, PASSWORD
from tests.services.test_accounts import form as registro
from tests.services.test_cifrado_almacen import _una_persona

TODAY = date(2026, 11, 22)
FILAS = 40


def _otra_instalacion(tmp_path: Path, auditada: bool = False) -> tuple[Path, str, list[bytes]]:
    """Another PC: its own data folder and keyring; a backup of its empresa, its code and one
    worker's NSS, CURP and name. ``auditada``: the empresa's log holds entries, linked with
    that PC's audit key."""
    folder = tmp_path / "otro-equipo"
    folder.mkdir()
    respaldo = tmp_path / "otro-equipo.icsoe-respaldo"

    def build(data_dir: Path) -> tuple[str, list[bytes]]:
        services = open_services(data_dir)
        try:
            services.accounts.register(registro())
            create_demo_movimientos(services.store, FILAS, TODAY)
            if auditada:
                services.registros.save(REGISTRO_A, RFC, "EMPRESA DEMO SA DE CV", CLI_ACTOR)
            services.backup.backup(respaldo, actor=CLI_ACTOR)
            codigo = recuperacion_almacen.codigo_guardado()
            assert codigo is not None
            return codigo, _una_persona(services)
        finally:
            services.close()

    codigo, persona = build_isolated(folder, build)
    return respaldo, codigo, persona


def _asides(data_dir: Path) -> list[Path]:
    return sorted(data_dir.glob("*antes-de-restaurar*"))


def test_a_backup_restores_on_a_fresh_installation_with_its_code(
    tmp_path: Path, data_dir: Path
) -> None:
    respaldo, codigo, persona = _otra_instalacion(tmp_path)
    services = open_services(data_dir)  # this PC: a new installation, its own keyring
    try:
        propio = recuperacion_almacen.codigo_guardado()
        assert propio is not None and propio != codigo
        with pytest.raises(RespaldoPideCodigo) as pide:
            services.backup.restore(respaldo, actor=CLI_ACTOR)
        assert "Escribe ese código de recuperación" in pide.value.message
        assert "No se restauró nada" in pide.value.message

        restaurado = services.backup.restore(respaldo, actor=CLI_ACTOR, codigo=codigo.lower())

        assert restaurado in _asides(data_dir)
        assert services.movimientos.count(Filtro()) == FILAS
        assert _una_persona(services) == persona
        store = services.store.path.read_bytes()
        assert not store.startswith(cifrado.CABECERA_PLANA)
        assert not store.startswith(llave_respaldo.MARCA)  # in this installation's key now
        for dato in persona:
            assert dato not in store
        assert services.accounts.authenticate(ANA, PASSWORD).usuario == ANA
        assert recuperacion_almacen.codigo_guardado() == propio  # this installation's code kept
    finally:
        services.close()
    again = open_services(data_dir)  # and it opens again with this keyring's key alone
    try:
        assert again.movimientos.count(Filtro()) == FILAS
    finally:
        again.close()


def test_another_pcs_audited_backup_says_its_audit_key_is_needed_not_that_it_was_altered(
    tmp_path: Path, data_dir: Path
) -> None:
    """Its log is linked with the other PC's audit key, which this keyring does not hold: the
    restore cannot check it and says what to bring, not «no tiene la bitácora íntegra»."""
    respaldo, codigo, _persona = _otra_instalacion(tmp_path, auditada=True)
    services = open_services(data_dir)
    try:
        create_demo_movimientos(services.store, 3, TODAY)
        with pytest.raises(BackupError) as refused:
            services.backup.restore(respaldo, actor=CLI_ACTOR, codigo=codigo)
        assert refused.value.code == "respaldo_bitacora_otra_llave"
        assert refused.value.message.startswith(
            f"El respaldo «{respaldo.name}» es de otra instalación y su bitácora se encadenó"
        )
        assert "«icsoe-desktop/bitacora»" in refused.value.message
        assert "íntegra" not in refused.value.message
        assert _asides(data_dir) == []
        assert services.movimientos.count(Filtro()) == 3
    finally:
        services.close()


def test_a_wrong_code_is_refused_in_spanish_and_nothing_is_replaced(
    tmp_path: Path, data_dir: Path
) -> None:
    respaldo, codigo, _persona = _otra_instalacion(tmp_path)
    services = open_services(data_dir)
    try:
        create_demo_movimientos(services.store, 3, TODAY)
        otro = recuperacion_almacen.codigo_nuevo()
        with pytest.raises(BackupError) as mal:
            services.backup.restore(respaldo, actor=CLI_ACTOR, codigo=otro)
        assert mal.value.code == "respaldo_codigo_incorrecto"
        assert mal.value.message == MSG_CODIGO_INCORRECTO.format(nombre=respaldo.name)
        with pytest.raises(BackupError) as corto:
            services.backup.restore(respaldo, actor=CLI_ACTOR, codigo=codigo[:-5])
        assert corto.value.code == "codigo_mal_escrito"
        assert "Escribe el código de recuperación completo" in corto.value.message

        assert _asides(data_dir) == []
        assert sorted(p.name for p in data_dir.glob("*restaurando*")) == []
        assert services.movimientos.count(Filtro()) == 3
        rechazos = [
            (e.action, e.detail) for e in services.audit.recent() if e.target == respaldo.name
        ]
        assert ("restauracion_rechazada", "respaldo_codigo_incorrecto") in rechazos
        for entrada in services.audit.recent():
            assert otro not in f"{entrada.target} {entrada.detail}"
    finally:
        services.close()


def test_the_backup_holds_no_nss_curp_name_nor_its_code(tmp_path: Path) -> None:
    respaldo, codigo, persona = _otra_instalacion(tmp_path)
    contenido = respaldo.read_bytes()
    assert contenido.startswith(llave_respaldo.MARCA)
    assert not contenido.startswith(cifrado.CABECERA_PLANA)
    for dato in persona:
        assert dato not in contenido, dato
    for forma in (codigo, codigo.replace("-", "")):
        assert forma.encode() not in contenido


def test_a_backup_of_this_installation_restores_without_asking(services, tmp_path) -> None:
    create_demo_movimientos(services.store, 7, TODAY)
    respaldo = services.backup.backup(tmp_path / "propio.icsoe-respaldo", actor=CLI_ACTOR)
    assert llave_respaldo.es_portable(respaldo)
    create_demo_movimientos(services.store, 5, TODAY)

    services.backup.restore(respaldo, actor=CLI_ACTOR)

    assert services.movimientos.count(Filtro()) == 7


@pytest.mark.parametrize("como", ["en_claro", "llave_de_la_instalacion"])
def test_backups_of_before_are_restored(services, tmp_path, como: str) -> None:
    """A backup in clear (of a version before encryption) and one in the installation's key
    (before backups had a key of their own)."""
    create_demo_movimientos(services.store, 9, TODAY)
    persona = _una_persona(services)
    respaldo = services.backup.backup(tmp_path / "antes.icsoe-respaldo", actor=CLI_ACTOR)
    respaldos.en_llave_de_la_instalacion(respaldo)
    if como == "en_claro":
        plano = copia_en_claro(respaldo, tmp_path / "plano.icsoe-respaldo")
        assert plano.read_bytes().startswith(cifrado.CABECERA_PLANA)
        respaldo = plano
    create_demo_movimientos(services.store, 4, TODAY)

    services.backup.restore(respaldo, actor=CLI_ACTOR)

    assert services.movimientos.count(Filtro()) == 9
    assert _una_persona(services) == persona
    assert not services.store.path.read_bytes().startswith(cifrado.CABECERA_PLANA)


def test_without_a_code_in_the_keyring_the_backup_is_in_the_installations_key(
    services, tmp_path
) -> None:
    """A key put back in the keyring without its code: no portable backup can be made; it is
    written as before, in the installation's key, and restores here."""
    create_demo_movimientos(services.store, 6, TODAY)
    SecretsService().delete(recuperacion_almacen.KEYRING_SCOPE, recuperacion_almacen.CUENTA_CODIGO)
    respaldo = services.backup.backup(tmp_path / "sin-codigo.icsoe-respaldo", actor=CLI_ACTOR)
    assert not llave_respaldo.es_portable(respaldo)
    assert not respaldo.read_bytes().startswith(cifrado.CABECERA_PLANA)
    create_demo_movimientos(services.store, 2, TODAY)

    services.backup.restore(respaldo, actor=CLI_ACTOR)

    assert services.movimientos.count(Filtro()) == 6


@pytest.mark.end2end
def test_the_command_line_asks_for_the_code_and_reads_it_from_stdin(
    tmp_path: Path, data_dir: Path
) -> None:
    respaldo, codigo, _persona = _otra_instalacion(tmp_path)

    def restaurar(*opciones: str, entrada: str | None = None) -> subprocess.CompletedProcess:
        return preloaded.run(
            [sys.executable, "-m", "icsoe_desktop", "restaurar", *opciones, str(respaldo)],
            capture_output=True,
            text=True,
            timeout=120,
            input=entrada,
        )

    sin = restaurar()
    assert sin.returncode == 2 and "Traceback" not in sin.stderr
    assert "Escribe ese código de recuperación" in sin.stderr
    assert "--codigo-stdin" in sin.stderr
    mal = restaurar("--codigo-stdin", entrada=recuperacion_almacen.codigo_nuevo() + "\n")
    assert mal.returncode == 2
    assert mal.stderr.strip() == MSG_CODIGO_INCORRECTO.format(nombre=respaldo.name)
    assert _asides(data_dir) == []

    bien = restaurar("--codigo-stdin", entrada=codigo + "\n")

    assert bien.returncode == 0, bien.stderr
    assert bien.stdout.startswith("Respaldo restaurado.")
    services = open_services(data_dir)
    try:
        assert services.movimientos.count(Filtro()) == FILAS
    finally:
        services.close()


def test_a_damaged_backup_of_another_installation_is_refused_after_its_code(
    tmp_path: Path, data_dir: Path
) -> None:
    """The code opens its first page; pages further on were overwritten (a bad sector, a
    truncated copy): refused in Spanish, nothing replaced, nothing left beside the store."""
    respaldo, codigo, _persona = _otra_instalacion(tmp_path)
    datos = bytearray(respaldo.read_bytes())
    pagina = 4096
    for posicion in range(3 * pagina, min(len(datos), 8 * pagina)):
        datos[posicion] = 0x5A
    respaldo.write_bytes(bytes(datos))
    services = open_services(data_dir)
    try:
        with pytest.raises(BackupError) as danado:
            services.backup.restore(respaldo, actor=CLI_ACTOR, codigo=codigo)
        assert danado.value.code == "respaldo_danado"
        assert danado.value.message.startswith(
            f"No se pudo descifrar el respaldo «{respaldo.name}»: está dañado"
        )
        assert _asides(data_dir) == []
        assert sorted(p.name for p in data_dir.glob("*restaurando*")) == []
    finally:
        services.close()


def test_without_an_os_keyring_a_backup_is_in_clear_and_restores(
    data_dir: Path, tmp_path: Path, monkeypatch
) -> None:
    """No keyring: no key, no code; the stores are plain (the guide says so), so is the
    backup, and it restores."""
    import keyring.core

    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    keyring.core._keyring_backend = None
    services = open_services(data_dir)
    try:
        create_demo_movimientos(services.store, 5, TODAY)
        respaldo = services.backup.backup(tmp_path / "claro.icsoe-respaldo", actor=CLI_ACTOR)
        assert respaldo.read_bytes().startswith(cifrado.CABECERA_PLANA)
        create_demo_movimientos(services.store, 2, TODAY)

        services.backup.restore(respaldo, actor=CLI_ACTOR)

        assert services.movimientos.count(Filtro()) == 5
    finally:
        services.close()
