"""Recovering access when nobody can sign in: `python -m icsoe_desktop usuarios restablecer` and
`usuarios administrador`, run as real processes on the data folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from icsoe_desktop.domain.errors import AuthenticationError
from icsoe_desktop.services.acceso.accounts import Registration
from icsoe_desktop.services.container import open_services
from tests import preloaded

OLD = "Nom1na$Segura"
NEW = "Otra#Clave2026"


def run(args: list[str], data_dir: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return preloaded.run(
        [sys.executable, "-m", "icsoe_desktop", "--data-dir", str(data_dir), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
    )


@pytest.fixture
def two_users(tmp_path: Path) -> Path:
    services = open_services(tmp_path)
    for nombre, usuario in (("Ana", "ana@nominas.com"), ("Beto", "beto@nominas.com")):
        services.accounts.register(Registration(nombre, "Ruiz", "", usuario, OLD, OLD, True))
    services.close()
    return tmp_path


@pytest.mark.slow
@pytest.mark.end2end
def test_restablecer_sets_the_password_from_stdin_and_is_audited(two_users):
    result = run(["usuarios", "restablecer", "Beto@Nominas.com"], two_users, NEW + "\n")
    assert result.returncode == 0, result.stderr
    assert "Contraseña de beto@nominas.com restablecida" in result.stdout
    services = open_services(two_users)
    try:
        assert services.accounts.authenticate("beto@nominas.com", NEW).usuario == "beto@nominas.com"
        with pytest.raises(AuthenticationError):
            services.accounts.authenticate("beto@nominas.com", OLD)
        (entry,) = [
            e
            for e in services.audit_instalacion.recent()
            if e.action == "contrasena_restablecida_admin"
        ]
        assert (entry.actor, entry.target) == ("línea de comandos", "beto@nominas.com")
        assert NEW not in entry.detail
    finally:
        services.close()


@pytest.mark.slow
@pytest.mark.end2end
@pytest.mark.parametrize(
    ("args", "stdin", "said"),
    [
        (["nadie@nominas.com"], NEW, "El usuario nadie@nominas.com no existe."),
        (["beto@nominas.com"], "corta", "8 caracteres"),
        (["beto@nominas.com"], "", "No se recibió la contraseña nueva"),
    ],
)
def test_restablecer_refuses_in_spanish_and_changes_nothing(two_users, args, stdin, said):
    result = run(["usuarios", "restablecer", *args], two_users, stdin)
    assert result.returncode == 2
    assert said in result.stderr and "Traceback" not in result.stderr
    services = open_services(two_users)
    try:
        assert services.accounts.authenticate("beto@nominas.com", OLD)
    finally:
        services.close()


@pytest.mark.slow
@pytest.mark.end2end
def test_first_user_is_administrator_and_another_can_be_made_one(two_users):
    listed = run(["usuarios"], two_users).stdout.splitlines()
    assert listed == [
        "ana@nominas.com\tHabilitado\tAna Ruiz\tadministrador",
        "beto@nominas.com\tHabilitado\tBeto Ruiz",
    ]
    made = run(["usuarios", "administrador", "beto@nominas.com"], two_users)
    assert made.returncode == 0 and made.stdout.strip() == "beto@nominas.com es administrador."
    assert run(["usuarios"], two_users).stdout.splitlines()[1].endswith("\tadministrador")
    removed = run(["usuarios", "administrador", "--quitar", "ana@nominas.com"], two_users)
    assert removed.stdout.strip() == "ana@nominas.com ya no es administrador."
