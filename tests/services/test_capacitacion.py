"""Modo de capacitación: the SAT's test
authorities (its published test e.firma's «AC UAT») are trusted only while an administrator has
the mode on; turning it on or off is audited and kept in the installation's settings.

The SAT's real AC UAT certificate is not in the repository: a test authority made here stands
for it, as the real file will in a ``capacitacion`` folder of the emisores confiables."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from icsoe_desktop.domain.errors import DomainError
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.acceso.permisos import PermisoDenegado
from icsoe_desktop.services.certificados.emisores import CAPACITACION_DIR, MSG_PISTA_PRUEBAS
from icsoe_desktop.services.certificados.servicio import TRUSTED_DIR, Assignment
from tests import credentials_factory as cf
from tests.services.test_accounts import form as registro

ADMIN = "admin@empresa.com"
ANA = "ana.lopez@empresa.com"
REGISTRO = "Y5412345106"


@functools.cache
def ac_uat() -> cf.Issuer:
    """Stands for the SAT's «AC UAT»: an AC signed by a test root installed nowhere."""
    root = cf.self_signed_ca(
        cf.name((cf.OID_CN, cf.UTF8, b"A.C. 2 de pruebas(4096)")), cf.rsa_key(21)
    )
    subject = cf.name(
        (cf.OID_CN, cf.UTF8, b"AC UAT"),
        (cf.OID_O, cf.UTF8, b"SERVICIO DE ADMINISTRACION TRIBUTARIA"),
    )
    return cf.intermediate_ca(subject, cf.rsa_key(20), root)


def instalar_uat(data_dir: Path) -> Path:
    """Where IT copies the AC UAT certificate on this desktop."""
    folder = data_dir / TRUSTED_DIR / CAPACITACION_DIR
    folder.mkdir(parents=True)
    (folder / "AC_UAT.cer").write_bytes(ac_uat().certificate_der)
    return folder


@pytest.fixture
def instalacion(services, data_dir, tmp_path):
    services.accounts.register(registro(usuario=ADMIN))  # the first user administers
    services.accounts.register(registro(usuario=ANA))
    services.registros.save(REGISTRO, cf.RFC_MORAL, "Empresa Demo, S.A. de C.V.", ADMIN)
    instalar_uat(data_dir)
    cer, key = cf.fiel_moral(issuer=ac_uat()).write(tmp_path / "fiel_pruebas")
    return services, cer, key


def asignar(services, cer: Path, key: Path):
    return services.certificates.assign(
        Assignment(REGISTRO, cer, key, cf.RFC_MORAL, cf.PASSWORD), ADMIN
    )


def test_the_test_efirma_is_refused_with_the_way_to_the_mode_until_it_is_on(instalacion):
    services, cer, key = instalacion
    assert not services.settings.current.capacitacion.activo  # off by default
    with pytest.raises(DomainError) as certificados:
        asignar(services, cer, key)
    assert certificados.value.code == "efirma_emisor"
    assert "(emisor: AC UAT)" in certificados.value.message
    assert MSG_PISTA_PRUEBAS in certificados.value.message
    with pytest.raises(DomainError) as icsoe:
        services.contratistas.validar_fiel(cf.RFC_MORAL, cer, key, cf.PASSWORD)
    assert icsoe.value.code == "efirma_emisor" and MSG_PISTA_PRUEBAS in icsoe.value.message

    assert services.settings.save_capacitacion(True, ADMIN)
    assert asignar(services, cer, key).estado == "vigente"
    fiel = services.contratistas.validar_fiel(cf.RFC_MORAL, cer, key, cf.PASSWORD)
    assert fiel.rfc == cf.RFC_MORAL and fiel.emisor == "AC UAT"
    listed = {e.nombre: e for e in services.certificates.emisores.listar()}
    assert listed["AC UAT"].capacitacion and listed["AC UAT"].incluido  # not removable here

    assert services.settings.save_capacitacion(False, ADMIN)
    with pytest.raises(DomainError):  # off again: the production trust only
        services.contratistas.validar_fiel(cf.RFC_MORAL, cer, key, cf.PASSWORD)
    rows = {r.registro: r for r in services.certificates.rows()}
    assert not rows[REGISTRO].emisor_verificado
    assert "AC UAT" not in {e.nombre for e in services.certificates.emisores.listar()}


def test_turning_it_on_and_off_is_audited_kept_and_for_an_administrator(instalacion, data_dir):
    services, _cer, _key = instalacion
    with pytest.raises(PermisoDenegado) as refused:
        services.settings.save_capacitacion(True, ANA)
    assert "activar o desactivar el modo de capacitación" in refused.value.message
    assert not services.settings.current.capacitacion.activo
    assert services.settings.save_capacitacion(True, ADMIN)
    assert not services.settings.save_capacitacion(True, ADMIN)  # no change: not audited again
    assert services.settings.save_capacitacion(False, CLI_ACTOR)
    audit = [
        (r.action, r.actor)
        for r in services.audit_instalacion.recent()
        if r.action.startswith("modo_capacitacion")
    ]
    assert audit == [
        ("modo_capacitacion_desactivado", CLI_ACTOR),
        ("modo_capacitacion_activado", ADMIN),
    ]
    services.settings.save_capacitacion(True, ADMIN)
    assert "[capacitacion]" in (data_dir / "settings.toml").read_text(encoding="utf-8")


def test_the_mode_survives_a_restart_and_a_hand_edited_value_does_not_turn_it_on(data_dir):
    from icsoe_desktop.services.container import open_services

    settings = data_dir / "settings.toml"
    settings.write_text('[capacitacion]\nactivo = "sí"\n', encoding="utf-8")
    services = open_services(data_dir)
    try:
        assert not services.settings.current.capacitacion.activo
        services.settings.save_capacitacion(True, CLI_ACTOR)
    finally:
        services.close()
    again = open_services(data_dir)
    try:
        assert again.settings.current.capacitacion.activo
        assert again.settings_empresa.current.capacitacion.activo  # the installation's, always
    finally:
        again.close()


def test_with_the_mode_on_and_no_ac_uat_installed_it_says_where_it_goes(
    services, data_dir, tmp_path
):
    services.accounts.register(registro(usuario=ADMIN))
    services.settings.save_capacitacion(True, ADMIN)
    cer, key = cf.fiel_moral(issuer=ac_uat()).write(tmp_path / "fiel_pruebas")
    with pytest.raises(DomainError) as icsoe:
        services.contratistas.validar_fiel(cf.RFC_MORAL, cer, key, cf.PASSWORD)
    carpeta = str(data_dir / TRUSTED_DIR / CAPACITACION_DIR)
    assert f"«{carpeta}»" in icsoe.value.message
    assert "El modo de capacitación está activo" in icsoe.value.message
