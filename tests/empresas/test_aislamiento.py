"""Three empresas side by side: nothing of one is visible from another, in the services, the
GUI (Movimientos con IDSE, Registros patronales) and the CLI."""

from __future__ import annotations

import subprocess
import sys

import pytest

from icsoe_desktop.services.movimientos import Filtro
from tests.empresas.tres import ANA, BETO, CLIENTES, build


@pytest.fixture
def ids(data_dir):
    return build(data_dir)


def test_each_empresa_sees_only_its_registros_movimientos_and_audit(data_dir, ids) -> None:
    from icsoe_desktop.services.container import open_services

    services = open_services(data_dir)
    try:
        for cliente in CLIENTES:
            services.abrir_empresa(ids[cliente.rfc])
            assert services.empresa.rfc == cliente.rfc
            assert [r.registro for r in services.registros.list()] == [cliente.registro]
            assert services.movimientos.registros() == [cliente.registro]
            assert services.movimientos.count(Filtro()) == cliente.movimientos
            targets = {r.target for r in services.audit.recent()}
            others = {c.registro for c in CLIENTES if c is not cliente}
            assert cliente.registro in targets and not targets & others
            assert services.store.path.name != "catalogo.sqlite3"
        # Each store file is its own: the three are different files.
        paths = {services.empresas.ruta(services.empresas.obtener(i)) for i in ids.values()}
        assert len(paths) == 3 and all(p.is_file() for p in paths)
    finally:
        services.close()


def test_a_user_lists_only_the_empresas_granted_and_cannot_open_another(data_dir, ids) -> None:
    from icsoe_desktop.domain.errors import AuthenticationError
    from icsoe_desktop.services.container import open_services

    services = open_services(data_dir)
    try:
        assert [e.rfc for e in services.empresas.listar(BETO)] == [CLIENTES[1].rfc]
        assert len(services.empresas.listar(ANA)) == 3  # the administrator
        with pytest.raises(AuthenticationError) as refused:
            services.empresas.comprobar_acceso(BETO, ids[CLIENTES[2].rfc])
        assert CLIENTES[2].razon_social in refused.value.message
        actions = [(r.action, r.target) for r in services.audit_instalacion.recent()]
        assert ("empresa_acceso_rechazado", CLIENTES[2].rfc) in actions
        assert ("empresa_concedida", BETO) in actions and ("empresa_retirada", BETO) in actions
    finally:
        services.close()


def test_only_an_administrator_grants_or_creates(data_dir, ids) -> None:
    from icsoe_desktop.domain.errors import AuthenticationError
    from icsoe_desktop.services.container import open_services

    services = open_services(data_dir)
    try:
        with pytest.raises(AuthenticationError):
            services.empresas.conceder(BETO, ids[CLIENTES[2].rfc], BETO)
        with pytest.raises(AuthenticationError):
            services.empresas.crear("DDD040404DD4", "Distribuidora Cuatro", BETO)
        assert [e.rfc for e in services.empresas.listar(BETO)] == [CLIENTES[1].rfc]
    finally:
        services.close()


def _cli(data_dir, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "icsoe_desktop", "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_needs_empresa_when_there_are_several_and_names_the_choices(
    data_dir, ids, tmp_path
) -> None:
    out = tmp_path / "mov.xlsx"
    missing = _cli(data_dir, "movimientos", "exportar", str(out))
    assert missing.returncode == 2 and not out.exists()
    for cliente in CLIENTES:
        assert cliente.rfc in missing.stderr and cliente.razon_social in missing.stderr
    assert "--empresa" in missing.stderr
    for cliente in CLIENTES:
        done = _cli(data_dir, "--empresa", cliente.rfc, "movimientos", "exportar", str(out))
        assert done.returncode == 0, done.stderr
        assert f"Exportados {cliente.movimientos:,} movimientos" in done.stdout
    unknown = _cli(data_dir, "--empresa", "ZZZ090909ZZ9", "respaldar", str(tmp_path / "r.db"))
    assert unknown.returncode == 2 and "ZZZ090909ZZ9" in unknown.stderr


def test_self_check_has_one_line_per_empresa_store_and_names_a_damaged_one(
    data_dir, ids
) -> None:
    from icsoe_desktop.services.empresas import EMPRESAS_DIR

    done = _cli(data_dir, "--self-check")
    lines = [line for line in done.stdout.splitlines() if " Empresa " in line]
    assert len(lines) == 3, done.stdout
    for cliente in CLIENTES:
        [line] = [line for line in lines if f"Empresa {cliente.rfc}:" in line]
        assert line.startswith("OK") and cliente.razon_social in line
    (data_dir / EMPRESAS_DIR / CLIENTES[2].rfc / "icsoe.sqlite3").write_bytes(b"no es sqlite" * 100)
    damaged = _cli(data_dir, "--self-check")
    [line] = [line for line in damaged.stdout.splitlines() if f"Empresa {CLIENTES[2].rfc}:" in line]
    assert line.startswith("FALLA") and damaged.returncode == 1
    assert all(
        line.startswith("OK")
        for line in damaged.stdout.splitlines()
        if any(f"Empresa {c.rfc}:" in line for c in CLIENTES[:2])
    )


def test_a_damaged_empresa_store_is_named_and_the_open_empresa_stays(data_dir, ids) -> None:
    from icsoe_desktop.services.container import open_services
    from icsoe_desktop.services.empresas import EMPRESAS_DIR
    from icsoe_desktop.store.db import StoreError

    damaged = data_dir / EMPRESAS_DIR / CLIENTES[2].rfc / "icsoe.sqlite3"
    damaged.write_bytes(b"no es sqlite" * 100)
    services = open_services(data_dir)
    try:
        services.abrir_empresa(ids[CLIENTES[1].rfc])
        with pytest.raises(StoreError) as refused:
            services.abrir_empresa(ids[CLIENTES[2].rfc])
        assert str(damaged) in refused.value.message
        assert services.empresa.rfc == CLIENTES[1].rfc
        assert [r.registro for r in services.registros.list()] == [CLIENTES[1].registro]
    finally:
        services.close()
