"""The recovery code of the stores' key: what opens the installation when the OS keyring lost
the key, shown again to an administrator only (audited), a wrong one refused in Spanish."""

from __future__ import annotations

import os
from datetime import date

import pytest

from icsoe_desktop.demo.movimientos import create_demo_movimientos
from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.domain.passwords import COST_ENV
from icsoe_desktop.services import llave_almacen, llave_bitacora, recuperacion_almacen
from icsoe_desktop.services.acceso.idse_sign_in import open_sign_in
from icsoe_desktop.services.acceso.permisos import PermisoDenegado
from icsoe_desktop.services.audit import verificar_bitacora
from icsoe_desktop.services.container import open_services
from icsoe_desktop.services.llave_almacen import LlaveAlmacenFaltante
from icsoe_desktop.services.movimientos.servicio import Filtro
from icsoe_desktop.services.secrets import SecretsService, choose_backend
from tests.llaves import cuenta, perder_llaves
from tests.services.test_accounts import form as registro
from tests.test_cli_usuarios import run

ADMIN = "admin@empresa.com"
ANA = "ana.lopez@empresa.com"


@pytest.fixture
def instalacion(services):
    services.accounts.register(registro(usuario=ADMIN))  # the first user administers
    services.accounts.register(registro(usuario=ANA))
    create_demo_movimientos(services.store, 50, date(2026, 11, 22))
    return services


def _perder_la_llave() -> None:
    """As a Windows profile reset leaves it: the keyring without the key, the code nor the
    audit key."""
    perder_llaves()


def test_the_code_opens_the_stores_when_the_keyring_lost_the_key(instalacion, data_dir) -> None:
    """The keyring lost everything: the code brings back the store key and the audit key, and
    the audit chains (keyed before) go on verified."""
    codigo = instalacion.codigo_recuperacion.mostrar(ADMIN)
    auditoria = SecretsService().get(llave_bitacora.KEYRING_SCOPE, cuenta(llave_bitacora.CUENTA))
    assert auditoria
    instalacion.close()
    _perder_la_llave()
    with pytest.raises(LlaveAlmacenFaltante):
        open_services(data_dir)

    recuperacion_almacen.recuperar(data_dir, codigo)

    assert (
        SecretsService().get(llave_bitacora.KEYRING_SCOPE, cuenta(llave_bitacora.CUENTA))
        == auditoria
    )
    again = open_services(data_dir)
    try:
        assert again.movimientos.count(Filtro()) == 50
        assert again.codigo_recuperacion.mostrar(ADMIN) == codigo  # kept again with the key
        integridad = verificar_bitacora(again.catalogo.path)  # keyed links, checked
        assert integridad.integra and integridad.entradas > 0, integridad.problema
    finally:
        again.close()


def test_a_wrong_code_is_refused_in_spanish_and_changes_nothing(instalacion, data_dir) -> None:
    codigo = instalacion.codigo_recuperacion.mostrar(ADMIN)
    instalacion.close()
    _perder_la_llave()
    otro = recuperacion_almacen.codigo_nuevo()
    assert otro != codigo

    with pytest.raises(DomainError) as error:
        recuperacion_almacen.recuperar(data_dir, otro)
    assert error.value.message == recuperacion_almacen.MSG_INCORRECTO.format(carpeta=data_dir)
    with pytest.raises(DomainError) as corto:
        recuperacion_almacen.recuperar(data_dir, codigo[:-5])
    assert "Escribe el código de recuperación completo" in corto.value.message
    assert SecretsService().get(llave_almacen.KEYRING_SCOPE, cuenta(llave_almacen.CUENTA)) is None
    with pytest.raises(LlaveAlmacenFaltante):
        open_services(data_dir)


def test_the_code_as_typed_from_paper_is_taken(instalacion, data_dir) -> None:
    """Lowercase, spaces for dashes, and the letters Crockford's alphabet reads as digits."""
    codigo = instalacion.codigo_recuperacion.mostrar(ADMIN)
    instalacion.close()
    _perder_la_llave()
    escrito = codigo.lower().replace("-", " ").replace("0", "o").replace("1", "l")

    recuperacion_almacen.recuperar(data_dir, escrito)

    open_services(data_dir).close()


def test_beside_the_stores_neither_the_code_nor_the_key(instalacion, data_dir) -> None:
    codigo = instalacion.codigo_recuperacion.mostrar(ADMIN)
    secrets = SecretsService()
    sellado = (data_dir / recuperacion_almacen.ARCHIVO).read_bytes()
    assert b'"bitacora"' in sellado  # the audit key sealed there too
    for llave in (
        secrets.get(llave_almacen.KEYRING_SCOPE, cuenta(llave_almacen.CUENTA)),
        secrets.get(llave_bitacora.KEYRING_SCOPE, cuenta(llave_bitacora.CUENTA)),
    ):
        assert llave is not None
        for secreto in (codigo, codigo.replace("-", ""), llave, llave.upper()):
            assert secreto.encode() not in sellado
        assert bytes.fromhex(llave) not in sellado
    for archivo in data_dir.rglob("*"):
        if archivo.is_file():
            assert codigo.replace("-", "").encode() not in archivo.read_bytes().replace(b"-", b"")


def test_only_an_administrator_sees_it_again_and_each_time_is_audited(instalacion) -> None:
    with pytest.raises(PermisoDenegado) as refused:
        instalacion.codigo_recuperacion.mostrar(ANA)
    assert "ver el código de recuperación de las bases de datos" in refused.value.message
    codigo = instalacion.codigo_recuperacion.mostrar(ADMIN)
    assert recuperacion_almacen.normalizar(codigo) is not None

    acciones = [(e.actor, e.action) for e in instalacion.audit_instalacion.recent()]
    assert (ADMIN, "codigo_recuperacion_mostrado") in acciones
    assert (ANA, "permiso_denegado") in acciones
    for entrada in instalacion.audit_instalacion.recent():
        assert codigo not in f"{entrada.target} {entrada.detail}"


def test_a_key_without_a_code_gets_one_at_the_next_opening(instalacion, data_dir) -> None:
    """An installation encrypted before its code existed: the code is made with the key read."""
    codigo = instalacion.codigo_recuperacion.mostrar(ADMIN)
    instalacion.close()
    (data_dir / recuperacion_almacen.ARCHIVO).unlink()
    secrets = SecretsService()  # no code kept: neither the folder's nor the user's
    secrets.delete(recuperacion_almacen.KEYRING_SCOPE, cuenta(recuperacion_almacen.CUENTA_CODIGO))
    secrets.delete(recuperacion_almacen.KEYRING_SCOPE, recuperacion_almacen.CUENTA_CODIGO)

    again = open_services(data_dir)
    try:
        nuevo = again.codigo_recuperacion.mostrar(ADMIN)
    finally:
        again.close()
    assert nuevo != codigo
    _perder_la_llave()
    recuperacion_almacen.recuperar(data_dir, nuevo)
    open_services(data_dir).close()


@pytest.mark.slow
@pytest.mark.end2end
def test_the_command_line_shows_the_code_and_recovers_with_it(instalacion, data_dir) -> None:
    instalacion.close()
    mostrado = run(["cifrado", "codigo"], data_dir)
    assert mostrado.returncode == 0, mostrado.stderr
    codigo = mostrado.stdout.strip()
    assert recuperacion_almacen.normalizar(codigo) is not None
    _perder_la_llave()

    mal = run(["cifrado", "recuperar"], data_dir, stdin=recuperacion_almacen.codigo_nuevo() + "\n")
    assert mal.returncode == 2
    assert recuperacion_almacen.MSG_INCORRECTO.format(carpeta=data_dir) in mal.stderr
    bien = run(["cifrado", "recuperar"], data_dir, stdin=codigo + "\n")
    assert bien.returncode == 0, bien.stderr
    assert f"carpeta «{data_dir}» recuperada" in bien.stdout
    open_services(data_dir).close()


def test_the_administrator_confirms_the_code_by_its_last_group(instalacion) -> None:
    """Pending until its last group is typed back (audited); a wrong group, another user or a
    keyring without the code are refused."""
    servicio = instalacion.codigo_recuperacion
    assert servicio.por_confirmar(ADMIN) and not servicio.por_confirmar(ANA)
    codigo = servicio.mostrar(ADMIN)
    for mal in ("", codigo.split("-")[0], codigo):
        with pytest.raises(DomainError) as error:
            servicio.confirmar(ADMIN, mal)
        assert error.value.message == recuperacion_almacen.MSG_NO_CONFIRMADO
    with pytest.raises(PermisoDenegado):
        servicio.confirmar(ANA, codigo.split("-")[-1])
    assert servicio.por_confirmar(ADMIN)

    servicio.confirmar(ADMIN, f" {codigo.split('-')[-1].lower()} ")
    assert not servicio.por_confirmar(ADMIN)
    acciones = [(e.actor, e.action) for e in instalacion.audit_instalacion.recent()]
    assert (ADMIN, "codigo_recuperacion_confirmado") in acciones

    SecretsService().delete(
        recuperacion_almacen.KEYRING_SCOPE, cuenta(recuperacion_almacen.CUENTA_CODIGO)
    )
    assert not servicio.por_confirmar(ADMIN)
    with pytest.raises(DomainError) as sin:
        servicio.confirmar(ADMIN, codigo.split("-")[-1])
    assert sin.value.code == "sin_codigo_recuperacion"


def test_a_new_data_folder_of_the_same_keyring_keeps_the_code(instalacion, tmp_path) -> None:
    """The key of the Windows user's keyring sealed beside a second data folder under the code
    already printed: one code opens both, and the backups keyed from it."""
    codigo = instalacion.codigo_recuperacion.mostrar(ADMIN)
    instalacion.close()
    otra = tmp_path / "otra-carpeta"
    otra.mkdir()
    open_services(otra).close()

    _perder_la_llave()
    recuperacion_almacen.recuperar(otra, codigo)
    assert recuperacion_almacen.codigo_guardado() == codigo
    open_services(otra).close()


def test_a_new_seal_costs_what_the_app_sets_without_the_suites_knob(monkeypatch) -> None:
    """The suite seals at scrypt's lowest cost (tests/conftest.py); the app, at ``N``."""
    monkeypatch.delenv(COST_ENV)
    llave, codigo = os.urandom(32), recuperacion_almacen.codigo_nuevo()
    datos = recuperacion_almacen.sellar(llave, codigo)
    kdf = datos["kdf"]
    assert isinstance(kdf, dict)
    assert (kdf["n"], kdf["r"], kdf["p"]) == (2**15, 8, 1)
    assert recuperacion_almacen.abrir(datos, codigo) == llave


def test_a_seal_keeps_its_cost_and_opens_by_it_whatever_the_knob_says(monkeypatch) -> None:
    monkeypatch.setenv(COST_ENV, "4096")
    llave, codigo = os.urandom(32), recuperacion_almacen.codigo_nuevo()
    datos = recuperacion_almacen.sellar(llave, codigo)
    kdf = datos["kdf"]
    assert isinstance(kdf, dict) and kdf["n"] == 4096
    monkeypatch.delenv(COST_ENV)
    assert recuperacion_almacen.abrir(datos, codigo) == llave


@pytest.mark.parametrize(
    "cambio",
    [
        {"n": 2**26},  # 8 GiB of scrypt's memory: never tried
        {"n": 3000},
        {"n": 512},
        {"n": "32768"},
        {"r": 16},
        {"p": 2},
    ],
)
def test_a_file_whose_cost_was_edited_opens_nothing_and_costs_nothing(cambio) -> None:
    """A file beside the stores is anyone's to edit: only a cost the app writes is paid."""
    llave, codigo = os.urandom(32), recuperacion_almacen.codigo_nuevo()
    datos = recuperacion_almacen.sellar(llave, codigo)
    kdf = datos["kdf"]
    assert isinstance(kdf, dict)
    kdf.update(cambio)
    assert recuperacion_almacen.abrir(datos, codigo) is None


def test_the_login_reads_the_store_key_alone_and_the_full_opening_seals(
    instalacion, data_dir, monkeypatch
) -> None:
    """The login's opening reads one secret (the store key; each keyring read is a D-Bus round
    trip on Linux): the seal beside the stores, missing here, is checked and written again by
    the full opening that follows it, under the code the keyring keeps."""
    codigo = instalacion.codigo_recuperacion.mostrar(ADMIN)
    instalacion.close()
    sello = data_dir / recuperacion_almacen.ARCHIVO
    sello.unlink()
    backend = choose_backend()
    assert backend is not None
    leidas: list[str] = []
    leer = backend.get_password

    def contada(service: str, username: str) -> str | None:
        leidas.append(username)
        return leer(service, username)

    monkeypatch.setattr(backend, "get_password", contada)

    assert open_sign_in(data_dir) is not None
    assert leidas == [cuenta(recuperacion_almacen.CUENTA_LLAVE)]
    assert not sello.exists()

    open_services(data_dir).close()
    assert sello.exists()
    _perder_la_llave()
    recuperacion_almacen.recuperar(data_dir, codigo)  # the code printed before still opens
    open_services(data_dir).close()


def test_a_key_the_login_makes_is_sealed_at_once(tmp_path) -> None:
    """A new folder's key, made by the login's opening, is sealed before the login answers:
    nothing else holds it yet."""
    nueva = tmp_path / "nueva"
    nueva.mkdir()
    assert open_sign_in(nueva) is not None
    datos = recuperacion_almacen.leer(nueva)
    assert datos is not None
    llave = SecretsService().get(
        recuperacion_almacen.KEYRING_SCOPE, cuenta(recuperacion_almacen.CUENTA_LLAVE, nueva)
    )
    assert datos["huella"] == recuperacion_almacen.huella(bytes.fromhex(llave or ""))
