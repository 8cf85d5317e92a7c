"""`informativa firmar` as a real process: the contratista of the e.firma signs its informativa
with the password on standard input, by the window's rules; the signed informativa then
exports the same bytes and its constancia de firma stays valid whatever is edited afterwards."""

from __future__ import annotations

from dataclasses import replace

import pytest

from icsoe_desktop.domain.informativa.modelo import FIRMADA, Periodo
from icsoe_desktop.domain.roles import CLI_ACTOR
from icsoe_desktop.services.contratistas import DatosGenerales
from icsoe_desktop.services.informativa.captura import ContratoDatos
from tests import credentials_factory as cf
from tests.icsoe_helpers import enter_contratista
from tests.informativa_servicios import CLIENTE, PERIODO, contrato_con_trabajadores
from tests.test_cli_informativa import cli

CON_PROBLEMAS = Periodo(2026, 1)


def _exportar(data_dir, rfc, carpeta) -> dict[str, bytes]:
    carpeta.mkdir()
    hecho = cli(data_dir, "informativa", "exportar", carpeta, "--contratista", rfc,
                "--periodo", PERIODO.clave)  # fmt: skip
    assert hecho.returncode == 0, hecho.stderr
    return {p.name: p.read_bytes() for p in sorted(carpeta.iterdir())}


@pytest.mark.slow
@pytest.mark.end2end
def test_firmar_signs_by_the_windows_rules_and_the_signed_informativa_never_changes(
    services, data_dir, tmp_path
):
    rfc = enter_contratista(services, data_dir, tmp_path)
    uuid = services.informativas.crear(rfc, CLI_ACTOR, PERIODO)
    contrato = contrato_con_trabajadores(services, rfc, CLI_ACTOR, uuid, trabajadores=4)
    # Another period's informativa with a contract missing its objeto and its workers.
    otra = services.informativas.crear(rfc, CLI_ACTOR, CON_PROBLEMAS)
    contratante = services.informativas.contrato(contrato, CLI_ACTOR).contratante
    services.informativas.guardar_contrato(
        otra, CLI_ACTOR, ContratoDatos(contratante, "", "12345/2025", "Limpieza", None)
    )
    services.close()
    cer, key = tmp_path / "fiel" / f"{rfc}.cer", tmp_path / "fiel" / f"{rfc}.key"
    salida = tmp_path / "salida"
    salida.mkdir()

    def firmar(*args, contrasena: str = cf.PASSWORD, periodo: Periodo = PERIODO):
        return cli(data_dir, "informativa", "firmar", "--periodo", periodo.clave, *args,
                   input=contrasena + "\n", cwd=salida)  # fmt: skip

    # Refused, each with its message and nothing written: a wrong password, a CSD, an e.firma
    # of an issuer that is not trusted, an informativa with problems.
    mala = firmar("--cer", cer, "--key", key, contrasena="otra-contraseña")
    assert mala.returncode == 2 and "contraseña" in mala.stderr.lower()
    csd_cer, csd_key = cf.csd().write(tmp_path / "csd")
    sello = firmar("--cer", csd_cer, "--key", csd_key)
    assert sello.returncode == 2
    assert "Certificado de Sello Digital (CSD), no una e.firma" in sello.stderr
    ajena = cf.self_signed_ca(cf.sat_ca().name_der, cf.rsa_key(12))
    falsa_cer, falsa_key = cf.fiel_moral(issuer=ajena).write(tmp_path / "falsa")
    falsa = firmar("--cer", falsa_cer, "--key", falsa_key)
    assert falsa.returncode == 2
    assert "no fue emitida por una autoridad certificadora confiable del SAT" in falsa.stderr
    problemas = firmar("--cer", cer, "--key", key, periodo=CON_PROBLEMAS)
    assert problemas.returncode == 2
    assert "La informativa tiene 2 inconsistencias: usa Revisar" in problemas.stderr
    assert "- " in problemas.stderr  # each one on its own line
    sin_informativa = firmar("--cer", cer, "--key", key, "--tipo", "correccion")
    assert sin_informativa.returncode == 2
    assert sin_informativa.stderr.strip() == (
        f"El contratista {rfc} no tiene informativa Complementaria de Corrección del periodo "
        "mayo–agosto 2026."
    )
    for hecho in (mala, sello, falsa, problemas, sin_informativa):
        assert "Traceback" not in hecho.stderr
    assert list(salida.iterdir()) == []

    # Signed: the constancia beside the current folder, under a name that says what it is.
    firmado = firmar("--cer", cer, "--key", key, "--tipo", "normal")
    assert firmado.returncode == 0, firmado.stderr
    acuse = salida / f"Constancia_firma_ICSOE_{rfc}_{PERIODO.clave}.pdf"
    assert firmado.stdout.strip() == f"Informativa firmada. Constancia de firma: {acuse}"
    assert acuse.read_bytes().startswith(b"%PDF")
    otra_vez = firmar("--cer", cer, "--key", key)
    assert otra_vez.returncode == 2 and "Ya existe" in otra_vez.stderr
    otra_vez = firmar("--cer", cer, "--key", key, "--constancia", tmp_path / "otro.pdf")
    assert (otra_vez.returncode, otra_vez.stderr.strip()) == (2, "La informativa ya está firmada.")
    assert not (tmp_path / "otro.pdf").exists()

    # After signing, the contratante (also in an informativa still in capture) and the
    # contratista's Teléfono fijo change: the signed informativa exports the same bytes and its
    # constancia is still valid.
    antes = _exportar(data_dir, rfc, tmp_path / "antes")
    from icsoe_desktop.services.container import open_services

    services = open_services(data_dir)
    try:
        assert services.informativas.fila(uuid, CLI_ACTOR).estado == FIRMADA
        nuevo = replace(
            CLIENTE,
            nombre="Cliente Uno Renombrado, S.A. de C.V.",
            domicilio=replace(CLIENTE.domicilio, calle="Insurgentes Sur", numero_exterior="1"),
            telefono_fijo="5500001111",
        )
        _, avisos = services.informativas.guardar_contratante(
            rfc, CLI_ACTOR, nuevo, uuid=contratante
        )
        assert "1 informativa firmada, que no cambia" in avisos[-1]
        sesion = services.contratistas.guardar_datos_generales(
            rfc,
            DatosGenerales(
                "avisos@empresa.com.mx", "5512345678", "5599887766", domicilio_igual_fiscal=True
            ),
        )
        assert "1 informativa firmada, que no cambia" in sesion.aviso
        informativa = services.informativas.informativa(otra, CLI_ACTOR)
        assert informativa.contratos[0].contratante.nombre == nuevo.nombre
    finally:
        services.close()
    assert _exportar(data_dir, rfc, tmp_path / "despues") == antes
    valido = cli(data_dir, "informativa", "verificar", acuse, "--cer", cer)
    assert valido.returncode == 0, valido.stdout
    assert valido.stdout.startswith("La constancia de firma es válida: EDE0101018A2, ")
